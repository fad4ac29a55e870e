/// One invalid input field, named as the API names it (snake_case).
public struct FieldError: Sendable, Equatable {
    public let field: String
    public let message: String

    /// `field` may be a name the client made up (an unknown member, parameter or CSV column):
    /// beyond `maximumFieldLength` Unicode scalars it is cut, so a 40 KB name is not echoed back
    /// whole (scalars, not characters: one character may join any number of them).
    public init(_ field: String, _ message: String) {
        let scalars = field.unicodeScalars
        self.field = field.utf8.count > Self.maximumFieldLength && scalars.count > Self.maximumFieldLength
            ? String(String.UnicodeScalarView(scalars.prefix(Self.maximumFieldLength))) + "…" : field
        self.message = message
    }

    /// The longest field name quoted whole, in Unicode scalars; the API's own are far shorter.
    public static let maximumFieldLength = 100
}

/// What can go wrong in the domain, with no HTTP in it; the API layer maps
/// each case to a status and a problem type exactly once.
public enum DomainError: Error, Equatable, Sendable {
    /// Input that is well-formed but breaks a rule.
    case invalid([FieldError])
    /// The entity does not exist (or the caller may not know it exists).
    case notFound(entity: String, id: String)
    /// The change conflicts with current state (duplicate code, still referenced, stock below zero);
    /// `errors` names the fields, where a request has many that conflict (an import's rows).
    case conflict(String, errors: [FieldError] = [])
    /// The caller's `If-Match` version is not the current one, or (`excludedByIfNoneMatch`) its
    /// `If-None-Match` names the current one.
    case staleVersion(current: Int64, excludedByIfNoneMatch: Bool = false)
    /// The caller is known but not allowed to do this.
    case forbidden(String)

    public static func invalid(_ field: String, _ message: String) -> DomainError {
        .invalid([FieldError(field, message)])
    }
}

extension DomainError: CustomStringConvertible {
    /// What a person at a terminal reads (`ocop token create` prints it): the rule broken, not
    /// the enum.
    public var description: String {
        switch self {
        case .invalid(let errors): return errors.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
        case .notFound(let entity, let id): return "\(entity) \(id) does not exist"
        case .conflict(let detail, _): return detail
        case .staleVersion(let current, excludedByIfNoneMatch: false): return "the item changed meanwhile (now version \(current))"
        case .staleVersion(let current, excludedByIfNoneMatch: true): return "If-None-Match names the current version \(current)"
        case .forbidden(let detail): return detail
        }
    }
}

extension FieldError {
    /// Checks a free-text field that may be absent but, when given, is not blank and not too
    /// long (in characters, what a person counts); the one rule every text field of the API shares.
    static func checkText(_ field: String, _ value: String?, max: Int, required: Bool = false, into errors: inout [FieldError]) {
        guard let value else { return }
        if value.isBlank {
            errors.append(FieldError(field, required ? "must not be empty" : "must not be blank; use null to clear it"))
        } else if value.hasMoreCharacters(than: max) {
            errors.append(FieldError(field, "must be at most \(max) characters"))
        }
    }
}

/// Who runs a booth: one of our registered producers, or an exhibitor from outside the
/// registry (a producer of another province, a partner enterprise). Exactly one of the two,
/// so a booth with both or neither cannot be built.
public enum Exhibitor: Sendable, Equatable {
    /// A producer of ours (`producers.id`). Our producers count as local: the registry holds the
    /// province's producers, and producers carry no province of their own.
    case producer(id: Int64)
    /// An exhibitor outside the registry, with the province it comes from.
    case outside(name: String, province: String)

    /// Whether the booth's takings count as the province's own: a producer of ours, or an
    /// outside exhibitor from the home province (compared folded, `Province.isHome`).
    public var isLocal: Bool {
        switch self {
        case .producer: true
        case .outside(_, let province): Province.isHome(province)
        }
    }

    /// The producer's id, for a booth of ours.
    public var producerID: Int64? {
        if case .producer(let id) = self { return id }
        return nil
    }
}

/// The fields of a booth a client writes.
public struct BoothFields: Sendable, Equatable {
    public var exhibitor: Exhibitor
    /// Products shown at the booth, in order. For a producer's booth they are that producer's;
    /// an outside exhibitor may list registered products too (products of other provinces are
    /// registered when our points of sale carry them), or none.
    public var productIDs: [Int64]

    /// Products a booth may list.
    public static let maximumProducts = 100

    public init(exhibitor: Exhibitor, productIDs: [Int64] = []) {
        self.exhibitor = exhibitor
        self.productIDs = productIDs
    }

    /// Rules that need no database: lengths and the product list's shape.
    public func validate() -> [FieldError] {
        var errors: [FieldError] = []
        switch exhibitor {
        case .producer(let id):
            if id <= 0 { errors.append(FieldError("producer_id", "must be a positive id")) }
        case .outside(let name, let province):
            FieldError.checkText("exhibitor_name", name, max: 200, required: true, into: &errors)
            FieldError.checkText("province", province, max: 100, required: true, into: &errors)
        }
        if productIDs.count > Self.maximumProducts {
            errors.append(FieldError("product_ids", "may list at most \(Self.maximumProducts) products"))
        }
        var seen = Set<Int64>()
        for (i, id) in productIDs.enumerated() {
            if id <= 0 { errors.append(FieldError("product_ids[\(i)]", "must be a positive id")) }
            else if !seen.insert(id).inserted { errors.append(FieldError("product_ids[\(i)]", "repeats product \(id)")) }
        }
        return errors
    }
}

/// A booth at a fair.
public struct Booth: Sendable, Equatable {
    public let id: Int64
    /// The fair it stands at; a booth never moves to another fair.
    public let fairID: Int64
    public var fields: BoothFields
    public let createdAt: Timestamp
    public var updatedAt: Timestamp
    public var version: Int64

    public init(id: Int64, fairID: Int64, fields: BoothFields, createdAt: Timestamp, updatedAt: Timestamp, version: Int64) {
        self.id = id
        self.fairID = fairID
        self.fields = fields
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }

    /// Derived from the exhibitor (`Exhibitor.isLocal`).
    public var isLocal: Bool { fields.exhibitor.isLocal }
}

import JSON

/// What an inspection checked.
public enum InspectionKind: String, CaseIterable, Sendable {
    case foodSafety = "food_safety"
    case labeling
    case packaging
    case intellectualProperty = "intellectual_property"
    case other
}

/// Whether the product passed.
public enum InspectionResult: String, CaseIterable, Sendable {
    case pass
    case fail
}

/// An inspection of one OCOP product by a competent agency (quality monitoring after certification).
public struct Inspection: Sendable, Equatable {
    public let id: Int64
    /// The inspected product; fixed at creation (an inspection of another product is another record).
    public let productID: Int64
    /// The product's code and name when read (for exports people read); not part of the inspection.
    public var product: InspectedProduct
    public var fields: InspectionFields
    public let createdAt: Timestamp
    public var updatedAt: Timestamp
    public var version: Int64
}

/// How people recognise a product in a list: its code and name.
public struct InspectedProduct: Sendable, Equatable {
    public let code: String
    public let name: String
}

/// The fields a client writes. Text is NFC.
public struct InspectionFields: Sendable, Equatable {
    public var inspectedOn: CivilDate
    public var agency: String
    public var kind: InspectionKind
    public var result: InspectionResult
    /// What the inspectors found; required for a failed inspection, which must say why.
    public var findings: String?

    public init(inspectedOn: CivilDate, agency: String, kind: InspectionKind, result: InspectionResult, findings: String? = nil) {
        self.inspectedOn = inspectedOn
        self.agency = agency
        self.kind = kind
        self.result = result
        self.findings = findings
    }

    /// A failed food-safety inspection puts the product under review until an officer decides:
    /// food safety is the one failure that may cost the product its stars (DOMAIN.md "violation
    /// found in inspection"); labelling or packaging findings are fixed by the producer.
    public var flagsProductForReview: Bool { kind == .foodSafety && result == .fail }

    /// Rules beyond types. `today` is the calendar day in Asia/Ho_Chi_Minh: an inspection
    /// is recorded after it happened, never ahead of time.
    public func validate(today: CivilDate) -> [FieldError] {
        var errors: [FieldError] = []
        if inspectedOn > today {
            errors.append(FieldError("inspected_on", "must not be after today (\(today), Asia/Ho_Chi_Minh)"))
        }
        FieldError.checkText("agency", agency, max: 200, required: true, into: &errors)
        FieldError.checkText("findings", findings, max: 4000, into: &errors)
        if result == .fail && findings == nil {
            errors.append(FieldError("findings", "is required when the result is fail: say what failed"))
        }
        return errors
    }

    /// The fields under their API names; also what the audit log records.
    public var jsonObject: JSONObject {
        JSONObject([
            ("inspected_on", .string(inspectedOn.description)),
            ("agency", .string(agency)),
            ("kind", .string(kind.rawValue)),
            ("result", .string(result.rawValue)),
            ("findings", findings.map(JSONValue.string) ?? .null),
        ])
    }
}

/// Filters and paging for inspection lists, newest first (`inspected_on`, then id).
public struct InspectionQuery: Sendable {
    public var productID: Int64?
    public var kind: InspectionKind?
    public var result: InspectionResult?
    /// First day included.
    public var from: CivilDate?
    /// Last day included.
    public var to: CivilDate?
    public var limit: PageSize = .default
    public var cursor: Cursor?

    public init() {}
}

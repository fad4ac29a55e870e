/// What is grown or raised in a raw-material area.
public enum AreaKind: String, CaseIterable, Sendable {
    case cultivation
    case aquaculture
    case livestock
    case forest
}

/// The good-practice schemes an area can be certified under (VietGAP for crops and
/// aquaculture, VietGAHP for livestock, organic per TCVN 11041).
public enum CertificationScheme: String, CaseIterable, Sendable {
    case vietGAP = "VietGAP"
    case vietGAHP = "VietGAHP"
    case organic
    case other
}

/// One certificate an area holds, valid from `validFrom` to `validUntil`, both days included.
public struct AreaCertification: Sendable, Equatable {
    public var scheme: CertificationScheme
    public var number: String
    public var validFrom: CivilDate
    public var validUntil: CivilDate

    public init(scheme: CertificationScheme, number: String, validFrom: CivilDate, validUntil: CivilDate) {
        self.scheme = scheme
        self.number = number
        self.validFrom = validFrom
        self.validUntil = validUntil
    }

    /// Whether the certificate covers `day` (the calendar day in Asia/Ho_Chi_Minh for "today").
    public func isValid(on day: CivilDate) -> Bool { Self.isValid(from: validFrom, until: validUntil, on: day) }

    public static func isValid(from: CivilDate, until: CivilDate, on day: CivilDate) -> Bool { from <= day && day <= until }
}

/// A registered raw-material area (vùng nguyên liệu) with its growing-area code.
public struct RawMaterialArea: Sendable, Equatable {
    public let id: Int64
    public var fields: RawMaterialAreaFields
    /// Products made from this area (`product_areas`); maintained by the products resource, read-only here.
    public var productIDs: [Int64]
    public let createdAt: Timestamp
    public var updatedAt: Timestamp
    public var version: Int64

    /// Whether some certification's derived `valid` flipped between the day this version was
    /// written and `today`: the version alone cannot tell, so a conditional GET must not get 304.
    public func validityChangedSinceUpdate(today: CivilDate) -> Bool {
        let writtenOn = CivilDate.today(at: updatedAt)
        guard writtenOn < today else { return false }
        for certification in fields.certifications {
            // `valid` turns on at the start of valid_from and off at the start of the day after valid_until.
            for transition in [certification.validFrom, certification.validUntil.adding(days: 1)]
            where writtenOn < transition && transition <= today {
                return true
            }
        }
        return false
    }
}

/// The fields a client writes. Text is NFC; optional fields are nil when unknown.
public struct RawMaterialAreaFields: Sendable, Equatable {
    /// Certifications one area may list; more is a data-entry mistake, not a real area.
    public static let maxCertifications = 20
    /// Largest area accepted, in m² (100,000 km²): a guard against unit mistakes, not a legal limit.
    public static let maxAreaM2: Int64 = 100_000_000_000

    public var code: String
    public var name: String?
    public var kind: AreaKind
    /// Whole square metres: 322.35 ha is 3,223,500 m². Integers keep sums exact in reports.
    public var areaM2: Int64
    public var commune: String?
    public var district: String?
    public var producerID: Int64?
    public var market: MarketScope
    /// In the order the client gave; PUT and PATCH replace the list as a whole.
    public var certifications: [AreaCertification]

    public init(code: String, name: String? = nil, kind: AreaKind, areaM2: Int64, commune: String? = nil,
                district: String? = nil, producerID: Int64? = nil, market: MarketScope,
                certifications: [AreaCertification] = []) {
        self.code = code
        self.name = name
        self.kind = kind
        self.areaM2 = areaM2
        self.commune = commune
        self.district = district
        self.producerID = producerID
        self.market = market
        self.certifications = certifications
    }

    /// Rules beyond types. Returns every broken rule at once; certification errors are
    /// named `certifications[i].field` so a form can point at the right row.
    public func validate() -> [FieldError] {
        var errors: [FieldError] = []
        if let error = SiteCode.validate(code) { errors.append(error) }
        FieldError.checkText("name", name, max: 200, into: &errors)
        FieldError.checkText("commune", commune, max: 100, into: &errors)
        FieldError.checkText("district", district, max: 100, into: &errors)
        if !(1...Self.maxAreaM2).contains(areaM2) {
            errors.append(FieldError("area_m2", "must be a whole number of square metres from 1 to \(Self.maxAreaM2)"))
        }
        if let producerID, producerID < 1 { errors.append(FieldError("producer_id", "must be a positive id")) }
        if certifications.count > Self.maxCertifications {
            errors.append(FieldError("certifications", "must hold at most \(Self.maxCertifications) certifications"))
        }
        var seen = Set<String>()
        for (i, certification) in certifications.enumerated() {
            let prefix = "certifications[\(i)]."
            FieldError.checkText(prefix + "number", certification.number, max: 100, required: true, into: &errors)
            if certification.validFrom > certification.validUntil {
                errors.append(FieldError(prefix + "valid_until", "must not be before valid_from (\(certification.validFrom))"))
            }
            // The same certificate listed twice would count its area twice in the reports by scheme.
            if !seen.insert(certification.scheme.rawValue + "\u{1F}" + certification.number).inserted {
                errors.append(FieldError(prefix + "number", "is listed twice for \(certification.scheme.rawValue)"))
            }
        }
        return errors
    }
}

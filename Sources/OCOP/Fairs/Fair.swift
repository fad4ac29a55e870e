/// What sort of trade-promotion event a fair is (the article's categories: provincial fairs,
/// fairs and product weeks in the province, domestic and international programmes).
public enum FairKind: String, CaseIterable, Sendable {
    case provincialFair = "provincial_fair"
    case localFair = "local_fair"
    case productWeek = "product_week"
    case domesticProgramme = "domestic_programme"
    case internationalProgramme = "international_programme"
}

/// Where a fair stands on a day, derived from its dates (never stored).
public enum FairStatus: String, CaseIterable, Sendable {
    /// It starts after today.
    case planned
    /// Today is one of its days.
    case running
    /// Its last day is before today.
    case ended

    /// The status on `today` (the calendar day in Asia/Ho_Chi_Minh); both dates are fair days.
    public static func on(_ today: CivilDate, startsOn: CivilDate, endsOn: CivilDate) -> FairStatus {
        if today < startsOn { return .planned }
        if today > endsOn { return .ended }
        return .running
    }
}

/// A fair, product week or trade-promotion programme, in the province or outside it.
public struct Fair: Sendable, Equatable {
    /// Server-assigned id.
    public let id: Int64
    /// What clients write.
    public var fields: FairFields
    /// When it was registered.
    public let createdAt: Timestamp
    /// When its stored fields last changed.
    public var updatedAt: Timestamp
    /// Grows by one on every change; the ETag.
    public var version: Int64

    /// A fair as stored.
    public init(id: Int64, fields: FairFields, createdAt: Timestamp, updatedAt: Timestamp, version: Int64) {
        self.id = id
        self.fields = fields
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }

    /// The derived status on `today`.
    public func status(on today: CivilDate) -> FairStatus {
        FairStatus.on(today, startsOn: fields.startsOn, endsOn: fields.endsOn)
    }

    /// Whether `status` may have changed since the version was written (it turns `running` on
    /// the first day and `ended` the day after the last): a conditional GET must not then answer
    /// 304 for the old version, since the representation it validated said something else.
    public func derivedStateChangedSinceUpdate(today: CivilDate) -> Bool {
        let writtenOn = CivilDate.today(at: updatedAt)
        return [fields.startsOn, fields.endsOn.adding(days: 1)].contains { writtenOn < $0 && $0 <= today }
    }
}

/// The fields of a fair a client writes. Text is NFC; optional fields are nil when unknown.
public struct FairFields: Sendable, Equatable {
    /// Vietnamese name, e.g. "Hội chợ OCOP Quảng Ninh - Hè 2024".
    public var name: String
    public var kind: FairKind
    /// First day (inclusive).
    public var startsOn: CivilDate
    /// Last day (inclusive); not before `startsOn`.
    public var endsOn: CivilDate
    /// Where it is held, e.g. "Cung Quy hoạch, Hội chợ và Triển lãm tỉnh".
    public var venue: String?
    public var commune: String?
    public var district: String?
    /// The province it is held in: fairs elsewhere that our producers attend are recorded too.
    public var province: String
    public var organizer: String?
    /// People who came, as counted by the organiser; officers may correct it at any time.
    public var visitors: Int64

    /// The longest event accepted: a year catches a mistyped year without limiting real programmes.
    public static let maximumDays = 366
    /// A ceiling that catches typing slips (ten million visitors).
    public static let maximumVisitors: Int64 = 10_000_000

    /// Fields as given; call `validate()` for the rules.
    public init(name: String, kind: FairKind, startsOn: CivilDate, endsOn: CivilDate, venue: String? = nil,
                commune: String? = nil, district: String? = nil, province: String = Province.home,
                organizer: String? = nil, visitors: Int64 = 0) {
        self.name = name
        self.kind = kind
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.venue = venue
        self.commune = commune
        self.district = district
        self.province = province
        self.organizer = organizer
        self.visitors = visitors
    }

    /// Whether it is held in the home province.
    public var isInHomeProvince: Bool { Province.isHome(province) }

    /// Rules that need no database: lengths, the date order and span, the visitor range.
    public func validate() -> [FieldError] {
        var errors: [FieldError] = []
        FieldError.checkText("name", name, max: 200, required: true, into: &errors)
        FieldError.checkText("venue", venue, max: 300, into: &errors)
        FieldError.checkText("commune", commune, max: 100, into: &errors)
        FieldError.checkText("district", district, max: 100, into: &errors)
        FieldError.checkText("province", province, max: 100, required: true, into: &errors)
        FieldError.checkText("organizer", organizer, max: 200, into: &errors)
        if endsOn < startsOn {
            errors.append(FieldError("ends_on", "must not be before starts_on (\(startsOn))"))
        } else if startsOn.days(until: endsOn) >= Self.maximumDays {
            errors.append(FieldError("ends_on", "must be within \(Self.maximumDays) days of starts_on"))
        }
        if !(0...Self.maximumVisitors).contains(visitors) {
            errors.append(FieldError("visitors", "must be an integer from 0 to \(Self.maximumVisitors)"))
        }
        return errors
    }
}

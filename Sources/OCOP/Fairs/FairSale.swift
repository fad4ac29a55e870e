/// Units of one product a booth sold on a day, and optionally what they brought in.
///
/// The day's `revenue_vnd` is the booth's takings; a line's `revenueVND` is the part of it one
/// product earned, when the booth knows it. Products are ranked by those amounts in the fair
/// report, and a day's only line without one by the day's takings (units alone say nothing
/// about money: a jar of honey and a box of tea differ).
public struct FairSaleLine: Sendable, Equatable {
    public var productID: Int64
    public var units: Int64
    public var revenueVND: Int64?

    public init(productID: Int64, units: Int64, revenueVND: Int64? = nil) {
        self.productID = productID
        self.units = units
        self.revenueVND = revenueVND
    }
}

/// The fields of a booth's sales entry for one day.
///
/// One entry per booth and day: it is the booth's statement of that day's takings, so a second
/// one for the same day is a conflict and a mistake is corrected in place (PATCH/PUT), never by
/// adding a counter-entry that a report would have to net out.
public struct FairSaleFields: Sendable, Equatable {
    /// A day of the fair (checked against the fair's dates by the store).
    public var day: CivilDate
    /// The booth's takings that day, whole đồng.
    public var revenueVND: Int64
    /// Optional per-product breakdown; only products the booth shows.
    public var lines: [FairSaleLine]

    /// A ceiling that catches typing slips: a trillion đồng for one booth in one day, 40 times the
    /// article's whole half year, and small enough that sums over millions of entries fit Int64.
    public static let maximumRevenueVND: Int64 = 1_000_000_000_000
    /// Units of one product in one entry.
    public static let maximumUnits: Int64 = 1_000_000_000
    /// Lines one entry may hold (a booth shows at most `BoothFields.maximumProducts`).
    public static let maximumLines = BoothFields.maximumProducts

    public init(day: CivilDate, revenueVND: Int64, lines: [FairSaleLine] = []) {
        self.day = day
        self.revenueVND = revenueVND
        self.lines = lines
    }

    /// Rules that need no database: ranges, repeated products, and lines that add up to no more
    /// than the day's takings.
    public func validate() -> [FieldError] {
        var errors: [FieldError] = []
        if !(0...Self.maximumRevenueVND).contains(revenueVND) {
            errors.append(FieldError("revenue_vnd", "must be an integer number of đồng from 0 to \(Self.maximumRevenueVND)"))
        }
        if lines.count > Self.maximumLines {
            errors.append(FieldError("units", "may list at most \(Self.maximumLines) products"))
        }
        var seen = Set<Int64>()
        var linesRevenue: Int64 = 0
        for (i, line) in lines.enumerated() {
            let prefix = "units[\(i)]."
            if line.productID <= 0 { errors.append(FieldError(prefix + "product_id", "must be a positive id")) }
            else if !seen.insert(line.productID).inserted {
                errors.append(FieldError(prefix + "product_id", "repeats product \(line.productID)"))
            }
            if !(0...Self.maximumUnits).contains(line.units) {
                errors.append(FieldError(prefix + "units", "must be an integer from 0 to \(Self.maximumUnits)"))
            }
            if let revenue = line.revenueVND {
                if !(0...Self.maximumRevenueVND).contains(revenue) {
                    errors.append(FieldError(prefix + "revenue_vnd", "must be an integer number of đồng from 0 to \(Self.maximumRevenueVND)"))
                } else {
                    linesRevenue += revenue   // at most 100 × 10^12: cannot overflow
                }
            }
        }
        if errors.isEmpty, linesRevenue > revenueVND {
            errors.append(FieldError("units", "the products' revenue_vnd add up to \(linesRevenue), more than the day's revenue_vnd (\(revenueVND))"))
        }
        return errors
    }
}

/// A booth's sales entry for one day of a fair.
public struct FairSale: Sendable, Equatable {
    public let id: Int64
    public let fairID: Int64
    public let boothID: Int64
    public var fields: FairSaleFields
    public let createdAt: Timestamp
    public var updatedAt: Timestamp
    public var version: Int64

    public init(id: Int64, fairID: Int64, boothID: Int64, fields: FairSaleFields, createdAt: Timestamp,
                updatedAt: Timestamp, version: Int64) {
        self.id = id
        self.fairID = fairID
        self.boothID = boothID
        self.fields = fields
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }
}

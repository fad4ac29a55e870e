/// How short a product is at a point of sale.
public enum StockStatus: String, CaseIterable, Sendable {
    /// Level 0.
    case out
    /// Level from 1 up to and including the product's threshold.
    case low

    /// The status of `level` under `threshold`; nil when the stock is sufficient.
    public static func of(level: Int64, threshold: Int64) -> StockStatus? {
        if level <= 0 { return .out }
        return level <= threshold ? .low : nil
    }
}

/// One line of the stock report: a product that is out or low at a point of sale.
public struct StockAlert: Sendable, Equatable {
    public let pointOfSaleID: Int64
    public let pointOfSaleCode: String
    public let pointOfSaleName: String
    public let productID: Int64
    public let productCode: String
    public let productName: String
    public let level: Int64
    /// The product's threshold in force (its own or `StockThreshold.defaultValue`).
    public let threshold: Int64
    public let status: StockStatus
    /// When the level last changed (server time).
    public let updatedAt: Timestamp?
}

/// Filters and paging for `GET /api/v1/reports/stock`, ordered by point of sale, then product.
///
/// Only products a point of sale has stocked at some time are considered (those with a level
/// there): a point of sale carries a selection of the catalogue, and a product it never had is
/// not "out of stock" there.
public struct StockReportQuery: Sendable {
    /// One point of sale only (a `pos` token always has its own here).
    public var pointOfSaleID: Int64?
    /// Only `out`, or only `low`; nil: both.
    public var status: StockStatus?
    public var limit: PageSize = .default
    public var cursor: Cursor?

    public init(pointOfSaleID: Int64? = nil, status: StockStatus? = nil) {
        self.pointOfSaleID = pointOfSaleID
        self.status = status
    }
}

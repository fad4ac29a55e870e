/// A product's low-stock threshold: at a point of sale, a level from 1 up to and including it
/// is "low" in the stock report (0 is "out"). One value per product, for every point of sale:
/// what counts as running low is a property of the product (a box of tea sells by the dozen,
/// a ceramic vase by the piece), and an office that watches 23 points keeps one number per product.
public struct StockThreshold: Sendable, Equatable {
    /// The threshold of every product no officer has set one for.
    public static let defaultValue: Int64 = 5
    /// Same bound as a stock level (`InventoryChange.maximumQuantity`): a threshold above any possible level is a typo.
    public static let maximumValue: Int64 = InventoryChange.maximumQuantity

    public let productID: Int64
    /// The threshold in force: the one set, or `defaultValue`.
    public let value: Int64
    /// True when none is set (never, or reset since): `value` is `defaultValue`.
    public let isDefault: Bool
    /// nil (and `version` 0) when no threshold was ever set for the product.
    public let createdAt: Timestamp?
    public let updatedAt: Timestamp?
    /// 0 when never set; grows by one with every set or reset, so an old ETag never matches again.
    public let version: Int64

    public init(productID: Int64, value: Int64, isDefault: Bool, createdAt: Timestamp?, updatedAt: Timestamp?, version: Int64) {
        self.productID = productID
        self.value = value
        self.isDefault = isDefault
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }

    /// The threshold of a product nobody ever set one for.
    public static func neverSet(productID: Int64) -> StockThreshold {
        StockThreshold(productID: productID, value: defaultValue, isDefault: true, createdAt: nil, updatedAt: nil, version: 0)
    }

    /// The rule for a new value; nil when it is acceptable.
    public static func validate(_ value: Int64) -> FieldError? {
        (0...maximumValue).contains(value) ? nil
            : FieldError("low_stock_threshold", "must be an integer from 0 to \(maximumValue)")
    }
}

/// How a sale was paid. Everything but cash counts towards the non-cash share.
public enum PaymentMethod: String, CaseIterable, Sendable {
    case cash
    case card
    case bankTransfer = "bank_transfer"
    case eWallet = "e_wallet"
}

/// One line of a sale: so many of a product at a unit price in whole đồng.
public struct SaleLine: Sendable, Equatable {
    public let productID: Int64
    public let quantity: Int64
    public let unitPriceVND: Int64

    public init(productID: Int64, quantity: Int64, unitPriceVND: Int64) {
        self.productID = productID
        self.quantity = quantity
        self.unitPriceVND = unitPriceVND
    }

    /// quantity × unit price; nil when it overflows Int64.
    public var amountVND: Int64? {
        let (amount, overflow) = quantity.multipliedReportingOverflow(by: unitPriceVND)
        return overflow ? nil : amount
    }
}

/// A sale as a terminal sends it. `saleID` makes it exactly-once: a retry carries the same one.
public struct SaleInput: Sendable, Equatable {
    public let saleID: ClientUUID
    /// Device time, with the offset it wrote.
    public let soldAt: Timestamp
    public let lines: [SaleLine]
    public let payment: PaymentMethod

    /// Lines one sale may carry.
    public static let maximumLines = 200
    /// A ceiling on one sale's total that catches typing slips: a trillion đồng, far above any
    /// one OCOP sale, and small enough that reports summing millions of sales fit Int64.
    /// Without it, two sales near Int64's limit from one terminal made every sales report and
    /// the overview covering that day unanswerable (outside audit).
    public static let maximumTotalVND: Int64 = 1_000_000_000_000

    public init(saleID: ClientUUID, soldAt: Timestamp, lines: [SaleLine], payment: PaymentMethod) {
        self.saleID = saleID
        self.soldAt = soldAt
        self.lines = lines
        self.payment = payment
    }

    /// Σ quantity and Σ quantity × unit price; nil when either overflows Int64.
    public var totals: (units: Int64, totalVND: Int64)? {
        var units: Int64 = 0
        var total: Int64 = 0
        for line in lines {
            guard let amount = line.amountVND else { return nil }
            let (u, o1) = units.addingReportingOverflow(line.quantity)
            let (t, o2) = total.addingReportingOverflow(amount)
            if o1 || o2 { return nil }
            (units, total) = (u, t)
        }
        return (units, total)
    }

    /// The change id of line `index` (0-based): derived from the sale id and the line number, so
    /// a retried sale names the same changes and the ledger can never count its stock twice.
    public func changeID(line index: Int) -> ClientUUID {
        ClientUUID.derived(from: "ocop-sale-line\u{1F}\(saleID.text)\u{1F}\(index + 1)")
    }

    /// The stock movements of the sale: one `sold` adjustment per line, at the time of sale.
    public var stockChanges: [InventoryChange] {
        lines.enumerated().map { i, line in
            InventoryChange(changeID: changeID(line: i), productID: line.productID, occurredAt: soldAt,
                            movement: .adjust(-line.quantity, .sold))
        }
    }

    /// Same sale: same instant, payment and lines in the same order (the offset is presentation).
    public func sameContent(as other: SaleInput) -> Bool {
        saleID == other.saleID && soldAt == other.soldAt && payment == other.payment && lines == other.lines
    }

    /// Rules beyond types. `now` is the server's clock.
    public func validate(now: Timestamp) -> [FieldError] {
        var errors: [FieldError] = []
        if let clock = InventoryChange.clockError(soldAt, now: now) { errors.append(FieldError("sold_at", clock)) }
        if lines.isEmpty || lines.count > Self.maximumLines {
            errors.append(FieldError("lines", "must hold 1 to \(Self.maximumLines) lines"))
        }
        for (i, line) in lines.enumerated() {
            if line.productID < 1 { errors.append(FieldError("lines[\(i)].product_id", "must be a positive id")) }
            if line.quantity < 1 || line.quantity > InventoryChange.maximumQuantity {
                errors.append(FieldError("lines[\(i)].quantity", "must be an integer from 1 to \(InventoryChange.maximumQuantity)"))
            }
            if line.unitPriceVND < 0 || line.unitPriceVND > ProductFields.maximumPriceVND {
                errors.append(FieldError("lines[\(i)].unit_price_vnd", "must be whole đồng from 0 to \(ProductFields.maximumPriceVND)"))
            }
        }
        if errors.isEmpty, (totals?.totalVND ?? .max) > Self.maximumTotalVND {
            errors.append(FieldError("lines", "the sale's total (Σ quantity × unit_price_vnd) must be at most \(Self.maximumTotalVND) đồng"))
        }
        return errors
    }
}

/// A recorded sale.
public struct Sale: Sendable, Equatable {
    public let id: Int64
    public let pointOfSaleID: Int64
    public let input: SaleInput
    /// The calendar day of `soldAt` in Asia/Ho_Chi_Minh (what daily reports group by).
    public let soldOn: CivilDate
    public let units: Int64
    public let totalVND: Int64
    public let createdAt: Timestamp
    /// Sales are immutable: always 1.
    public let version: Int64
}

/// Filters and paging for `GET /api/v1/points-of-sale/{id}/sales`: newest first.
public struct SaleQuery: Sendable {
    public var pointOfSaleID: Int64
    /// First and last calendar day (Asia/Ho_Chi_Minh), inclusive.
    public var from: CivilDate?
    public var to: CivilDate?
    public var payment: PaymentMethod?
    public var limit: PageSize = .default
    public var cursor: Cursor?

    public init(pointOfSaleID: Int64) { self.pointOfSaleID = pointOfSaleID }
}

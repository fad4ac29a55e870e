/// One page of a keyset-paginated list.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    /// Opaque cursor for the next page, nil on the last page.
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

/// Page size rules shared by every list (API.md "Lists").
public struct PageSize: Sendable, Equatable {
    public static let `default` = PageSize(unchecked: 50)
    public static let maximum = 500

    public let value: Int

    private init(unchecked value: Int) { self.value = value }

    /// nil when outside 1…500.
    public init?(_ value: Int) {
        guard (1...PageSize.maximum).contains(value) else { return nil }
        self.value = value
    }
}

/// One page of a keyset-paginated list.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    /// Opaque cursor for the next page, nil on the last page.
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    /// The page of `rows` fetched with `LIMIT limit.rowsToFetch`: the row past `limit`, if
    /// there is one, is dropped and only tells that a next page exists, whose cursor
    /// `cursor` makes from the last row kept.
    public init(fetched rows: [Item], limit: PageSize, cursor: (Item) -> String) {
        guard rows.count > limit.value else {
            self.init(items: rows, nextCursor: nil)
            return
        }
        let kept = Array(rows.prefix(limit.value))
        self.init(items: kept, nextCursor: kept.last.map(cursor))
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

    /// Rows a list query asks for (its `LIMIT`): one more than the page shows, to learn whether
    /// another follows.
    public var rowsToFetch: Int64 { Int64(value) + 1 }
}

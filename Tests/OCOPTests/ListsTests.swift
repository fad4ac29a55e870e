import JSON
import OCOP
import Testing

@Suite struct ListsTests {
    @Test func base64URLRoundTripsAndRejectsGarbage() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) }
            let encoded = Base64URL.encode(bytes)
            #expect(!encoded.contains("=") && !encoded.contains("+") && !encoded.contains("/"))
            #expect(Base64URL.decode(encoded) == bytes)
        }
        #expect(Base64URL.encode(Array("abc".utf8)) == "YWJj")
        #expect(Base64URL.decode("YQ") == Array("a".utf8))
        #expect(Base64URL.decode("Y") == nil)          // 6 bits cannot end a byte string
        #expect(Base64URL.decode("YW==") == nil)       // padding is not ours
        #expect(Base64URL.decode("YR") == nil)         // non-zero leftover bits: not canonical
    }

    @Test func cursorsAreOpaqueAndChecked() {
        let cursor = Cursor(sort: "name", values: ["0a1b", "42"])
        #expect(Cursor(encoded: cursor.encoded) == cursor)
        #expect(Cursor(encoded: "not a cursor!") == nil)
        #expect(Cursor(encoded: Base64URL.encode(Array("onlysort".utf8))) == nil)
    }

    @Test func pageSizeBounds() {
        #expect(PageSize(0) == nil)
        #expect(PageSize(501) == nil)
        #expect(PageSize(500)?.value == 500)
        #expect(PageSize.default.value == 50)
        #expect(PageSize(3)?.rowsToFetch == 4)
    }

    @Test func aFetchedPageDropsTheExtraRowAndPointsPastTheLastKept() throws {
        let limit = try #require(PageSize(3))
        let cursor = { (row: Int) in "after \(row)" }
        // One row more than the page: that row only says another page follows.
        let full = Page(fetched: [1, 2, 3, 4], limit: limit, cursor: cursor)
        #expect(full.items == [1, 2, 3])
        #expect(full.nextCursor == "after 3")
        // Exactly a page, or less: the last page.
        for rows in [[1, 2, 3], [1], []] {
            let last = Page(fetched: rows, limit: limit, cursor: cursor)
            #expect(last.items == rows)
            #expect(last.nextCursor == nil)
        }
    }

    @Test func auditDiffListsOnlyChangedFields() {
        let old = JSONObject([("name", "A"), ("phone", .null), ("kind", "household")])
        let new = JSONObject([("name", "A"), ("phone", "0912"), ("kind", "cooperative")])
        let diff = AuditLog.diff(old, new)
        #expect(diff.keys == ["phone", "kind"])
        #expect(diff["kind"]?["from"]?.stringValue == "household")
        #expect(diff["kind"]?["to"]?.stringValue == "cooperative")
    }
}

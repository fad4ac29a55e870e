import Dispatch
import Foundation
import JSON
import OCOP
import Synchronization
import Testing

/// The inventory ledger end to end, driven as terminals drive it: batches, retries over bad
/// links, two connections at once, the office's compare-and-set, and the pull feed.
@Suite struct InventoryAPITests {
    typealias P = PointOfSaleAPI
    let api: PointOfSaleAPI
    let point: Int64
    let products: [Int64]
    var client: TestClient { api.client }
    var admin: (String, String) { api.admin }

    init() throws {
        api = try PointOfSaleAPI()
        point = try api.pointOfSale("QN-DB-HL-01", name: "Trung tâm OCOP Hạ Long")
        products = try api.products(3)
    }

    @Test func theSameBatchSentTwiceIsAppliedOnce() throws {
        let terminal = try api.terminal(point)
        let batch = [P.count(1, products[0], 20, at: 0), P.adjust(2, products[0], -3, "sold", at: 5),
                     P.adjust(3, products[1], 6, "received", at: 2)]
        let first = try api.postChanges(point, batch, as: terminal)
        #expect(first.status == 200, "\(first.text)")
        #expect(try P.outcomes(first) == ["applied", "applied", "applied"])
        let json = try first.json
        #expect(json["applied"]?.int64Value == 3 && json["duplicates"]?.int64Value == 0)
        let levels = try #require(json["levels"]?.arrayValue)
        #expect(levels.map { $0["level"]?.int64Value } == [17, 6])
        #expect(levels[0]["product_code"]?.stringValue == "SP-1")
        #expect(levels[0]["last_count_at"]?.stringValue == "2025-03-08T02:00:00Z")

        let again = try api.postChanges(point, batch, as: terminal)
        #expect(again.status == 200)
        #expect(try P.outcomes(again) == ["duplicate", "duplicate", "duplicate"])
        #expect(try again.json["levels"]?.arrayValue?.map { $0["level"]?.int64Value } == [17, 6])
        #expect(try api.level(point, products[0]) == 17)
        // An Idempotency-Key works as on any POST, on top of the change ids.
        let keyed = try client.request("POST", "/api/v1/points-of-sale/\(point)/inventory/changes",
                                       headers: [terminal, ("Idempotency-Key", "batch-7")],
                                       body: P.batch([P.adjust(4, products[2], 2, "received", at: 0)]))
        let replay = try client.request("POST", "/api/v1/points-of-sale/\(point)/inventory/changes",
                                        headers: [terminal, ("Idempotency-Key", "batch-7")],
                                        body: P.batch([P.adjust(4, products[2], 2, "received", at: 0)]))
        #expect(keyed.status == 200 && replay.status == 200)
        #expect(replay.header("Idempotent-Replayed") == "true")
        #expect(try api.level(point, products[2]) == 2)
    }

    /// A UUID is the same in either case (RFC 9562 §4): the ledger stores one form, and the
    /// answer gives each id back as the terminal wrote it, so comparing text finds its own.
    @Test func changeIDsAreMatchedInEitherCaseAndEchoedAsSent() throws {
        let upper = "3F2B6C1E-9A7D-4E2F-8B1A-0C5D7E9F1A2B"
        let change = #"{"change_id":"\#(upper)","product_id":\#(products[0]),"occurred_at":"\#(P.at(0))","adjust":4,"reason":"received"}"#
        let first = try api.postChanges(point, [change])
        #expect(try first.json["results"]?.arrayValue?.first?["change_id"]?.stringValue == upper)
        let lower = change.replacingOccurrences(of: upper, with: upper.lowercased())
        let again = try api.postChanges(point, [lower])
        #expect(try P.outcomes(again) == ["duplicate"])
        #expect(try again.json["results"]?.arrayValue?.first?["change_id"]?.stringValue == upper.lowercased())
        #expect(try api.level(point, products[0]) == 4)
    }

    @Test func theSameBatchFromTwoConnectionsAtOnceIsAppliedOnce() throws {
        let terminal = try api.terminal(point)
        let body = P.batch((1...20).map { P.adjust($0, products[$0 % 3], 1, "received", at: $0) })
        let path = "/api/v1/points-of-sale/\(point)/inventory/changes"
        let port = api.server.port
        for round in 0..<3 {
            let bodyForRound = body.replacingOccurrences(of: "00000000-0000-4000-8000", with: "0000000\(round)-0000-4000-8000")
            let results = Mutex<[(Int, [String])]>([])
            DispatchQueue.concurrentPerform(iterations: 2) { _ in
                guard let connection = try? TestClient(port: port),
                      let response = try? connection.request("POST", path, headers: [terminal], body: bodyForRound) else { return }
                let outcomes = (try? P.outcomes(response)) ?? []
                results.withLock { $0.append((response.status, outcomes)) }
            }
            let all = results.withLock { $0 }
            #expect(all.map(\.0) == [200, 200])
            #expect(all.filter { $0.1 == Array(repeating: "applied", count: 20) }.count == 1)
            #expect(all.filter { $0.1 == Array(repeating: "duplicate", count: 20) }.count == 1)
        }
        #expect(try products.map { try api.level(point, $0) } == [18, 21, 21])
    }

    @Test func aBatchWithOneBadChangeChangesNothing() throws {
        #expect(try api.postChanges(point, [P.count(1, products[0], 5, at: 0)]).status == 200)
        let bad = try api.postChanges(point, [P.adjust(2, products[0], 3, "received", at: 1), P.adjust(3, 999, 1, "received", at: 1),
                                              P.adjust(4, products[1], 2, "sold", at: 1)])
        #expect(bad.status == 422)
        #expect(try P.errorFields(bad) == ["changes[1].product_id", "changes[2].adjust"])
        #expect(try api.level(point, products[0]) == 5)
        #expect(try api.level(point, products[1]) == 0)
        // Malformed changes, each named precisely.
        let id = P.id(9), when = P.at(1), p = products[0]
        let malformed = try api.postChanges(point, [
            #"{"change_id":"not-a-uuid","product_id":\#(p),"occurred_at":"\#(when)","count":1}"#,
            #"{"change_id":"\#(id)","product_id":\#(p),"occurred_at":"2025-03-08 09:00","count":1}"#,
            #"{"change_id":"\#(id)","product_id":\#(p),"occurred_at":"\#(when)","count":1,"adjust":2,"reason":"received"}"#,
            #"{"change_id":"\#(id)","product_id":\#(p),"occurred_at":"\#(when)","adjust":2}"#,
            #"{"change_id":"\#(id)","product_id":\#(p),"occurred_at":"\#(when)","count":-1,"colour":"red"}"#,
            #"{"product_id":\#(p),"occurred_at":"\#(when)","count":1.5}"#,
            #"{"change_id":"\#(id)","product_id":\#(p),"occurred_at":"\#(when)","adjust":2,"reason":"stolen"}"#,
            #""count""#,
        ])
        #expect(malformed.status == 422)
        #expect(try P.errorFields(malformed) == ["changes[0].change_id", "changes[1].occurred_at", "changes[2].count",
                                                 "changes[3].reason", "changes[4].colour", "changes[5].change_id",
                                                 "changes[5].count", "changes[6].reason", "changes[7]"])
        let negative = try api.postChanges(point, [P.count(10, p, -1, at: 0)])
        #expect(try P.errorFields(negative) == ["changes[0].count"])
        for body in [#"{"changes":[]}"#, #"{"items":[]}"#, #"{"changes":[],"extra":1}"#] {
            let response = try client.request("POST", "/api/v1/points-of-sale/\(point)/inventory/changes", headers: [admin], body: body)
            #expect(response.status == 422, "\(body)")
        }
        let tooMany = try api.postChanges(point, (1...1001).map { P.adjust($0, p, 1, "received", at: 0) })
        #expect(tooMany.status == 422)
        #expect(try api.level(point, products[0]) == 5)
    }

    @Test func belowZeroIsAConflictNamingTheProduct() throws {
        #expect(try api.postChanges(point, [P.count(1, products[0], 2, at: 0), P.count(2, products[1], 9, at: 0)]).status == 200)
        let response = try api.postChanges(point, [P.adjust(3, products[1], -1, "sold", at: 1), P.adjust(4, products[0], -3, "sold", at: 2)])
        #expect(response.status == 409)
        #expect(response.header("Content-Type") == "application/problem+json")
        let json = try response.json
        #expect(json["type"]?.stringValue == "https://ocop.example/problems/stock-below-zero")
        #expect(json["detail"]?.stringValue?.contains("\(products[0])") == true)
        #expect(try P.errorFields(response) == ["changes[1].product_id"])
        #expect(try api.level(point, products[1]) == 9)   // the whole batch was refused
    }

    /// Issue #4: "a `change_id` already applied is skipped, not applied again, and reported as
    /// such", whatever content it comes with now; other content is flagged, and the rest of the
    /// batch applies.
    @Test func aChangeIDAlreadyAppliedIsSkippedWhateverItsContent() throws {
        #expect(try api.postChanges(point, [P.count(1, products[0], 2, at: 0), P.adjust(4, products[0], 1, "received", at: 2)]).status == 200)
        let response = try api.postChanges(point, [P.count(1, products[0], 7, at: 0), P.adjust(2, products[0], 3, "received", at: 1),
                                                   P.adjust(4, products[0], 1, "received", at: 2)])
        #expect(response.status == 200)
        let json = try response.json
        #expect(json["applied"]?.int64Value == 1)
        #expect(json["duplicates"]?.int64Value == 2)
        let results = json["results"]?.arrayValue ?? []
        #expect(results.map { $0["outcome"]?.stringValue } == ["duplicate", "applied", "duplicate"])
        #expect(results.map { $0["content_differs"]?.boolValue } == [true, nil, nil])
        #expect(try api.level(point, products[0]) == 6)   // the count of 2, +3, +1; never the 7
        // The flag is part of the published contract: a client generated from /openapi.json keeps it.
        let document = try client.request("GET", "/openapi.json").json
        let operation = try #require(document["paths"]?["/api/v1/points-of-sale/{id}/inventory/changes"]?["post"])
        #expect(SchemaCheck(document: document).violations(of: response, documentedBy: operation) == [])
    }

    @Test func aPosTokenTouchesOnlyItsOwnPointOfSale() throws {
        let other = try api.pointOfSale("QN-DB-CP-01", name: "Điểm bán Cẩm Phả")
        let mine = try api.terminal(point)
        let base = "/api/v1/points-of-sale/\(other)"
        let change = P.batch([P.count(1, products[0], 5, at: 0)])
        let attempts: [(String, String, String?)] = [
            ("POST", base + "/inventory/changes", change), ("GET", base + "/inventory", nil), ("GET", base + "/inventory.csv", nil),
            ("GET", base + "/inventory/feed", nil), ("GET", base + "/inventory/\(products[0])", nil),
            ("PUT", base + "/inventory/\(products[0])", #"{"level":1}"#), ("GET", base + "/sales", nil),
            ("POST", base + "/sales", #"{"sale_id":"\#(P.id(5))","sold_at":"\#(P.at(1))","payment":"cash","lines":[{"product_id":\#(products[0]),"quantity":1,"unit_price_vnd":1}]}"#),
            ("GET", base + "/sales/\(P.id(5))", nil),
            // A point of sale that does not exist is refused the same way: nothing is learnt about others.
            ("GET", "/api/v1/points-of-sale/999/inventory", nil),
        ]
        for (method, path, body) in attempts {
            var headers = [mine]
            if method == "PUT" { headers.append(("If-Match", "W/\"0\"")) }
            let response = try client.request(method, path, headers: headers, body: body)
            #expect(response.status == 403, "\(method) \(path) → \(response.status)")
        }
        // No other write either: the catalogue and the registry are read-only to a terminal.
        #expect(try client.request("POST", "/api/v1/products", headers: [mine],
                                   body: #"{"code":"X-1","name":"X","producer_id":1,"group":"food"}"#).status == 403)
        #expect(try client.request("DELETE", "/api/v1/products/\(products[0])", headers: [mine]).status == 403)
        // It reads the catalogue and its own point of sale, and writes its own inventory.
        #expect(try client.request("GET", "/api/v1/products/\(products[0])", headers: [mine]).status == 200)
        #expect(try client.request("GET", "/api/v1/points-of-sale/\(point)", headers: [mine]).status == 200)
        #expect(try api.postChanges(point, [P.count(1, products[0], 5, at: 0)], as: mine).status == 200)
        #expect(try client.request("GET", "/api/v1/points-of-sale/\(point)/inventory", headers: [mine]).status == 200)
        #expect(try api.level(other, products[0]) == 0)
        // Anonymous callers read no inventory or sales at all.
        for path in ["/api/v1/points-of-sale/\(point)/inventory", "/api/v1/points-of-sale/\(point)/inventory/feed",
                     "/api/v1/points-of-sale/\(point)/inventory/\(products[0])", "/api/v1/points-of-sale/\(point)/sales"] {
            #expect(try client.request("GET", path).status == 401, "\(path)")
        }
        #expect(try client.request("POST", "/api/v1/points-of-sale/\(point)/inventory/changes", body: change).status == 401)
        // Officers act on every point of sale; an unknown one is 404 to them.
        let officer = bearer(try api.server.token("officer"))
        #expect(try api.postChanges(other, [P.count(2, products[0], 3, at: 0)], as: officer).status == 200)
        #expect(try api.postChanges(999, [P.count(3, products[0], 3, at: 0)], as: officer).status == 404)
        #expect(try client.request("GET", "/api/v1/points-of-sale/999/inventory/feed", headers: [officer]).status == 404)
    }

    @Test func putIsCompareAndSet() throws {
        let path = "/api/v1/points-of-sale/\(point)/inventory/\(products[0])"
        let never = try client.request("GET", path, headers: [admin])
        #expect(never.status == 200)
        #expect(never.header("ETag") == "W/\"0\"")
        #expect(try never.json["level"]?.int64Value == 0 && never.json["updated_at"]?.isNull == true)

        let withoutIfMatch = try client.request("PUT", path, headers: [admin], body: #"{"level":12}"#)
        #expect(withoutIfMatch.status == 428)
        #expect(withoutIfMatch.header("Content-Type") == "application/problem+json")
        let set = try client.request("PUT", path, headers: [admin, ("If-Match", "W/\"0\"")], body: #"{"level":12}"#)
        #expect(set.status == 200, "\(set.text)")
        #expect(set.header("ETag") == "W/\"1\"")
        #expect(try set.json["level"]?.int64Value == 12)
        #expect(try set.json["last_count_at"]?.stringValue == "2025-03-08T13:00:00Z")

        // A terminal sells meanwhile; the office's stale set is refused, not silently applied.
        let terminal = try api.terminal(point)
        #expect(try api.postChanges(point, [P.adjust(1, products[0], -2, "sold", at: 11 * 60 + 10)], as: terminal).status == 200)   // 20:10
        api.clock.advance(minutes: 15)
        let stale = try client.request("PUT", path, headers: [admin, ("If-Match", "W/\"1\"")], body: #"{"level":30}"#)
        #expect(stale.status == 412)
        let current = try client.request("GET", path, headers: [admin])
        #expect(try current.json["level"]?.int64Value == 10)
        #expect(try client.request("GET", path, headers: [admin, ("If-None-Match", "W/\"2\"")]).status == 304)
        let fresh = try client.request("PUT", path, headers: [terminal, ("If-Match", current.header("ETag") ?? "")], body: #"{"level":30}"#)
        #expect(fresh.status == 200)
        #expect(try fresh.json["level"]?.int64Value == 30)
        #expect(try fresh.json["last_count_at"]?.stringValue == "2025-03-08T13:15:00Z")
        // A terminal whose clock runs an hour ahead sells 4 at "21:30": the next set is still exactly the level asked.
        #expect(try api.postChanges(point, [P.adjust(2, products[0], -4, "sold", at: 12 * 60 + 30)], as: terminal).status == 200)
        let ahead = try client.request("GET", path, headers: [admin])
        #expect(try ahead.json["level"]?.int64Value == 26)
        let exact = try client.request("PUT", path, headers: [admin, ("If-Match", ahead.header("ETag") ?? "")], body: #"{"level":20}"#)
        #expect(exact.status == 200)
        #expect(try exact.json["level"]?.int64Value == 20)
        #expect(try client.request("GET", path, headers: [admin]).json["level"]?.int64Value == 20)
        for body in [#"{"level":-1}"#, #"{"level":"5"}"#, #"{}"#, #"{"level":5,"note":"x"}"#] {
            #expect(try client.request("PUT", path, headers: [admin, ("If-Match", "*")], body: body).status == 422, "\(body)")
        }
        #expect(try client.request("PUT", "/api/v1/points-of-sale/\(point)/inventory/999",
                                   headers: [admin, ("If-Match", "*")], body: #"{"level":1}"#).status == 404)
        // `*` matches whatever level is current, a never-stocked one too: its GET has a
        // representation (200, W/"0"), so the condition holds (RFC 9110 §13.1.1), as it does for
        // a low-stock threshold never set.
        let neverStocked = "/api/v1/points-of-sale/\(point)/inventory/\(products[1])"
        #expect(try client.request("GET", neverStocked, headers: [admin]).header("ETag") == "W/\"0\"")
        let any = try client.request("PUT", neverStocked, headers: [admin, ("If-Match", "*")], body: #"{"level":7}"#)
        #expect(any.status == 200, "\(any.text)")
        #expect(any.header("ETag") == "W/\"1\"")
        #expect(try any.json["level"]?.int64Value == 7)
    }

    /// A level shows its product's code and name: a rename changes the level's representation,
    /// so its ETag moves and a cached copy is not revalidated with a 304.
    @Test func aProductRenameMovesItsLevelsETag() throws {
        let path = "/api/v1/points-of-sale/\(point)/inventory/\(products[0])"
        let set = try client.request("PUT", path, headers: [admin, ("If-Match", "W/\"0\"")], body: #"{"level":5}"#)
        #expect(set.header("ETag") == "W/\"1\"")
        let renamed = try client.request("PATCH", "/api/v1/products/\(products[0])",
                                         headers: [admin, ("Content-Type", "application/merge-patch+json")],
                                         body: #"{"name":"Tên mới của sản phẩm"}"#)
        #expect(renamed.status == 200, "\(renamed.text)")
        let after = try client.request("GET", path, headers: [admin, ("If-None-Match", "W/\"1\"")])
        #expect(after.status == 200)
        #expect(after.header("ETag") == "W/\"2\"")
        #expect(try after.json["product_name"]?.stringValue == "Tên mới của sản phẩm")
        #expect(try after.json["level"]?.int64Value == 5)
    }

    @Test func levelsListPagesAndExports() throws {
        #expect(try api.postChanges(point, products.enumerated().map { P.count($0.offset + 1, $0.element, 10 * ($0.offset + 1), at: 0) }).status == 200)
        var seen: [Int64] = []
        var target = "/api/v1/points-of-sale/\(point)/inventory?limit=2"
        while true {
            let page = try client.request("GET", target, headers: [admin])
            #expect(page.status == 200)
            seen += try page.json["items"]?.arrayValue?.compactMap { $0["level"]?.int64Value } ?? []
            guard let link = page.header("Link") else { break }
            target = String(link.dropFirst().prefix { $0 != ">" })
        }
        #expect(seen == [10, 20, 30])
        let csv = try client.request("GET", "/api/v1/points-of-sale/\(point)/inventory", headers: [admin, ("Accept", "text/csv")])
        #expect(csv.header("Content-Type") == "text/csv; charset=utf-8")
        let lines = csv.text.dropFirst().components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.first == "point_of_sale_id,product_id,product_code,product_name,level,last_count_at,updated_at,version")
        #expect(lines.count == 4)
        #expect(lines[1].contains("SP-1,Miến dong 1,10,"))
        #expect(try client.request("GET", "/api/v1/points-of-sale/\(point)/inventory?cursor=bogus", headers: [admin]).status == 422)
    }

    /// Terminal A goes offline; terminal B syncs, the office sets a level and a sale is made;
    /// A comes back and, from its kept cursor, pages through the feed and ends up knowing
    /// exactly the server's levels.
    @Test func anOfflineTerminalCatchesUpThroughTheFeed() throws {
        let (a, b) = (try api.terminal(point), try api.terminal(point))
        let feedPath = "/api/v1/points-of-sale/\(point)/inventory/feed"
        let start = try client.request("GET", feedPath, headers: [a])
        #expect(start.status == 200)
        #expect(try start.json["items"]?.arrayValue?.isEmpty == true)
        var cursor = try #require(try start.json["next_cursor"]?.stringValue)
        #expect(try api.postChanges(point, [P.count(1, products[0], 8, at: 0), P.count(2, products[1], 5, at: 0)], as: a).status == 200)
        var known: [Int64: Int64] = [:]
        var seenChanges = Set<String>()
        func pull(_ caller: (String, String), limit: Int) throws {
            while true {
                let page = try client.request("GET", "\(feedPath)?after=\(cursor)&limit=\(limit)", headers: [caller])
                #expect(page.status == 200, "\(page.text)")
                let json = try page.json
                var lastSeq: Int64 = 0
                for item in json["items"]?.arrayValue ?? [] {
                    let seq = try #require(item["seq"]?.int64Value)
                    #expect(seq > lastSeq)
                    lastSeq = seq
                    known[try #require(item["product_id"]?.int64Value)] = item["level"]?.int64Value
                    for id in item["change_ids"]?.arrayValue ?? [] { seenChanges.insert(id.stringValue ?? "") }
                }
                cursor = try #require(json["next_cursor"]?.stringValue)
                // The next page is also linked, as on every list (API.md), with the same cursor.
                guard json["has_more"]?.boolValue == true else {
                    #expect(page.header("Link") == nil)
                    break
                }
                let link = try #require(page.header("Link"))
                #expect(link.hasPrefix("<\(feedPath)?"))
                #expect(link.hasSuffix(">; rel=\"next\""))
                #expect(link.contains("after=\(cursor)"))
                #expect(link.contains("limit=\(limit)"))
            }
        }
        try pull(a, limit: 50)
        #expect(known == [products[0]: 8, products[1]: 5])

        // A is offline. B sells and receives, the office counts, a sale is recorded.
        #expect(try api.postChanges(point, [P.adjust(3, products[0], -1, "sold", at: 10)], as: b).status == 200)
        #expect(try api.postChanges(point, [P.adjust(4, products[1], 12, "received", at: 11), P.adjust(5, products[2], 7, "received", at: 11)],
                                    as: b).status == 200)
        #expect(try api.postChanges(point, [P.adjust(3, products[0], -1, "sold", at: 10)], as: b).status == 200)   // a retry: no feed entry
        let path = "/api/v1/points-of-sale/\(point)/inventory/\(products[2])"
        #expect(try client.request("PUT", path, headers: [admin, ("If-Match", "W/\"1\"")], body: #"{"level":6}"#).status == 200)
        let sale = #"{"sale_id":"\#(P.id(77))","sold_at":"\#(P.at(12 * 60 - 5))","payment":"e_wallet","lines":[{"product_id":\#(products[0]),"quantity":2,"unit_price_vnd":85000}]}"#
        #expect(try client.request("POST", "/api/v1/points-of-sale/\(point)/sales", headers: [b], body: sale).status == 201)

        // A comes back and pulls two entries at a time.
        try pull(a, limit: 2)
        let levels = try client.request("GET", "/api/v1/points-of-sale/\(point)/inventory", headers: [a]).json["items"]?.arrayValue ?? []
        let server = Dictionary(uniqueKeysWithValues: levels.compactMap { item in
            item["product_id"]?.int64Value.flatMap { id in item["level"]?.int64Value.map { (id, $0) } }
        })
        #expect(known == server)
        #expect(known == [products[0]: 5, products[1]: 17, products[2]: 6])
        #expect(seenChanges.isSuperset(of: [P.id(3), P.id(4), P.id(5)]))
        // Nothing new: an empty page, and the same cursor to keep.
        let idle = try client.request("GET", "\(feedPath)?after=\(cursor)", headers: [a])
        #expect(try idle.json["items"]?.arrayValue?.isEmpty == true)
        #expect(try idle.json["next_cursor"]?.stringValue == cursor)
        #expect(idle.header("Cache-Control") == "no-store")
        // A well-formed cursor the feed never gave out (past its end: made up, or kept across a
        // restore from an older backup) is refused, not paged past: it would skip every change.
        let madeUp = Cursor(sort: "feed", values: [String(point), "99999999"]).encoded
        let refused = try client.request("GET", "\(feedPath)?after=\(madeUp)", headers: [a])
        #expect(refused.status == 422)
        #expect(try refused.json["errors"]?.arrayValue?.first?["field"]?.stringValue == "after")
        // A cursor is bound to its point of sale's feed.
        let other = try api.pointOfSale("QN-DB-CP-01")
        #expect(try client.request("GET", "/api/v1/points-of-sale/\(other)/inventory/feed?after=\(cursor)", headers: [admin]).status == 422)
        #expect(try client.request("GET", "\(feedPath)?after=xyz", headers: [a]).status == 422)
        // API.md's list limits: default 50, at most 500.
        #expect(try client.request("GET", "\(feedPath)?limit=501", headers: [a]).status == 422)
        #expect(try client.request("GET", "\(feedPath)?limit=500", headers: [a]).status == 200)
    }

    /// The same changes in shuffled orders and different batches, over HTTP, give the same levels.
    @Test(arguments: [11, 12, 13] as [UInt64]) func shuffledDeliveriesOverHTTPAgree(seed: UInt64) throws {
        var rng = SplitRandom(seed: seed)
        var history: [(body: String, product: Int, kind: String, value: Int, minute: Int, id: String)] = []
        for n in 1...30 {
            let product = Int.random(in: 0..<3, using: &rng), minute = Int.random(in: 0..<20, using: &rng)
            if n <= 3 || Int.random(in: 0..<4, using: &rng) == 0 {
                let value = Int.random(in: 20...40, using: &rng)
                history.append((P.count(n, products[product], value, at: minute), product, "count", value, minute, P.id(n)))
            } else {
                let value = Int.random(in: 1...5, using: &rng)
                history.append((P.adjust(n, products[product], value, "received", at: minute), product, "adjust", value, minute, P.id(n)))
            }
        }
        // The rule by hand: the latest count by (minute, id), plus later receipts.
        var expected: [Int64] = []
        for p in 0..<3 {
            let mine = history.filter { $0.product == p }
            let anchor = mine.filter { $0.kind == "count" }.max { ($0.minute, $0.id) < ($1.minute, $1.id) }
            let after = mine.filter { c in c.kind == "adjust" && anchor.map { a in (c.minute, c.id) > (a.minute, a.id) } ?? true }
            expected.append(Int64((anchor?.value ?? 0) + after.reduce(0) { $0 + $1.value }))
        }
        let shuffled = history.shuffled(using: &rng)
        var index = 0
        while index < shuffled.count {
            let size = Int.random(in: 1...7, using: &rng)
            let batch = shuffled[index..<min(index + size, shuffled.count)].map(\.body)
            #expect(try api.postChanges(point, batch).status == 200)
            if Int.random(in: 0..<3, using: &rng) == 0 { #expect(try api.postChanges(point, batch).status == 200) }
            index += size
        }
        #expect(try products.map { try api.level(point, $0) } == expected, "seed \(seed)")
    }
}

/// SplitMix64, seeded, for the end-to-end shuffles.
struct SplitRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

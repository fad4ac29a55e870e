import JSON

/// Fills a fresh server with the products suite's data through the public API, in steps:
/// producers once, then products and certificates up to each size the suite measures, so
/// `--products 10000,100000` seeds 100,000 products in total, not 110,000.
///
/// Products go through `POST /api/v1/products/import` (CSV, all-or-nothing, at most
/// `ProductImport.maximumRows` rows and the server's 1 MiB body limit per request);
/// certificates through the real certification flow: rounds, scored results, decisions.
final class ProductSeeder {
    /// How long a seeding step took and how much it did.
    struct Step {
        /// Items created (products, or certificates).
        let count: Int
        /// Requests sent.
        let requests: Int
        /// Wall time in seconds.
        let seconds: Double
        /// Items per second.
        var rate: Double { seconds > 0 ? Double(count) / seconds : 0 }
    }

    /// The import's row limit (`ProductImport.maximumRows`).
    static let rowsPerImport = 5000
    /// Bytes per import body: under the server's default 1 MiB body limit (HTTPLimits), with room to spare.
    static let bytesPerImport = 1_000_000

    private let client: BlockingClient
    private let headers: [(String, String)]
    private let today: CalendarDay
    private let interrupt: Interrupt?
    /// Producers created so far, with the ids the server gave them.
    private(set) var producers: [(id: Int64, producer: ProductCatalogue.Producer)] = []
    /// Products created so far; their ids are 1…products (checked on every import).
    private(set) var products = 0
    /// Certificates issued so far, of which valid today with 4 or 5 stars.
    private(set) var certificates = 0
    private(set) var validFourPlus = 0
    /// Products that already have a result (one result per product keeps the flow simple).
    private var evaluated = Set<Int>()
    private var rounds: [Round] = []
    private var random = FastRandom(seed: 0xCE27_1F1C)

    /// A council session and the stars its results get.
    private struct Round {
        let id: Int64
        let heldOn: CalendarDay
        let decision: String
        let expired: Bool
    }

    /// A seeder talking through `client` with an officer's (here the admin's) bearer token.
    init(client: BlockingClient, token: String, today: CalendarDay, interrupt: Interrupt?) {
        self.client = client
        headers = [("Authorization", "Bearer \(token)")]
        self.today = today
        self.interrupt = interrupt
    }

    /// Creates `count` producers with `POST /api/v1/producers`.
    func seedProducers(_ count: Int) throws(BenchError) -> Step {
        let start = MonotonicClock.now()
        for index in producers.count..<count {
            try checkInterrupt()
            let producer = ProductCatalogue.producer(index)
            let id = try createdID(try client.send("POST", "/api/v1/producers", headers: json, body: Array(producer.body.utf8)),
                                   what: "producer")
            producers.append((id, producer))
        }
        return Step(count: count, requests: count, seconds: Suite.seconds(since: start))
    }

    /// Imports products until `target` exist, in bodies as large as the server takes.
    func importProducts(upTo target: Int) throws(BenchError) -> Step {
        guard !producers.isEmpty else { throw BenchError("products need producers; seed them first") }
        let start = MonotonicClock.now(), before = products
        var requests = 0
        while products < target {
            try checkInterrupt()
            var body = Array((ProductCatalogue.csvHeader + "\r\n").utf8)
            var rows = 0
            while products + rows < target && rows < Self.rowsPerImport {
                let line = Array((ProductCatalogue.csvRow(products + rows, producers: producers) + "\r\n").utf8)
                if body.count + line.count > Self.bytesPerImport && rows > 0 { break }
                body += line
                rows += 1
            }
            let response = try client.send("POST", "/api/v1/products/import",
                                           headers: headers + [("Content-Type", "text/csv; charset=utf-8")], body: body)
            requests += 1
            guard response.status == 201, let object = try? JSONValue.parse(response.body),
                  let ids = object["ids"]?.arrayValue?.compactMap(\.int64Value), ids.count == rows else {
                throw BenchError("import of rows \(products + 1)…\(products + rows) answered \(response.status): \(Self.excerpt(response))")
            }
            // Random ids in the scenarios are drawn from 1…N, so the ids must be exactly that.
            guard ids.first == Int64(products + 1), ids.last == Int64(products + rows) else {
                throw BenchError("imported products got ids \(ids.first ?? 0)…\(ids.last ?? 0), not \(products + 1)…\(products + rows); "
                    + "the products suite needs a fresh database")
            }
            products += rows
        }
        return Step(count: products - before, requests: requests, seconds: Suite.seconds(since: start))
    }

    /// Issues certificates until `target` exist, on products drawn at random from those seeded:
    /// about 10 % already expired, the rest 3 stars (province), 4 stars (province) and
    /// 5 stars (central council) in roughly 50:35:15, like a province's list.
    func certify(upTo target: Int) throws(BenchError) -> Step {
        let start = MonotonicClock.now(), before = certificates
        var requests = 0
        if rounds.isEmpty { requests += try createRounds() }
        let limit = Swift.min(target, products)
        while certificates < limit {
            try checkInterrupt()
            var product = random.oneThrough(products)
            while evaluated.contains(product) { product = random.oneThrough(products) }
            let roll = Int(random.next() % 100)
            // rounds: [0, 1] old province, [2, 3, 4] central, the rest province.
            let (round, stars): (Round, Int)
            switch roll {
            case 0..<10: (round, stars) = (rounds[Int(random.next() % 2)], roll < 6 ? 3 : 4)
            case 10..<23: (round, stars) = (rounds[2 + Int(random.next() % 3)], 5)
            default: (round, stars) = (rounds[5 + Int(random.next() % UInt64(rounds.count - 5))], roll < 65 ? 3 : 4)
            }
            let result = try createdID(try client.send(
                "POST", "/api/v1/evaluation-rounds/\(round.id)/results", headers: json,
                body: Array(Self.resultBody(product: product, stars: stars).utf8)), what: "evaluation result")
            let decidedOn = round.heldOn.adding(days: 21)
            let decided = try client.send(
                "POST", "/api/v1/evaluation-rounds/\(round.id)/results/\(result)/decide", headers: json,
                body: Array(#"{"decision_number":"\#(round.decision)","decided_on":"\#(decidedOn.iso)"}"#.utf8))
            guard decided.status == 201 else {
                throw BenchError("decision on result \(result) answered \(decided.status): \(Self.excerpt(decided))")
            }
            requests += 2
            evaluated.insert(product)
            certificates += 1
            if !round.expired && stars >= 4 { validFourPlus += 1 }
        }
        return Step(count: certificates - before, requests: requests, seconds: Suite.seconds(since: start))
    }

    /// Two old province rounds (their certificates have expired: 36 months passed), three central
    /// rounds (5 stars) and ten province rounds over the last two years (3 and 4 stars).
    private func createRounds() throws(BenchError) -> Int {
        var plan: [(level: String, daysAgo: Int, expired: Bool)] = []
        plan += (0..<2).map { ("province", 1130 + $0 * 30, true) }
        plan += (0..<3).map { ("central", 60 + $0 * 200, false) }
        plan += (0..<10).map { ("province", 45 + $0 * 80, false) }
        for (index, entry) in plan.enumerated() {
            let heldOn = today.adding(days: -entry.daysAgo)
            let level = entry.level == "central" ? "trung ương" : "tỉnh"
            let body = #"{"name":"Đánh giá, phân hạng sản phẩm OCOP cấp \#(level) đợt \#(index + 1)","#
                + #""council_level":"\#(entry.level)","held_on":"\#(heldOn.iso)"}"#
            let id = try createdID(try client.send("POST", "/api/v1/evaluation-rounds", headers: json,
                                                   body: Array(body.utf8)), what: "evaluation round")
            rounds.append(Round(id: id, heldOn: heldOn, decision: "\(1200 + index)/QĐ-UBND", expired: entry.expired))
        }
        return plan.count
    }

    /// Three council members' scores whose average earns `stars` (≥ 90 → 5, 70–89 → 4, 50–69 → 3),
    /// within both score sheets' part maxima (2019: 35/25/40, 2023: 40/25/35).
    static func resultBody(product: Int, stars: Int) -> String {
        let sheets: [[(Int, Int, Int)]] = [
            [(28, 14, 22), (27, 15, 21), (29, 13, 23)],
            [(33, 19, 28), (32, 20, 27), (34, 18, 29)],
            [(35, 24, 33), (34, 23, 34), (35, 23, 34)],
        ]
        let members = sheets[Swift.max(0, Swift.min(2, stars - 3))].enumerated().map { index, parts in
            #"{"member":"Thành viên \#(index + 1)","part_a":\#(parts.0),"part_b":\#(parts.1),"part_c":\#(parts.2)}"#
        }
        return #"{"product_id":\#(product),"member_scores":[\#(members.joined(separator: ","))],"mandatory_criteria_met":true}"#
    }

    private var json: [(String, String)] { headers + [("Content-Type", "application/json")] }

    /// The `id` of a 201 response's item, or an error naming what failed to be created.
    private func createdID(_ response: ClientResponse, what: String) throws(BenchError) -> Int64 {
        guard response.status == 201, let id = (try? JSONValue.parse(response.body))?["id"]?.int64Value else {
            throw BenchError("creating a \(what) answered \(response.status): \(Self.excerpt(response))")
        }
        return id
    }

    /// The start of a response body, for an error message.
    static func excerpt(_ response: ClientResponse) -> String {
        let text = response.text
        return text.count > 600 ? String(text.prefix(600)) + "…" : text
    }

    private func checkInterrupt() throws(BenchError) {
        if interrupt?.raised == true { throw BenchError("interrupted while seeding; server stopped, temporary files removed") }
    }
}

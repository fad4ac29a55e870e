import JSON

/// Fills a server that already holds the products suite's catalogue (producers, products,
/// certificates) with everything else the overview aggregates, through the public API: points of
/// sale (half of them compliant) with sales in the last 30 days, certificates that expire within
/// the overview's 90 days, fairs over the last year and a half with booths and daily takings, and
/// listings of certified products on the platforms.
///
/// Every part of `GET /api/v1/reports/overview` then has real rows to aggregate, so its time
/// is not flattered by empty tables.
final class OverviewSeeder {
    /// Fair kinds, rotated so each one is represented.
    static let fairKinds = ["provincial_fair", "local_fair", "product_week", "domestic_programme", "international_programme"]
    /// Provinces of fairs held elsewhere and of outside exhibitors.
    static let otherProvinces = ["Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Bắc Giang", "Lạng Sơn", "Thái Nguyên", "Đà Nẵng"]
    /// Days back over which fairs start: this year so far and most of the last, so the overview's
    /// "year so far" window must pick its fairs out of a larger table.
    static let fairSpanDays = 540

    private let client: BlockingClient
    private let token: String
    private let headers: [(String, String)]
    private let today: CalendarDay
    private let interrupt: Interrupt?
    private var random = FastRandom(seed: 0x0FE2_F1E3)
    /// The first few products of each producer (`GET /api/v1/products?producer_id=`), asked once.
    private var productsOf: [Int64: [Int64]] = [:]

    /// What the fairs step made.
    struct Fairs {
        let step: ProductSeeder.Step
        let booths: Int
        let sales: Int
    }

    /// A seeder talking through `client` with the admin's bearer token.
    init(client: BlockingClient, token: String, today: CalendarDay, interrupt: Interrupt?) {
        self.client = client
        self.token = token
        headers = [("Authorization", "Bearer \(token)")]
        self.today = today
        self.interrupt = interrupt
    }

    private var json: [(String, String)] { headers + [("Content-Type", "application/json")] }

    /// Ids of the products holding a certificate, read back through `GET /api/v1/certificates`.
    func certifiedProducts() throws(BenchError) -> [Int64] {
        var products = Set<Int64>()
        var cursor: String? = nil
        repeat {
            let target = "/api/v1/certificates?limit=500" + (cursor.map { "&cursor=\($0)" } ?? "")
            let page = try getJSON(target)
            for item in page["items"]?.arrayValue ?? [] {
                if let id = item["product_id"]?.int64Value { products.insert(id) }
            }
            cursor = page["next_cursor"]?.stringValue
        } while cursor != nil
        return products.sorted()
    }

    /// `count` certificates that run out within the next ~60 days: one old provincial round whose
    /// 36 months are nearly over, with 4-star results for products that hold no certificate yet.
    func expiringCertificates(_ count: Int, products: Int, avoiding certified: Set<Int64>) throws(BenchError) -> ProductSeeder.Step {
        let start = MonotonicClock.now()
        let heldOn = today.adding(days: -1040)
        let round = try createdID("/api/v1/evaluation-rounds", #"{"name":"Đánh giá, phân hạng sản phẩm OCOP cấp tỉnh đợt cũ","#
            + #""council_level":"province","held_on":"\#(heldOn.iso)"}"#)
        var chosen = Set<Int64>()
        let wanted = Swift.min(count, products - certified.count)
        while chosen.count < wanted {
            try checkInterrupt()
            let product = Int64(random.oneThrough(products))
            guard !certified.contains(product), chosen.insert(product).inserted else { continue }
            let result = try createdID("/api/v1/evaluation-rounds/\(round)/results",
                                       ProductSeeder.resultBody(product: Int(product), stars: 4))
            _ = try post("/api/v1/evaluation-rounds/\(round)/results/\(result)/decide",
                              #"{"decision_number":"999/QĐ-UBND","decided_on":"\#(heldOn.adding(days: 21).iso)"}"#)
        }
        return ProductSeeder.Step(count: chosen.count, requests: 1 + 2 * chosen.count, seconds: Suite.seconds(since: start))
    }

    /// `count` points of sale stocking 20 products each (through `TerminalFleet`), every other one
    /// made compliant (sign, shelves, price list), then `salesEach` sales per point sent by its
    /// terminal: all within the last hour, so inside the overview's 30-day window.
    func pointsOfSale(_ count: Int, salesEach: Int) throws(BenchError) -> ProductSeeder.Step {
        let start = MonotonicClock.now()
        let (terminals, _) = try TerminalFleet.make(client: client, adminToken: token,
                                                    terminals: count, products: 20, label: "overview")
        var requests = 21 + 3 * count
        for terminal in terminals where terminal.pointOfSaleID % 2 == 0 {
            let response = try client.send("PATCH", "/api/v1/points-of-sale/\(terminal.pointOfSaleID)", headers: json,
                                           body: Array(#"{"has_ocop_sign":true,"has_shelves":true,"has_price_list":true}"#.utf8))
            guard response.status == 200 else {
                throw BenchError("PATCH point of sale \(terminal.pointOfSaleID) answered \(response.status): \(ProductSeeder.excerpt(response))")
            }
            requests += 1
        }
        var sales = 0
        for terminal in terminals {
            for _ in 0..<salesEach {
                try checkInterrupt()
                let sale = terminal.sale()
                let response = try client.send("POST", sale.target, headers: terminal.headers + [("Idempotency-Key", sale.key)],
                                               body: sale.body)
                guard (200..<300).contains(response.status) else {
                    throw BenchError("POST \(sale.target) answered \(response.status): \(ProductSeeder.excerpt(response))")
                }
                sales += 1
            }
        }
        return ProductSeeder.Step(count: sales, requests: requests + sales, seconds: Suite.seconds(since: start))
    }

    /// `count` fairs starting over the last `fairSpanDays` days (1–5 days long, a fifth held outside
    /// the province), each with `booths` booths: about two thirds our producers showing up to three of
    /// their products, the rest outside exhibitors; and each booth's takings for every day of its fair
    /// up to today, with per-product lines on our producers' booths.
    func fairs(_ count: Int, booths boothsPerFair: Int,
               producers: [(id: Int64, producer: ProductCatalogue.Producer)]) throws(BenchError) -> Fairs {
        let start = MonotonicClock.now()
        var booths = 0, sales = 0
        for index in 0..<count {
            try checkInterrupt()
            let startsOn = today.adding(days: -(index * Self.fairSpanDays / Swift.max(count, 1)) - 1)
            let endsOn = startsOn.adding(days: random.oneThrough(5) - 1)
            let kind = Self.fairKinds[index % Self.fairKinds.count]
            let away = random.oneThrough(5) == 1
            let province = away ? Self.otherProvinces[random.oneThrough(Self.otherProvinces.count) - 1] : "Quảng Ninh"
            let fair = try createdID("/api/v1/fairs", #"{"name":"Hội chợ sản phẩm OCOP lần \#(index + 1)","kind":"\#(kind)","#
                + #""starts_on":"\#(startsOn.iso)","ends_on":"\#(endsOn.iso)","province":"\#(province)","#
                + #""venue":"Trung tâm hội chợ","organizer":"Sở Công Thương","visitors":\#(500 + random.oneThrough(20_000))}"#)
            var used = Set<Int64>()
            for b in 0..<boothsPerFair {
                // One booth per producer per fair (the server's rule): outside exhibitors once all are used.
                let ours = b % 3 != 2 && used.count < producers.count
                var shown: [Int64] = []
                let body: String
                if ours {
                    var producer = producers[random.oneThrough(producers.count) - 1].id
                    while used.contains(producer) { producer = producers[random.oneThrough(producers.count) - 1].id }
                    used.insert(producer)
                    shown = Array(try products(of: producer).prefix(random.oneThrough(3)))
                    body = #"{"producer_id":\#(producer),"product_ids":[\#(shown.map(String.init).joined(separator: ","))]}"#
                } else {
                    let from = Self.otherProvinces[random.oneThrough(Self.otherProvinces.count) - 1]
                    body = #"{"exhibitor_name":"Doanh nghiệp \#(from) \#(index + 1)-\#(b + 1)","province":"\#(from)"}"#
                }
                let booth = try createdID("/api/v1/fairs/\(fair)/booths", body)
                booths += 1
                var day = startsOn
                while day <= endsOn && day <= today {
                    let revenue = Int64(random.oneThrough(400)) * 250_000
                    let lines = shown.enumerated().map { i, product in
                        // The lines carry part of the day's takings, never more (FairSale's rule).
                        #"{"product_id":\#(product),"units":\#(random.oneThrough(40)),"revenue_vnd":\#(revenue / Int64(shown.count + 1) - Int64(i))}"#
                    }
                    _ = try createdID("/api/v1/fairs/\(fair)/booths/\(booth)/sales",
                                      #"{"day":"\#(day.iso)","revenue_vnd":\#(revenue),"units":[\#(lines.joined(separator: ","))]}"#)
                    sales += 1
                    day = day.adding(days: 1)
                }
            }
        }
        let step = ProductSeeder.Step(count: count, requests: count + booths + sales + productsOf.count,
                                      seconds: Suite.seconds(since: start))
        return Fairs(step: step, booths: booths, sales: sales)
    }

    /// Listings of certified products on the platforms the server was seeded with: the province's
    /// own platform carries most, the national ones fewer (like the article's 393 / 160 / 108);
    /// listed over the last two years, a few paused, about half accepting non-cash payment.
    func listings(of certified: [Int64]) throws(BenchError) -> ProductSeeder.Step {
        let start = MonotonicClock.now()
        let platforms = try getJSON("/api/v1/platforms?limit=500")["items"]?.arrayValue?.compactMap { $0["id"]?.int64Value } ?? []
        guard !platforms.isEmpty else { throw BenchError("the server has no platforms to list products on") }
        let percent = [75, 35, 25, 15]
        var made = 0
        for product in certified {
            for (index, platform) in platforms.enumerated() where random.oneThrough(100) <= percent[Swift.min(index, percent.count - 1)] {
                try checkInterrupt()
                let status = random.oneThrough(20) == 1 ? "paused" : "active"
                let listedOn = today.adding(days: -random.oneThrough(700))
                _ = try createdID("/api/v1/listings", #"{"product_id":\#(product),"platform_id":\#(platform),"#
                    + #""url":"https://example.vn/san-pham/\#(product)","price_vnd":\#(random.oneThrough(500) * 1000),"#
                    + #""status":"\#(status)","accepts_non_cash":\#(random.oneThrough(2) == 1),"listed_on":"\#(listedOn.iso)"}"#)
                made += 1
            }
        }
        return ProductSeeder.Step(count: made, requests: made + 1, seconds: Suite.seconds(since: start))
    }

    /// Up to five products of `producer`, asked once and remembered.
    private func products(of producer: Int64) throws(BenchError) -> [Int64] {
        if let known = productsOf[producer] { return known }
        let ids = try getJSON("/api/v1/products?producer_id=\(producer)&limit=5")["items"]?.arrayValue?
            .compactMap { $0["id"]?.int64Value } ?? []
        productsOf[producer] = ids
        return ids
    }

    private func getJSON(_ target: String) throws(BenchError) -> JSONValue {
        let response = try client.send("GET", target, headers: headers)
        guard response.status == 200, let value = try? JSONValue.parse(response.body) else {
            throw BenchError("GET \(target) answered \(response.status): \(ProductSeeder.excerpt(response))")
        }
        return value
    }

    /// POSTs `body` to `target`; anything but 201 is an error naming the request.
    private func post(_ target: String, _ body: String) throws(BenchError) -> ClientResponse {
        let response = try client.send("POST", target, headers: json, body: Array(body.utf8))
        guard response.status == 201 else {
            throw BenchError("POST \(target) answered \(response.status): \(ProductSeeder.excerpt(response))")
        }
        return response
    }

    /// POSTs `body` to `target` and returns the created item's id.
    private func createdID(_ target: String, _ body: String) throws(BenchError) -> Int64 {
        let response = try post(target, body)
        guard let id = (try? JSONValue.parse(response.body))?["id"]?.int64Value else {
            throw BenchError("POST \(target) answered 201 without an id: \(ProductSeeder.excerpt(response))")
        }
        return id
    }

    private func checkInterrupt() throws(BenchError) {
        if interrupt?.raised == true { throw BenchError("interrupted while seeding; server stopped, temporary files removed") }
    }
}

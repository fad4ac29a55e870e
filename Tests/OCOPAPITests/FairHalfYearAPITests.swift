import Foundation
import JSON
import OCOP
import Testing

/// The article's half year built from events through the API, then `GET /api/v1/reports/fairs`:
/// 22 fairs of every kind (2 provincial, 9 local fairs, 7 product weeks, 3 domestic and 1
/// international programme) with 120,000 visitors, booths of our producers, of exhibitors from
/// other provinces and of exhibitors from Quảng Ninh, and sales per booth per day adding up to
/// 25 billion đồng, 12 billion of them at local booths (48.0%). A product week straddles the end
/// of June: its July takings belong to the next half. A September fair is outside the period.
@Suite struct FairHalfYearAPITests {
    /// One recorded sales entry, as the test remembers it to compute the expected figures itself.
    struct Entry {
        let fair: Int64
        let kind: String
        let producer: Int64?
        let local: Bool
        let day: String
        let revenue: Int64
        let product: Int64?
        let units: Int64
        let productRevenue: Int64
    }

    static let kinds = Array(repeating: "provincial_fair", count: 2) + Array(repeating: "local_fair", count: 9)
        + Array(repeating: "product_week", count: 7) + Array(repeating: "domestic_programme", count: 3) + ["international_programme"]

    let api: TradeAPI
    var entries: [Entry] = []
    var visitors: [String: Int64] = [:]
    var producers: [Int64] = []

    /// `total` split over `weights` exactly: proportional shares, the last taking the remainder.
    static func split(_ total: Int64, _ weights: [Int64]) -> [Int64] {
        let sum = weights.reduce(0, +)
        var parts = weights.dropLast().map { total * $0 / sum }
        parts.append(total - parts.reduce(0, +))
        return parts
    }

    init() throws {
        api = try TradeAPI(now: "2024-07-05T09:00:00+07:00")
        var products: [Int64: [Int64]] = [:]
        for (i, name) in ["Công ty TNHH Miến dong Bình Liêu", "Hợp tác xã Ba kích Ba Chẽ", "Hộ kinh doanh Chả mực Hạ Long",
                          "Hợp tác xã Trà hoa vàng Ba Chẽ", "Công ty CP Nước mắm Cái Rồng"].enumerated() {
            let producer = try api.producer(name, kind: i % 2 == 0 ? "enterprise" : "cooperative")
            producers.append(producer)
            products[producer] = [try api.product("QN-\(i)-A", producer: producer), try api.product("QN-\(i)-B", producer: producer)]
        }
        let visitorCounts = Self.split(120_000, (0..<22).map { Int64($0 % 5 + 1) })
        // Every fair but the straddling one runs three days in the first half.
        struct Booth { let fair: Int64; let kind: String; let id: Int64; let producer: Int64?; let local: Bool; let days: [String] }
        var booths: [Booth] = []
        var straddling: (fair: Int64, booth: Int64)?
        for (i, kind) in Self.kinds.enumerated() {
            let month = 1 + i % 6, day = 3 + i
            let from = String(format: "2024-%02d-%02d", month, day)
            let days = (0..<3).map { String(format: "2024-%02d-%02d", month, day + $0) }
            let isStraddling = i == 17
            let province: String? = switch kind {
            case "domestic_programme": ["Hà Nội", "TP. Hồ Chí Minh", "Đà Nẵng"][i % 3]
            case "international_programme": "Quảng Tây (Trung Quốc)"
            default: nil
            }
            let fair = isStraddling
                ? try api.fair("Tuần hàng OCOP Vân Đồn", kind: kind, from: "2024-06-28", to: "2024-07-03", visitors: visitorCounts[i])
                : try api.fair("Sự kiện \(i + 1)", kind: kind, from: from, to: days[2], province: province, visitors: visitorCounts[i])
            visitors[kind, default: 0] += visitorCounts[i]
            let fairDays = isStraddling ? ["2024-06-28", "2024-06-29", "2024-06-30"] : days
            for p in [producers[i % 5], producers[(i + 2) % 5]] {
                let id = try api.booth(fair: fair, producer: p, products: products[p] ?? [])
                booths.append(Booth(fair: fair, kind: kind, id: id, producer: p, local: true, days: fairDays))
                if isStraddling, straddling == nil { straddling = (fair, id) }
            }
            let outsider = try api.booth(fair: fair, exhibitor: "HTX Chè Tân Cương \(i)", province: "Thái Nguyên")
            booths.append(Booth(fair: fair, kind: kind, id: outsider, producer: nil, local: false, days: fairDays))
            if i % 4 == 0 {   // a Quảng Ninh enterprise outside the OCOP registry: local, typed without diacritics
                let home = try api.booth(fair: fair, exhibitor: "Công ty Than Hạ Long \(i)", province: "quang ninh")
                booths.append(Booth(fair: fair, kind: kind, id: home, producer: nil, local: true, days: fairDays))
            }
        }
        // Two days of takings per booth; local and outside totals split exactly.
        let slots = booths.flatMap { booth in booth.days.prefix(2).map { (booth, $0) } }
        let local = slots.filter { $0.0.local }, outside = slots.filter { !$0.0.local }
        let localAmounts = Self.split(12_000_000_000, local.indices.map { Int64($0 % 7 + 1) })
        let outsideAmounts = Self.split(13_000_000_000, outside.indices.map { Int64($0 % 3 + 2) })
        for ((booth, day), revenue) in Array(zip(local, localAmounts)) + Array(zip(outside, outsideAmounts)) {
            var product: Int64?, units: Int64 = 0, productRevenue: Int64 = 0
            var lines = ""
            if let producer = booth.producer, let shown = products[producer]?.first {
                product = shown
                units = revenue / 50_000
                productRevenue = revenue / 2
                lines = #"[{"product_id":\#(shown),"units":\#(units),"revenue_vnd":\#(productRevenue)}]"#
            }
            try api.sale(fair: booth.fair, booth: booth.id, on: day, revenue, units: lines)
            entries.append(Entry(fair: booth.fair, kind: booth.kind, producer: booth.producer, local: booth.local, day: day,
                                 revenue: revenue, product: product, units: units, productRevenue: productRevenue))
        }
        // The straddling week's July takings and a September fair belong to the second half.
        if let straddling { try api.sale(fair: straddling.fair, booth: straddling.booth, on: "2024-07-02", 3_333_000_000) }
        let september = try api.fair("Hội chợ mùa thu", kind: "local_fair", from: "2024-09-05", to: "2024-09-07", visitors: 4_000)
        let autumnBooth = try api.booth(fair: september, producer: producers[0])
        api.today("2024-09-06")
        try api.sale(fair: september, booth: autumnBooth, on: "2024-09-06", 900_000_000)
    }

    func report(_ query: String, headers: [(String, String)] = []) throws -> WireResponse {
        try api.get("/api/v1/reports/fairs" + query, headers: headers)
    }

    @Test func theHalfYearAddsUpToTheArticle() throws {
        let response = try report("?from=2024-01-01&to=2024-06-30&top=5")
        #expect(response.status == 200, "\(response.text)")
        let body = try response.json
        #expect(body["from"]?.stringValue == "2024-01-01")
        #expect(body["to"]?.stringValue == "2024-06-30")
        let totals = try #require(body["totals"])
        #expect(totals["fairs"]?.int64Value == 22)
        #expect(totals["in_province"]?.int64Value == 18)
        #expect(totals["visitors"]?.int64Value == 120_000)
        #expect(totals["revenue_vnd"]?.int64Value == 25_000_000_000)
        #expect(totals["local_revenue_vnd"]?.int64Value == 12_000_000_000)
        #expect(totals["local_share_percent"]?.stringValue == "48.0")

        let byKind = try #require(body["by_kind"]?.arrayValue)
        #expect(byKind.compactMap { $0["kind"]?.stringValue }
                == ["provincial_fair", "local_fair", "product_week", "domestic_programme", "international_programme"])
        #expect(byKind.compactMap { $0["fairs"]?.int64Value } == [2, 9, 7, 3, 1])
        for row in byKind {
            let kind = try #require(row["kind"]?.stringValue)
            let ofKind = entries.filter { $0.kind == kind }
            #expect(row["visitors"]?.int64Value == visitors[kind], "\(kind)")
            #expect(row["revenue_vnd"]?.int64Value == ofKind.reduce(0) { $0 + $1.revenue }, "\(kind)")
            #expect(row["local_revenue_vnd"]?.int64Value == ofKind.filter(\.local).reduce(0) { $0 + $1.revenue }, "\(kind)")
        }

        // Each fair's takings, the straddling week's June days only.
        let fairs = try #require(body["fairs"]?.arrayValue)
        #expect(fairs.count == 22)
        for fair in fairs {
            let id = try #require(fair["fair_id"]?.int64Value)
            #expect(fair["revenue_vnd"]?.int64Value == entries.filter { $0.fair == id }.reduce(0) { $0 + $1.revenue })
        }
        let week = try #require(fairs.first { $0["name"]?.stringValue == "Tuần hàng OCOP Vân Đồn" })
        #expect(week["ends_on"]?.stringValue == "2024-07-03")

        // Rankings computed here from what was recorded, ties broken by id as the report does.
        var byProducer: [Int64: Int64] = [:]
        for entry in entries { if let p = entry.producer { byProducer[p, default: 0] += entry.revenue } }
        let expectedProducers = byProducer.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        let top = try #require(body["top_producers"]?.arrayValue)
        #expect(top.compactMap { $0["producer_id"]?.int64Value } == expectedProducers.map(\.key))
        #expect(top.compactMap { $0["revenue_vnd"]?.int64Value } == expectedProducers.map(\.value))
        #expect(top.first?["share_percent"]?.stringValue
                == ReportNumbers.percent(amount: expectedProducers[0].value, of: 25_000_000_000))
        var byProduct: [Int64: (units: Int64, revenue: Int64)] = [:]
        for entry in entries {
            if let p = entry.product {
                byProduct[p, default: (0, 0)].units += entry.units
                byProduct[p, default: (0, 0)].revenue += entry.productRevenue
            }
        }
        let expectedProducts = byProduct.sorted { $0.value.revenue != $1.value.revenue ? $0.value.revenue > $1.value.revenue : $0.key < $1.key }
        let products = try #require(body["top_products"]?.arrayValue)
        #expect(products.count == 5)
        #expect(products.compactMap { $0["product_id"]?.int64Value } == expectedProducts.prefix(5).map(\.key))
        #expect(products.compactMap { $0["units"]?.int64Value } == expectedProducts.prefix(5).map(\.value.units))
    }

    @Test func theSecondHalfHasTheRest() throws {
        let body = try report("?from=2024-07-01&to=2024-12-31").json
        let totals = try #require(body["totals"])
        #expect(totals["fairs"]?.int64Value == 2)   // the straddling week and the September fair
        #expect(totals["revenue_vnd"]?.int64Value == 4_233_000_000)
        #expect(totals["local_revenue_vnd"]?.int64Value == 4_233_000_000)
        #expect(totals["local_share_percent"]?.stringValue == "100.0")
        // Without dates: the half year containing today (2024-09-06).
        let current = try report("").json
        #expect(current["from"]?.stringValue == "2024-07-01")
        #expect(current["totals"]?["revenue_vnd"]?.int64Value == 4_233_000_000)
    }

    @Test func csvTablesAndTheirRules() throws {
        let csv = try report(".csv?from=2024-01-01&to=2024-06-30&table=by_kind")
        #expect(csv.status == 200, "\(csv.text)")
        #expect(csv.header("Content-Type") == "text/csv; charset=utf-8")
        #expect(csv.header("Content-Disposition")?.contains("fairs-report-by_kind-2024-01-01-2024-06-30.csv") == true)
        let lines = csv.text.split(separator: "\r\n")
        #expect(lines.first?.hasSuffix("kind,fairs,in_province,visitors,revenue_vnd,local_revenue_vnd,local_share_percent") == true)
        #expect(lines.last == "all,22,18,120000,25000000000,12000000000,48.0")
        let fairs = try report("?from=2024-01-01&to=2024-06-30&table=fairs", headers: [("Accept", "text/csv")])
        #expect(fairs.text.split(separator: "\r\n").count == 23)
        #expect(try report(".csv?from=2024-01-01&to=2024-06-30").status == 422)          // which table?
        #expect(try TradeAPI.errorFields(report("?table=fairs")) == ["table"])           // JSON is the whole report
        #expect(try TradeAPI.errorFields(report("?from=2024-06-30&to=2024-01-01")) == ["from"])
        #expect(try TradeAPI.errorFields(report("?to=3000-01-01")) == ["to"])
        #expect(try TradeAPI.errorFields(report("?top=0&from=x")) == ["from", "top"])
        #expect(try TradeAPI.errorFields(report("?period=h1")) == ["period"])
    }

    @Test func officersOnly() throws {
        let anonymous = try api.client.request("GET", "/api/v1/reports/fairs")
        #expect(anonymous.status == 401)
        let pos = try api.server.token("pos", pointOfSale: 1)
        #expect(try api.client.request("GET", "/api/v1/reports/fairs", headers: [bearer(pos)]).status == 403)
        #expect(try api.client.request("GET", "/api/v1/reports/fairs", headers: [bearer(TestServer.adminToken)]).status == 200)
    }
}

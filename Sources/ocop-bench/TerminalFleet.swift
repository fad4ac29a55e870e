import JSON

/// What a run of terminals needs on a fresh server, made through the API with the admin token:
/// a producer and its products, one point of sale per terminal, a `pos` token for each, and the
/// opening count of every product at every point.
enum TerminalFleet {
    /// Creates `terminals` points of sale stocking the same `products` products, and their terminals.
    /// Returns the terminals and the opening batches (acknowledged: the crash model starts from them).
    static func make(client: BlockingClient, adminToken: String, terminals count: Int, products productCount: Int,
                     label: String) throws(BenchError) -> (terminals: [Terminal], opening: [TerminalBatch]) {
        let admin = [("Authorization", "Bearer \(adminToken)"), ("Content-Type", "application/json")]
        func create(_ target: String, _ body: String) throws(BenchError) -> JSONValue {
            let response = try client.send("POST", target, headers: admin, body: Array(body.utf8))
            guard response.status == 201, let json = try? JSONValue.parse(response.body) else {
                throw BenchError("POST \(target) answered \(response.status): \(response.text)")
            }
            return json
        }
        func id(_ json: JSONValue, _ what: String) throws(BenchError) -> Int64 {
            guard let id = json["id"]?.int64Value else { throw BenchError("\(what): no id in the answer") }
            return id
        }
        let producer = try id(create("/api/v1/producers", #"{"name":"Hợp tác xã \#(label)","kind":"cooperative"}"#), "producer")
        var products: [Int64] = []
        for n in 1...productCount {
            products.append(try id(create("/api/v1/products", """
                {"code":"\(label.uppercased())-SP-\(n)","name":"Sản phẩm \(label) \(n)","producer_id":\(producer),"group":"food"}
                """), "product"))
        }
        var terminals: [Terminal] = []
        let start = DeviceTime.nowMs() - 3_600_000
        for n in 1...count {
            let point = try id(create("/api/v1/points-of-sale", """
                {"code":"\(label.uppercased())-POS-\(n)","name":"Điểm bán \(label) \(n)","kind":"store"}
                """), "point of sale")
            let token = try create("/api/v1/tokens", #"{"name":"terminal \#(n)","role":"pos","point_of_sale_id":\#(point)}"#)
            guard let secret = token["token"]?.stringValue else { throw BenchError("token: no secret in the answer") }
            terminals.append(Terminal(pointOfSaleID: point, token: secret, products: products, clockMs: start))
        }
        var opening: [TerminalBatch] = []
        for terminal in terminals {
            let batch = terminal.openingCount()
            let response = try client.send("POST", batch.target, headers: terminal.headers + [("Idempotency-Key", batch.key)],
                                           body: batch.body)
            guard response.status == 200 else { throw BenchError("opening count answered \(response.status): \(response.text)") }
            opening.append(batch)
        }
        return (terminals, opening)
    }
}

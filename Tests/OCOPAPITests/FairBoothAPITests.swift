import Foundation
import JSON
import OCOP
import Testing

/// `/api/v1/fairs/{id}/booths` end to end: the two exhibitor forms and their 422s, `is_local`,
/// shown products, one booth per producer, merge patches that switch form, and 404s across fairs.
@Suite struct FairBoothAPITests {
    let api: TradeAPI
    let fair: Int64
    let producer: Int64
    let products: [Int64]

    init() throws {
        api = try TradeAPI()
        fair = try api.fair("Hội chợ OCOP Quảng Ninh", from: "2024-04-26", to: "2024-05-02")
        producer = try api.producer("Hợp tác xã Miến dong Bình Liêu")
        products = [try api.product("QN-1", producer: producer), try api.product("QN-2", producer: producer)]
    }

    var booths: String { "/api/v1/fairs/\(fair)/booths" }

    @Test func bothFormsAndLocality() throws {
        let ours = try api.post(booths, #"{"producer_id":\#(producer),"product_ids":\#(products)}"#)
        #expect(ours.status == 201, "\(ours.text)")
        let oursID = try #require(try ours.json["id"]?.int64Value)
        #expect(ours.header("Location") == "\(booths)/\(oursID)")
        #expect(try ours.json["is_local"]?.boolValue == true)
        #expect(try ours.json["exhibitor_name"]?.isNull == true)
        #expect(try ours.json["product_ids"]?.arrayValue?.compactMap(\.int64Value) == products)
        let outside = try api.post(booths, #"{"exhibitor_name":"HTX Chè Tân Cương","province":"Thái Nguyên"}"#)
        #expect(try outside.json["is_local"]?.boolValue == false)
        #expect(try outside.json["producer_id"]?.isNull == true)
        let fromHome = try api.post(booths, #"{"exhibitor_name":"Công ty Than Hạ Long","province":"quang ninh"}"#)
        #expect(try fromHome.json["is_local"]?.boolValue == true)
        let namedInFull = try api.post(booths, #"{"exhibitor_name":"Công ty Cẩm Phả","province":"Tỉnh Quảng Ninh"}"#)
        #expect(try namedInFull.json["is_local"]?.boolValue == true, "the province as official papers write it")
        let outsideID = try #require(try outside.json["id"]?.int64Value)
        #expect(try api.ids("\(booths)?is_local=false") == [outsideID])
        #expect(try api.ids("\(booths)?producer_id=\(producer)") == [oursID])
        // Anyone reads booths; only officers write.
        #expect(try api.client.request("GET", booths).status == 200)
        #expect(try api.client.request("POST", booths, body: #"{"producer_id":\#(producer)}"#).status == 401)
        let csv = try api.get("\(booths).csv")
        #expect(csv.text.contains("HTX Chè Tân Cương,Thái Nguyên,false"))
        #expect(csv.text.contains(",true,\(products[0]) \(products[1]),"))
    }

    @Test func exactlyOneFormOrA422() throws {
        let both = try api.post(booths, #"{"producer_id":\#(producer),"exhibitor_name":"HTX","province":"Hà Nội"}"#)
        #expect(both.status == 422)
        #expect(try TradeAPI.errorFields(both) == ["producer_id"])
        #expect(try TradeAPI.errorFields(api.post(booths, "{}")) == ["producer_id"])
        #expect(try TradeAPI.errorFields(api.post(booths, #"{"exhibitor_name":"HTX"}"#)) == ["province"])
        #expect(try TradeAPI.errorFields(api.post(booths, #"{"province":"Hà Nội"}"#)) == ["exhibitor_name"])
        #expect(try TradeAPI.errorFields(api.post(booths, #"{"exhibitor_name":" ","province":"Hà Nội"}"#)) == ["exhibitor_name"])
        #expect(try TradeAPI.errorFields(api.post(booths, #"{"producer_id":424242}"#)) == ["producer_id"])
        #expect(try TradeAPI.errorFields(api.post(booths, #"{"producer_id":\#(producer),"is_local":false}"#)) == ["is_local"])
        #expect(try TradeAPI.errorFields(api.post(booths, #"{"producer_id":\#(producer),"product_ids":"QN-1"}"#)) == ["product_ids"])
        let other = try api.producer("Hộ kinh doanh Lý Thị Mai", kind: "household")
        let theirs = try api.product("QN-9", producer: other)
        let foreign = try api.post(booths, #"{"producer_id":\#(producer),"product_ids":[\#(products[0]),\#(theirs),999]}"#)
        #expect(try TradeAPI.errorFields(foreign) == ["product_ids[1]", "product_ids[2]"])
        #expect(try api.post("/api/v1/fairs/999/booths", #"{"producer_id":\#(producer)}"#).status == 404)
    }

    @Test func oneBoothPerProducerAndSwitchingForms() throws {
        let id = try api.booth(fair: fair, producer: producer, products: [products[0]])
        #expect(try api.post(booths, #"{"producer_id":\#(producer)}"#).status == 409)
        // Patching in an outside exhibitor while producer_id stays set names both forms.
        let both = try api.patch("\(booths)/\(id)", #"{"exhibitor_name":"HTX","province":"Hà Nội"}"#)
        #expect(try TradeAPI.errorFields(both) == ["producer_id"])
        let switched = try api.patch("\(booths)/\(id)", #"{"producer_id":null,"product_ids":[],"exhibitor_name":"HTX Chè","province":"Hà Nội"}"#,
                                     ifMatch: "W/\"1\"")
        #expect(switched.status == 200, "\(switched.text)")
        #expect(try switched.json["is_local"]?.boolValue == false)
        #expect(try switched.json["version"]?.int64Value == 2)
        // The producer is free to set up a booth again.
        _ = try api.booth(fair: fair, producer: producer)
        let fetched = try api.get("\(booths)/\(id)")
        #expect(try fetched.json["exhibitor_name"]?.stringValue == "HTX Chè")
        #expect(try api.get("\(booths)/\(id)", headers: [("If-None-Match", "W/\"2\"")]).status == 304)
    }

    @Test func boothsBelongToTheirFair() throws {
        let id = try api.booth(fair: fair, producer: producer)
        let other = try api.fair("Tuần hàng", kind: "product_week", from: "2024-06-01", to: "2024-06-07")
        let wrong = try api.get("/api/v1/fairs/\(other)/booths/\(id)")
        #expect(wrong.status == 404)
        #expect(try wrong.json["detail"]?.stringValue == "fair_booth \(id) does not exist")
        #expect(try api.get("/api/v1/fairs/999/booths/\(id)").json["detail"]?.stringValue == "fair 999 does not exist")
        #expect(try api.get("/api/v1/fairs/999/booths").status == 404)
        #expect(try api.request("DELETE", "/api/v1/fairs/\(other)/booths/\(id)").status == 404)
        #expect(try api.request("DELETE", "\(booths)/\(id)").status == 204)
    }

    @Test func aShownProductWithSalesStaysAndABoothWithSalesStays() throws {
        let id = try api.booth(fair: fair, producer: producer, products: products)
        api.today("2024-04-27")
        try api.sale(fair: fair, booth: id, on: "2024-04-27", 2_000_000, units: #"[{"product_id":\#(products[0]),"units":20}]"#)
        let drop = try api.patch("\(booths)/\(id)", #"{"product_ids":[\#(products[1])]}"#)
        #expect(drop.status == 409, "\(drop.text)")
        #expect(try api.patch("\(booths)/\(id)", #"{"product_ids":[\#(products[0])]}"#).status == 200)
        #expect(try api.request("DELETE", "\(booths)/\(id)").status == 409)
    }
}

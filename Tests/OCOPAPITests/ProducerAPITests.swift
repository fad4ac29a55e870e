import Foundation
import JSON
import OCOP
import Testing

/// The producers resource end to end: real socket, real SQLite file.
@Suite struct ProducerAPITests {
    let server: TestServer
    let client: TestClient
    let admin = bearer(TestServer.adminToken)

    init() throws {
        server = try TestServer()
        client = try server.client()
    }

    func create(_ body: String, key: String? = nil) throws -> WireResponse {
        var headers = [admin]
        if let key { headers.append(("Idempotency-Key", key)) }
        return try client.request("POST", "/api/v1/producers", headers: headers, body: body)
    }

    func createID(_ name: String, kind: String = "cooperative", extra: String = "") throws -> Int64 {
        let response = try create(#"{"name":"\#(name)","kind":"\#(kind)"\#(extra)}"#)
        #expect(response.status == 201, "\(response.text)")
        return try #require(try response.json["id"]?.int64Value)
    }

    /// A retry answered from the stored response of `first`: its status and body, marked replayed.
    func expectReplay(_ retry: WireResponse, of first: WireResponse, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(retry.status == first.status, sourceLocation: sourceLocation)
        #expect(retry.body == first.body, sourceLocation: sourceLocation)
        #expect(retry.header("Idempotent-Replayed") == "true", sourceLocation: sourceLocation)
    }

    func count() throws -> Int {
        let response = try client.request("GET", "/api/v1/producers?limit=500")
        return try #require(try response.json["items"]?.arrayValue).count
    }

    @Test func createThenReadBackExactly() throws {
        let body = #"{"name":"Hợp tác xã Miến dong Bình Liêu","kind":"cooperative","tax_code":"5701234567","commune":"Đồng Văn","district":"Bình Liêu","phone":"0203 3878 123","email":"htx@mien.vn","representative":"Hoàng Văn Định"}"#
        let created = try create(body)
        #expect(created.status == 201)
        #expect(created.header("Content-Type") == "application/json; charset=utf-8")
        let id = try #require(try created.json["id"]?.int64Value)
        #expect(created.header("Location") == "/api/v1/producers/\(id)")
        #expect(created.header("ETag") == "W/\"1\"")
        let json = try created.json
        #expect(json["name"]?.stringValue == "Hợp tác xã Miến dong Bình Liêu")
        #expect(json["version"]?.int64Value == 1)
        #expect(json["address"]?.isNull == true)
        #expect(json["created_at"]?.stringValue?.hasSuffix("Z") == true)

        let fetched = try client.request("GET", "/api/v1/producers/\(id)")
        #expect(fetched.status == 200)
        #expect(try fetched.json == json)
        #expect(fetched.header("ETag") == "W/\"1\"")

        let cached = try client.request("GET", "/api/v1/producers/\(id)", headers: [("If-None-Match", "W/\"1\"")])
        #expect(cached.status == 304)
        #expect(cached.body.isEmpty)

        let head = try client.request("HEAD", "/api/v1/producers/\(id)")
        #expect(head.status == 200)
        #expect(head.header("Content-Length") == fetched.header("Content-Length"))
    }

    @Test func writesNeedAnOfficerOrAdmin() throws {
        let anonymous = try client.request("POST", "/api/v1/producers", body: #"{"name":"A","kind":"household"}"#)
        #expect(anonymous.status == 401)
        // No token sent: a plain challenge, no error code (RFC 6750 §3.1).
        #expect(anonymous.header("WWW-Authenticate") == #"Bearer realm="ocop""#)
        #expect(anonymous.header("Content-Type") == "application/problem+json")

        let wrong = try client.request("POST", "/api/v1/producers", headers: [bearer("ocop_not-a-real-token-000000")],
                                       body: #"{"name":"A","kind":"household"}"#)
        #expect(wrong.status == 401)
        // A token sent that is not one says so.
        #expect(wrong.header("WWW-Authenticate") == #"Bearer realm="ocop", error="invalid_token""#)
        // Another scheme is no bearer token at all: the plain challenge again.
        let basic = try client.request("POST", "/api/v1/producers", headers: [("Authorization", "Basic YTpi")],
                                       body: #"{"name":"A","kind":"household"}"#)
        #expect(basic.status == 401)
        #expect(basic.header("WWW-Authenticate") == #"Bearer realm="ocop""#)

        let pos = try server.token("pos", pointOfSale: 3)
        let forbidden = try client.request("POST", "/api/v1/producers", headers: [bearer(pos)], body: #"{"name":"A","kind":"household"}"#)
        #expect(forbidden.status == 403)

        let officer = try server.token("officer")
        let ok = try client.request("POST", "/api/v1/producers", headers: [bearer(officer)], body: #"{"name":"A","kind":"household"}"#)
        #expect(ok.status == 201)
        #expect(try count() == 1)
    }

    @Test func invalidBodiesChangeNothing() throws {
        let missing = try create(#"{"kind":"cooperative","colour":"red","email":"nope"}"#)
        #expect(missing.status == 422)
        let errors = try #require(try missing.json["errors"]?.arrayValue)
        let fields = Set(errors.compactMap { $0["field"]?.stringValue })
        #expect(fields == ["name", "colour", "email"])   // type and rule errors in one answer
        #expect(try missing.json["type"]?.stringValue == "https://ocop.example/problems/validation")
        #expect(try missing.json["status"]?.int64Value == 422)

        let badKind = try create(#"{"name":"X","kind":"company","email":"not-an-email","tax_code":"12"}"#)
        #expect(badKind.status == 422)
        let badRules = try create(#"{"name":"X","kind":"household","email":"not-an-email","tax_code":"12"}"#)
        #expect(Set(try #require(try badRules.json["errors"]?.arrayValue).compactMap { $0["field"]?.stringValue }) == ["email", "tax_code"])
        let wrongType = try create(#"{"name":5,"kind":"household"}"#)
        #expect(wrongType.status == 422)
        let readOnly = try create(#"{"name":"X","kind":"household","id":99}"#)
        #expect(readOnly.status == 422)
        // Every broken field at once, type errors and rule errors together; each field once.
        let several = try create(#"{"name":"","kind":"farm","email":"x","phone":7}"#)
        #expect(several.status == 422)
        #expect(Set(try ProducerAPITests.errorFields(several)) == ["name", "kind", "email", "phone"])
        #expect(try ProducerAPITests.errorFields(several).count == 4)
        #expect(try several.json["detail"]?.stringValue == "4 fields are invalid")
        // NUL and an ANSI escape are nobody's text; a line break in an address is.
        for control in [#"A\u0000B"#, #"\u001b[31mĐỏ"#, #"x\u0085y"#] {
            let response = try create(#"{"name":"\#(control)","kind":"household"}"#)
            #expect(response.status == 422, "\(control)")
            #expect(try ProducerAPITests.errorFields(response) == ["name"])
        }

        let syntax = try create(#"{"name":"X","kind":"household""#)
        #expect(syntax.status == 400)
        #expect(syntax.header("Content-Type") == "application/problem+json")
        let duplicateKey = try create(#"{"name":"X","name":"Y","kind":"household"}"#)
        #expect(duplicateKey.status == 400)
        let notObject = try create("[1,2]")
        #expect(notObject.status == 422)

        let wrongMedia = try client.request("POST", "/api/v1/producers", headers: [admin],
                                            body: #"{"name":"X","kind":"household"}"#, contentType: "text/plain")
        #expect(wrongMedia.status == 415)
        #expect(try count() == 0)
        let multiLine = try create(#"{"name":"X","kind":"household","address":"Thôn 3\nHải Hòa\tMóng Cái"}"#)
        #expect(multiLine.status == 201)
    }

    /// API.md sends `application/json; charset=utf-8`; media types and parameters are
    /// case-insensitive and a parameter may be spaced or quoted (RFC 9110 §8.3.1). Any other
    /// charset or media type is a 415 that stores nothing.
    @Test func contentTypesAreReadAsRFC9110WritesThem() throws {
        let accepted = ["application/json", "application/json; charset=utf-8", "Application/JSON;Charset=UTF-8",
                        #"application/json; charset="utf-8""#, "application/json ; charset = utf-8",
                        "application/json;\tcharset=utf-8", "application/json; charset=utf-8; version=1"]
        for (i, contentType) in accepted.enumerated() {
            let response = try client.request("POST", "/api/v1/producers", headers: [admin],
                                              body: #"{"name":"Hộ số \#(i)","kind":"household"}"#, contentType: contentType)
            #expect(response.status == 201, "\(contentType): \(response.text)")
        }
        let refused = ["application/json; charset=latin1", "application/json; charset=utf-16", "application/jsonx",
                       "application/merge-patch+json", "text/json", "application/json, text/plain"]
        for contentType in refused {
            let response = try client.request("POST", "/api/v1/producers", headers: [admin],
                                              body: #"{"name":"Hộ từ chối","kind":"household"}"#, contentType: contentType)
            #expect(response.status == 415, "\(contentType): \(response.text)")
            #expect(response.header("Content-Type") == "application/problem+json")
        }
        #expect(try count() == accepted.count)
    }

    static func errorFields(_ response: WireResponse) throws -> [String] {
        try #require(try response.json["errors"]?.arrayValue).compactMap { $0["field"]?.stringValue }
    }

    @Test func pagesWithCursorAndLink() throws {
        var ids: [Int64] = []
        for i in 1...7 { ids.append(try createID("Cơ sở \(i)")) }
        var seen: [Int64] = []
        var target = "/api/v1/producers?limit=3"
        var pages = 0
        while true {
            let page = try client.request("GET", target)
            #expect(page.status == 200)
            let json = try page.json
            seen += try #require(json["items"]?.arrayValue).compactMap { $0["id"]?.int64Value }
            pages += 1
            guard let next = json["next_cursor"]?.stringValue else {
                #expect(page.header("Link") == nil)
                break
            }
            let link = try #require(page.header("Link"))
            #expect(link.hasSuffix("; rel=\"next\""))
            target = String(link.dropFirst().prefix { $0 != ">" })
            #expect(target.contains("cursor=\(next)"))
            #expect(target.contains("limit=3"))
        }
        #expect(pages == 3)
        #expect(seen == ids)

        let descending = try client.request("GET", "/api/v1/producers?sort=-id&limit=2")
        #expect(try descending.json["items"]?.arrayValue?.compactMap { $0["id"]?.int64Value } == [ids[6], ids[5]])
    }

    @Test func badQueryParametersAre422() throws {
        for target in ["/api/v1/producers?colour=red", "/api/v1/producers?limit=0", "/api/v1/producers?limit=501",
                       "/api/v1/producers?limit=abc", "/api/v1/producers?kind=company", "/api/v1/producers?cursor=%21%21",
                       "/api/v1/producers?sort=colour", "/api/v1/producers?kind=household&kind=cooperative",
                       "/api/v1/producers?q=", "/api/v1/producers?q=%20%20",
                       "/api/v1/producers?limit=%2B5", "/api/v1/producers?limit=05", "/api/v1/producers?limit=5%20"] {
            let response = try client.request("GET", target)
            #expect(response.status == 422, "\(target): \(response.status)")
            #expect(response.header("Content-Type") == "application/problem+json")
        }
    }

    @Test func searchIgnoresCaseDiacriticsAndFoldsD() throws {
        let vanDon = try createID("Hợp tác xã Hải sản Vân Đồn")
        let baChe = try createID("Công ty Ba kích Ba Chẽ", kind: "enterprise")
        let mien = try createID("Hộ kinh doanh Miến dong", kind: "household")
        func search(_ q: String) throws -> [Int64] {
            let encoded = q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? q
            let response = try client.request("GET", "/api/v1/producers?q=\(encoded)")
            return try #require(try response.json["items"]?.arrayValue).compactMap { $0["id"]?.int64Value }
        }
        #expect(try search("van don") == [vanDon])
        #expect(try search("VÂN ĐỒN") == [vanDon])
        #expect(try search("ba che") == [baChe])
        #expect(try search("mien dong") == [mien])
        #expect(try search("mie") == [mien])
        #expect(try search("don").sorted() == [vanDon, mien].sorted())   // Đồn → don, and "don" is a prefix of dong
        #expect(try search("xyz").isEmpty)
        let kindFiltered = try client.request("GET", "/api/v1/producers?kind=enterprise")
        #expect(try kindFiltered.json["items"]?.arrayValue?.compactMap { $0["id"]?.int64Value } == [baChe])
    }

    @Test func sortsByNameInVietnameseOrder() throws {
        for name in ["Đông", "Dương", "Ấn", "An", "Bình", "Ân"] { _ = try createID(name) }
        let response = try client.request("GET", "/api/v1/producers?sort=name")
        let names = try #require(try response.json["items"]?.arrayValue).compactMap { $0["name"]?.stringValue }
        #expect(names == ["An", "Ân", "Ấn", "Bình", "Dương", "Đông"])
    }

    @Test func exportsCSV() throws {
        _ = try createID(#"Hợp tác xã \"Đồng\", Tiên Yên"#)
        for request in [try client.request("GET", "/api/v1/producers.csv"),
                        try client.request("GET", "/api/v1/producers", headers: [("Accept", "text/csv")])] {
            #expect(request.status == 200)
            #expect(request.header("Content-Type") == "text/csv; charset=utf-8")
            #expect(Array(request.body.prefix(3)) == [0xEF, 0xBB, 0xBF])
            let lines = String(decoding: request.body.dropFirst(3), as: UTF8.self).split(separator: "\r\n")
            #expect(lines.first?.hasPrefix("id,name,kind,tax_code") == true)
            #expect(lines.count == 2)
            #expect(lines[1].contains("\"Hợp tác xã \"\"Đồng\"\", Tiên Yên\""))
        }
        let itemCSV = try client.request("GET", "/api/v1/producers/1.csv")
        #expect(itemCSV.status == 404)
    }

    /// A name a spreadsheet app would run (a sign before a function call) is text in the export;
    /// a phone number's leading + is left as sent.
    @Test func csvDefusesFormulasBehindASign() throws {
        _ = try createID("+HYPERLINK(\\\"http://x.example\\\")", extra: #","phone":"+84 203 3878 123""#)
        let export = try client.request("GET", "/api/v1/producers.csv")
        #expect(export.status == 200)
        let lines = String(decoding: export.body.dropFirst(3), as: UTF8.self).split(separator: "\r\n")
        #expect(lines.count == 2)
        #expect(lines[1].contains(#","'+HYPERLINK(""http://x.example"")","#), "\(lines[1])")
        #expect(lines[1].contains(",+84 203 3878 123,"), "\(lines[1])")
        // The JSON keeps the name exactly as sent.
        let json = try client.request("GET", "/api/v1/producers").json
        #expect(json["items"]?.arrayValue?.first?["name"]?.stringValue == #"+HYPERLINK("http://x.example")"#)
    }

    /// A producer whose e-mail address was stored before the rule grew stricter stays editable:
    /// PATCH and PUT that keep the address pass, one that changes it to another bad one does not.
    @Test func anAddressStoredUnderTheOldRuleStaysEditable() throws {
        let id = try createID("HTX Đức Thành", kind: "cooperative")
        try server.app.services.database.write { db in
            try db.run("UPDATE producers SET email = 'đức@htx.vn' WHERE id = ?", [.integer(id)])
        }
        let patched = try client.request("PATCH", "/api/v1/producers/\(id)", headers: [admin], body: #"{"phone":"0203 3878 123"}"#,
                                         contentType: "application/merge-patch+json")
        #expect(patched.status == 200, "\(patched.text)")
        #expect(try patched.json["email"]?.stringValue == "đức@htx.vn")
        let put = try client.request("PUT", "/api/v1/producers/\(id)", headers: [admin],
                                     body: #"{"name":"HTX Đức Thành","kind":"cooperative","email":"đức@htx.vn"}"#)
        #expect(put.status == 200, "\(put.text)")
        let changed = try client.request("PATCH", "/api/v1/producers/\(id)", headers: [admin], body: #"{"email":"thanh@htx_vn.com"}"#,
                                         contentType: "application/merge-patch+json")
        #expect(changed.status == 422)
        #expect(try ProducerAPITests.errorFields(changed) == ["email"])
        #expect(try client.request("POST", "/api/v1/producers", headers: [admin],
                                   body: #"{"name":"HTX khác","kind":"cooperative","email":"đức@htx.vn"}"#).status == 422)
    }

    @Test func patchMergesAndGuardsVersions() throws {
        let id = try createID("Cơ sở Chả mực", kind: "household", extra: #","email":"a@b.vn","phone":"0912345678""#)
        let patched = try client.request("PATCH", "/api/v1/producers/\(id)", headers: [admin, ("If-Match", "W/\"1\"")],
                                         body: #"{"email":null,"address":"Bãi Cháy, Hạ Long"}"#,
                                         contentType: "application/merge-patch+json")
        #expect(patched.status == 200, "\(patched.text)")
        let json = try patched.json
        #expect(json["email"]?.isNull == true)
        #expect(json["phone"]?.stringValue == "0912345678")
        #expect(json["address"]?.stringValue == "Bãi Cháy, Hạ Long")
        #expect(json["version"]?.int64Value == 2)
        #expect(patched.header("ETag") == "W/\"2\"")

        let stale = try client.request("PATCH", "/api/v1/producers/\(id)", headers: [admin, ("If-Match", "W/\"1\"")],
                                       body: #"{"phone":null}"#)
        #expect(stale.status == 412)
        // The precondition is evaluated before the content (RFC 9110 §13.2.2): stale and invalid is still 412.
        let staleAndInvalid = try client.request("PATCH", "/api/v1/producers/\(id)", headers: [admin, ("If-Match", "W/\"1\"")],
                                                 body: #"{"phone":"not a phone","kind":"bad"}"#)
        #expect(staleAndInvalid.status == 412)
        let staleReplace = try client.request("PUT", "/api/v1/producers/\(id)", headers: [admin, ("If-Match", "W/\"1\"")],
                                              body: #"{"kind":"bad"}"#)
        #expect(staleReplace.status == 412)
        // A tag that names no version of ours (empty, not a tag) matches nothing: 412 on the item,
        // yet a 404 where there is no item, as for a stale tag (RFC 9110 §13.2.1).
        // A tag is an opaque string (RFC 9110 §8.8.3.2): `W/"02"` or `"+2"` is not the `W/"2"` issued.
        for tag in ["", "abc", "W/\"x\"", "W/\"02\"", "\"+2\""] {
            let garbled = try client.request("PATCH", "/api/v1/producers/\(id)", headers: [admin, ("If-Match", tag)], body: #"{"kind":"bad"}"#)
            #expect(garbled.status == 412, "If-Match: \(tag)")
            #expect(try garbled.json["detail"]?.stringValue?.contains("W/\"2\"") == true, "\(garbled.text)")
            let missing = try client.request("PATCH", "/api/v1/producers/999999", headers: [admin, ("If-Match", tag)], body: #"{"kind":"bad"}"#)
            #expect(missing.status == 404, "If-Match: \(tag) on a missing producer")
            #expect(try client.request("DELETE", "/api/v1/producers/999999", headers: [admin, ("If-Match", tag)]).status == 404)
        }
        let unchanged = try client.request("GET", "/api/v1/producers/\(id)")
        #expect(try unchanged.json["phone"]?.stringValue == "0912345678")

        let removeRequired = try client.request("PATCH", "/api/v1/producers/\(id)", headers: [admin], body: #"{"name":null}"#)
        #expect(removeRequired.status == 422)
        // A misspelt field is unknown whatever its value, null included (it cleared nothing).
        let misspelt = try client.request("PATCH", "/api/v1/producers/\(id)", headers: [admin], body: #"{"emial":null}"#)
        #expect(misspelt.status == 422)
        #expect(try ProducerAPITests.errorFields(misspelt) == ["emial"])
        // A known field that is already empty may be cleared again.
        #expect(try client.request("PATCH", "/api/v1/producers/\(id)", headers: [admin], body: #"{"email":null}"#).status == 200)
        // Removing what the server owns is refused as setting it is, and changes nothing.
        let removeReadOnly = try client.request("PATCH", "/api/v1/producers/\(id)", headers: [admin],
                                                body: #"{"version":null,"created_at":null}"#)
        #expect(removeReadOnly.status == 422)
        #expect(try ProducerAPITests.errorFields(removeReadOnly).sorted() == ["created_at", "version"])
        #expect(try client.request("GET", "/api/v1/producers/\(id)").header("ETag") == "W/\"2\"")
        let missing = try client.request("PATCH", "/api/v1/producers/999999", headers: [admin], body: #"{"phone":null}"#)
        #expect(missing.status == 404)
    }

    /// A body with an object of 60,000 members (640 KB), at the top, nested under a field (which
    /// a patch merges into the string there as into an empty object) or inside an array, is
    /// refused before any handler reads it, and changes nothing. A patch's merge ran on the
    /// writer and was quadratic: 17 s for 60,000 members, every other write waiting behind it.
    @Test func aHugePatchIsRefusedAndChangesNothing() throws {
        let id = try createID("Cơ sở Nước mắm", kind: "household")
        let members = (0..<60_000).map { "\"k\($0)\":\($0 % 3 == 0 ? "null" : "1")" }.joined(separator: ",")
        for (body, field) in [("{\(members)}", ""), (#"{"name":{"# + members + "}}", "name"),
                              (#"{"name":"x","certifications":[{"a":1},{"# + members + "}]}", "certifications[1]")] {
            for method in ["PATCH", "PUT", "POST"] {
                let refused = try client.request(method, "/api/v1/producers" + (method == "POST" ? "" : "/\(id)"),
                                                 headers: [admin], body: body)
                #expect(refused.status == 422)
                #expect(refused.header("Content-Type") == "application/problem+json")
                #expect(try ProducerAPITests.errorFields(refused) == [field], "\(method) \(field)")
            }
        }
        // At the limit it is the field reader's to judge: 256 unknown members, each named.
        let most = "{" + (0..<256).map { "\"k\($0)\":1" }.joined(separator: ",") + "}"
        let judged = try client.request("PATCH", "/api/v1/producers/\(id)", headers: [admin], body: most)
        #expect(judged.status == 422)
        #expect(try ProducerAPITests.errorFields(judged).count > 1)
        let after = try client.request("GET", "/api/v1/producers/\(id)")
        #expect(after.header("ETag") == "W/\"1\"")
        #expect(try after.json["name"]?.stringValue == "Cơ sở Nước mắm")
    }

    @Test func putReplacesAndAcceptsEchoedReadOnlyFields() throws {
        let id = try createID("Cơ sở A", extra: #","phone":"0912345678""#)
        let current = try client.request("GET", "/api/v1/producers/\(id)").json
        var object = try #require(current.objectValue)
        object["name"] = .string("Cơ sở B")
        object["phone"] = nil
        let put = try client.request("PUT", "/api/v1/producers/\(id)", headers: [admin], body: JSONValue.object(object).serializedString())
        #expect(put.status == 200, "\(put.text)")
        #expect(try put.json["phone"]?.isNull == true)
        #expect(try put.json["name"]?.stringValue == "Cơ sở B")
        object["version"] = .number(JSONNumber(Int64(77)))
        let changedVersion = try client.request("PUT", "/api/v1/producers/\(id)", headers: [admin], body: JSONValue.object(object).serializedString())
        #expect(changedVersion.status == 422)
    }

    @Test func deleteRemovesAndRefusesWhenReferenced() throws {
        let id = try createID("Cơ sở xoá")
        let stale = try client.request("DELETE", "/api/v1/producers/\(id)", headers: [admin, ("If-Match", "W/\"9\"")])
        #expect(stale.status == 412)
        let deleted = try client.request("DELETE", "/api/v1/producers/\(id)", headers: [admin])
        #expect(deleted.status == 204)
        #expect(try client.request("GET", "/api/v1/producers/\(id)").status == 404)
        #expect(try client.request("DELETE", "/api/v1/producers/\(id)", headers: [admin]).status == 404)

        // Later tables (products…) reference producers with ON DELETE RESTRICT; a stand-in table proves the rule.
        let owner = try createID("Cơ sở có sản phẩm")
        try server.app.services.database.exclusive { db in
            try db.execute("CREATE TABLE test_products (id INTEGER PRIMARY KEY, producer_id INTEGER NOT NULL REFERENCES producers(id) ON DELETE RESTRICT)")
            try db.run("INSERT INTO test_products (producer_id) VALUES (?)", [.integer(owner)])
        }
        let refused = try client.request("DELETE", "/api/v1/producers/\(owner)", headers: [admin])
        #expect(refused.status == 409)
        #expect(try client.request("GET", "/api/v1/producers/\(owner)").status == 200)
    }

    @Test func duplicateTaxCodeIsConflict() throws {
        _ = try createID("A", extra: #","tax_code":"5700000001""#)
        let duplicate = try create(#"{"name":"B","kind":"enterprise","tax_code":"5700000001"}"#)
        #expect(duplicate.status == 409)
        #expect(try count() == 1)
    }

    @Test func idempotencyKeyReplaysAndRejectsDifferentBodies() throws {
        let body = #"{"name":"Hợp tác xã Trà hoa vàng","kind":"cooperative"}"#
        let first = try create(body, key: "key-123")
        #expect(first.status == 201)
        let retry = try create(body, key: "key-123")
        #expect(retry.status == 201)
        expectReplay(retry, of: first)
        #expect(retry.header("Location") == first.header("Location"))
        #expect(try count() == 1)
        let different = try create(#"{"name":"Khác","kind":"cooperative"}"#, key: "key-123")
        #expect(different.status == 422)
        #expect(try count() == 1)
        let invalidFirst = try create(#"{"kind":"cooperative"}"#, key: "key-456")
        #expect(invalidFirst.status == 422)
        let fixed = try create(#"{"kind":"cooperative"}"#, key: "key-456")
        #expect(fixed.status == 422)   // failures store nothing; the retry is evaluated afresh
    }

    /// Keys merged into the idempotency index (IdempotencyStore.merge) replay and refuse
    /// other bodies exactly as keys still in the tail do.
    @Test func idempotencyKeysReplayAfterTheirMerge() throws {
        let body = #"{"name":"Hợp tác xã Ba Kích","kind":"cooperative"}"#
        let first = try create(body, key: "merged-key")
        #expect(first.status == 201)
        let services = server.app.services
        services.idempotencyTail.merged(through: try IdempotencyStore.merge(services.database))
        #expect(services.idempotencyTail.count == 0)
        let tailBody = #"{"name":"Hợp tác xã Mật ong","kind":"cooperative"}"#
        let inTail = try create(tailBody, key: "tail-key")
        #expect(inTail.status == 201)

        let retry = try create(body, key: "merged-key")
        #expect(retry.status == 201)
        expectReplay(retry, of: first)
        #expect(try create(#"{"name":"Khác","kind":"cooperative"}"#, key: "merged-key").status == 422)
        expectReplay(try create(tailBody, key: "tail-key"), of: inTail)
        #expect(try count() == 2)
    }

    /// The retry of a create now meets the create's own effect (its tax code is taken):
    /// the stored 201 is still what it gets, and nothing more is written.
    @Test func aRetryThatWouldNowFailStillReplays() throws {
        let body = #"{"name":"Công ty Mực Cô Tô","kind":"enterprise","tax_code":"5700000002"}"#
        let first = try create(body, key: "key-tax")
        #expect(first.status == 201)
        let retry = try create(body, key: "key-tax")
        #expect(retry.status == 201)
        expectReplay(retry, of: first)
        let other = try create(#"{"name":"Khác","kind":"enterprise","tax_code":"5700000002"}"#, key: "key-tax")
        #expect(other.status == 422)   // same key, different request: not the tax code's 409
        #expect(try count() == 1)
        let audit = try client.request("GET", "/api/v1/audit?entity=producer", headers: [admin])
        #expect(try audit.json["items"]?.arrayValue?.count == 1)
    }

    /// An id names one producer for ever: after the newest is deleted, the next one gets a new id,
    /// so a kept ETag or audit trail never speaks of a stranger.
    @Test func idsAreNotReusedAfterADelete() throws {
        let old = try createID("HTX Cũ")
        #expect(try client.request("DELETE", "/api/v1/producers/\(old)", headers: [admin]).status == 204)
        let new = try createID("HTX Mới")
        #expect(new == old + 1)
        #expect(try client.request("GET", "/api/v1/producers/\(old)").status == 404)
        let audit = try client.request("GET", "/api/v1/audit?entity=producer&entity_id=\(old)", headers: [admin])
        #expect(try audit.json["items"]?.arrayValue?.compactMap { $0["action"]?.stringValue } == ["delete", "create"])
    }

    @Test func everyWriteIsAudited() throws {
        let id = try createID("Cơ sở kiểm tra")
        _ = try client.request("PATCH", "/api/v1/producers/\(id)", headers: [admin], body: #"{"district":"Cô Tô"}"#)
        _ = try client.request("DELETE", "/api/v1/producers/\(id)", headers: [admin])
        let anonymous = try client.request("GET", "/api/v1/audit?entity=producer&entity_id=\(id)")
        #expect(anonymous.status == 401)
        let audit = try client.request("GET", "/api/v1/audit?entity=producer&entity_id=\(id)", headers: [admin])
        #expect(audit.status == 200)
        let entries = try #require(try audit.json["items"]?.arrayValue)
        #expect(entries.compactMap { $0["action"]?.stringValue } == ["delete", "update", "create"])
        #expect(entries[1]["changes"]?["district"]?["to"]?.stringValue == "Cô Tô")
        #expect(entries[1]["changes"]?["district"]?["from"]?.isNull == true)
        #expect(entries[0]["token_id"]?.int64Value == 1)
        #expect(entries[2]["request_id"]?.stringValue?.isEmpty == false)
        // Ids are integers (API.md), the entity's too.
        #expect(entries.allSatisfy { $0["entity_id"] == .number(JSONNumber(id)) })
        // Every item has created_at, updated_at and version (API.md); an entry never changes.
        for entry in entries {
            #expect(entry["created_at"] == entry["at"] && entry["updated_at"] == entry["at"])
            #expect(entry["version"]?.int64Value == 1)
        }
        let notAnID = try client.request("GET", "/api/v1/audit?entity=producer&entity_id=abc", headers: [admin])
        #expect(notAnID.status == 422)
        #expect(notAnID.text.contains("entity_id"))
        // An entity the log never speaks of is a mistake in the filter, not an empty list.
        let unknown = try client.request("GET", "/api/v1/audit?entity=producers", headers: [admin])
        #expect(unknown.status == 422)
        #expect(unknown.text.contains("entity"))
    }
}

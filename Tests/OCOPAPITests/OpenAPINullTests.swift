import Foundation
import JSON
import Testing

/// `null` in a merge patch, on every member of every PATCH the document lists, on the demo's
/// first items: where the document lets a member take null the server takes it (no field error
/// naming it), and where it does not the server refuses it. An outside probe found the server
/// taking nulls (`{"has_ocop_sign": null}`, `{"visitors": null}`) that the schemas refused.
@Suite(.serialized) struct OpenAPINullTests {
    let server: TestServer
    let client: TestClient
    let document: JSONValue

    init() throws {
        (server, client, document) = try TestServer.demoWithDocument()
    }

    /// Rules across fields the schema cannot state: a booth names a producer or an exhibitor.
    static let crossFieldRules: Set<String> = ["/api/v1/fairs/1/booths/1#producer_id"]

    @Test func aNullIsTakenExactlyWhereTheDocumentSaysSo() throws {
        let schemas = try #require(document["components"]?["schemas"])
        var sent = 0
        for (pattern, operations) in (document["paths"]?.objectValue ?? [:]).members {
            guard let operation = operations["patch"],
                  let reference = operation["requestBody"]?["content"]?["application/merge-patch+json"]?["schema"]?["$ref"]?.stringValue,
                  let schema = schemas[String(reference.split(separator: "/").last ?? "")] else { continue }
            let path = pattern.replacingOccurrences(of: #"\{[^}]*\}"#, with: "1", options: .regularExpression)
            for (member, property) in (schema["properties"]?.objectValue ?? [:]).members {
                let takesNull = property["type"]?.arrayValue?.contains(.string("null")) == true || property["anyOf"] != nil
                let response = try client.request("PATCH", path, headers: [bearer(TestServer.adminToken), ("If-Match", "*")],
                                                  body: "{\"\(member)\":null}", contentType: "application/merge-patch+json")
                sent += 1
                let errors = response.status == 422 ? try response.json["errors"]?.arrayValue ?? [] : []
                let named = errors.contains { $0["field"]?.stringValue == member }
                if takesNull && !Self.crossFieldRules.contains("\(path)#\(member)") {
                    // Taken, or refused for the state it would leave (a 409: a booth's product still
                    // in its sales entries), never as input.
                    #expect(!named && (response.status < 300 || response.status == 409),
                            "PATCH \(path) {\"\(member)\": null}: the document takes null, the server answered \(response.status): \(response.text)")
                } else if !takesNull {
                    #expect(response.status >= 400, "PATCH \(path) {\"\(member)\": null}: the document refuses null, the server answered \(response.status)")
                }
            }
        }
        #expect(sent >= 60, "\(sent) sent")
    }
}

import HTTP
import JSON
import OCOP

/// Builds the API's success responses so every resource shapes them the same way.
public enum Responses {
    public static let jsonType = "application/json; charset=utf-8"

    public static func json(_ status: HTTPStatus = .ok, _ body: [UInt8], headers: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
        var headers = headers
        headers.set("Content-Type", jsonType)
        return HTTPResponse(status: status, headers: headers, body: body)
    }

    /// One item with its `ETag`; a GET whose `If-None-Match` already has this version gets 304,
    /// unless `versionValidates` is false: the representation also shows state derived from the
    /// calendar (a status that turned `expired` overnight) that changed since this version was
    /// written, so the version alone cannot say the client's copy is current.
    public static func item(_ context: RequestContext, status: HTTPStatus = .ok, version: Int64,
                            location: String? = nil, versionValidates: Bool = true,
                            _ write: (inout JSONWriter) -> Void) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.set("ETag", ETag.of(version: version))
        if let location { headers.set("Location", location) }
        let isRead = context.request.method == .get || context.request.method == .head
        // A read's If-Match (RFC 9110 §13.1.1: "only this version") is evaluated like a write's;
        // a write's was, against the version before it, by its store.
        if isRead, let condition = context.request.headers["If-Match"],
           !ETag.matches(field: condition, version: version) {
            return Problem.preconditionFailed("If-Match does not match the current version (\(ETag.of(version: version)))").response
        }
        if versionValidates, isRead, let condition = context.request.headers["If-None-Match"],
           ETag.matches(field: condition, version: version) {
            return HTTPResponse(status: .notModified, headers: headers)
        }
        var writer = JSONWriter(capacity: 512)
        write(&writer)
        return json(status, writer.bytes, headers: headers)
    }

    public static func noContent() -> HTTPResponse { HTTPResponse(status: .noContent) }

    /// `Link` to the next page (RFC 8288): this query with its cursor parameter (`cursor`, or the
    /// inventory feed's `after`) set to `value`.
    public static func nextLink(_ path: String, _ query: QueryParameters, cursor value: String,
                                parameter: String = "cursor") -> String {
        "<\(path)?\(query.replacing(parameter, with: value))>; rel=\"next\""
    }

    /// A page as `{"items": [...], "next_cursor": ...}` with `Link: rel="next"`, or as CSV when asked.
    public static func list<Item>(_ context: RequestContext, page: Page<Item>, query: QueryParameters,
                                  csv: CSVTable<Item>? = nil, _ write: (inout JSONWriter, Item) -> Void) -> HTTPResponse {
        if context.wantsCSV, let csv {
            var headers = HTTPHeaders()
            if let next = page.nextCursor { headers.add("Link", nextLink(linkPath(context), query, cursor: next)) }
            headers.set("Content-Type", "text/csv; charset=utf-8")
            headers.set("Content-Disposition", "attachment; filename=\"\(csv.filename)\"")
            return HTTPResponse(status: .ok, headers: headers, body: csv.render(page.items))
        }
        return list(context, query: query, capacity: 256 + page.items.count * 384) { writer in
            for item in page.items { write(&writer, item) }
            return page.nextCursor
        }
    }

    /// A page as `{"items": [...], "next_cursor": ...}` with `Link: rel="next"`, its items
    /// written by `items` as it reads them (`ProducerStore.forEachListed`), which returns the
    /// next page's cursor. JSON only: a list exported as CSV goes through the page of items.
    public static func list(_ context: RequestContext, query: QueryParameters, capacity: Int,
                            items: (inout JSONWriter) throws -> String?) rethrows -> HTTPResponse {
        var writer = JSONWriter(capacity: capacity)
        writer.beginObject()
        writer.key("items")
        writer.beginArray()
        let next = try items(&writer)
        writer.endArray()
        writer.field("next_cursor", next)
        writer.endObject()
        var headers = HTTPHeaders()
        if let next { headers.add("Link", nextLink(linkPath(context), query, cursor: next)) }
        return json(.ok, writer.bytes, headers: headers)
    }

    /// The path a next-page link names: the request's, with the `.csv` suffix it was asked by.
    private static func linkPath(_ context: RequestContext) -> String {
        context.wantsCSV && context.request.path.hasSuffix(".csv") ? context.path + ".csv" : context.path
    }
}

/// How a list is exported as CSV (RFC 4180), for officials' spreadsheets.
public struct CSVTable<Item>: Sendable {
    public let filename: String
    public let columns: [(header: String, value: @Sendable (Item) -> String?)]

    public init(filename: String, columns: [(header: String, value: @Sendable (Item) -> String?)]) {
        self.filename = filename
        self.columns = columns
    }

    /// UTF-8 with a BOM so spreadsheet apps detect the encoding; CRLF line ends.
    public func render(_ items: [Item]) -> [UInt8] {
        var out: [UInt8] = [0xEF, 0xBB, 0xBF]
        out += Array(columns.map { CSVTable.escape($0.header) }.joined(separator: ",").utf8) + [13, 10]
        for item in items {
            out += Array(columns.map { CSVTable.escape($0.value(item) ?? "") }.joined(separator: ",").utf8) + [13, 10]
        }
        return out
    }

    static func escape(_ value: String) -> String {
        var text = value
        if isFormula(text) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }

    /// Whether a spreadsheet app would run `cell` as a formula (CSV injection, OWASP): one starting
    /// with `=`, `@`, a tab or a CR, or with `+` or `-` followed by anything that could name a
    /// function or a DDE link. A leading apostrophe makes such a cell text. A sign followed only by
    /// digits, spaces and `.()+-/` stays as sent: phone numbers (`+84 203 3878 123`) and negative
    /// amounts are such cells, and at worst they compute arithmetic.
    static func isFormula(_ cell: String) -> Bool {
        guard let first = cell.utf8.first else { return false }
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "@"), 0x09, 0x0D:
            return true
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            return cell.utf8.dropFirst().contains { byte in
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: " "), UInt8(ascii: "."), UInt8(ascii: "("),
                     UInt8(ascii: ")"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"):
                    return false
                default:
                    return true
                }
            }
        default:
            return false
        }
    }
}

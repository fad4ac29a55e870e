import HTTP
import JSON
import OCOP

extension ProductRoutes {
    /// `POST /api/v1/products/import`: a CSV file (UTF-8, optional BOM, header row) becomes
    /// products in one transaction, or nothing does and the 422 lists every bad row and field.
    /// Its `text/csv` (RFC 4180 §3, UTF-8 when a charset is named) is the route's declared media
    /// type, which the responder requires before this runs (`Route.checkMediaType`).
    /// More than `ProductImport.maximumRows` rows is a 413: the file is larger than the server
    /// takes in one request (RFC 9110 §15.5.14), whatever its rows hold.
    func importCSV(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        // Parsed before the write: the shared writer is held only for the database checks and inserts.
        let importer: ProductImport
        do {
            importer = try ProductImport.prepare(context.request.body)
        } catch {
            switch error {
            case .syntax(let syntax):
                throw Problem.malformed("the body is not valid CSV (RFC 4180): line \(syntax.line): \(syntax.message)")
            case .tooManyRows(let count):
                throw Problem(.contentTooLarge, type: "content-too-large", title: "Content too large",
                              detail: "an import takes at most \(ProductImport.maximumRows) rows; this file has \(count). Split it.")
            case .invalid(let errors):
                throw Problem.validation(errors)
            }
        }
        let actor = context.actor, now = context.now
        return try context.write { db in
            let ids = try importer.commit(db, actor: actor, now: now)
            var writer = JSONWriter(capacity: 32 + ids.count * 8)
            writer.beginObject()
            writer.field("imported", ids.count)
            writer.key("ids")
            writer.beginArray()
            for id in ids { writer.int(id) }
            writer.endArray()
            writer.endObject()
            return Responses.json(.created, writer.bytes)
        }
    }
}

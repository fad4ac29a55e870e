import HTTP
import JSON
import OCOP

/// `/api/v1/reports/*`: dashboard figures computed from recorded data on every request.
/// Officers and admins only: the report names producers' products and their deadlines.
public struct ReportRoutes: RouteCollection {
    public init() {}

    static let productParameters: Set<String> = ["as_of", "within_days", "from", "to", "table"]

    public func routes() -> [Route] {
        [
            Route(.get, "/api/v1/reports/products", access: .officers,
                  doc: RouteDoc("""
                      Products report as of a day (default today, Asia/Ho_Chi_Minh): certified products by stars, group, \
                      district, commune and producer kind; certificates expiring within within_days; certificates expired \
                      in from..to and how many re-entered evaluation; certified raw-material areas by scheme. \
                      CSV (Accept: text/csv or .csv) returns one table, chosen with table=
                      """, tag: "reports", response: "ProductReport", query: Self.productParameters.sorted(),
                                values: ["table": RouteDoc.cases(ReportTable.self)], csv: true),
                  handler: products),
        ]
    }

    func products(_ context: RequestContext) throws -> HTTPResponse {
        let parameters = try context.query()
        try parameters.check(allowed: Self.productParameters)
        var errors: [FieldError] = []
        let asOf = CertificationReaders.date(parameters, "as_of", errors: &errors)
        let range = ProductReportQuery.withinDaysRange
        let withinDays = parameters.int("within_days", in: Int64(range.lowerBound)...Int64(range.upperBound), errors: &errors)
        let from = CertificationReaders.date(parameters, "from", errors: &errors)
        let to = CertificationReaders.date(parameters, "to", errors: &errors)
        let table = parameters.oneOf("table", ReportTable.self, errors: &errors)
        // A report is several tables; CSV is one table, so the caller names it. JSON is the whole
        // report, so a table there would be silently ignored: both mismatches are errors.
        if context.wantsCSV, table == nil, parameters["table"] == nil {
            let tables = ReportTable.allCases.map(\.rawValue).joined(separator: ", ")
            errors.append(FieldError("table", "is required for CSV: one of \(tables)"))
        }
        if !context.wantsCSV, table != nil {
            errors.append(FieldError("table", """
                selects the table of a CSV export (Accept: text/csv or a .csv suffix); JSON is the whole report
                """))
        }
        if !errors.isEmpty { throw Problem.validation(errors) }
        let query = try ProductReportQuery(asOf: asOf ?? CivilDate.today(at: context.now), withinDays: withinDays.map { Int($0) },
                                           from: from, to: to)
        let report = try context.database.read { try ProductReportStore.report($0, query) }
        if context.wantsCSV, let table {
            var headers = HTTPHeaders()
            headers.set("Content-Type", "text/csv; charset=utf-8")
            headers.set("Content-Disposition", "attachment; filename=\"products-report-\(table.rawValue)-\(query.asOf).csv\"")
            return HTTPResponse(status: .ok, headers: headers, body: ReportRepresentation.csv(report, table: table))
        }
        var writer = JSONWriter(capacity: 4096 + report.expiring.count * 200 + report.certified.byCommune.count * 100)
        ReportRepresentation.write(report, to: &writer)
        return Responses.json(.ok, writer.bytes)
    }
}

import HTTP
import JSON
import OCOP

/// `GET /api/v1/reports/overview`: everything a dashboard's first screen shows, in one call, as of
/// a day. Officers and admins only, like the reports it is assembled from.
public struct OverviewReportRoutes: RouteCollection {
    public init() {}

    static let parameters: Set<String> = ["as_of", "table"]

    public func routes() -> [Route] {
        [
            Route(.get, "/api/v1/reports/overview", access: .officers, cacheable: true,
                  doc: RouteDoc("""
                      Overview as of a day (default today, Asia/Ho_Chi_Minh): certified products by stars and group; \
                      producers by kind (registered, holding certified products); certificates expiring in the 90 days \
                      after as_of (count and the first 10); points of sale and how many are compliant; fairs of the year \
                      so far (1 January..as_of); e-commerce coverage per platform; point-of-sale sales of the 30 days \
                      ending on as_of. CSV (Accept: text/csv or .csv) returns one table, chosen with table= \
                      (headline, stars, groups, producers, expiring (all of them), platforms)
                      """, tag: "reports", response: "OverviewReport", query: Self.parameters.sorted(),
                                values: ["table": RouteDoc.cases(OverviewReportTable.self)], csv: true),
                  handler: report),
        ]
    }

    func report(_ context: RequestContext) throws -> HTTPResponse {
        let parameters = try context.query()
        try parameters.check(allowed: Self.parameters)
        var errors: [FieldError] = []
        let asOf = CertificationReaders.date(parameters, "as_of", errors: &errors)
        let table = ReportTables.table(parameters, OverviewReportTable.self, wantsCSV: context.wantsCSV, errors: &errors)
        if !errors.isEmpty { throw Problem.validation(errors) }
        let query = OverviewReportQuery(asOf: asOf ?? CivilDate.today(at: context.now))
        let report = try context.database.read { try OverviewReportStore.report($0, query) }
        if let table {
            return ReportTables.csv(OverviewReportRepresentation.csv(report, table: table),
                                    filename: "overview-\(table.rawValue)-\(query.asOf).csv")
        }
        var writer = JSONWriter(capacity: 4096 + report.ecommerce.platforms.count * 300)
        OverviewReportRepresentation.write(report, to: &writer)
        return Responses.json(.ok, writer.bytes)
    }
}

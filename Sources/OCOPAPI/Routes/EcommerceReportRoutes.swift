import HTTP
import JSON
import OCOP

/// `GET /api/v1/reports/ecommerce`: coverage of certified OCOP products on e-commerce platforms
/// as of a day, from certificates and listing histories. Officers and admins only.
public struct EcommerceReportRoutes: RouteCollection {
    public init() {}

    static let parameters: Set<String> = ["as_of", "limit", "table"]

    public func routes() -> [Route] {
        [
            Route(.get, "/api/v1/reports/ecommerce", access: .officers,
                  doc: RouteDoc("""
                      E-commerce report as of a day (default today, Asia/Ho_Chi_Minh): per platform, certified 3–5-star \
                      products with an active listing, all certified products, the share, and the share of those \
                      listings accepting non-cash payment; certified products listed nowhere (limit= of them in JSON, \
                      all in CSV). CSV (Accept: text/csv or .csv) returns one table, chosen with table=
                      """, tag: "reports", response: "EcommerceReport", query: Self.parameters.sorted(),
                                values: ["table": RouteDoc.cases(EcommerceReportTable.self)], csv: true),
                  handler: report),
        ]
    }

    func report(_ context: RequestContext) throws -> HTTPResponse {
        let parameters = try context.query()
        try parameters.check(allowed: Self.parameters)
        var errors: [FieldError] = []
        let asOf = CertificationReaders.date(parameters, "as_of", errors: &errors)
        let range = EcommerceReportQuery.unlistedLimitRange
        let limit = parameters.int("limit", in: Int64(range.lowerBound)...Int64(range.upperBound), errors: &errors)
        let table = ReportTables.table(parameters, EcommerceReportTable.self, wantsCSV: context.wantsCSV, errors: &errors)
        if table != nil, limit != nil {
            errors.append(FieldError("limit", "applies to the JSON report; the CSV to-do list holds every product"))
        }
        if !errors.isEmpty { throw Problem.validation(errors) }
        let day = asOf ?? CivilDate.today(at: context.now)
        let query = try EcommerceReportQuery(asOf: day, unlistedLimit: table == nil
                                             ? limit.map { Int($0) } ?? EcommerceReportQuery.defaultUnlistedLimit : nil)
        let report = try context.database.read { try EcommerceReportStore.report($0, query) }
        if let table {
            return ReportTables.csv(EcommerceReportRepresentation.csv(report, table: table),
                                    filename: "ecommerce-report-\(table.rawValue)-\(day).csv")
        }
        var writer = JSONWriter(capacity: 1024 + report.platforms.count * 300 + report.unlisted.products.count * 200)
        EcommerceReportRepresentation.write(report, to: &writer)
        return Responses.json(.ok, writer.bytes)
    }
}

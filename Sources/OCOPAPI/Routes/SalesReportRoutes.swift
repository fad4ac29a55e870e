import HTTP
import JSON
import OCOP

/// `GET /api/v1/reports/sales`: revenue, units, sales and the non-cash share over a period of
/// calendar days (Asia/Ho_Chi_Minh), in total and per point of sale, product, day or payment.
///
/// Officers and admins see every point of sale (or one, with `point_of_sale_id`). A `pos` token
/// may read it too, confined to its own point of sale (`ReportScope`): a shop's own takings are
/// what its manager reconciles at closing; another point's id is a 403.
public struct SalesReportRoutes: RouteCollection {
    public init() {}

    static let parameters: Set<String> = ["from", "to", "group_by", "point_of_sale_id"]

    public func routes() -> [Route] {
        [
            Route(.get, "/api/v1/reports/sales", access: PointOfSaleAccess.terminals,
                  doc: RouteDoc("""
                      Sales from..to (calendar days in Asia/Ho_Chi_Minh, inclusive; default the 30 days up to today, at most 366): \
                      revenue_vnd, units, sales, non-cash revenue and share, in total and per group_by (point_of_sale by default, \
                      product, day or payment). CSV returns the groups. A pos token sees its own point of sale only
                      """, tag: "reports", response: "SalesReport", query: Self.parameters.sorted(),
                                values: ["group_by": RouteDoc.cases(SalesGrouping.self)], csv: true),
                  handler: report),
        ]
    }

    func report(_ context: RequestContext) throws -> HTTPResponse {
        let parameters = try context.query()
        try parameters.check(allowed: Self.parameters)
        var errors: [FieldError] = []
        let from = CertificationReaders.date(parameters, "from", errors: &errors)
        let to = CertificationReaders.date(parameters, "to", errors: &errors)
        let groupBy = parameters.oneOf("group_by", SalesGrouping.self, errors: &errors)
        let requested = parameters.int("point_of_sale_id", in: 1...Int64.max, errors: &errors)
        if !errors.isEmpty { throw Problem.validation(errors) }
        let pointOfSale = try ReportScope.pointOfSale(context, requested: requested)
        let query = try SalesReportQuery(today: CivilDate.today(at: context.now), from: from, to: to, groupBy: groupBy,
                                         pointOfSaleID: pointOfSale)
        let report = try context.database.read { try SalesReportStore.report($0, query) }
        if context.wantsCSV {
            var headers = HTTPHeaders()
            headers.set("Content-Type", "text/csv; charset=utf-8")
            headers.set("Content-Disposition", "attachment; filename=\"\(SalesReportRepresentation.filename(query))\"")
            return HTTPResponse(status: .ok, headers: headers, body: SalesReportRepresentation.csv(report))
        }
        var writer = JSONWriter(capacity: 512 + report.groups.count * 220)
        SalesReportRepresentation.write(report, to: &writer)
        return Responses.json(.ok, writer.bytes)
    }
}

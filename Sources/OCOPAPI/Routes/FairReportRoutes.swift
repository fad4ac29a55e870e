import HTTP
import JSON
import OCOP

/// `GET /api/v1/reports/fairs`: trade-promotion figures for a period, computed from recorded
/// fairs, booths and sales entries on every request. Officers and admins only: it ranks
/// producers by their takings.
public struct FairReportRoutes: RouteCollection {
    public init() {}

    static let parameters: Set<String> = ["from", "to", "top", "table"]

    public func routes() -> [Route] {
        [
            Route(.get, "/api/v1/reports/fairs", access: .officers,
                  doc: RouteDoc("""
                      Fairs report for from..to (default: the half year containing today): fairs with a day in the \
                      period by kind, visitors, takings on the period's days (exact đồng), local booths' takings and \
                      their share, each fair's figures, top producers and products by takings. CSV (Accept: text/csv \
                      or .csv) returns one table, chosen with table=
                      """, tag: "reports", response: "FairReport", query: Self.parameters.sorted(),
                                values: ["table": RouteDoc.cases(FairReportTable.self)], csv: true),
                  handler: report),
        ]
    }

    func report(_ context: RequestContext) throws -> HTTPResponse {
        let parameters = try context.query()
        try parameters.check(allowed: Self.parameters)
        var errors: [FieldError] = []
        let from = CertificationReaders.date(parameters, "from", errors: &errors)
        let to = CertificationReaders.date(parameters, "to", errors: &errors)
        let range = FairReportQuery.topRange
        let top = parameters.int("top", in: Int64(range.lowerBound)...Int64(range.upperBound), errors: &errors)
        let table = ReportTables.table(parameters, FairReportTable.self, wantsCSV: context.wantsCSV, errors: &errors)
        if !errors.isEmpty { throw Problem.validation(errors) }
        let query = try FairReportQuery(today: CivilDate.today(at: context.now), from: from, to: to, top: top.map { Int($0) })
        let report = try context.database.read { try FairReportStore.report($0, query) }
        if let table {
            return ReportTables.csv(FairReportRepresentation.csv(report, table: table),
                                    filename: "fairs-report-\(table.rawValue)-\(query.from)-\(query.to).csv")
        }
        var writer = JSONWriter(capacity: 2048 + report.fairs.count * 300 + query.top * 400)
        FairReportRepresentation.write(report, to: &writer)
        return Responses.json(.ok, writer.bytes)
    }
}

/// How the trade-promotion reports pick and send a CSV table: a report is several tables and
/// CSV holds one, so CSV needs `table=`; JSON is the whole report, so `table=` there is an error
/// rather than silently ignored.
enum ReportTables {
    static func table<Table: RawRepresentable & CaseIterable>(
        _ parameters: QueryParameters, _ type: Table.Type, wantsCSV: Bool, errors: inout [FieldError]
    ) -> Table? where Table.RawValue == String {
        let table = parameters.oneOf("table", Table.self, errors: &errors)
        if wantsCSV, table == nil, parameters["table"] == nil {
            let names = Table.allCases.map(\.rawValue).joined(separator: ", ")
            errors.append(FieldError("table", "is required for CSV: one of \(names)"))
        }
        if !wantsCSV, table != nil {
            errors.append(FieldError("table", "selects the table of a CSV export (Accept: text/csv or a .csv suffix); JSON is the whole report"))
        }
        return wantsCSV ? table : nil
    }

    static func csv(_ body: [UInt8], filename: String) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.set("Content-Type", "text/csv; charset=utf-8")
        headers.set("Content-Disposition", "attachment; filename=\"\(filename)\"")
        return HTTPResponse(status: .ok, headers: headers, body: body)
    }
}

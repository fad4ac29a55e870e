import HTTP
import JSON
import OCOP

/// `/api/v1/evaluation-rounds/{id}/results`: a round's evaluations, scored by the server, and the
/// recognition decision that issues the certificate. Officers only.
public struct EvaluationResultRoutes: RouteCollection {
    public init() {}

    static let listParameters: Set<String> = ["product_id", "outcome", "stars_awarded", "decided", "limit", "cursor"]

    public func routes() -> [Route] {
        [
            Route(.get, "/api/v1/evaluation-rounds/{id}/results", access: .officers,
                  doc: RouteDoc("A round's evaluation results", tag: "evaluation", response: "EvaluationResult",
                                isList: true, query: Self.listParameters.sorted(),
                                values: ["outcome": RouteDoc.cases(EvaluationOutcome.self)], csv: true), handler: list),
            Route(.post, "/api/v1/evaluation-rounds/{id}/results", access: .officers,
                  doc: RouteDoc("Record a product's scores; the server computes average, stars and outcome",
                                tag: "evaluation", request: "EvaluationResultInput", response: "EvaluationResult",
                                status: 201), write: record),
            Route(.get, "/api/v1/evaluation-rounds/{id}/results/{rid}", access: .officers,
                  doc: RouteDoc("One evaluation result", tag: "evaluation", response: "EvaluationResult"), handler: get),
            Route(.delete, "/api/v1/evaluation-rounds/{id}/results/{rid}", access: .officers,
                  doc: RouteDoc("Delete a result recorded by mistake, before its decision (then record it again)",
                                tag: "evaluation", status: 204), write: delete),
            Route(.post, "/api/v1/evaluation-rounds/{id}/results/{rid}/decide", access: .officers,
                  doc: RouteDoc("Record the recognition decision: issues the certificate (3–5 stars); "
                                + "If-Match takes the result's ETag", tag: "evaluation",
                                request: "DecisionInput", response: "Certificate", status: 201, versionGuarded: true),
                  write: decide),
        ]
    }

    func list(_ context: RequestContext) throws -> HTTPResponse {
        let parameters = try context.query()
        try parameters.check(allowed: Self.listParameters)
        let roundID = try context.id()
        var errors: [FieldError] = []
        var query = EvaluationResultQuery()
        query.productID = parameters.int("product_id", in: 1...Int64.max, errors: &errors)
        query.outcome = parameters.oneOf("outcome", EvaluationOutcome.self, errors: &errors)
        query.starsAwarded = CertificationReaders.stars(parameters, "stars_awarded", errors: &errors)
        query.decided = CertificationReaders.bool(parameters, "decided", errors: &errors)
        query.limit = parameters.pageSize(errors: &errors)
        query.cursor = parameters.cursor(errors: &errors)
        if !errors.isEmpty { throw Problem.validation(errors) }
        guard let page = try context.database.read({ try EvaluationResultStore.list($0, roundID: roundID, query) }) else {
            throw DomainError.notFound(entity: "evaluation_round", id: String(roundID))
        }
        return Responses.list(context, page: page, query: parameters, csv: EvaluationResultRepresentation.csv) { writer, result in
            EvaluationResultRepresentation.write(result, to: &writer)
        }
    }

    func get(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let roundID = try context.id(), resultID = try context.id("rid")
        guard let result = try context.database.read({ try EvaluationResultStore.get($0, roundID: roundID, id: resultID) }) else {
            throw DomainError.notFound(entity: "evaluation_result", id: "\(roundID)/\(resultID)")
        }
        return respond(context, result)
    }

    func record(_ context: RequestContext) throws -> WritePlan {
        try context.query().check(allowed: [])
        let roundID = try context.id()
        let input = try context.body(under: { db in
            if try EvaluationRoundStore.get(db, id: roundID) == nil { throw DomainError.notFound(entity: "evaluation_round", id: String(roundID)) }
        }) { try EvaluationResultRepresentation.input(from: context.jsonObject()) }
        let actor = context.actor, now = context.now
        let today = CivilDate.today(at: now)
        return WritePlan { db in
            let result = try EvaluationResultStore.record(db, roundID: roundID, input, today: today, actor: actor, now: now)
            return respond(context, result, status: .created,
                           location: "/api/v1/evaluation-rounds/\(roundID)/results/\(result.id)")
        }
    }

    func delete(_ context: RequestContext) throws -> WritePlan {
        try context.query().check(allowed: [])
        let roundID = try context.id(), resultID = try context.id("rid")
        let ifVersion = context.versionPrecondition()
        let actor = context.actor, now = context.now
        return WritePlan { db in
            try EvaluationResultStore.delete(db, roundID: roundID, id: resultID, ifVersion: ifVersion, actor: actor, now: now)
            return Responses.noContent()
        }
    }

    /// Guarded like a PUT of the result it decides (its version grows): a stale `If-Match` is a
    /// 412 before the body is looked at, as on the item's other writes.
    func decide(_ context: RequestContext) throws -> WritePlan {
        try context.query().check(allowed: [])
        let roundID = try context.id(), resultID = try context.id("rid")
        let body = try context.jsonObject()
        let ifVersion = context.versionPrecondition()
        let input = try context.validated({
            var reader = BodyReader(body)
            let number = reader.requiredString("decision_number", maxLength: EvaluationDecision.maxDecisionNumberLength)
            let decidedOn = reader.requiredDay("decided_on")
            try reader.finish()
            guard let number, let decidedOn else { throw Problem.validation(reader.errors) }
            return EvaluationDecision.Input(decisionNumber: number, decidedOn: decidedOn)
        }, ifVersion: ifVersion, currentVersion: { db in
            guard let result = try EvaluationResultStore.get(db, roundID: roundID, id: resultID) else {
                throw DomainError.notFound(entity: "evaluation_result", id: "\(roundID)/\(resultID)")
            }
            return result.version
        })
        let actor = context.actor, now = context.now
        let today = CivilDate.today(at: now)
        return WritePlan { db in
            let certificate = try EvaluationDecision.decide(db, roundID: roundID, resultID: resultID, input,
                                                            ifVersion: ifVersion, today: today, actor: actor, now: now)
            return CertificateRoutes.respond(context, certificate, today: today, status: .created,
                                             location: "/api/v1/certificates/\(certificate.id)")
        }
    }

    private func respond(_ context: RequestContext, _ result: EvaluationResult, status: HTTPStatus = .ok,
                         location: String? = nil) -> HTTPResponse {
        Responses.item(context, status: status, version: result.version, location: location) { writer in
            EvaluationResultRepresentation.write(result, to: &writer)
        }
    }
}

import HTTP
import JSON
import OCOP

/// `/api/v1/evaluation-rounds`: council sessions. Officers only, reads included: rounds lead
/// to scores, which are the office's working papers rather than the public catalogue.
public struct EvaluationRoundRoutes: RouteCollection {
    public init() {}

    static let listParameters: Set<String> = ["council_level", "sheet_version", "held_from", "held_to", "sort", "limit", "cursor"]

    public func routes() -> [Route] {
        [
            Route(.get, "/api/v1/evaluation-rounds", access: .officers,
                  doc: RouteDoc("List evaluation rounds", tag: "evaluation", response: "EvaluationRound", isList: true,
                                query: Self.listParameters.sorted(),
                                values: ["council_level": RouteDoc.cases(CouncilLevel.self), "sheet_version": RouteDoc.cases(ScoreSheetVersion.self), "sort": RouteDoc.cases(EvaluationRoundSort.self)], csv: true), handler: list),
            Route(.post, "/api/v1/evaluation-rounds", access: .officers,
                  doc: RouteDoc("Create an evaluation round (council session)", tag: "evaluation",
                                request: "EvaluationRoundInput", response: "EvaluationRound", status: 201), write: create),
            Route(.get, "/api/v1/evaluation-rounds/{id}", access: .officers,
                  doc: RouteDoc("One evaluation round", tag: "evaluation", response: "EvaluationRound"), handler: get),
            Route(.patch, "/api/v1/evaluation-rounds/{id}", access: .officers,
                  doc: RouteDoc("Change some fields (JSON merge patch); level, date and sheet only while it has no results",
                                tag: "evaluation", request: "EvaluationRoundPatch", response: "EvaluationRound"), write: patch),
        ]
    }

    func list(_ context: RequestContext) throws -> HTTPResponse {
        let parameters = try context.query()
        try parameters.check(allowed: Self.listParameters)
        var errors: [FieldError] = []
        var query = EvaluationRoundQuery()
        query.councilLevel = parameters.oneOf("council_level", CouncilLevel.self, errors: &errors)
        query.sheetVersion = parameters.oneOf("sheet_version", ScoreSheetVersion.self, errors: &errors)
        (query.heldFrom, query.heldTo) = CertificationReaders.dateRange(parameters, "held_from", "held_to", errors: &errors)
        query.sort = parameters.oneOf("sort", EvaluationRoundSort.self, errors: &errors) ?? .id
        query.limit = parameters.pageSize(errors: &errors)
        query.cursor = parameters.cursor(errors: &errors)
        if !errors.isEmpty { throw Problem.validation(errors) }
        let page = try context.database.read { try EvaluationRoundStore.list($0, query) }
        return Responses.list(context, page: page, query: parameters, csv: EvaluationRoundRepresentation.csv) { writer, round in
            EvaluationRoundRepresentation.write(round, to: &writer)
        }
    }

    func get(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        guard let round = try context.database.read({ try EvaluationRoundStore.get($0, id: id) }) else {
            throw DomainError.notFound(entity: "evaluation_round", id: String(id))
        }
        return respond(context, round)
    }

    func create(_ context: RequestContext) throws -> WritePlan {
        try context.query().check(allowed: [])
        let fields = try EvaluationRoundRepresentation.fields(from: context.jsonObject(), current: nil)
        let actor = context.actor, now = context.now
        return WritePlan { db in
            let round = try EvaluationRoundStore.create(db, fields, actor: actor, now: now)
            return respond(context, round, status: .created, location: "/api/v1/evaluation-rounds/\(round.id)")
        }
    }

    func patch(_ context: RequestContext) throws -> WritePlan {
        try context.query().check(allowed: [])
        let id = try context.id()
        let patch = try context.jsonObject()
        let ifVersion = context.versionPrecondition()
        let actor = context.actor, now = context.now
        return WritePlan { db in
            guard let current = try EvaluationRoundStore.get(db, id: id) else {
                throw DomainError.notFound(entity: "evaluation_round", id: String(id))
            }
            // Applied to the representation read in the writing transaction: no lost update.
            try VersionMatch.require(ifVersion, current: current.version)
            let before = EvaluationRoundRepresentation.readOnly(current)
            let merged = MergePatch.apply(patch, to: EvaluationRoundRepresentation.writable(current.fields), readOnly: before)
            let fields = try EvaluationRoundRepresentation.fields(from: merged, current: current)
            var after = current
            after.fields = fields
            after.legalBasis = fields.legalBasis   // as the store writes it
            try MergePatch.refuseContradictions(patch, before: before, after: EvaluationRoundRepresentation.readOnly(after))
            let round = try EvaluationRoundStore.replace(db, id: id, with: fields, ifVersion: ifVersion, actor: actor, now: now)
            return respond(context, round)
        }
    }

    private func respond(_ context: RequestContext, _ round: EvaluationRound, status: HTTPStatus = .ok,
                         location: String? = nil) -> HTTPResponse {
        Responses.item(context, status: status, version: round.version, location: location) { writer in
            EvaluationRoundRepresentation.write(round, to: &writer)
        }
    }
}

import HTTP
import JSON
import OCOP

/// Certificates: anyone reads (stars and validity are public facts a buyer checks);
/// officers revoke. Statuses are computed for today in Asia/Ho_Chi_Minh on every read.
public struct CertificateRoutes: RouteCollection {
    public init() {}

    static let listParameters: Set<String> = [
        "status", "product_id", "stars", "expires_before", "expires_after", "sort", "limit", "cursor",
    ]
    static let historyParameters: Set<String> = ["status", "limit", "cursor"]

    public func routes() -> [Route] {
        [
            Route(.get, "/api/v1/certificates", access: .anyone,
                  doc: RouteDoc("List certificates (status computed for today, e.g. ?status=expiring)", tag: "certificates",
                                response: "Certificate", isList: true, query: Self.listParameters.sorted(),
                                values: ["status": RouteDoc.cases(CertificateStatus.self), "sort": RouteDoc.cases(CertificateSort.self)], csv: true),
                  handler: list),
            Route(.get, "/api/v1/certificates/{id}", access: .anyone,
                  doc: RouteDoc("One certificate", tag: "certificates", response: "Certificate"), handler: get),
            Route(.post, "/api/v1/certificates/{id}/revoke", access: .officers,
                  doc: RouteDoc("Revoke a certificate before its time", tag: "certificates", request: "RevocationInput",
                                response: "Certificate", versionGuarded: true), handler: revoke),
            Route(.get, "/api/v1/products/{id}/certificates", access: .anyone,
                  doc: RouteDoc("A product's certificate history, newest first", tag: "certificates",
                                response: "Certificate", isList: true, query: Self.historyParameters.sorted(),
                                values: ["status": RouteDoc.cases(CertificateStatus.self)], csv: true),
                  handler: history),
        ]
    }

    func list(_ context: RequestContext) throws -> HTTPResponse {
        let parameters = try context.query()
        try parameters.check(allowed: Self.listParameters)
        var errors: [FieldError] = []
        var query = CertificateQuery()
        query.status = parameters.oneOf("status", CertificateStatus.self, errors: &errors)
        query.productID = parameters.int("product_id", in: 1...Int64.max, errors: &errors)
        query.stars = CertificationReaders.stars(parameters, "stars", errors: &errors)
        query.expiresBefore = CertificationReaders.date(parameters, "expires_before", errors: &errors)
        query.expiresAfter = CertificationReaders.date(parameters, "expires_after", errors: &errors)
        // Both bounds exclusive: from the same day on, no day lies between them (a swapped range).
        if let after = query.expiresAfter, let before = query.expiresBefore, after >= before {
            errors.append(FieldError("expires_after", "must be before expires_before (\(before))"))
        }
        query.sort = parameters.oneOf("sort", CertificateSort.self, errors: &errors) ?? .id
        query.limit = parameters.pageSize(errors: &errors)
        query.cursor = parameters.cursor(errors: &errors)
        if !errors.isEmpty { throw Problem.validation(errors) }
        let today = CivilDate.today(at: context.now)
        let page = try context.database.read { try CertificateStore.list($0, query, today: today) }
        return Responses.list(context, page: page, query: parameters, csv: CertificateRepresentation.csv(today: today)) {
            writer, certificate in CertificateRepresentation.write(certificate, today: today, to: &writer)
        }
    }

    func history(_ context: RequestContext) throws -> HTTPResponse {
        let parameters = try context.query()
        try parameters.check(allowed: Self.historyParameters)
        let productID = try context.id()
        var errors: [FieldError] = []
        var query = CertificateQuery()
        query.productID = productID
        query.status = parameters.oneOf("status", CertificateStatus.self, errors: &errors)
        query.sort = .decidedOnDescending
        query.limit = parameters.pageSize(errors: &errors)
        query.cursor = parameters.cursor(errors: &errors)
        if !errors.isEmpty { throw Problem.validation(errors) }
        let today = CivilDate.today(at: context.now)
        guard let page = try context.database.read({ try CertificateStore.history($0, query, today: today) }) else {
            throw DomainError.notFound(entity: "product", id: String(productID))
        }
        return Responses.list(context, page: page, query: parameters, csv: CertificateRepresentation.csv(today: today)) {
            writer, certificate in CertificateRepresentation.write(certificate, today: today, to: &writer)
        }
    }

    func get(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        guard let certificate = try context.database.read({ try CertificateStore.get($0, id: id) }) else {
            throw DomainError.notFound(entity: "certificate", id: String(id))
        }
        return Self.respond(context, certificate, today: CivilDate.today(at: context.now))
    }

    func revoke(_ context: RequestContext) throws -> HTTPResponse {
        try context.query().check(allowed: [])
        let id = try context.id()
        let body = try context.jsonObject()
        let ifVersion = context.versionPrecondition()
        let (reason, note) = try context.validated({
            var reader = BodyReader(body)
            let reason = reader.requiredEnum("reason", RevocationReason.self)
            let note = reader.optionalString("note", maxLength: 1000)
            try reader.finish()
            guard let reason else { throw Problem.validation(reader.errors) }
            return (reason, note)
        }, ifVersion: ifVersion, currentVersion: { db in
            guard let certificate = try CertificateStore.get(db, id: id) else {
                throw DomainError.notFound(entity: "certificate", id: String(id))
            }
            return certificate.storedVersion
        })
        let actor = context.actor, now = context.now
        let today = CivilDate.today(at: now)
        return try context.write { db in
            let certificate = try CertificateStore.revoke(db, id: id, reason: reason, note: note, ifVersion: ifVersion,
                                                          today: today, actor: actor, now: now)
            return Self.respond(context, certificate, today: today)
        }
    }

    /// One certificate with its ETag (the version as of `today`, see `Certificate.version(on:)`).
    static func respond(_ context: RequestContext, _ certificate: Certificate, today: CivilDate,
                        status: HTTPStatus = .ok, location: String? = nil) -> HTTPResponse {
        Responses.item(context, status: status, version: certificate.version(on: today), location: location) { writer in
            CertificateRepresentation.write(certificate, today: today, to: &writer)
        }
    }
}

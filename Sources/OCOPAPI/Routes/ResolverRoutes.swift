import HTTP
import OCOP

/// The public traceability resolver (DOMAIN.md "Codes and traceability"): what a phone reaches
/// when it scans a product's QR code. `/01/{gtin}[/10/{lot}][/21/{serial}]` is a GS1 Digital
/// Link; `/t/{code}` names the product by its human code. Anonymous; GET and HEAD.
///
/// - By default: 307 to the default link, the public product record.
/// - `Accept` preferring `application/linkset+json`, or `?linkType=linkset` (`all`, its older
///   name): 200 with the RFC 9264 linkset of every public record the product links to.
/// - `?linkType=gs1:certificationInfo` (or the type's URI): 307 to that link; 404 when the
///   product has none.
/// - Other query parameters are part of a well-formed Digital Link and change nothing: GS1 data
///   attributes (`?17=271231`, an expiry date printed in the QR code) and whatever a campaign
///   adds (`?utm_source=qr`). A code printed with them must not show the shopper an error.
/// - A malformed URI — GTIN, qualifier order, lot or serial, a repeated `linkType`, a data
///   attribute its AI's format refuses (`DigitalLinkAttributes`) — is a 400
///   naming what is wrong (GS1 resolvers answer 400 to a URI they cannot parse).
///
/// Lots and serials are checked and echoed in the linkset's anchor, but lots are not modelled
/// yet (no lot or event records exist), so they change no target: every lot and serial of a GTIN
/// resolves to the product's links. A lot model would narrow them here.
public struct ResolverRoutes: RouteCollection {
    public init() {}

    /// The one query parameter a GS1 resolver request takes here.
    static let queryParameter = "linkType"
    /// Phones and CDNs may reuse a redirect for five minutes: links change rarely, and a stale
    /// redirect still lands on the live product record. Not the linkset: its titles carry the
    /// certificate's status ("4 sao, đã bị thu hồi"), which must be right when read.
    static let cacheControl = "public, max-age=300"
    static let linksetCacheControl = "no-cache"

    public func routes() -> [Route] {
        let tag = "traceability"
        let linkset = [DocResponse(200, "The linkset, when Accept prefers application/linkset+json or ?linkType=linkset (or all)",
                                   mediaType: LinksetRepresentation.mediaType, schema: "Linkset")]
        func doc(_ summary: String) -> RouteDoc {
            RouteDoc(summary + ": 307 to the default link (the product record); the linkset on request; "
                     + "?linkType=gs1:{type} redirects to that link (404 if the product has none)",
                     tag: tag, status: 307, query: [Self.queryParameter], also: linkset)
        }
        return [
            Route(.get, "/01/{gtin}", access: .anyone,
                  doc: doc("GS1 Digital Link of a GTIN (8, 12, 13 or 14 digits, normalised to 14)"), handler: digitalLink),
            Route(.get, "/01/{gtin}/10/{lot}", access: .anyone,
                  doc: doc("GS1 Digital Link of a lot (1-20 characters of GS1 set 82; lots do not narrow the links yet)"),
                  handler: digitalLink),
            Route(.get, "/01/{gtin}/21/{serial}", access: .anyone,
                  doc: doc("GS1 Digital Link of a serial number (1-20 characters of GS1 set 82)"), handler: digitalLink),
            Route(.get, "/01/{gtin}/10/{lot}/21/{serial}", access: .anyone,
                  doc: doc("GS1 Digital Link of a serial number within a lot"), handler: digitalLink),
            Route(.get, "/01/{gtin}/{qualifiers...}", access: .anyone,
                  doc: RouteDoc("Any other path after a GTIN (qualifiers out of order, repeated, unknown or empty) "
                                + "is a malformed Digital Link: 400 naming what is wrong", tag: tag, status: 400),
                  handler: digitalLink),
            Route(.get, "/01/{path...}", access: .anyone,
                  doc: RouteDoc("A path with no GTIN after /01/ (/01/, /01//10/x) is a malformed Digital Link: 400",
                                tag: tag, status: 400, fallback: true),
                  handler: digitalLink),
            Route(.get, "/t/{code}", access: .anyone,
                  doc: doc("A product by its code, e.g. /t/QN-TP-0001 (a / in a code is sent as %2F)"), handler: code),
        ]
    }

    /// Every `/01/…` route: the path is parsed whole from the request, so a malformed one gets the
    /// same precise 400 whichever route caught it, and `%2F` inside a lot stays part of the lot.
    func digitalLink(_ context: RequestContext) throws -> HTTPResponse {
        var segments: [String] = []
        for raw in context.request.path.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            guard let segment = PercentDecoding.decodeToString(raw) else {
                throw Self.malformed([FieldError("path", "has a malformed percent-escape or bytes that are not UTF-8")])
            }
            segments.append(segment)
        }
        let query = try context.query()
        let link: DigitalLink
        do {
            link = try DigitalLink.parse(segments: segments)
            try DigitalLinkAttributes.check(query.all)
        } catch {
            throw Self.malformed([FieldError(error.field, error.message)])
        }
        return try resolve(context, query, key: .gtin(link.gtin), anchor: link.path)
    }

    func code(_ context: RequestContext) throws -> HTTPResponse {
        let text = context.parameters["code"] ?? ""
        let key: ProductKey
        do {
            key = try ProductKey.code(parsing: text)
        } catch {
            throw Self.malformed([FieldError(error.field, error.message)])
        }
        return try resolve(context, try context.query(), key: key, anchor: "/t/" + DigitalLink.encode(text))
    }

    /// What the request asks for, then one read: the product's id alone for the default redirect
    /// (the QR-scan path), its links for a linkset or a link type. `query` is the request's,
    /// parsed once by the caller.
    func resolve(_ context: RequestContext, _ query: QueryParameters, key: ProductKey, anchor: String) throws -> HTTPResponse {
        let wanted = try Self.wanted(query, accept: context.request.headers["Accept"])
        if case .defaultLink = wanted {
            guard let id = try context.database.read({ try TraceabilityStore.productID($0, key) }) else {
                throw Self.unknown(key)
            }
            return Self.redirect(to: "/api/v1/products/\(id)", anchor: anchor)
        }
        guard let trace = try context.database.read({ try TraceabilityStore.trace($0, key) }) else {
            throw Self.unknown(key)
        }
        let links = LinksetRepresentation.links(for: trace, today: CivilDate.today(at: context.now))
        if case .linkType(let linkType) = wanted {
            guard let term = LinksetRepresentation.term(of: linkType),
                  let link = links.first(where: { $0.type == term })?.links.first else {
                throw Problem.notFound("product \(trace.code) has no link of type \(linkType); ?linkType=linkset lists the ones it has")
            }
            return Self.redirect(to: link.href, anchor: anchor)
        }
        var headers = Self.cacheHeaders
        headers.set("Cache-Control", Self.linksetCacheControl)
        headers.set("Content-Type", LinksetRepresentation.mediaType)
        return HTTPResponse(status: .ok, headers: headers, body: LinksetRepresentation.render(anchor: anchor, links))
    }

    // MARK: The request

    enum Wanted: Equatable {
        case defaultLink
        case linkset
        /// `?linkType=` as given (`gs1:pip`, `https://gs1.org/voc/pip`, …).
        case linkType(String)
    }

    /// `?linkType=` wins over `Accept` (it names exactly one answer); without it, `Accept` chooses.
    static func wanted(_ query: QueryParameters, accept: String?) throws(Problem) -> Wanted {
        var errors: [FieldError] = []
        var seen = Set<String>()
        for name in query.names where name == queryParameter && !seen.insert(name).inserted {
            errors.append(FieldError(name, "is given more than once"))
        }
        if !errors.isEmpty { throw malformed(errors) }
        if let linkType = query[queryParameter] {
            if linkType == "linkset" || linkType == "all" { return .linkset }
            guard !linkType.isEmpty else {
                throw malformed([FieldError(queryParameter, "must be linkset, gs1:{type} or a link type URI")])
            }
            return .linkType(linkType)
        }
        return prefersLinkset(accept) ? .linkset : .defaultLink
    }

    /// Whether `Accept` names the linkset with a weight no other range beats (RFC 9110 §12.5.1).
    /// `*/*` alone, a browser's `text/html,…` or `application/json` get the redirect; ties go to
    /// the linkset, which the client named explicitly.
    static func prefersLinkset(_ accept: String?) -> Bool {
        let ranges = AcceptHeader(accept).ranges
        guard let linkset = ranges.filter({ $0.mediaType == LinksetRepresentation.mediaType }).map(\.weight).max() else {
            return false
        }
        let others = ranges.filter { $0.mediaType != LinksetRepresentation.mediaType }.map(\.weight).max() ?? 0
        return linkset > 0 && linkset >= others
    }

    // MARK: Responses

    /// The answer depends on `Accept`, so shared caches must key on it too.
    static var cacheHeaders: HTTPHeaders { ["Cache-Control": cacheControl, "Vary": "Accept"] }

    /// 307 keeps the method (a HEAD stays a HEAD); `Link` tells a client where the full list is
    /// (RFC 9264 §6: the `linkset` relation).
    static func redirect(to target: String, anchor: String) -> HTTPResponse {
        var headers = cacheHeaders
        headers.set("Location", target)
        headers.add("Link", "<\(anchor)?\(queryParameter)=linkset>; rel=\"linkset\"; type=\"\(LinksetRepresentation.mediaType)\"")
        return HTTPResponse(status: .temporaryRedirect, headers: headers)
    }

    static func malformed(_ errors: [FieldError]) -> Problem {
        Problem(.badRequest, type: "malformed-request", title: "Malformed resolver request",
                detail: errors.map { "\($0.field) \($0.message)" }.joined(separator: "; "), errors: errors)
    }

    static func unknown(_ key: ProductKey) -> Problem {
        switch key {
        case .gtin(let gtin): return .notFound("no product has GTIN \(gtin.digits)")
        case .code(let code): return .notFound("no product has code \(code)")
        }
    }
}

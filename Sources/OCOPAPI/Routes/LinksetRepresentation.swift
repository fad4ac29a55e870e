import JSON
import OCOP

/// The links the resolver offers for a product, named by GS1 Web Vocabulary link types, and
/// their RFC 9264 JSON form. Only records that exist for the product are linked, and every
/// target is a public (anonymous) read of this API.
enum LinksetRepresentation {
    static let mediaType = "application/linkset+json"
    /// The namespace link types are written in, as GS1 Digital Link resolvers write them.
    static let vocabulary = "https://gs1.org/voc/"
    /// Forms a `linkType` may name a type in: the CURIE prefix, this namespace, its http form,
    /// and `ref.gs1.org/voc/`, where GS1 now publishes the same terms.
    static let vocabularyForms = ["gs1:", "https://gs1.org/voc/", "http://gs1.org/voc/", "https://ref.gs1.org/voc/"]

    struct Link: Equatable {
        let href: String
        let title: String
    }

    /// Every link type with a target for this product, in the linkset's order, with its targets
    /// (the first is the one `?linkType=` redirects to).
    /// How a certificate that is not simply valid is named in a link title, in Vietnamese.
    static func standing(_ status: CertificateStatus) -> String? {
        switch status {
        case .active: return nil
        case .expiring: return "sắp hết hạn"
        case .expired: return "đã hết hạn"
        case .renewed: return "đã được thay bằng giấy chứng nhận mới"
        case .revoked: return "đã bị thu hồi"
        }
    }

    static func links(for trace: ProductTrace, today: CivilDate) -> [(type: String, links: [Link])] {
        let product = "/api/v1/products/\(trace.productID)"
        var out: [(type: String, links: [Link])] = [
            // The public product record is both the default and the product information page.
            ("defaultLink", [Link(href: product, title: trace.name)]),
            ("pip", [Link(href: product, title: trace.name)]),
        ]
        var certification: [Link] = []
        if trace.hasCertificates {
            certification.append(Link(href: product + "/certificates", title: "Lịch sử chứng nhận OCOP của \(trace.name)"))
        }
        if let certificate = trace.currentCertificate {
            // A shopper reads the title, not the record: a certificate that no longer holds says so.
            let standing = Self.standing(certificate.status(on: today)).map { ", \($0)" } ?? ""
            certification.append(Link(href: "/api/v1/certificates/\(certificate.id)",
                                      title: "Giấy chứng nhận OCOP \(certificate.number) (\(certificate.stars.rawValue) sao\(standing))"))
        }
        if !certification.isEmpty { out.append(("certificationInfo", certification)) }
        // The producer's record stands for the brand owner's homepage.
        out.append(("homepage", [Link(href: "/api/v1/producers/\(trace.producer.id)", title: trace.producer.name)]))
        if !trace.rawMaterialAreas.isEmpty {
            out.append(("traceability", trace.rawMaterialAreas.map {
                Link(href: "/api/v1/raw-material-areas/\($0.id)", title: "Vùng nguyên liệu \($0.name)")
            }))
        }
        var retailers: [Link] = []
        if trace.hasActiveListings {
            retailers.append(Link(href: "/api/v1/listings?product_id=\(trace.productID)&status=active",
                                  title: "Gian hàng thương mại điện tử bán \(trace.name)"))
        }
        retailers += trace.pointsOfSale.map { Link(href: "/api/v1/points-of-sale/\($0.id)", title: $0.name) }
        if !retailers.isEmpty { out.append(("hasRetailers", retailers)) }
        return out
    }

    /// The vocabulary term a `linkType` value names (`gs1:pip`, `https://gs1.org/voc/pip` → `pip`),
    /// or nil when it is in no form of the GS1 vocabulary.
    static func term(of linkType: String) -> String? {
        for form in vocabularyForms where linkType.hasPrefix(form) {
            let term = linkType.dropFirst(form.count)
            return term.isEmpty ? nil : String(term)
        }
        return nil
    }

    /// `{"linkset":[{"anchor": …, "https://gs1.org/voc/<type>": [{href, title, type, hreflang}], …}]}`.
    static func render(anchor: String, _ links: [(type: String, links: [Link])]) -> [UInt8] {
        var writer = JSONWriter(capacity: 512 + links.count * 256)
        writer.beginObject()
        writer.key("linkset")
        writer.beginArray()
        writer.beginObject()
        writer.field("anchor", anchor)
        for (type, targets) in links {
            writer.key(escaping: vocabulary + type)
            writer.beginArray()
            for link in targets {
                writer.beginObject()
                writer.field("href", link.href)
                writer.field("title", link.title)
                writer.field("type", "application/json")
                // Every target is this API's JSON, written in Vietnamese (RFC 9264 §4.2.4.1: an array).
                writer.key("hreflang")
                writer.beginArray()
                writer.string("vi")
                writer.endArray()
                writer.endObject()
            }
            writer.endArray()
        }
        writer.endObject()
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }
}

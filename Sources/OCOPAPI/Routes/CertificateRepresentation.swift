import JSON
import OCOP

/// The JSON and CSV shapes of a certificate. Its status is computed for `today` on every write.
enum CertificateRepresentation {
    static func write(_ c: Certificate, today: CivilDate, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("id", c.id)
        writer.field("number", c.number)
        writer.field("product_id", c.productID)
        writer.field("result_id", c.resultID)
        writer.field("stars", c.stars.rawValue)
        writer.field("council_level", c.councilLevel.rawValue)
        writer.field("legal_basis", c.legalBasis)
        writer.field("district", c.place.district)
        writer.field("commune", c.place.commune)
        writer.field("decided_on", c.decidedOn.description)
        writer.field("expires_on", c.expiresOn.description)
        writer.field("status", c.status(on: today).rawValue)
        writer.field("previous_id", c.previousID)
        writer.field("renewed_by_id", c.renewedByID)
        writer.field("revoked_on", c.revocation?.on.description)
        writer.field("revocation_reason", c.revocation?.reason.rawValue)
        writer.field("revocation_note", c.revocation?.note)
        writer.field("created_at", c.createdAt)
        writer.field("updated_at", c.updatedAt)
        writer.field("version", c.version(on: today))
        writer.endObject()
    }

    /// The CSV for `today` (the status column is computed, like the JSON's).
    static func csv(today: CivilDate) -> CSVTable<Certificate> {
        CSVTable<Certificate>(filename: "certificates.csv", columns: [
            ("id", { String($0.id) }),
            ("number", { $0.number }),
            ("product_id", { String($0.productID) }),
            ("stars", { String($0.stars.rawValue) }),
            ("council_level", { $0.councilLevel.rawValue }),
            ("district", { $0.place.district }),
            ("commune", { $0.place.commune }),
            ("decided_on", { $0.decidedOn.description }),
            ("expires_on", { $0.expiresOn.description }),
            ("status", { $0.status(on: today).rawValue }),
            ("previous_id", { $0.previousID.map { String($0) } }),
            ("renewed_by_id", { $0.renewedByID.map { String($0) } }),
            ("revoked_on", { $0.revocation?.on.description }),
            ("revocation_reason", { $0.revocation?.reason.rawValue }),
            ("legal_basis", { $0.legalBasis }),
            ("created_at", { $0.createdAt.description }),
            ("updated_at", { $0.updatedAt.description }),
            ("version", { String($0.version(on: today)) }),
        ])
    }
}

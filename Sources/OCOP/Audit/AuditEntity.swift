/// The kinds of record the audit log speaks of, as `entity` names them in entries and in
/// `GET /api/v1/audit?entity=`; a filter naming anything else is a mistake, not an empty list.
public enum AuditEntity: String, CaseIterable, Sendable {
    case certificate
    case evaluationResult = "evaluation_result"
    case evaluationRound = "evaluation_round"
    case fair
    case fairBooth = "fair_booth"
    case fairSale = "fair_sale"
    case inspection
    case inventory
    case listing
    case packingFacility = "packing_facility"
    case platform
    case pointOfSale = "point_of_sale"
    case producer
    case product
    case rawMaterialArea = "raw_material_area"
    case sale
    case token
}

/// The product groups of Decision 148/QĐ-TTg (24 Feb 2023) with their sub-groups,
/// as seed data for tables `product_groups` / `product_subgroups` — never a Swift
/// enum of sub-groups, because the decision is amended from time to time.
/// Sub-group names follow the decision's appendix as summarised in DOMAIN.md; where
/// the appendix splits further ("phân nhóm"), those are the rows here.
public enum ProductTaxonomy {
    public struct Group: Sendable {
        public let code: String
        public let name: String
        /// Group 6 is a service: it has no barcode requirement.
        public let gtinRequired: Bool
        public let subgroups: [(code: String, name: String)]
    }

    public static let legalBasis = "Quyết định 148/QĐ-TTg ngày 24/02/2023"

    public static let groups: [Group] = [
        Group(code: "food", name: "Thực phẩm", gtinRequired: true, subgroups: [
            ("food_fresh", "Thực phẩm tươi sống (rau, củ, quả, thịt, trứng, thủy sản tươi)"),
            ("food_grain", "Gạo, ngũ cốc và sản phẩm sơ chế"),
            ("food_honey", "Mật ong và sản phẩm từ mật ong"),
            ("food_processed_plant", "Thực phẩm chế biến từ rau, củ, quả, hạt"),
            ("food_processed_meat", "Thực phẩm chế biến từ thịt, trứng, sữa"),
            ("food_processed_seafood", "Thực phẩm chế biến từ thủy, hải sản"),
            ("food_condiment", "Gia vị, tương, nước mắm"),
            ("food_tea", "Chè và sản phẩm từ chè"),
            ("food_coffee_cocoa", "Cà phê, ca cao"),
        ]),
        Group(code: "beverage", name: "Đồ uống", gtinRequired: true, subgroups: [
            ("beverage_spirits", "Rượu trắng"),
            ("beverage_alcoholic_other", "Đồ uống có cồn khác"),
            ("beverage_non_alcoholic", "Đồ uống không cồn"),
        ]),
        Group(code: "herbal", name: "Dược liệu và sản phẩm từ dược liệu", gtinRequired: true, subgroups: [
            ("herbal_medicine", "Thực phẩm chức năng, thuốc dược liệu, thuốc y học cổ truyền"),
            ("herbal_cosmetic", "Mỹ phẩm có thành phần từ dược liệu"),
            ("herbal_essential_oil", "Tinh dầu và dược liệu khác"),
        ]),
        Group(code: "handicraft", name: "Hàng thủ công mỹ nghệ", gtinRequired: true, subgroups: [
            ("handicraft_decorative", "Thủ công mỹ nghệ, đồ trang trí"),
            ("handicraft_household", "Đồ gia dụng, nội thất"),
            ("handicraft_textile", "Dệt may, thêu, đan"),
        ]),
        Group(code: "ornamental", name: "Sinh vật cảnh", gtinRequired: true, subgroups: [
            ("ornamental_flower", "Hoa"),
            ("ornamental_plant", "Cây cảnh"),
            ("ornamental_animal", "Động vật cảnh"),
        ]),
        Group(code: "tourism", name: "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch", gtinRequired: false, subgroups: [
            ("tourism_community", "Du lịch cộng đồng"),
            ("tourism_eco", "Du lịch sinh thái"),
            ("tourism_site", "Điểm du lịch"),
        ]),
    ]
}

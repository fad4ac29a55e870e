import JSON
import Testing
@testable import OCOP

/// What a producer's draft derives from its fields, written straight from them, against the
/// general definitions: the audit entry is the fields' JSON object serialised, and the search
/// text the fold of the searched fields joined by spaces.
@Suite struct ProducerDerivedTextTests {
    private static let samples: [ProducerFields] = [
        ProducerFields(name: "Hợp tác xã Miến dong Bình Liêu", kind: .cooperative, taxCode: "5701234567",
                       commune: "Đồng Văn", district: "Bình Liêu", address: "Thôn Nà Áng, xã Đồng Văn",
                       phone: "0203 3878 123", email: "htx@binhlieu.vn", representative: "Hoàng Văn Định"),
        ProducerFields(name: "Hộ \"Bà Tư\" \\ chả mực\tHạ Long", kind: .household),
        ProducerFields(name: "Công ty 🍵 下龙湾 \u{1F}", kind: .enterprise, taxCode: nil, commune: nil,
                       district: "Vân Đồn", address: nil, phone: nil, email: nil, representative: "Ðặng"),
        ProducerFields(name: " ", kind: .cooperativeGroup, address: "--", representative: ""),
    ]

    @Test(arguments: samples)
    func auditEntryIsTheFieldsObjectSerialised(_ fields: ProducerFields) {
        #expect(fields.serializedJSON == JSONValue.object(fields.jsonObject).serializedString())
    }

    @Test(arguments: samples)
    func searchTextFoldsTheSearchedFieldsJoined(_ fields: ProducerFields) {
        let joined = [fields.name, fields.representative, fields.commune, fields.district, fields.address]
            .compactMap { $0 }.joined(separator: " ")
        #expect(fields.searchText == TextFolding.fold(joined))
    }
}

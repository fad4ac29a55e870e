import JSON

extension ProductFields {
    /// The fields under their API names; also what the audit log records.
    public var jsonObject: JSONObject {
        func text(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        return JSONObject([
            ("code", .string(code)),
            ("name", .string(name)),
            ("producer_id", .number(JSONNumber(producerID))),
            ("group", .string(group)),
            ("subgroup", text(subgroup)),
            ("description", text(description)),
            ("unit", text(unit)),
            ("price_vnd", priceVND.map { .number(JSONNumber($0)) } ?? .null),
            ("gtin", text(gtin?.digits)),
            ("origin_province", .string(originProvince)),
            ("raw_material_area_ids", .array(rawMaterialAreaIDs.map { .number(JSONNumber($0)) })),
            ("image_urls", .array(imageURLs.map(JSONValue.string))),
        ])
    }

    /// The folded text a search finds this product by: its code, name, producer's name and description.
    /// The producer's name lives in another table, so a producer rename must refresh it
    /// (`ProductStore.refreshSearch(_:producerID:)`).
    func searchText(producerName: String) -> String {
        TextFolding.fold([code, name, producerName, description ?? ""].joined(separator: " "))
    }
}

extension DemoBuilder {
    /// Product-code letters per group: Thực phẩm, Đồ uống, Dược liệu, Thủ công, Sinh vật cảnh, Dịch vụ.
    static let codeLetters = ["food": "TP", "beverage": "DU", "herbal": "DL", "handicraft": "TC", "ornamental": "SV",
                              "tourism": "DV"]

    /// Every producer's flagship and, for most, one or two more of its speciality's products.
    mutating func makeProducts() throws {
        var serials: [String: Int] = [:]
        for producer in producers {
            let speciality = producer.speciality
            let extras = min(speciality.variants.count - 1, [0, 1, 1, 2, 2, 2][pick(6)])
            for (index, variant) in speciality.variants.prefix(1 + extras).enumerated() {
                let serial = serials[speciality.group, default: 0] + 1
                serials[speciality.group] = serial
                let code = "QN-\(Self.codeLetters[speciality.group] ?? "SP")-\(serial.padded(4))"
                // Prices vary a little between producers, to the thousand đồng.
                let price = variant.priceVND * Int64(95 + pick(11)) / 100 / 1000 * 1000
                let fields = ProductFields(
                    code: code, name: variant.name.replacing("{place}", with: producer.label), producerID: producer.id,
                    group: speciality.group, subgroup: speciality.subgroup, description: speciality.description,
                    unit: variant.unit, priceVND: price, gtin: gtin(producer: producer, item: serial),
                    rawMaterialAreaIDs: index == 0 ? areasByProducer[producer.id] ?? [] : [],
                    imageURLs: ["https://ocop.quangninh.example/images/\(code.lowercased()).jpg"])
                let product = try ProductStore.create(db, fields, actor: .system, now: now)
                products.append(DemoProduct(id: product.id, code: code, producer: producer, group: speciality.group,
                                            flagship: index == 0))
            }
        }
    }

    /// A GS1 Vietnam (893) GTIN-13: a company number per producer, an item number, the check digit.
    /// Tourism services carry none (DOMAIN.md: group 6 has no barcode requirement).
    func gtin(producer: DemoProducer, item: Int) -> GTIN? {
        guard producer.speciality.group != "tourism" else { return nil }
        let data = "893" + (4000 + producer.serial).padded(4) + (item % 100_000).padded(5)
        guard let check = GTIN.checkDigit(for: data) else { return nil }
        return GTIN(data + String(check))
    }
}

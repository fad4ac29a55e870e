import OCOP
import SQLite
import Testing

@Suite struct ProductImportTests {
    let database: Database
    let producer: Int64
    typealias F = ProductFixtures

    init() throws {
        database = try makeDatabase()
        producer = try database.write { try F.producer($0) }
    }

    func prepare(_ text: String) throws -> ProductImport {
        try ProductImport.prepare(Array(text.utf8))
    }

    func failure(_ text: String) -> ProductImport.Failure? {
        do {
            _ = try ProductImport.prepare(Array(text.utf8))
            return nil
        } catch {
            return error
        }
    }

    /// Runs prepare and commit: the new ids, or else the invalid fields.
    func run(_ text: String) throws -> (ids: [Int64]?, errors: [FieldError]) {
        let importer = try prepare(text)
        do {
            return (try database.write { try importer.commit($0, actor: .system, now: testNow) }, [])
        } catch let error as DomainError {
            guard case .invalid(let errors) = error else { throw error }
            return (nil, errors)
        }
    }

    @Test func importsEveryRowInOrderWithDefaultsAndAudit() throws {
        let csv = [
            "\u{FEFF}code,name,producer_id,group,subgroup,description,unit,price_vnd,gtin,origin_province",
            "QN-1,Miến dong Bình Liêu,\(producer),food,food_processed_plant,\"Sợi dai, trong\",gói 500g,85000,8931234567897,",
            #"QN-2,"Rượu ba kích ""Đầm Hà""",\#(producer),beverage,,,chai 500ml,,,Lạng Sơn"#,
            "",
            "QN-3,Du lịch cộng đồng Cô Tô,\(producer),tourism,tourism_community,,, 0 ,,",
            "",
        ].joined(separator: "\r\n")
        let ids = try #require(try run(csv).ids)
        #expect(ids.count == 3)
        let products = try database.read { db in try ids.map { try #require(try ProductStore.get(db, id: $0)) } }
        #expect(products.map(\.fields.code) == ["QN-1", "QN-2", "QN-3"])
        #expect(products[0].fields.description == "Sợi dai, trong")
        #expect(products[0].fields.gtin?.digits == "08931234567897")
        #expect(products[0].fields.originProvince == "Quảng Ninh")
        #expect(products[1].fields.name == "Rượu ba kích \"Đầm Hà\"")
        #expect(products[1].fields.originProvince == "Lạng Sơn")
        #expect(products[1].fields.priceVND == nil)
        #expect(products[2].fields.priceVND == 0)
        var audit = AuditLog.Query()
        audit.entity = .product
        #expect(try database.read { try AuditLog.list($0, audit) }.items.count == 3)
        var search = ProductQuery(today: F.today)
        search.text = "ruou ba kich dam ha"
        #expect(F.ids(try database.read { try ProductStore.list($0, search) }) == [ids[1]])
    }

    @Test func columnsMayComeInAnyOrderAndOptionalOnesMayBeLeftOut() throws {
        let ids = try #require(try run("group,producer_id,name,code\nfood,\(producer),Chè Đường Hoa,QN-9\n").ids)
        #expect(try database.read { try ProductStore.get($0, id: ids[0]) }?.fields.name == "Chè Đường Hoa")
    }

    /// Every bad row and field is listed at once, named rows[N].field with the header as row 1,
    /// and nothing at all is written.
    @Test func anyBadRowListsEveryProblemAndWritesNothing() throws {
        _ = try database.write { try ProductStore.create($0, F.fields("QN-OLD", producer: producer, gtin: "4006381333931"), actor: .system, now: testNow) }
        let csv = """
            code,name,producer_id,group,subgroup,price_vnd,gtin
            QN-1,Tốt,\(producer),food,,1000,
            QN 2,,abc,food,,-5,8931234567890
            QN-1,Trùng mã,\(producer),food,,,
            QN-4,Nhóm lạ,999,souvenir,,,
            QN-5,Sai phân nhóm,\(producer),food,beverage_spirits,"85,000",8.93123E+12
            QN-OLD,Đã có,\(producer),food,,,04006381333931
            QN-7,Thiếu cột,\(producer)
            QN-8,Trùng GTIN,\(producer),food,,,8931234567897
            QN-9,Trùng GTIN trong tệp,\(producer),food,,,08931234567897
            """
        let (ids, errors) = try run(csv)
        #expect(ids == nil)
        let fields = errors.map(\.field)
        #expect(fields == [
            "rows[3].code", "rows[3].name", "rows[3].producer_id", "rows[3].price_vnd", "rows[3].gtin",
            "rows[4].code",
            "rows[5].producer_id", "rows[5].group",
            "rows[6].subgroup", "rows[6].price_vnd", "rows[6].gtin",
            "rows[7].code", "rows[7].gtin",
            "rows[8]",
            "rows[10].gtin",
        ], "\(errors)")
        #expect(errors.first { $0.field == "rows[4].code" }?.message == "repeats the code of row 2")
        #expect(errors.first { $0.field == "rows[10].gtin" }?.message == "repeats the GTIN of row 9")
        #expect(errors.first { $0.field == "rows[7].code" }?.message.contains("product 1") == true)
        #expect(errors.first { $0.field == "rows[6].gtin" }?.message.contains("as text") == true)
        #expect(try database.read { try ProductStore.count($0) } == 1)
        #expect(try database.read { try $0.scalarInt("SELECT count(*) FROM products_search") } == 1)
    }

    /// Rows whose only fault is a code or GTIN another product already holds conflict with the
    /// catalogue (409, as one product's POST does); one invalid cell beside them makes it a 422.
    @Test func onlyHeldCodesAndGTINsAreAConflictListingEveryRow() throws {
        _ = try database.write { try ProductStore.create($0, F.fields("QN-OLD", producer: producer, gtin: "4006381333931"), actor: .system, now: testNow) }
        let clash = "code,name,producer_id,group,gtin\nQN-1,Mới,\(producer),food,\nQN-OLD,Trùng,\(producer),food,4006381333931\n"
        #expect(throws: DomainError.conflict("2 codes or GTINs in the file are already other products'; nothing was imported",
                                             errors: [FieldError("rows[3].code", "is already the code of product 1"),
                                                      FieldError("rows[3].gtin", "is already the GTIN of product 1")])) {
            try database.write { try prepare(clash).commit($0, actor: .system, now: testNow) }
        }
        let (ids, errors) = try run(clash + "QN-3,,\(producer),food,\n")
        #expect(ids == nil)
        #expect(errors.map(\.field) == ["rows[3].code", "rows[3].gtin", "rows[4].name"])
        #expect(try database.read { try ProductStore.count($0) } == 1)
    }

    /// A cell with NUL or an escape sequence is refused like any other bad cell.
    @Test func controlCharactersInACellAreAnError() throws {
        let csv = "code,name,producer_id,group,description\n"
            + "QN-1,Miến\u{0}dong,\(producer),food,Sợi dai\n"
            + "QN-2,Chả mực,\(producer),food,\"Dòng một\nDòng hai\"\n"
            + "QN-3,Ba kích,\(producer),food,\u{1B}[2Jxoá màn hình\n"
        let (ids, errors) = try run(csv)
        #expect(ids == nil)
        #expect(errors.map(\.field) == ["rows[2].name", "rows[4].description"], "\(errors)")
        #expect(errors.first?.message == TextNormalization.controlCharactersMessage)
    }

    @Test func headerProblemsStopEverything() {
        #expect(failure("code,name,producer_id,colour\n") == .invalid([
            FieldError("rows[1].colour", "is not a column the import knows; known: code, name, producer_id, group, subgroup, description, unit, price_vnd, gtin, origin_province, raw_material_area_ids, image_urls"),
            FieldError("rows[1]", "lacks the required column group"),
        ]))
        if case .invalid(let errors) = failure("code,name,code,producer_id,group\n") {
            #expect(errors.map(\.field) == ["rows[1].code"])
        } else {
            Issue.record("a repeated column must be invalid")
        }
        #expect(failure("") == .invalid([FieldError("rows[1]", "must be the header row: code,name,producer_id,group,subgroup,description,unit,price_vnd,gtin,origin_province,raw_material_area_ids,image_urls")]))
        #expect(failure("code,name,producer_id,group\r\n\r\n") == .invalid([FieldError("rows", "the file has a header but no product rows")]))
        if case .syntax(let error) = failure("code,name,producer_id,group\nQN-1,\"open,1,food\n") {
            #expect(error.line == 2)
        } else {
            Issue.record("an unclosed quote is a syntax error")
        }
    }

    @Test func moreThanTheMaximumRowsIsRefusedBeforeAnyCheck() throws {
        var csv = "code,name,producer_id,group\n"
        for i in 0...ProductImport.maximumRows { csv += "QN-\(i),Sản phẩm \(i),\(producer),food\n" }
        #expect(failure(csv) == .tooManyRows(ProductImport.maximumRows + 1))
    }

    @Test func theMaximumImportsInOneTransaction() throws {
        var csv = "code,name,producer_id,group\n"
        for i in 0..<ProductImport.maximumRows { csv += "QN-\(i),Sản phẩm số \(i),\(producer),food\n" }
        let importer = try prepare(csv)
        #expect(importer.rowCount == ProductImport.maximumRows)
        let ids = try database.write { try importer.commit($0, actor: .system, now: testNow) }
        #expect(ids.count == ProductImport.maximumRows)
        #expect(try database.read { try ProductStore.count($0) } == Int64(ProductImport.maximumRows))
    }
}

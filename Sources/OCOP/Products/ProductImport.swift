import SQLite

/// An all-or-nothing CSV import of products (`POST /api/v1/products/import`).
///
/// Two phases: `prepare` reads the file — header, cells, types, rules — without the
/// database, so the writer lock is not held while a megabyte of CSV is parsed; `commit`
/// checks references and duplicates inside the write transaction and inserts every row,
/// or throws one `DomainError.invalid` listing every problem of every row, named
/// `rows[N].field` with N the row in the file (the header is row 1).
public struct ProductImport: Sendable {
    /// More rows than this is refused as a whole (the caller answers 413).
    public static let maximumRows = 5000
    /// The columns a file may have, in the order an export template lists them.
    /// The two lists are written as the export writes them, items separated by spaces.
    public static let columns = ["code", "name", "producer_id", "group", "subgroup", "description", "unit",
                                 "price_vnd", "gtin", "origin_province", "raw_material_area_ids", "image_urls"]
    /// Columns a file must have.
    public static let requiredColumns: Set<String> = ["code", "name", "producer_id", "group"]
    /// What the CSV export writes besides `columns`: facts the server keeps (ids, certificates,
    /// timestamps). A file that has them is refused rather than read past them — a `stars` of 5
    /// typed into a sheet must not vanish silently — with a refusal that says so.
    static let exportOnlyColumns: Set<String> = ["id", "stars", "status", "certificate_number",
                                                 "certificate_expires_on", "created_at", "updated_at", "version"]

    /// Why a file cannot be imported before any row is looked at.
    public enum Failure: Error, Equatable, Sendable {
        case syntax(CSVSyntaxError)
        case tooManyRows(Int)
        case invalid([FieldError])
    }

    struct Line: Sendable {
        let row: Int
        let fields: ProductFields
        /// Fields that already have an error on this row: later checks skip them,
        /// so one mistake is reported once.
        var reported: Set<String>
    }

    let lines: [Line]
    /// Problems `prepare` found, with their row numbers for ordering.
    let problems: [(row: Int, error: FieldError)]

    /// The number of product rows in the file.
    public var rowCount: Int { lines.count }

    /// Reads and checks everything that needs no database.
    public static func prepare(_ bytes: [UInt8]) throws(Failure) -> ProductImport {
        let records: [CSVRecord]
        do { records = try CSVParser.parse(bytes) } catch { throw .syntax(error) }
        guard let header = records.first, !header.isBlank else {
            throw .invalid([FieldError("rows[1]", "must be the header row: \(columns.joined(separator: ","))")])
        }
        let names = header.fields.map { $0.trimmingWhitespace() }
        var headerErrors: [FieldError] = []
        var seen = Set<String>()
        for name in names {
            if exportOnlyColumns.contains(name) {
                headerErrors.append(FieldError("rows[1].\(name)", "is written by the export but kept by the server, "
                    + "which the import cannot set; delete the column (the import only creates products)"))
            } else if !columns.contains(name) {
                headerErrors.append(FieldError("rows[1].\(name)", "is not a column the import knows; known: \(columns.joined(separator: ", "))"))
            } else if !seen.insert(name).inserted {
                headerErrors.append(FieldError("rows[1].\(name)", "is given twice"))
            }
        }
        for missing in columns where requiredColumns.contains(missing) && !seen.contains(missing) {
            headerErrors.append(FieldError("rows[1]", "lacks the required column \(missing)"))
        }
        if !headerErrors.isEmpty { throw .invalid(headerErrors) }

        let body = records.dropFirst().filter { !$0.isBlank }
        guard !body.isEmpty else { throw .invalid([FieldError("rows", "the file has a header but no product rows")]) }
        guard body.count <= maximumRows else { throw .tooManyRows(body.count) }

        var lines: [Line] = []
        var problems: [(row: Int, error: FieldError)] = []
        for record in body {
            guard record.fields.count == names.count else {
                problems.append((record.row, FieldError("rows[\(record.row)]", "has \(record.fields.count) fields; the header has \(names.count)")))
                continue
            }
            var cells: [String: String] = [:]
            for (name, value) in zip(names, record.fields) { cells[name] = value }
            var reader = RowReader(row: record.row, cells: cells)
            let fields = reader.fields()
            for error in fields.validate() where !reader.reported.contains(baseField(error.field)) {
                reader.fail(error.field, error.message)
            }
            problems += reader.errors.map { (record.row, $0) }
            lines.append(Line(row: record.row, fields: fields, reported: reader.reported))
        }
        return ProductImport(lines: lines, problems: problems)
    }

    /// Checks producers, groups, sub-groups and duplicates (in the file and in the database),
    /// then inserts every row with its audit entry; returns the new ids in file order.
    /// When the only problems are codes or GTINs products already hold, the error is a conflict
    /// (409, as for one product: API.md's "duplicate code"), else invalid (422); both list every row.
    public func commit(_ db: Connection, actor: Actor, now: Timestamp) throws -> [Int64] {
        var problems = self.problems
        var conflicts = 0
        var references = try ProductReferences(db)
        var codes: [String: Int] = [:]
        var gtins: [String: Int] = [:]
        for line in lines {
            func fail(_ field: String, _ message: String) { problems.append((line.row, FieldError("rows[\(line.row)].\(field)", message))) }
            let f = line.fields
            for error in try references.check(f, in: db) where !line.reported.contains(Self.baseField(error.field)) {
                fail(error.field, error.message)
            }
            if !line.reported.contains("code") {
                if let first = codes[f.code] { fail("code", "repeats the code of row \(first)") }
                else if let other = try ProductStore.holder(ofCode: f.code, in: db) {
                    fail("code", "is already the code of product \(other)")
                    conflicts += 1
                }
                codes[f.code] = codes[f.code] ?? line.row
            }
            if let gtin = f.gtin, !line.reported.contains("gtin") {
                if let first = gtins[gtin.digits] { fail("gtin", "repeats the GTIN of row \(first)") }
                else if let other = try ProductStore.holder(ofGTIN: gtin, in: db) {
                    fail("gtin", "is already the GTIN of product \(other)")
                    conflicts += 1
                }
                gtins[gtin.digits] = gtins[gtin.digits] ?? line.row
            }
        }
        if !problems.isEmpty {
            // By row, then in column order, so a client can show the list next to the file.
            let ordered = problems.enumerated().map { (offset, problem) in
                (key: (problem.row, Self.columnRank(problem.error.field), offset), error: problem.error)
            }.sorted { $0.key < $1.key }
            if conflicts == problems.count {
                throw DomainError.conflict(conflicts == 1 ? "a code or GTIN in the file is already another product's; nothing was imported"
                                           : "\(conflicts) codes or GTINs in the file are already other products'; nothing was imported",
                                           errors: ordered.map(\.error))
            }
            throw DomainError.invalid(ordered.map(\.error))
        }
        var ids: [Int64] = []
        ids.reserveCapacity(lines.count)
        for line in lines {
            let producerName = try references.producerName(line.fields.producerID, in: db) ?? ""
            let id = try ProductStore.insert(db, line.fields, producerName: producerName, actor: actor, now: now)
            try AuditLog.record(db, actor: actor, entity: .product, entityID: id, action: "create",
                                changes: line.fields.jsonObject, at: now)
            ids.append(id)
        }
        return ids
    }

    /// Where an error's field sits among `columns` ("rows[3].gtin" → 8); a whole-row error comes first.
    static func columnRank(_ field: String) -> Int {
        guard let dot = field.firstIndex(of: ".") else { return -1 }
        return columns.firstIndex(of: baseField(String(field[field.index(after: dot)...]))) ?? columns.count
    }

    /// "raw_material_area_ids[2]" → "raw_material_area_ids".
    static func baseField(_ field: String) -> String {
        String(field.prefix { $0 != "[" })
    }
}

/// Turns one row's cells into typed fields, noting every cell it cannot read.
private struct RowReader {
    let row: Int
    let cells: [String: String]
    var errors: [FieldError] = []
    var reported = Set<String>()

    mutating func fail(_ field: String, _ message: String) {
        errors.append(FieldError("rows[\(row)].\(field)", message))
        reported.insert(ProductImport.baseField(field))
    }

    /// The cell as NFC text; nil when the column is absent or the cell empty.
    func text(_ column: String) -> String? {
        guard let value = cells[column], !value.isEmpty else { return nil }
        return TextNormalization.nfc(value)
    }

    /// Codes and numbers: surrounding spaces are a spreadsheet accident, not data.
    func token(_ column: String) -> String? {
        guard let value = cells[column]?.trimmingWhitespace(), !value.isEmpty else { return nil }
        return value
    }

    mutating func required(_ column: String) -> String? {
        guard let value = text(column) else {
            fail(column, "is required")
            return nil
        }
        return value
    }

    mutating func fields() -> ProductFields {
        for column in cells.keys.sorted() where TextNormalization.containsControlCharacters(cells[column] ?? "") {
            fail(column, TextNormalization.controlCharactersMessage)
        }
        let code = token("code")
        if code == nil { fail("code", "is required") }
        let name = required("name")
        var producerID: Int64?
        if let text = token("producer_id") {
            if let id = Int64(text), id > 0 { producerID = id }
            else { fail("producer_id", "must be a producer id (a positive integer)") }
        } else {
            fail("producer_id", "is required")
        }
        let group = token("group")
        if group == nil { fail("group", "is required") }
        var price: Int64?
        if let text = token("price_vnd") {
            price = Int64(text)
            if price == nil { fail("price_vnd", "must be a whole number of đồng without separators, e.g. 85000") }
        }
        var gtin: GTIN?
        if let text = token("gtin") {
            gtin = GTIN(text)
            if gtin == nil {
                fail("gtin", ProductFields.gtinMessage + " (format the column as text so the spreadsheet keeps every digit)")
            }
        }
        var areas: [Int64] = []
        for item in list("raw_material_area_ids") {
            guard let id = Int64(item) else {
                fail("raw_material_area_ids", "must be area ids separated by spaces, e.g. 3 12")
                areas = []
                break
            }
            areas.append(id)
        }
        // Placeholders where a cell failed; the failed field is in `reported`, so rules skip it.
        return ProductFields(
            code: code ?? "", name: name ?? "", producerID: producerID ?? 0, group: group ?? "",
            subgroup: token("subgroup"), description: text("description"), unit: text("unit"), priceVND: price,
            gtin: gtin, originProvince: text("origin_province") ?? Province.home, rawMaterialAreaIDs: areas,
            imageURLs: list("image_urls"))
    }

    /// A list cell's items: separated by spaces (as the export writes them) or commas (as a person
    /// may type them); none when the column is absent or the cell empty.
    func list(_ column: String) -> [String] {
        guard let value = cells[column] else { return [] }
        return value.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }).map(String.init)
    }
}

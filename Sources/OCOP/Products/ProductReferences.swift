import SQLite

/// Checks what a product refers to — its producer, group, sub-group and raw-material
/// areas — against the database, remembering what it has read, because an import
/// checks thousands of rows that mostly name the same few producers.
struct ProductReferences {
    private let groups: Set<String>
    /// Sub-group code → its group's code.
    private let subgroupGroups: [String: String]
    /// Producer id → name; a known-missing producer maps to nil.
    private var producerNames: [Int64: String?] = [:]
    private var areas: [Int64: Bool] = [:]

    init(_ db: Connection) throws {
        groups = Set(try db.all("SELECT code FROM product_groups") { $0.string(0) })
        var subgroupGroups: [String: String] = [:]
        try db.query("SELECT code, group_code FROM product_subgroups") { subgroupGroups[$0.string(0)] = $0.string(1) }
        self.subgroupGroups = subgroupGroups
    }

    /// Every broken reference, with field names under `prefix` ("rows[3]." for an import).
    mutating func check(_ fields: ProductFields, in db: Connection, prefix: String = "") throws -> [FieldError] {
        var errors: [FieldError] = []
        if fields.producerID > 0, try producerName(fields.producerID, in: db) == nil {
            errors.append(FieldError(prefix + "producer_id", "names no producer (\(fields.producerID))"))
        }
        if !groups.contains(fields.group) {
            errors.append(FieldError(prefix + "group", "must be one of \(groups.sorted().joined(separator: ", "))"))
        } else if let subgroup = fields.subgroup {
            switch subgroupGroups[subgroup] {
            case nil:
                errors.append(FieldError(prefix + "subgroup", "is not a sub-group code; see GET /api/v1/product-groups"))
            case let owner? where owner != fields.group:
                errors.append(FieldError(prefix + "subgroup", "belongs to group \(owner), not \(fields.group)"))
            default:
                break
            }
        }
        var seen = Set<Int64>()
        for (i, area) in fields.rawMaterialAreaIDs.enumerated() where area > 0 && seen.insert(area).inserted {
            if try !areaExists(area, in: db) {
                errors.append(FieldError(prefix + "raw_material_area_ids[\(i)]", "names no raw-material area (\(area))"))
            }
        }
        return errors
    }

    /// The producer's name, or nil when there is no such producer.
    mutating func producerName(_ id: Int64, in db: Connection) throws -> String? {
        if let known = producerNames[id] { return known }
        let name = try db.first("SELECT name FROM producers WHERE id = ?", [.integer(id)]) { $0.string(0) }
        producerNames[id] = .some(name)
        return name
    }

    private mutating func areaExists(_ id: Int64, in db: Connection) throws -> Bool {
        if let known = areas[id] { return known }
        let exists = try db.scalarInt("SELECT count(*) FROM raw_material_areas WHERE id = ?", [.integer(id)]) == 1
        areas[id] = exists
        return exists
    }
}

/// Which market a raw-material area or packing facility supplies. Export growing-area
/// and packing-facility codes are the ones importing countries check (DOMAIN.md "Raw materials").
public enum MarketScope: String, CaseIterable, Sendable {
    case domestic
    case export
}

/// How a registry of coded sites (raw-material areas, packing facilities) is ordered.
/// Both orders have an index (`id` is the rowid, `code` is UNIQUE), so keyset paging is cheap.
public enum CodeSort: String, CaseIterable, Sendable {
    case id = "id"
    case idDescending = "-id"
    case code = "code"
    case codeDescending = "-code"
}

/// The human codes officials give growing areas and packing facilities ("VN-QN-VT-0012").
public enum SiteCode {
    public static let maxLength = 50

    /// ASCII letters and digits joined by `-`, `.`, `_` or `/`: codes are typed on forms and
    /// printed on export documents, so no spaces, no diacritics, and no U+001F (the cursor separator).
    static func validate(_ code: String, field: String = "code") -> FieldError? {
        let bytes = Array(code.utf8)
        guard !bytes.isEmpty, bytes.count <= maxLength else {
            return FieldError(field, "must be 1 to \(maxLength) characters")
        }
        func isAlphanumeric(_ b: UInt8) -> Bool { (48...57).contains(b) || (65...90).contains(b) || (97...122).contains(b) }
        let valid = bytes.allSatisfy { isAlphanumeric($0) || $0 == 45 || $0 == 46 || $0 == 95 || $0 == 47 }
        guard valid, let first = bytes.first, isAlphanumeric(first) else {
            return FieldError(field, "must start with a letter or digit and hold only ASCII letters, digits, '-', '.', '_' or '/'")
        }
        return nil
    }
}

/// The level of the council that evaluates and the authority that recognises the result.
public enum CouncilLevel: String, CaseIterable, Sendable {
    case district
    case province
    /// The central council; from 6 Jul 2025 the Ministry of Agriculture and Environment.
    case central
}

/// Who may award how many stars over a period of time, as data with its legal basis.
/// A council can never award more than its level allows; a higher score is proposed to the next level.
public struct CouncilRegime: Sendable, Equatable {
    /// First day in force; nil for the oldest regime (everything before the next one).
    public let from: CivilDate?
    /// Last day in force; nil while in force.
    public let through: CivilDate?
    /// The highest stars each level may award; a level missing here does not exist in this regime.
    public let caps: [CouncilLevel: StarRating]
    public let legalBasis: String
    /// Said where the regime rests on inference rather than on the text of the law.
    public let note: String?

    /// The cap of `level`, or nil when the level has no council in this regime.
    public func cap(_ level: CouncilLevel) -> StarRating? { caps[level] }

    /// Whether the regime is in force on `date`.
    public func covers(_ date: CivilDate) -> Bool {
        (from.map { $0 <= date } ?? true) && (through.map { date <= $0 } ?? true)
    }

    /// Before Decision 148: the 2019 programme's levels.
    /// ASSUMPTION: Decision 1048/QĐ-TTg (2019) has district councils rate up to 3 stars, provinces
    /// up to 4 and the central council 5; we apply the same caps to every round held before
    /// 24 Feb 2023 (including rounds under the earlier 2018 guidance, which we do not model).
    public static let programme2019 = CouncilRegime(
        from: nil, through: .constant(2023, 2, 23),
        caps: [.district: .three, .province: .four, .central: .five],
        legalBasis: "Quyết định 1048/QĐ-TTg ngày 21/08/2019",
        note: "assumed: the 2019 rules' levels (district ≤ 3, province ≤ 4, central 5) apply to every earlier round")

    /// 24 Feb 2023 – 5 Jul 2025: Decision 148/QĐ-TTg, district ≤ 3, province ≤ 4, central 5.
    public static let decision148 = CouncilRegime(
        from: .constant(2023, 2, 24), through: .constant(2025, 7, 5),
        caps: [.district: .three, .province: .four, .central: .five],
        legalBasis: "Quyết định 148/QĐ-TTg ngày 24/02/2023", note: nil)

    /// From 6 Jul 2025, after the district level was abolished: communes take applications, the
    /// province evaluates up to 4 stars, 5 stars go to the Ministry of Agriculture and Environment.
    /// Rests on a single source (DOMAIN.md).
    public static let decision1489 = CouncilRegime(
        from: .constant(2025, 7, 6), through: nil,
        caps: [.province: .four, .central: .five],
        legalBasis: "Quyết định 1489/QĐ-TTg năm 2025 (cấp tỉnh: 3–4 sao; 5 sao: Bộ Nông nghiệp và Môi trường)",
        note: "single source; no district councils")

    /// Oldest first; the periods tile the calendar with no gap and no overlap (checked by tests).
    public static let all: [CouncilRegime] = [.programme2019, .decision148, .decision1489]

    /// The regime in force on `date`.
    public static func on(_ date: CivilDate) -> CouncilRegime {
        all.first { $0.covers(date) } ?? decision1489
    }
}

extension CivilDate {
    /// A date written in the source as a constant; an impossible one is a programming error.
    static func constant(_ year: Int, _ month: Int, _ day: Int) -> CivilDate {
        guard let date = CivilDate(year: year, month: month, day: day) else {
            preconditionFailure("invalid constant date \(year)-\(month)-\(day)")
        }
        return date
    }
}

/// Which national score sheet a council used. Kept on every round, because results
/// scored under the 2019 rules stay valid and must be re-checked against their own maxima.
public enum ScoreSheetVersion: String, CaseIterable, Sendable {
    /// Decision 1048/QĐ-TTg of 21 Aug 2019.
    case v2019 = "2019"
    /// Decision 148/QĐ-TTg of 24 Feb 2023.
    case v2023 = "2023"
}

/// One of the three parts of the 100-point sheet.
public enum ScorePart: String, CaseIterable, Sendable {
    /// Product and community strength (Phần A).
    case a = "part_a"
    /// Marketing capacity (Phần B).
    case b = "part_b"
    /// Product quality (Phần C).
    case c = "part_c"
}

/// A score sheet as data: the maxima of its parts and the instrument that set them.
/// When the law changes, a new sheet is added here; nothing else in the code moves.
public struct ScoreSheet: Sendable, Equatable {
    public let version: ScoreSheetVersion
    public let maxA: Points
    public let maxB: Points
    public let maxC: Points
    /// The first day the sheet is in force (used to default a round's sheet from its date).
    public let inForceFrom: CivilDate
    public let legalBasis: String

    /// The maximum of `part`.
    public func maximum(_ part: ScorePart) -> Points {
        switch part {
        case .a: maxA
        case .b: maxB
        case .c: maxC
        }
    }

    /// Every sheet adds up to 100 points.
    public var total: Points { maxA + maxB + maxC }

    /// Decision 148/QĐ-TTg (2023): A 40, B 25, C 35.
    public static let v2023 = ScoreSheet(
        version: .v2023, maxA: Points(40), maxB: Points(25), maxC: Points(35),
        inForceFrom: .constant(2023, 2, 24),
        legalBasis: "Quyết định 148/QĐ-TTg ngày 24/02/2023 (Bộ tiêu chí đánh giá, phân hạng sản phẩm OCOP)")

    /// Decision 1048/QĐ-TTg (2019): A 35, B 25, C 40.
    public static let v2019 = ScoreSheet(
        version: .v2019, maxA: Points(35), maxB: Points(25), maxC: Points(40),
        inForceFrom: .constant(2019, 8, 21),
        legalBasis: "Quyết định 1048/QĐ-TTg ngày 21/08/2019 (Bộ tiêu chí đánh giá, phân hạng sản phẩm OCOP)")

    /// Every sheet we know, oldest first.
    public static let all: [ScoreSheet] = [.v2019, .v2023]

    /// The sheet of `version`.
    public static func sheet(_ version: ScoreSheetVersion) -> ScoreSheet {
        switch version {
        case .v2019: .v2019
        case .v2023: .v2023
        }
    }

    /// The sheet in force on `date`: the latest one whose start is not after it
    /// (the 2019 sheet for anything earlier than its own start, as the oldest we know).
    public static func inForce(on date: CivilDate) -> ScoreSheet {
        all.filter { $0.inForceFrom <= date }.max { $0.inForceFrom < $1.inForceFrom } ?? .v2019
    }
}

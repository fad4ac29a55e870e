/// A council session that evaluates and rates products (e.g. "Đánh giá, phân hạng sản phẩm
/// OCOP lần thứ 9 năm 2024"), with the level and rules it worked under.
public struct EvaluationRound: Sendable, Equatable {
    public let id: Int64
    public var fields: EvaluationRoundFields
    /// As stored when the round was last written: the law cited then stays cited.
    public var legalBasis: String
    public let createdAt: Timestamp
    public var updatedAt: Timestamp
    public var version: Int64

    /// The score sheet the council used.
    public var sheet: ScoreSheet { ScoreSheet.sheet(fields.sheetVersion) }
    /// The award caps in force on the day it was held.
    public var regime: CouncilRegime { CouncilRegime.on(fields.heldOn) }
}

/// What a client writes about a round. `legalBasis` is derived, never written.
public struct EvaluationRoundFields: Sendable, Equatable {
    public var name: String
    public var councilLevel: CouncilLevel
    public var heldOn: CivilDate
    /// The decision that convened the council, e.g. "125/QĐ-UBND".
    public var decisionRef: String?
    public var sheetVersion: ScoreSheetVersion

    /// `sheetVersion` nil: the sheet in force on `heldOn`.
    public init(name: String, councilLevel: CouncilLevel, heldOn: CivilDate, decisionRef: String? = nil,
                sheetVersion: ScoreSheetVersion? = nil) {
        self.name = name
        self.councilLevel = councilLevel
        self.heldOn = heldOn
        self.decisionRef = decisionRef
        self.sheetVersion = sheetVersion ?? ScoreSheet.inForce(on: heldOn).version
    }

    /// The instruments the round worked under: who may award what on `heldOn`, and the sheet.
    public var legalBasis: String {
        let regime = CouncilRegime.on(heldOn), sheet = ScoreSheet.sheet(sheetVersion)
        return "\(regime.legalBasis); score sheet \(sheetVersion.rawValue): \(sheet.legalBasis)"
    }

    /// The first day a round can have been held: OCOP began in Quảng Ninh, the first province to
    /// run it, in 2013 (the national programme followed in 2018). Rounds from before the 2019
    /// sheet are kept as history under it (`ScoreSheet.inForce`); a round dated before the
    /// programme existed is a typing mistake, and would cite a 2019 decision as its basis.
    public static let earliestHeldOn = CivilDate.constant(2013, 1, 1)

    /// Every broken rule: blank name, a day before OCOP began, a council level that does not
    /// exist on that day, a sheet adopted after the council sat. (An older sheet than the one in
    /// force is allowed: products that applied under the old rules may be scored under them.)
    /// `storedHeldOn`: the round's day as stored, when this replaces it. The first rule came
    /// later than the other ones: a round stored before it keeps its day and stays editable.
    public func validate(storedHeldOn: CivilDate? = nil) -> [FieldError] {
        var errors: [FieldError] = []
        if name.isBlank { errors.append(FieldError("name", "must not be empty")) }
        if heldOn < Self.earliestHeldOn, heldOn != storedHeldOn {
            errors.append(FieldError("held_on", "must not be before \(Self.earliestHeldOn): OCOP began in 2013"))
        }
        if let ref = decisionRef, ref.isBlank {
            errors.append(FieldError("decision_ref", "must not be blank; use null to clear it"))
        }
        if let error = EvaluationRules.councilError(councilLevel, heldOn: heldOn) { errors.append(error) }
        let sheet = ScoreSheet.sheet(sheetVersion)
        if sheet.inForceFrom > ScoreSheet.inForce(on: heldOn).inForceFrom {
            errors.append(FieldError("sheet_version", """
                the \(sheetVersion.rawValue) sheet is in force from \(sheet.inForceFrom), after the round was held \
                (\(heldOn)); use \(ScoreSheet.inForce(on: heldOn).version.rawValue)
                """))
        }
        return errors
    }
}

/// How a round list is ordered.
public enum EvaluationRoundSort: String, CaseIterable, Sendable {
    case id = "id"
    case idDescending = "-id"
    case heldOn = "held_on"
    case heldOnDescending = "-held_on"

    var keyset: Keyset {
        switch self {
        case .id: Keyset(sort: rawValue, column: nil, descending: false)
        case .idDescending: Keyset(sort: rawValue, column: nil, descending: true)
        case .heldOn: Keyset(sort: rawValue, column: .date("held_on"), descending: false)
        case .heldOnDescending: Keyset(sort: rawValue, column: .date("held_on"), descending: true)
        }
    }
}

/// Filters and paging for `GET /api/v1/evaluation-rounds`.
public struct EvaluationRoundQuery: Sendable {
    public var councilLevel: CouncilLevel?
    public var sheetVersion: ScoreSheetVersion?
    /// Held on or after.
    public var heldFrom: CivilDate?
    /// Held on or before.
    public var heldTo: CivilDate?
    public var sort: EvaluationRoundSort = .id
    public var limit: PageSize = .default
    public var cursor: Cursor?

    public init() {}
}

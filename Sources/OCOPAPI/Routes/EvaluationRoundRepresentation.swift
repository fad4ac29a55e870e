import JSON
import OCOP

/// The JSON and CSV shapes of an evaluation round, and how a request body becomes one.
enum EvaluationRoundRepresentation {
    static func write(_ round: EvaluationRound, to writer: inout JSONWriter) {
        let f = round.fields
        writer.beginObject()
        writer.field("id", round.id)
        writer.field("name", f.name)
        writer.field("council_level", f.councilLevel.rawValue)
        writer.field("held_on", f.heldOn.description)
        writer.field("decision_ref", f.decisionRef)
        writer.field("sheet_version", f.sheetVersion.rawValue)
        writer.field("legal_basis", round.legalBasis)
        writer.field("created_at", round.createdAt)
        writer.field("updated_at", round.updatedAt)
        writer.field("version", round.version)
        writer.endObject()
    }

    /// The writable fields as a client sees them (the base a merge patch applies to).
    static func writable(_ f: EvaluationRoundFields) -> JSONObject {
        JSONObject([
            ("name", .string(f.name)),
            ("council_level", .string(f.councilLevel.rawValue)),
            ("held_on", .string(f.heldOn.description)),
            ("decision_ref", f.decisionRef.map(JSONValue.string) ?? .null),
            ("sheet_version", .string(f.sheetVersion.rawValue)),
        ])
    }

    /// Server-owned fields: a client may echo them back unchanged, never set them.
    static func readOnly(_ round: EvaluationRound) -> JSONObject {
        JSONObject([
            ("id", .number(JSONNumber(round.id))),
            ("legal_basis", .string(round.legalBasis)),
            ("created_at", .string(round.createdAt.description)),
            ("updated_at", .string(round.updatedAt.description)),
            ("version", .number(JSONNumber(round.version))),
        ])
    }

    static let readOnlyKeys = ["id", "legal_basis", "created_at", "updated_at", "version"]

    /// Reads the writable fields; a missing `sheet_version` means the sheet in force on `held_on`.
    static func fields(from object: JSONObject, current: EvaluationRound?) throws(Problem) -> EvaluationRoundFields {
        // On create, server-owned fields are refused once each (not also as unknown fields).
        var reader = BodyReader(current == nil ? JSONObject(object.members.filter { !readOnlyKeys.contains($0.key) }) : object)
        let name = reader.requiredString("name", maxLength: 300)
        let level = reader.requiredEnum("council_level", CouncilLevel.self)
        let heldOn = reader.requiredDay("held_on")
        let decisionRef = reader.optionalString("decision_ref", maxLength: 100)
        var sheet: ScoreSheetVersion?
        if let value = object["sheet_version"], !value.isNull {
            sheet = reader.requiredEnum("sheet_version", ScoreSheetVersion.self)
        } else {
            _ = reader.optionalString("sheet_version")
        }
        if let current {
            reader.readOnly(readOnly(current))
        } else {
            for key in readOnlyKeys where object[key] != nil { reader.fail(key, "is read-only; the server assigns it") }
        }
        guard let name, let level, let heldOn else {
            try reader.finish()
            throw Problem.validation(reader.errors)
        }
        let fields = EvaluationRoundFields(name: name, councilLevel: level, heldOn: heldOn, decisionRef: decisionRef,
                                           sheetVersion: sheet)
        // Rule checks run only on well-typed input, so one mistake is reported once.
        if reader.errors.isEmpty {
            for error in fields.validate(storedHeldOn: current?.fields.heldOn) { reader.fail(error.field, error.message) }
        }
        try reader.finish()
        return fields
    }

    static let csv = CSVTable<EvaluationRound>(filename: "evaluation-rounds.csv", columns: [
        ("id", { String($0.id) }),
        ("name", { $0.fields.name }),
        ("council_level", { $0.fields.councilLevel.rawValue }),
        ("held_on", { $0.fields.heldOn.description }),
        ("decision_ref", { $0.fields.decisionRef }),
        ("sheet_version", { $0.fields.sheetVersion.rawValue }),
        ("legal_basis", { $0.legalBasis }),
        ("created_at", { $0.createdAt.description }),
        ("updated_at", { $0.updatedAt.description }),
        ("version", { String($0.version) }),
    ])
}

import JSON
import OCOP

/// Typed readers the certification routes need beyond `QueryParameters`/`BodyReader`
/// (dates, booleans, exact decimal scores), each adding a field error on a bad value.
enum CertificationReaders {
    /// A day parameter (nil when absent): `Days`.
    static func date(_ parameters: QueryParameters, _ name: String, errors: inout [FieldError]) -> CivilDate? {
        guard let text = parameters[name] else { return nil }
        guard let date = Days.parse(text) else {
            errors.append(FieldError(name, Days.rule))
            return nil
        }
        return date
    }

    /// An inclusive range of days named `from`/`to` (or `held_from`/`held_to`…), either end
    /// optional; a start after the end is an error on the start (a swapped range would otherwise
    /// read as "nothing happened").
    static func dateRange(_ parameters: QueryParameters, _ start: String = "from", _ end: String = "to",
                          errors: inout [FieldError]) -> (from: CivilDate?, to: CivilDate?) {
        let from = date(parameters, start, errors: &errors)
        let to = date(parameters, end, errors: &errors)
        if let from, let to, from > to { errors.append(FieldError(start, "must not be after \(end) (\(to))")) }
        return (from, to)
    }

    static func bool(_ parameters: QueryParameters, _ name: String, errors: inout [FieldError]) -> Bool? {
        switch parameters[name] {
        case nil: return nil
        case "true": return true
        case "false": return false
        default:
            errors.append(FieldError(name, "must be true or false"))
            return nil
        }
    }

    static func stars(_ parameters: QueryParameters, _ name: String, errors: inout [FieldError]) -> StarRating? {
        parameters.int(name, in: 1...5, errors: &errors).flatMap { StarRating(rawValue: Int($0)) }
    }

    /// A non-negative score with at most two decimals, taken from the JSON literal (never a Double).
    static func points(_ value: JSONValue?, field: String, errors: inout [FieldError]) -> Points? {
        guard let value, !value.isNull else {
            errors.append(FieldError(field, "is required"))
            return nil
        }
        guard case .number(let number) = value, let points = Points(decimal: number.text) else {
            errors.append(FieldError(field, "must be a number of points ≥ 0 with at most 2 decimals, like 35 or 35.25"))
            return nil
        }
        return points
    }
}

import JSON
import OCOP

/// Typed readers the certification routes need beyond `QueryParameters`/`BodyReader`
/// (dates, booleans, exact decimal scores), each adding a field error on a bad value.
enum CertificationReaders {
    /// A day parameter (nil when absent), within `queryYears`.
    static func date(_ parameters: QueryParameters, _ name: String, errors: inout [FieldError]) -> CivilDate? {
        guard let text = parameters[name] else { return nil }
        guard let date = CivilDate(text) else {
            errors.append(FieldError(name, "must be a date YYYY-MM-DD"))
            return nil
        }
        guard queryYears.contains(date.year) else {
            errors.append(FieldError(name, "must be a day of the years \(queryYears.lowerBound) to \(queryYears.upperBound)"))
            return nil
        }
        return date
    }

    /// Years a day in a query (`as_of`, `from`, `expires_before`…) may be in. Reports derive dates
    /// from theirs (90 days on, six months or 29 days back, up to ten years on with
    /// `within_days`), and those must stay `YYYY-MM-DD` too: an `as_of` of 9999-12-31 would answer
    /// "+10000-03-30", a sales report `to` 0001-01-01 a `from` in year 0000. No OCOP record is
    /// older than 1900. List filters take the same years, so the document states one rule for a
    /// day parameter (`QueryParameterSchemas.dayPattern`).
    static let queryYears = 1900...2999

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

    /// A required `YYYY-MM-DD` string field.
    static func requiredDate(_ reader: inout BodyReader, _ key: String) -> CivilDate? {
        guard let text = reader.requiredString(key, maxLength: 10) else { return nil }
        guard let date = CivilDate(text) else {
            reader.fail(key, "must be a date YYYY-MM-DD")
            return nil
        }
        return date
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

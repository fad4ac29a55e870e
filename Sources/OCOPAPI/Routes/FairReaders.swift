import JSON
import OCOP

/// Typed readers the trade-promotion routes need beyond `BodyReader` and `QueryParameters`
/// (booleans, optional dates), each adding a field error on a bad value.
enum FairReaders {
    /// An optional boolean of `object` (absent or null: nil); the caller marks the key consumed.
    static func bool(_ object: JSONObject, _ key: String, reader: inout BodyReader) -> Bool? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let bool = value.boolValue else {
            reader.fail(key, "must be true or false, not \(value.typeName)")
            return nil
        }
        return bool
    }

    /// On create, server-owned fields may not be sent: each is reported once, as read-only
    /// (marked as known so it is not reported again as an unknown field).
    static func rejectReadOnly(_ keys: [String], in object: JSONObject, reader: inout BodyReader) {
        let sent = JSONObject(keys.compactMap { key in object[key].map { (key: key, value: $0) } })
        reader.readOnly(sent)
        for (key, _) in sent { reader.fail(key, "is read-only; the server derives or assigns it") }
    }
}

import JSON
import OCOP

/// JSON Merge Patch (RFC 7396 §2): members of the patch replace those of the
/// target, `null` removes one, and nested objects merge recursively.
public enum MergePatch {
    public static func apply(_ patch: JSONValue, to target: JSONValue) -> JSONValue {
        guard case .object(let patchObject) = patch else { return patch }
        var result: JSONObject
        if case .object(let targetObject) = target { result = targetObject } else { result = JSONObject() }
        result.update(with: patchObject) { here, there in
            there.isNull ? nil : apply(there, to: here ?? .null)
        }
        return .object(result)
    }

    /// A PATCH body applied to an item's current representation: its writable fields plus the
    /// read-only ones (so a client echoing them back unchanged passes the read-only check).
    /// Callers read `writable` in the same transaction as the write, so no concurrent change is lost.
    /// An object patch always merges into an object (RFC 7396 §2).
    ///
    /// A `null` for a member the item does not have is kept as `null` rather than dropped: the
    /// field reader then sees the name, so a misspelt field (`"emial": null`) is a 422 as it is
    /// with any other value, instead of a 200 that cleared nothing. For a known optional field
    /// `null` and absent read the same. A read-only member is kept exactly as sent, not merged:
    /// the reader accepts only the current value echoed back, so `"stars": null` (removing what
    /// the server owns) or `"certificate": {"bogus": null}` is the 422 any other value there is,
    /// not a 200 that changed nothing.
    public static func apply(_ patch: JSONObject, to writable: JSONObject, readOnly: JSONObject) -> JSONObject {
        var base = writable
        for (key, value) in readOnly { base[key] = value }
        guard case .object(var merged) = apply(.object(patch), to: .object(base)) else { return base }
        let keptAsSent = JSONObject(patch.members.filter { key, value in
            readOnly[key] != nil || (value.isNull && base[key] == nil)
        })
        merged.update(with: keptAsSent) { _, sent in sent }
        return merged
    }

    /// Read-only members a patch names with the value they have now, which the write would change:
    /// a derived one, such as a point of sale's `compliant` in
    /// `{"has_price_list": false, "compliant": true}`. The field reader let them pass, as echoes of
    /// the current value; but a patch lists what it wants, and this one asks for what it will not
    /// get, so it is refused rather than half applied. `before` and `after`: the item's read-only
    /// members now and as the write would leave them. (A PUT echoing a representation it read is
    /// not this: it states no wish for a derived value.)
    public static func contradictions(_ patch: JSONObject, before: JSONObject, after: JSONObject) -> [FieldError] {
        patch.compactMap { key, value in
            guard let old = before[key], old == value, let new = after[key], new != value else { return nil }
            return FieldError(key, "is read-only; this change makes it \(new.serializedString())")
        }
    }

    /// A 422 listing the `contradictions`, if there are any.
    public static func refuseContradictions(_ patch: JSONObject, before: JSONObject, after: JSONObject) throws(Problem) {
        let found = contradictions(patch, before: before, after: after)
        if !found.isEmpty { throw Problem.validation(found) }
    }
}

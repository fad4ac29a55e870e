import Testing
@testable import OCOP

@Suite struct FieldErrorTests {
    /// A name the client made up is quoted at most 100 characters: a 40 KB unknown member was
    /// echoed whole in its 422.
    @Test func aLongFieldNameIsCutWhenQuoted() {
        let long = String(repeating: "k", count: 40_000)
        let error = FieldError(long, "is not a known field")
        #expect(error.field == String(repeating: "k", count: 100) + "…")
        #expect(FieldError("raw_material_area_ids[3]", "must be a positive id").field == "raw_material_area_ids[3]")
        #expect(FieldError(String(repeating: "ễ", count: 100), "x").field.count == 100)
        // Cut by scalars: one character may join any number of them (ZWJ).
        let joined = FieldError("a" + String(repeating: "\u{200D}", count: 13_000), "x").field
        #expect(joined.unicodeScalars.count == 101)
    }
}

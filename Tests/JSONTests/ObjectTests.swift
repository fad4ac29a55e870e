import Testing
@testable import JSON

@Suite struct ObjectTests {
    @Test func subscriptSetReplacesInPlaceAppendsAndRemoves() {
        var o: JSONObject = ["a": 1, "b": 2, "c": 3]
        o["b"] = "two"
        #expect(o.keys == ["a", "b", "c"])
        #expect(o["b"] == "two")
        o["d"] = true
        #expect(o.keys == ["a", "b", "c", "d"])
        o["a"] = nil
        #expect(o.keys == ["b", "c", "d"])
        o["zzz"] = nil
        #expect(o.count == 3)
        #expect(o["a"] == nil)
    }

    /// `update(with:)` is the subscript setter member by member, on both of its paths (small
    /// objects scan, large ones hash): same members, same order, removals and re-additions alike.
    @Test func updateIsTheSubscriptMemberByMember() {
        var generator = SystemRandomNumberGenerator()
        for (hereCount, thereCount) in [(3, 4), (10, 20), (5, 200), (300, 30), (400, 600)] {
            for _ in 0..<5 {
                let here = JSONObject((0..<hereCount).map { (key: "k\($0 * 2)", value: JSONValue.number(JSONNumber(Int64($0)))) })
                // Keys overlap half of `here`'s; a null value removes, and some keys come twice
                // (removed, then added again at the end).
                var there: [(key: String, value: JSONValue)] = (0..<thereCount).map { _ in
                    let key = "k\(Int.random(in: 0..<(2 * max(hereCount, thereCount)), using: &generator))"
                    return (key: key, value: Bool.random(using: &generator) ? .null : .string(key))
                }
                there += there.prefix(3).map { (key: $0.key, value: JSONValue.bool(true)) }
                let update = JSONObject(there)
                let combine: (JSONValue?, JSONValue) -> JSONValue? = { old, new in
                    new.isNull ? nil : .array([old ?? .null, new])
                }
                var expected = here
                for (key, value) in update { expected[key] = combine(expected[key], value) }
                var actual = here
                actual.update(with: update, combine)
                #expect(actual == expected, "\(hereCount) members updated by \(thereCount)")
            }
        }
    }

    @Test func iteratesMembersInOrder() {
        let o = JSONObject([(key: "z", value: 1), (key: "a", value: 2)])
        #expect(o.map(\.key) == ["z", "a"])
        #expect(o.map(\.value) == [1, 2])
    }

    @Test func equalityIsOrderSensitive() {
        let ab: JSONObject = ["a": 1, "b": 2]
        let ba: JSONObject = ["b": 2, "a": 1]
        #expect(ab != ba)
        #expect(ab == ["a": 1, "b": 2])
        #expect(ab != ["a": 1])
        #expect(ab != ["a": 1, "b": 3])
    }

    @Test func duplicateKeysAreRejectedAtAnyDepthAndSize() throws {
        #expect(parseError(#"{"a":1,"a":1}"#)?.message == "duplicate key \"a\" at line 1, column 8")
        #expect(parseError(#"[{"x":{"k":null,"k":null}}]"#)?.offset == 16)
        // Same name in different objects is fine.
        #expect(parseError(#"[{"a":1},{"a":2},{"a":{"a":3}}]"#) == nil)
        // Past the linear-scan limit the hash set must still find every earlier key.
        for count in [15, 16, 17, 40] {
            let members = (0..<count).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
            #expect(parseError("{\(members)}") == nil)
            for dup in [0, count / 2, count - 1] {
                let e = try #require(parseError("{\(members),\"k\(dup)\":0}"))
                #expect(e.message.hasPrefix("duplicate key \"k\(dup)\""))
            }
        }
    }

    @Test func duplicateFoundByEscapedSpelling() {
        // "\u0061" is "a": the decoded names collide, so the input is just as ambiguous.
        #expect(parseError(#"{"a":1,"\u0061":2}"#)?.message.hasPrefix("duplicate key \"a\"") == true)
    }

    @Test func longDuplicateKeysAreQuotedAndShortenedInMessages() throws {
        let key = String(repeating: "é", count: 100) + "\n"
        var w = JSONWriter()
        w.beginObject()
        w.key(escaping: key)
        w.int(1)
        w.key(escaping: key)
        w.int(2)
        w.endObject()
        let e = try #require(parseError(w.bytes))
        #expect(e.message.hasPrefix("duplicate key \"" + String(repeating: "é", count: 60) + "…\" at line 1"))
    }

    @Test func manyKeysParse() throws {
        // 50 000 members: exercises the hashed duplicate check (speed is measured in ocop-bench, not asserted here).
        var w = JSONWriter(capacity: 1 << 20)
        w.beginObject()
        for i in 0..<50_000 {
            w.key(escaping: "key-\(i)")
            w.int(Int64(i))
        }
        w.endObject()
        let v = try JSONValue.parse(w.bytes)
        #expect(v.objectValue?.count == 50_000)
        #expect(v["key-49999"]?.int64Value == 49_999)
        var dup = w.bytes
        dup.removeLast()
        dup += Array(#","key-123":0}"#.utf8)
        #expect(parseError(dup)?.message.hasPrefix("duplicate key \"key-123\"") == true)
    }
}

import Glibc
import JSON
import OCOP

/// What the fuzzer feeds an input to: the request parser (`ParserFuzz`), or one of the parsers
/// every request body meets, JSON, and CSV for product imports. `OCOP_FUZZ_TARGET` picks it
/// under libFuzzer, `--target` in a replay.
enum FuzzTarget: String, CaseIterable {
    case request, json, csv

    /// Under libFuzzer: from the environment, `request` when unset.
    static let current = getenv("OCOP_FUZZ_TARGET").flatMap { FuzzTarget(rawValue: String(cString: $0)) } ?? .request

    /// The committed seeds beside this file: `corpus/` for the request parser, `corpus-json/`, `corpus-csv/`.
    var seedDirectory: String { self == .request ? "corpus" : "corpus-" + rawValue }

    func check(_ input: UnsafeRawBufferPointer) throws(FuzzFailure) {
        switch self {
        case .request: try ParserFuzz.check(input)
        case .json: try BodyFuzz.checkJSON(Array(input))
        case .csv: try BodyFuzz.checkCSV(Array(input))
        }
    }
}

/// The properties of the body parsers on any input: no crash (the sanitizer's and Swift's own
/// checks), and what parses survives being written back.
enum BodyFuzz {
    /// JSON that parses serializes to bytes that parse to the same value and serialize to the same
    /// bytes again; an object updated member by member (`JSONObject.update(with:)`, which hashes
    /// large objects) ends as the subscript makes it.
    ///
    /// And on any input, parsed or not: the writer's byte path (`JSONWriter.string(utf8:)`, which
    /// list pages copy SQLite's text through) writes what its `String` path writes for the
    /// `String` those bytes decode to, bad UTF-8 repaired alike.
    static func checkJSON(_ bytes: [UInt8]) throws(FuzzFailure) {
        var lent = JSONWriter(capacity: 8)
        bytes.withUnsafeBufferPointer { lent.string(utf8: $0) }
        var decoded = JSONWriter(capacity: 8)
        decoded.string(String(decoding: bytes, as: UTF8.self))
        guard lent.bytes == decoded.bytes else {
            throw FuzzFailure(description: "string(utf8:) differs from string(String(decoding:)) for \(bytes)")
        }
        guard let value = try? JSONValue.parse(bytes) else { return }
        let once = value.serialized()
        guard let again = try? JSONValue.parse(once) else {
            throw FuzzFailure(description: "serialized JSON does not parse: \(String(decoding: once, as: UTF8.self))")
        }
        guard again == value else { throw FuzzFailure(description: "a JSON round trip changed the value") }
        guard again.serialized() == once else { throw FuzzFailure(description: "JSON serialization is not stable") }
        if case .object(let object) = value {
            var updated = JSONObject([(key: "a", value: .null)])
            updated.update(with: object) { _, new in new.isNull ? nil : new }
            var bySubscript = JSONObject([(key: "a", value: .null)])
            for (key, member) in object { bySubscript[key] = member.isNull ? nil : member }
            guard updated == bySubscript else { throw FuzzFailure(description: "update(with:) disagrees with the subscript") }
        }
    }

    /// Every CSV record, written back with each field quoted, parses to the same fields; records
    /// come with non-decreasing line numbers.
    static func checkCSV(_ bytes: [UInt8]) throws(FuzzFailure) {
        guard let records = try? CSVParser.parse(bytes) else { return }
        var lastLine = 1
        for record in records {
            guard record.line >= lastLine else { throw FuzzFailure(description: "CSV line numbers went back at row \(record.row)") }
            lastLine = record.line
            var written: [UInt8] = []
            for (i, field) in record.fields.enumerated() {
                if i > 0 { written.append(UInt8(ascii: ",")) }
                written.append(UInt8(ascii: "\""))
                for byte in field.utf8 {
                    written.append(byte)
                    if byte == UInt8(ascii: "\"") { written.append(byte) }
                }
                written.append(UInt8(ascii: "\""))
            }
            written += [13, 10]
            guard let back = try? CSVParser.parse(written), back.count == 1, back[0].fields == record.fields else {
                throw FuzzFailure(description: "CSV row \(record.row) written back does not read the same: \(record.fields)")
            }
        }
    }
}

/// One CSV record with where it came from, so errors can point at it.
public struct CSVRecord: Sendable, Equatable {
    /// 1-based record number: the header is row 1. A line break inside quotes does not start a row,
    /// which is also how spreadsheet apps number rows.
    public let row: Int
    /// 1-based physical line the record starts on.
    public let line: Int
    /// The fields, unquoted and unescaped.
    public let fields: [String]

    /// A record as the parser found it.
    public init(row: Int, line: Int, fields: [String]) {
        self.row = row
        self.line = line
        self.fields = fields
    }

    /// A line with nothing on it (one empty, unquoted field).
    public var isBlank: Bool { fields.count == 1 && fields[0].isEmpty }
}

/// Input that is not CSV, with the line where reading stopped.
public struct CSVSyntaxError: Error, Equatable, Sendable {
    /// 1-based line where reading stopped.
    public let line: Int
    /// What is wrong, for a person to fix.
    public let message: String

    /// An error at `line`.
    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }
}

/// An RFC 4180 reader over UTF-8 bytes.
///
/// Accepted beyond the letter of the RFC, because spreadsheet exports do it: a UTF-8
/// byte-order mark, LF or lone CR line ends as well as CRLF (§2.1), no final line break
/// (§2.2), and records whose field counts differ (the caller decides what that means).
/// Rejected: a quote inside an unquoted field (§2.5), anything but a comma or a line end
/// after a closing quote (§2.7), an unclosed quote, and bytes that are not UTF-8.
public enum CSVParser {
    private static let quote = UInt8(ascii: "\"")
    private static let comma = UInt8(ascii: ",")
    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")

    /// Every record of `input`, header included, in order.
    public static func parse(_ input: [UInt8]) throws(CSVSyntaxError) -> [CSVRecord] {
        var i = input.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let end = input.count
        var records: [CSVRecord] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var recordLine = 1

        func finishField() throws(CSVSyntaxError) {
            guard let text = String(validating: field, as: UTF8.self) else {
                throw CSVSyntaxError(line: line, message: "field \(fields.count + 1) is not valid UTF-8; save the file as CSV UTF-8")
            }
            fields.append(text)
            field.removeAll(keepingCapacity: true)
        }
        func finishRecord() {
            records.append(CSVRecord(row: records.count + 1, line: recordLine, fields: fields))
            fields.removeAll(keepingCapacity: true)
        }
        /// Consumes one line end (CRLF, LF or CR) at `i`; false when there is none.
        func lineEnd() -> Bool {
            guard i < end else { return false }
            if input[i] == cr {
                i += (i + 1 < end && input[i + 1] == lf) ? 2 : 1
            } else if input[i] == lf {
                i += 1
            } else {
                return false
            }
            line += 1
            return true
        }

        guard i < end else { return [] }
        while true {
            // At the start of a field.
            if i < end && input[i] == quote {
                let openedOn = line
                i += 1
                while true {
                    guard i < end else {
                        throw CSVSyntaxError(line: openedOn, message: "a quoted field opened on line \(openedOn) is never closed")
                    }
                    let b = input[i]
                    if b == quote {
                        if i + 1 < end && input[i + 1] == quote {   // "" is one quote (§2.7)
                            field.append(quote)
                            i += 2
                            continue
                        }
                        i += 1
                        break
                    }
                    if b == lf || (b == cr && !(i + 1 < end && input[i + 1] == lf)) { line += 1 }
                    field.append(b)
                    i += 1
                }
                guard i == end || input[i] == comma || input[i] == cr || input[i] == lf else {
                    throw CSVSyntaxError(line: line, message: "after a closing quote only a comma or a line end may follow; write a quote inside a quoted field as \"\"")
                }
            } else {
                while i < end {
                    let b = input[i]
                    if b == comma || b == cr || b == lf { break }
                    if b == quote {
                        throw CSVSyntaxError(line: line, message: "a field with a quote in it must be enclosed in quotes, the quote written as \"\"")
                    }
                    field.append(b)
                    i += 1
                }
            }
            try finishField()
            if i == end {
                finishRecord()
                return records
            }
            if input[i] == comma {
                i += 1
                continue
            }
            _ = lineEnd()
            finishRecord()
            if i == end { return records }   // a final line break ends the last record; it starts none
            recordLine = line
        }
    }
}

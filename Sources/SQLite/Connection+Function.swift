import CSQLite

/// Owns a registered Swift function; SQLite holds it retained and releases it through xDestroy.
private final class FunctionBox {
    let function: ([SQLiteValue]) -> SQLiteValue
    init(_ function: @escaping ([SQLiteValue]) -> SQLiteValue) { self.function = function }
}

extension Connection {
    /// Registers a Swift function callable from SQL (deterministic), e.g. for text folding.
    public func createFunction(
        _ name: String, argumentCount: Int32, _ fn: @escaping ([SQLiteValue]) -> SQLiteValue
    ) throws {
        let db = try db()
        let box = Unmanaged.passRetained(FunctionBox(fn)).toOpaque()
        // DETERMINISTIC lets SQLite use the function in indexes and generated
        // columns and evaluate it once for constant arguments.
        let flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC
        let rc = sqlite3_create_function_v2(
            db, name, argumentCount, flags, box,
            { context, argc, argv in
                guard let context, let raw = sqlite3_user_data(context) else { return }
                let box = Unmanaged<FunctionBox>.fromOpaque(raw).takeUnretainedValue()
                var args: [SQLiteValue] = []
                args.reserveCapacity(Int(argc))
                for i in 0..<Int(argc) { args.append(Connection.decode(argv?[i])) }
                Connection.setResult(context, box.function(args))
            },
            nil, nil,
            // Called when the function is replaced or the connection closes, and
            // also when registration fails (capi3ref create_function), so the
            // box is released exactly once in every case.
            { raw in
                guard let raw else { return }
                Unmanaged<FunctionBox>.fromOpaque(raw).release()
            })
        guard rc == SQLITE_OK else { throw SQLiteError(db: db, rc: rc, sql: nil) }
    }

    /// An argument of a SQL function call, decoded by its storage class.
    private static func decode(_ value: OpaquePointer?) -> SQLiteValue {
        guard let value else { return .null }
        switch sqlite3_value_type(value) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_value_int64(value))
        case SQLITE_FLOAT:
            return .real(sqlite3_value_double(value))
        case SQLITE_TEXT:
            // Text before bytes, as for columns, so the count is of the UTF-8 form.
            guard let text = sqlite3_value_text(value) else { return .text("") }
            let count = Int(sqlite3_value_bytes(value))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            guard let bytes = sqlite3_value_blob(value) else { return .blob([]) }
            let count = Int(sqlite3_value_bytes(value))
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default:
            return .null
        }
    }

    /// Hands a Swift result back to SQLite (copied: TRANSIENT).
    private static func setResult(_ context: OpaquePointer, _ value: SQLiteValue) {
        switch value {
        case .null:
            sqlite3_result_null(context)
        case .integer(let v):
            sqlite3_result_int64(context, v)
        case .real(let v):
            sqlite3_result_double(context, v)
        case .text(var v):
            v.withUTF8 { utf8 in
                guard let base = utf8.baseAddress, !utf8.isEmpty else {
                    return sqlite3_result_text(context, "", 0, csqlite_transient())
                }
                base.withMemoryRebound(to: CChar.self, capacity: utf8.count) {
                    sqlite3_result_text64(context, $0, sqlite3_uint64(utf8.count),
                                          csqlite_transient(), UInt8(SQLITE_UTF8))
                }
            }
        case .blob(let v):
            v.withUnsafeBytes { raw in
                guard let base = raw.baseAddress, !raw.isEmpty else {
                    return sqlite3_result_zeroblob(context, 0)
                }
                sqlite3_result_blob64(context, base, sqlite3_uint64(raw.count), csqlite_transient())
            }
        }
    }
}

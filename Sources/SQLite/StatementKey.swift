/// The statement cache's key: the SQL text, equal only to the same text, hashed from its length
/// and eight samples of its bytes rather than from all of them.
///
/// Why: every `run`, `query` and `first` looks its SQL up in the cache, and `String`'s own
/// hash feeds every byte through SipHash. SQL of one to three hundred bytes made that about
/// 7,000 instructions of a `POST /api/v1/producers`, most of them on the writer thread that
/// every write waits for. Two texts that share length and samples (lists built with different
/// filters) land in one bucket and are told apart by `==`, which is exact.
struct StatementKey: Hashable {
    let sql: String

    init(_ sql: String) {
        self.sql = sql
    }

    static func == (a: StatementKey, b: StatementKey) -> Bool {
        a.sql == b.sql
    }

    func hash(into hasher: inout Hasher) {
        var text = sql
        hasher.combine(text.withUTF8(Self.digest))
    }

    /// The length and eight unaligned 8-byte samples spread over the text (both ends included),
    /// mixed with a multiply and rotate per sample; short texts are mixed byte by byte.
    static func digest(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var mixed = UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15
        func mix(_ value: UInt64) {
            mixed = (mixed ^ value) &* 0xBF58_476D_1CE4_E5B9
            mixed ^= mixed >> 31
        }
        guard bytes.count >= 8, let base = bytes.baseAddress else {
            for byte in bytes { mix(UInt64(byte)) }
            return mixed
        }
        let last = bytes.count - 8
        for sample in 0..<8 {
            mix(UnsafeRawPointer(base + last * sample / 7).loadUnaligned(as: UInt64.self))
        }
        return mixed
    }
}

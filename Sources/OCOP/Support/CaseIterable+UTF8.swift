#if canImport(Glibc)
import Glibc
#endif

extension CaseIterable where Self: RawRepresentable, RawValue == String {
    /// The case whose raw value is exactly these UTF-8 bytes (a stored column as SQLite lends
    /// it), found without making a `String` of them. `rawValue.utf8.elementsEqual(bytes)` took
    /// a thousand instructions per producer on a list page; this is a length test and a
    /// `memcmp` per case.
    init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        for candidate in Self.allCases {
            var raw = candidate.rawValue
            let matches = raw.withUTF8 { name in
                guard name.count == bytes.count else { return false }
                guard let a = name.baseAddress, let b = bytes.baseAddress else { return true }  // both empty
                return memcmp(a, b, name.count) == 0
            }
            if matches {
                self = candidate
                return
            }
        }
        return nil
    }
}

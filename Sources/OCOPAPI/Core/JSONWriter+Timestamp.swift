import JSON
import OCOP

extension JSONWriter {
    /// An instant as its RFC 3339 text in UTC (`Timestamp.description`), written from the stack.
    mutating func field(_ key: StaticString, _ instant: Timestamp) {
        self.key(key)
        instant.withRFC3339 { string(unescaped: $0) }
    }

    /// An optional instant: its RFC 3339 text, or null.
    mutating func field(_ key: StaticString, _ instant: Timestamp?) {
        guard let instant else {
            self.key(key)
            null()
            return
        }
        field(key, instant)
    }
}

/// Field names and values that nearly every request carries, as static Strings.
/// Building a String from bytes costs a copy, UTF-8 validation and, past 15 bytes,
/// an allocation; a literal costs nothing. Only exact byte matches are reused, so
/// names and values still reach the application exactly as sent.
enum CommonStrings {
    /// A static String equal to `b[start..<end]`, if it is one of the common ones.
    @inline(__always)
    static func lookup(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> String? {
        // Dispatch on length, then the first byte: a miss costs a couple of compares.
        guard end > start else { return "" }
        let first = b[start]
        @inline(__always) func match(_ literal: StaticString, _ string: String) -> String? {
            b.equalsExactly(start, end, literal) ? string : nil
        }
        switch end - start {
        case 3:
            switch first {
            case 0x2A: return match("*/*", "*/*")
            default: return nil
            }
        case 4:
            switch first {
            case 0x48: return match("Host", "Host")
            case 0x68: return match("host", "host")
            case 0x67: return match("gzip", "gzip")
            default: return nil
            }
        case 5:
            switch first {
            case 0x63: return match("close", "close")
            default: return nil
            }
        case 6:
            switch first {
            case 0x41: return match("Accept", "Accept")
            case 0x61: return match("accept", "accept")
            case 0x4F: return match("Origin", "Origin")
            case 0x43: return match("Cookie", "Cookie")
            case 0x45: return match("Expect", "Expect")
            default: return nil
            }
        case 7:
            switch first {
            case 0x52: return match("Referer", "Referer")
            case 0x63: return match("chunked", "chunked")
            default: return nil
            }
        case 8:
            switch first {
            case 0x49: return match("If-Match", "If-Match")
            default: return nil
            }
        case 10:
            switch first {
            case 0x43: return match("Connection", "Connection")
            case 0x63: return match("connection", "connection")
            case 0x55: return match("User-Agent", "User-Agent")
            case 0x75: return match("user-agent", "user-agent")
            case 0x6B: return match("keep-alive", "keep-alive")
            case 0x4B: return match("Keep-Alive", "Keep-Alive")
            default: return nil
            }
        case 12:
            switch first {
            case 0x43: return match("Content-Type", "Content-Type")
            case 0x63: return match("content-type", "content-type")
            case 0x58: return match("X-Request-Id", "X-Request-Id")
            case 0x31: return match("100-continue", "100-continue")
            default: return nil
            }
        case 13:
            switch first {
            case 0x41: return match("Authorization", "Authorization")
            case 0x61: return match("authorization", "authorization")
            case 0x49: return match("If-None-Match", "If-None-Match")
            case 0x43: return match("Cache-Control", "Cache-Control")
            case 0x67: return match("gzip, deflate", "gzip, deflate")
            default: return nil
            }
        case 14:
            switch first {
            case 0x43: return match("Content-Length", "Content-Length")
            case 0x63: return match("content-length", "content-length")
            default: return nil
            }
        case 15:
            switch first {
            case 0x41: return match("Accept-Encoding", "Accept-Encoding") ?? match("Accept-Language", "Accept-Language")
            case 0x61: return match("accept-encoding", "accept-encoding") ?? match("accept-language", "accept-language")
            case 0x49: return match("Idempotency-Key", "Idempotency-Key")
            case 0x58: return match("X-Forwarded-For", "X-Forwarded-For")
            default: return nil
            }
        case 16:
            switch first {
            case 0x61: return match("application/json", "application/json")
            default: return nil
            }
        case 17:
            switch first {
            case 0x54: return match("Transfer-Encoding", "Transfer-Encoding")
            case 0x74: return match("transfer-encoding", "transfer-encoding")
            case 0x67: return match("gzip, deflate, br", "gzip, deflate, br")
            default: return nil
            }
        case 31:
            switch first {
            case 0x61: return match("application/json; charset=utf-8", "application/json; charset=utf-8")
            default: return nil
            }
        default: return nil
        }
    }
}

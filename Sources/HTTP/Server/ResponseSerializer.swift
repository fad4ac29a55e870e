/// Turns an `HTTPResponse` into HTTP/1.1 bytes (RFC 9112 §4, §6). The server,
/// not the responder, owns framing: it writes `Content-Length`, `Date` and
/// `Connection`, and drops responder fields that would contradict them.
enum ResponseSerializer {
    /// What the `Connection` field must say (RFC 9112 §9.3, §9.6).
    enum ConnectionField: Sendable {
        /// HTTP/1.1 keep-alive: persistence is the default, say nothing.
        case omitted
        /// HTTP/1.0 client that asked for keep-alive: confirm it.
        case keepAlive
        /// This is the last response on the connection.
        case close
    }

    private static let statusPrefix = Array("HTTP/1.1 ".utf8)
    private static let contentLengthPrefix = Array("Content-Length: ".utf8)
    private static let connectionClose = Array("Connection: close\r\n".utf8)
    private static let connectionKeepAlive = Array("Connection: keep-alive\r\n".utf8)

    /// Queues `response` on `out`. `dateLine` is the cached `Date: ...\r\n` line.
    static func write(_ response: HTTPResponse, isHead: Bool, connection: ConnectionField,
                      dateLine: [UInt8], into out: inout OutboundBuffer) {
        let status = response.status
        // 1xx and 204 never carry Content-Length (RFC 9110 §8.6); 304 and HEAD
        // may describe the representation a GET would send, so theirs is kept.
        let forbidsLength = status.code < 200 || status.code == 204
        let keepsGivenLength = status.code == 304 || isHead
        let sendsBody = status.allowsBody && !isHead
        var wroteLength = false
        var wroteDate = false

        out.appendHead { head in
            head.reserveCapacity(head.count + 160)
            // A server answers with its own highest version (RFC 9110 §6.2), even to 1.0 clients.
            head.append(contentsOf: statusPrefix)
            appendDecimal(status.code, to: &head)
            head.append(32)
            head.append(contentsOf: status.reason.utf8)
            head.append(13); head.append(10)

            for field in response.headers {
                switch ownedField(field.name) {
                case .contentLength:
                    guard keepsGivenLength, !forbidsLength, !wroteLength else { continue }
                    wroteLength = true
                case .date:
                    guard !wroteDate else { continue }
                    wroteDate = true
                case .hopByHop:
                    // Hop-by-hop framing is ours: the body is always sent whole
                    // with Content-Length, never chunked (RFC 9112 §6.1-6.3).
                    continue
                case .other:
                    break
                }
                appendField(field.name, field.value, to: &head)
            }

            if !wroteDate { head.append(contentsOf: dateLine) }
            if !forbidsLength && !wroteLength && !(status.code == 304) {
                head.append(contentsOf: contentLengthPrefix)
                appendDecimal(response.body.count, to: &head)
                head.append(13); head.append(10)
            }
            switch connection {
            case .omitted: break
            case .keepAlive: head.append(contentsOf: connectionKeepAlive)
            case .close: head.append(contentsOf: connectionClose)
            }
            head.append(13); head.append(10)
        }
        if sendsBody { out.appendBody(response.body) }
    }

    /// `HTTP/1.1 100 Continue` (RFC 9110 §15.2.1): tells a client that sent
    /// `Expect: 100-continue` to go on with its body.
    static let continueLine = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        guard value > 0 else {
            out.append(48)
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = value, count = 0
        withUnsafeMutableBytes(of: &digits) { buf in
            while n > 0 {
                buf[19 - count] = UInt8(48 + n % 10)
                n /= 10
                count += 1
            }
            out.append(contentsOf: buf[(20 - count)...])
        }
    }

    /// The fields whose say belongs to the server rather than the responder.
    enum OwnedField: Equatable {
        case contentLength, date, hopByHop, other
    }

    /// Which of the server's own fields `name` is, if any. By length first: a responder's
    /// usual names (Content-Type, ETag, X-Request-Id, …) match none of the lengths and are
    /// told apart without a comparison.
    static func ownedField(_ name: String) -> OwnedField {
        switch name.utf8.count {
        case 4:
            return name.equalsIgnoringASCIICase("date") ? .date : .other
        case 10:
            return name.equalsIgnoringASCIICase("connection") || name.equalsIgnoringASCIICase("keep-alive")
                ? .hopByHop : .other
        case 14:
            return name.equalsIgnoringASCIICase("content-length") ? .contentLength : .other
        case 17:
            return name.equalsIgnoringASCIICase("transfer-encoding") ? .hopByHop : .other
        default:
            return .other
        }
    }

    /// Appends `name: value` CRLF, unless the name is no token or the value holds CR, LF or
    /// NUL: either would let a field inject others or split the response (RFC 9110 §5.5), so
    /// such a field is dropped. Checked and copied from the strings' UTF-8 storage, a byte
    /// at a time only in the check.
    static func appendField(_ name: String, _ value: String, to head: inout [UInt8]) {
        var name = name, value = value
        name.withUTF8 { nameBytes in
            value.withUTF8 { valueBytes in
                guard isSafeName(nameBytes), isSafeValue(valueBytes) else { return }
                head.append(contentsOf: nameBytes)
                head.append(58)
                head.append(32)
                head.append(contentsOf: valueBytes)
                head.append(13)
                head.append(10)
            }
        }
    }

    static func isSafeName(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !name.isEmpty else { return false }
        for byte in name where byte <= 32 || byte == 58 || byte >= 127 { return false }
        return true
    }

    static func isSafeValue(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in value where byte == 13 || byte == 10 || byte == 0 { return false }
        return true
    }
}

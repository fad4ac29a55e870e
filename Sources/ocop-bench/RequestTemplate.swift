/// A piece of text with placeholders filled per request: `{rand:N}` (a random
/// integer 1…N, e.g. an id that exists), `{uuid}` (a random v4 UUID, e.g. an
/// idempotency key) and `{seq}` (1, 2, 3… across all connections, e.g. a unique name).
/// Any other brace is literal, so a JSON body is its own template.
struct Template: Sendable {
    /// One literal run or one placeholder.
    enum Segment: Sendable, Equatable {
        case literal([UInt8])
        case random(upTo: Int)
        case uuid
        case sequence
    }

    /// The pieces in order.
    let segments: [Segment]

    /// True when rendering always gives the same bytes, so they can be rendered once.
    var isStatic: Bool { segments.allSatisfy { if case .literal = $0 { true } else { false } } }

    /// Splits text into literals and placeholders.
    init(_ text: String) throws(BenchError) {
        let bytes = Array(text.utf8)
        var segments: [Segment] = []
        var literal: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "{"), let (segment, length) = try Self.placeholder(bytes, at: i) {
                if !literal.isEmpty { segments.append(.literal(literal)); literal = [] }
                segments.append(segment)
                i += length
            } else {
                literal.append(bytes[i])
                i += 1
            }
        }
        if !literal.isEmpty { segments.append(.literal(literal)) }
        self.segments = segments
    }

    /// Recognises a placeholder starting at `start`, returning it and its length.
    private static func placeholder(_ bytes: [UInt8], at start: Int) throws(BenchError) -> (Segment, Int)? {
        func matches(_ word: String) -> Bool {
            let w = Array(word.utf8)
            return start + w.count <= bytes.count && Array(bytes[start..<(start + w.count)]) == w
        }
        if matches("{uuid}") { return (.uuid, 6) }
        if matches("{seq}") { return (.sequence, 5) }
        guard matches("{rand:") else { return nil }
        var end = start + 6
        var value = 0
        while end < bytes.count, bytes[end] >= 0x30, bytes[end] <= 0x39, value < 1 << 40 {
            value = value * 10 + Int(bytes[end] - 0x30)
            end += 1
        }
        guard end < bytes.count, bytes[end] == UInt8(ascii: "}"), end > start + 6 else { return nil }
        guard value >= 1 else { throw BenchError("{rand:N} needs N ≥ 1") }
        return (.random(upTo: value), end + 1 - start)
    }

    /// Appends the rendered bytes.
    @inline(__always)
    func render(into out: inout [UInt8], random: inout FastRandom, sequence: Int) {
        for segment in segments {
            switch segment {
            case .literal(let bytes): out.append(contentsOf: bytes)
            case .random(let upper): Self.appendDecimal(random.oneThrough(upper), to: &out)
            case .sequence: Self.appendDecimal(sequence, to: &out)
            case .uuid: Self.appendUUID(random: &random, to: &out)
            }
        }
    }

    /// Writes a non-negative integer in decimal without going through `String`.
    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value == 0 { out.append(0x30); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                      UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var v = value.magnitude
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while v > 0 {
                buffer[19 - count] = UInt8(v % 10) + 0x30
                v /= 10
                count += 1
            }
            out.append(contentsOf: buffer[(20 - count)...])
        }
    }

    /// A random version-4 UUID (RFC 9562 §5.4) in its 36-character text form.
    private static func appendUUID(random: inout FastRandom, to out: inout [UInt8]) {
        let hex: StaticString = "0123456789abcdef"
        let high = (random.next() & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000
        let low = (random.next() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        for k in 0..<32 {
            let word = k < 16 ? high : low
            let nibble = Int((word >> UInt64(60 - (k % 16) * 4)) & 0xF)
            if k == 8 || k == 12 || k == 16 || k == 20 { out.append(UInt8(ascii: "-")) }
            out.append(hex.utf8Start[nibble])
        }
    }
}

/// One request to send: its head and optional body as templates, plus the bytes
/// rendered ahead of time when nothing varies (the common GET case).
struct RequestTemplate: Sendable {
    /// Request line and header fields, each line ending in CRLF, without the final CRLF.
    let head: Template
    /// The body, if any; its Content-Length is computed per request.
    let body: Template?
    /// True for HEAD, whose response carries no body (RFC 9110 §9.3.2).
    let isHead: Bool
    /// The whole request when it never varies.
    let prerendered: [UInt8]?

    /// Builds the request; `headers` are sent as given after Host, which is added
    /// unless the caller gave one.
    init(method: String, target: String, host: String, headers: [(name: String, value: String)],
         body: String?) throws(BenchError) {
        var text = "\(method) \(target) HTTP/1.1\r\n"
        if !headers.contains(where: { $0.name.lowercased() == "host" }) { text += "Host: \(host)\r\n" }
        for header in headers where header.name.lowercased() != "content-length" {
            text += "\(header.name): \(header.value)\r\n"
        }
        // A POST without body still needs a length, or the server must answer 411.
        let needsLength = body != nil || ["POST", "PUT", "PATCH"].contains(method)
        if body == nil && needsLength { text += "Content-Length: 0\r\n" }
        head = try Template(text)
        self.body = try body.map { (text: String) throws(BenchError) in try Template(text) }
        isHead = method == "HEAD"
        if head.isStatic && (self.body?.isStatic ?? true) {
            var out: [UInt8] = []
            var scratch: [UInt8] = []
            var unused = FastRandom(seed: 0)
            Self.render(head: head, body: self.body, into: &out, scratch: &scratch, random: &unused, sequence: 0)
            prerendered = out
        } else {
            prerendered = nil
        }
    }

    /// Renders this request into `out` (cleared first); `scratch` holds the body while
    /// its length is not yet known and is reused between calls to avoid allocations.
    func render(into out: inout [UInt8], scratch: inout [UInt8], random: inout FastRandom, sequence: Int) {
        out.removeAll(keepingCapacity: true)
        Self.render(head: head, body: body, into: &out, scratch: &scratch, random: &random, sequence: sequence)
    }

    private static func render(head: Template, body: Template?, into out: inout [UInt8],
                               scratch: inout [UInt8], random: inout FastRandom, sequence: Int) {
        head.render(into: &out, random: &random, sequence: sequence)
        guard let body else {
            out.append(contentsOf: [0x0D, 0x0A])
            return
        }
        scratch.removeAll(keepingCapacity: true)
        body.render(into: &scratch, random: &random, sequence: sequence)
        out.append(contentsOf: "Content-Length: ".utf8)
        Template.appendDecimal(scratch.count, to: &out)
        out.append(contentsOf: [0x0D, 0x0A, 0x0D, 0x0A])
        out.append(contentsOf: scratch)
    }
}

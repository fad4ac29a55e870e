import Testing
@testable import HTTP

/// A comparable picture of one parsed request (HTTPRequest itself is not Equatable).
struct RequestSnapshot: Equatable, CustomStringConvertible {
    var method: String
    var target: String
    var version: HTTPVersion
    var headers: [String]
    var body: [UInt8]
    var keepAlive: Bool

    init(_ request: HTTPRequest) {
        method = request.method.rawValue
        target = request.target
        version = request.version
        headers = request.headers.map { "\($0.name): \($0.value)" }
        body = request.body
        keepAlive = request.keepAlive
    }

    var description: String {
        "\(method) \(target) \(version.text) \(headers) body=\(String(decoding: body, as: UTF8.self))"
    }
}

/// What the parser reported over a whole conversation, in order.
enum ParseEvent: Equatable, CustomStringConvertible {
    case request(RequestSnapshot)
    case failure(HTTPParseError)

    var description: String {
        switch self {
        case .request(let r): return "request(\(r))"
        case .failure(let e): return "failure(\(e))"
        }
    }

    var request: RequestSnapshot? {
        if case .request(let r) = self { return r }
        return nil
    }

    var failure: HTTPParseError? {
        if case .failure(let e) = self { return e }
        return nil
    }
}

/// The outcome of feeding some chunks through one parser the way a connection would.
struct FeedOutcome: Equatable {
    var events: [ParseEvent] = []
    /// How many `.expectContinue` results came, in total.
    var expectContinues = 0
    var idleAtEnd = false
    var unconsumed = 0
}

/// Feeds `chunks` as successive reads of one connection: after each read the caller
/// loop re-offers every unconsumed byte until the parser asks for more.
func feed(_ chunks: [ArraySlice<UInt8>], limits: HTTPLimits = HTTPLimits(),
          sourceLocation: SourceLocation = #_sourceLocation) -> FeedOutcome {
    var parser = RequestParser(limits: limits)
    var outcome = FeedOutcome()
    var buffer: [UInt8] = []
    var start = 0
    var expectsThisRequest = 0
    var failed = false
    for chunk in chunks where !failed {
        if start > 65_536 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: chunk)
        reading: while true {
            let (consumed, result) = buffer.withUnsafeBytes {
                parser.parse(UnsafeRawBufferPointer(rebasing: $0[start...]))
            }
            #expect(consumed >= 0 && consumed <= buffer.count - start, sourceLocation: sourceLocation)
            start += consumed
            switch result {
            case .needMore:
                break reading
            case .expectContinue:
                outcome.expectContinues += 1
                expectsThisRequest += 1
                #expect(expectsThisRequest == 1, "expectContinue twice for one request", sourceLocation: sourceLocation)
                break reading
            case .request(let request):
                outcome.events.append(.request(RequestSnapshot(request)))
                expectsThisRequest = 0
            case .failure(let error):
                outcome.events.append(.failure(error))
                // A failed parser stays failed and consumes nothing more.
                let again = buffer.withUnsafeBytes { parser.parse(UnsafeRawBufferPointer(rebasing: $0[start...])) }
                #expect(again.consumed == 0, sourceLocation: sourceLocation)
                if case .failure(let repeated) = again.result {
                    #expect(repeated == error, sourceLocation: sourceLocation)
                } else {
                    Issue.record("parser did not stay failed", sourceLocation: sourceLocation)
                }
                failed = true
                break reading
            }
        }
    }
    outcome.idleAtEnd = parser.isIdle
    outcome.unconsumed = buffer.count - start
    return outcome
}

/// Feeds `input` whole, byte by byte, and split in two at every offset (or at
/// `maxSplits` evenly spread offsets for long inputs), expects every feeding to give
/// the same requests and errors, and returns the events of the whole feeding.
/// (The `.expectContinue` count legitimately depends on how bytes arrive, so only
/// its at-most-once-per-request rule is checked here.)
@discardableResult
func verifyParse(_ input: [UInt8], limits: HTTPLimits = HTTPLimits(), maxSplits: Int = 4096,
                 sourceLocation: SourceLocation = #_sourceLocation) -> [ParseEvent] {
    let whole = feed([input[...]], limits: limits, sourceLocation: sourceLocation)
    let bytewise = feed(input.indices.map { input[$0...$0] }, limits: limits, sourceLocation: sourceLocation)
    #expect(bytewise.events == whole.events, "byte by byte differs", sourceLocation: sourceLocation)
    #expect(bytewise.idleAtEnd == whole.idleAtEnd, "byte by byte idle differs", sourceLocation: sourceLocation)
    let step = max(1, input.count / maxSplits)
    for offset in stride(from: 1, to: input.count, by: step) {
        let split = feed([input[..<offset], input[offset...]], limits: limits, sourceLocation: sourceLocation)
        #expect(split.events == whole.events, "split at \(offset) differs", sourceLocation: sourceLocation)
        #expect(split.idleAtEnd == whole.idleAtEnd, "split at \(offset) idle differs", sourceLocation: sourceLocation)
        if split.events != whole.events { break }
    }
    return whole.events
}

/// The bytes of `text` (write CRLF as `\r\n`).
func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Limits small enough for tests to cross them cheaply.
func smallLimits(line: Int = 8 * 1024, headerBytes: Int = 32 * 1024, headerCount: Int = 100,
                 body: Int = 1024 * 1024) -> HTTPLimits {
    HTTPLimits(maxRequestLineBytes: line, maxHeaderBytes: headerBytes, maxHeaderCount: headerCount, maxBodyBytes: body)
}

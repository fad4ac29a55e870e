import HTTP

/// A comparable picture of one parsed request (`HTTPRequest` itself is not Equatable).
struct RequestSnapshot: Equatable, CustomStringConvertible {
    let method: String
    let target: String
    let version: HTTPVersion
    /// `name` and `value` alternating, in order: duplicates and order are part of the result.
    let headers: [String]
    let body: [UInt8]

    init(_ request: HTTPRequest) {
        method = request.method.rawValue
        target = request.target
        version = request.version
        headers = request.headers.flatMap { [$0.name, $0.value] }
        body = request.body
    }

    var description: String {
        "\(method) \(target) \(version.text) headers=\(headers) body=\(body.count) bytes"
    }
}

/// One thing the parser reported over a conversation.
enum ParseEvent: Equatable, CustomStringConvertible {
    case request(RequestSnapshot)
    case failure(HTTPParseError)

    var description: String {
        switch self {
        case .request(let request): return "request(\(request))"
        case .failure(let error): return "failure(\(error))"
        }
    }
}

/// What one feeding of the input produced.
struct FeedTrace: Equatable {
    var events: [ParseEvent] = []
    /// Whether the parser said it was idle after the last read.
    var idleAtEnd = false
    /// Input bytes the parser left unconsumed at the end.
    var unconsumed = 0

    /// The failure that ended the conversation, if one did.
    var failure: HTTPParseError? {
        if case .failure(let error) = events.last { return error }
        return nil
    }
}

/// A broken property, with enough words to find the cause from a crash report.
struct FuzzFailure: Error, CustomStringConvertible {
    let description: String
}

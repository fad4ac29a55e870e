import HTTP

/// Feeds an input through one parser the way a connection does: the input arrives
/// in reads ending at `cuts` (then at its end); after each read the unconsumed
/// bytes are re-offered until the parser asks for more. Checks the invariants that
/// hold for any single feeding.
struct Feeder {
    let limits: HTTPLimits
    /// Also re-offer the same bytes after every `.needMore` / `.expectContinue`, which
    /// must change nothing: a parser whose state moves on a repeated call shows up
    /// as a difference from the feedings that do not repeat.
    var repeatAfterNeedMore = false

    /// Feeds `input` in reads ending at `cuts`, which must be increasing and inside `1..<input.count`.
    func feed(_ input: UnsafeRawBufferPointer, cuts: [Int]) throws(FuzzFailure) -> FeedTrace {
        var parser = RequestParser(limits: limits)
        var trace = FeedTrace()
        var start = 0
        var expectsThisRequest = 0
        var expectSeenThisRequest = false
        for available in cuts + [input.count] {
            reading: while true {
                let (consumed, result) = offer(&parser, input, start, available)
                guard consumed >= 0, consumed <= available - start else {
                    throw FuzzFailure(description: "consumed \(consumed) of \(available - start) offered bytes")
                }
                start += consumed
                switch result {
                case .needMore, .expectContinue:
                    if case .expectContinue = result {
                        expectsThisRequest += 1
                        expectSeenThisRequest = true
                        if expectsThisRequest > 1 { throw FuzzFailure(description: "expectContinue twice for one request") }
                    }
                    if repeatAfterNeedMore {
                        let again = offer(&parser, input, start, available)
                        guard again.consumed == 0, case .needMore = again.result else {
                            throw FuzzFailure(description: "re-offering the same bytes after needMore gave \(again)")
                        }
                    }
                    break reading
                case .request(let request):
                    guard consumed > 0 else { throw FuzzFailure(description: "a request from no bytes") }
                    try checkLimits(request)
                    if expectSeenThisRequest { try checkExpectation(request) }
                    trace.events.append(.request(RequestSnapshot(request)))
                    expectsThisRequest = 0
                    expectSeenThisRequest = false
                case .failure(let error):
                    trace.events.append(.failure(error))
                    try checkStaysFailed(&parser, input, start, available, error)
                    trace.idleAtEnd = parser.isIdle
                    trace.unconsumed = input.count - start
                    return trace
                }
            }
        }
        trace.idleAtEnd = parser.isIdle
        trace.unconsumed = input.count - start
        return trace
    }

    /// Offers `input[start..<end]` in a heap block of exactly that size, so that
    /// AddressSanitizer catches a read past the offered bytes even when more of the
    /// input follows them in memory.
    private func offer(_ parser: inout RequestParser, _ input: UnsafeRawBufferPointer,
                       _ start: Int, _ end: Int) -> (consumed: Int, result: ParseResult) {
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: end - start, alignment: 1)
        defer { block.deallocate() }
        if end > start { block.copyMemory(from: UnsafeRawBufferPointer(rebasing: input[start..<end])) }
        return parser.parse(UnsafeRawBufferPointer(block))
    }

    /// A failed parser consumes nothing more and repeats its error, whatever it is offered.
    private func checkStaysFailed(_ parser: inout RequestParser, _ input: UnsafeRawBufferPointer,
                                  _ start: Int, _ available: Int, _ error: HTTPParseError) throws(FuzzFailure) {
        for end in [available, input.count, start] {
            let again = offer(&parser, input, start, end)
            guard again.consumed == 0, case .failure(let repeated) = again.result, repeated == error else {
                throw FuzzFailure(description: "parser did not stay failed after \(error): got \(again)")
            }
        }
    }

    /// What the limits promise about every request that gets through.
    private func checkLimits(_ request: HTTPRequest) throws(FuzzFailure) {
        if request.body.count > limits.maxBodyBytes {
            throw FuzzFailure(description: "body of \(request.body.count) bytes passed a limit of \(limits.maxBodyBytes)")
        }
        if request.headers.count > limits.maxHeaderCount {
            throw FuzzFailure(description: "\(request.headers.count) fields passed a limit of \(limits.maxHeaderCount)")
        }
        if request.method.rawValue.isEmpty || request.target.isEmpty {
            throw FuzzFailure(description: "empty method or target in \(RequestSnapshot(request))")
        }
    }

    /// `.expectContinue` is only for an HTTP/1.1 request that asked for it and has a body to send.
    private func checkExpectation(_ request: HTTPRequest) throws(FuzzFailure) {
        let asked = request.headers.tokens("Expect").contains("100-continue")
        let hasBody = request.headers.contains("Transfer-Encoding")
            || request.headers.values("Content-Length").contains { $0.utf8.contains { $0 >= 0x31 && $0 <= 0x39 } }
        guard request.version == .http1_1, asked, hasBody else {
            throw FuzzFailure(description: "expectContinue for a request that did not ask for it: \(RequestSnapshot(request))")
        }
    }
}

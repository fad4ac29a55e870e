import Testing
@testable import HTTP

/// Limits (HTTPLimits): each is enforced as soon as it is crossed, not when the line or head ends.
@Suite struct ParserLimitTests {
    @Test func requestLineAtTheLimitIsAccepted() throws {
        let line = "GET /" + String(repeating: "a", count: 15) + " HTTP/1.1" // 29 bytes
        let events = verifyParse(bytes(line + "\r\nHost: a\r\n\r\n"), limits: smallLimits(line: 29))
        #expect(events.first?.request?.target.count == 16)
    }

    @Test func requestLineOverTheLimitIs414() throws {
        let line = "GET /" + String(repeating: "a", count: 16) + " HTTP/1.1" // 30 bytes
        let events = verifyParse(bytes(line + "\r\nHost: a\r\n\r\n"), limits: smallLimits(line: 29))
        #expect(events.first?.failure?.status == .uriTooLong)
    }

    @Test func requestLineTooLongIsDetectedBeforeItsCRLF() throws {
        // No CRLF at all: the parser must not wait for one.
        let events = verifyParse(bytes("GET /" + String(repeating: "a", count: 100)), limits: smallLimits(line: 64))
        #expect(events.count == 1)
        #expect(events.first?.failure?.status == .uriTooLong)
    }

    /// A method longer than the line limit is one we do not implement: 501 (RFC 9112 §3), not
    /// the 414 of a long target — also before its line has ended.
    @Test func aMethodLongerThanTheLineIs501() throws {
        for input in [String(repeating: "A", count: 40) + " / HTTP/1.1\r\nHost: a\r\n\r\n", String(repeating: "A", count: 100)] {
            let events = verifyParse(bytes(input), limits: smallLimits(line: 29))
            let failure = try #require(events.first?.failure, "\(events)")
            #expect(failure == .methodTooLong)
            // A limit's answer, like a 414: under a looser limit the same line may fail otherwise
            // (here: no target at all), which the fuzzer's monotonicity check allows.
            #expect(failure.isLimit)
        }
        let fuzzFound = "\r\n\r\nG" + String(repeating: "K", count: 60) + "TIONS \r\n\r\n"
        #expect(verifyParse(bytes(fuzzFound), limits: smallLimits(line: 29)).first?.failure == .methodTooLong)
        #expect(verifyParse(bytes(fuzzFound)).first?.failure?.reason == "empty request-target")
        // A method that ends within the limit, then a long target: still the target's 414.
        let events = verifyParse(bytes("AAAA /" + String(repeating: "a", count: 40) + " HTTP/1.1\r\nHost: a\r\n\r\n"),
                                 limits: smallLimits(line: 29))
        #expect(events.first?.failure?.status == .uriTooLong)
        // Under a limit shorter than OPTIONS, a method we implement fills it: the 414 stays.
        #expect(verifyParse(bytes("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"), limits: smallLimits(line: 5)).first?.failure?.status == .uriTooLong)
    }

    @Test func partialRequestLineUnderTheLimitWaits() {
        let outcome = feed([bytes("GET /" + String(repeating: "a", count: 59))[...]], limits: smallLimits(line: 64))
        #expect(outcome.events.isEmpty)
        #expect(outcome.unconsumed == 64)
        #expect(!outcome.idleAtEnd)
    }

    @Test func tooManyHeaderFieldsIs431BeforeTheHeadEnds() throws {
        let fields = (1...5).map { "X-\($0): v\r\n" }.joined()
        let events = verifyParse(bytes("GET / HTTP/1.1\r\nHost: a\r\n" + fields), limits: smallLimits(headerCount: 4))
        #expect(events.count == 1)
        let failure = try #require(events.first?.failure)
        #expect(failure.status == .requestHeaderFieldsTooLarge)
        #expect(failure.reason == "too many header fields")
    }

    @Test func headerCountAtTheLimitIsAccepted() {
        let fields = (1...3).map { "X-\($0): v\r\n" }.joined()
        let events = verifyParse(bytes("GET / HTTP/1.1\r\nHost: a\r\n" + fields + "\r\n"), limits: smallLimits(headerCount: 4))
        #expect(events.first?.request?.headers.count == 4)
    }

    @Test func headerBytesTooBigIs431BeforeTheLineEnds() throws {
        let events = verifyParse(bytes("GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + String(repeating: "b", count: 200)),
                                 limits: smallLimits(headerBytes: 128))
        #expect(events.count == 1)
        let failure = try #require(events.first?.failure)
        #expect(failure.status == .requestHeaderFieldsTooLarge)
        #expect(failure.reason == "header section too large")
    }

    @Test func headerBytesLimitCountsEveryLineAndTheFinalCRLF() {
        // "Host: a\r\n" (9) + "X: 12345\r\n" (10) + "\r\n" (2) = 21 bytes of header section.
        let input = bytes("GET / HTTP/1.1\r\nHost: a\r\nX: 12345\r\n\r\n")
        #expect(verifyParse(input, limits: smallLimits(headerBytes: 21)).first?.request != nil)
        #expect(verifyParse(input, limits: smallLimits(headerBytes: 20)).first?.failure?.status
            == .requestHeaderFieldsTooLarge)
    }

    @Test func bodyTooLargeByContentLengthIs413AtOnce() throws {
        // Only the head is sent: the refusal must not wait for the body.
        let events = verifyParse(bytes("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n"),
                                 limits: smallLimits(body: 10))
        #expect(events.first?.failure?.status == .contentTooLarge)
        let atLimit = verifyParse(bytes("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789"),
                                  limits: smallLimits(body: 10))
        #expect(atLimit.first?.request?.body.count == 10)
    }

    @Test func bodyTooLargeChunkedIs413BeforeTheChunkData() throws {
        // 6 + 6 > 10: refused at the second size line, before its data arrives.
        let events = verifyParse(bytes("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n6\r\n"),
                                 limits: smallLimits(body: 10))
        #expect(events.count == 1)
        #expect(events.first?.failure?.status == .contentTooLarge)
        let atLimit = verifyParse(bytes(
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n4\r\nghij\r\n0\r\n\r\n"),
            limits: smallLimits(body: 10))
        #expect(atLimit.first?.request?.body == bytes("abcdefghij"))
    }

    @Test func trailersCountAgainstHeaderLimits() {
        let chunked = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"
        let tooMany = verifyParse(bytes(chunked + "T1: a\r\nT2: b\r\n\r\n"), limits: smallLimits(headerCount: 3))
        #expect(tooMany.first?.failure?.status == .requestHeaderFieldsTooLarge)
        let tooBig = verifyParse(bytes(chunked + "T: " + String(repeating: "t", count: 100)),
                                 limits: smallLimits(headerBytes: 64))
        #expect(tooBig.first?.failure?.status == .requestHeaderFieldsTooLarge)
    }

    @Test func chunkExtensionsAreBounded() {
        let chunked = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        let longLine = verifyParse(bytes(chunked + "1;x=" + String(repeating: "e", count: 5000)))
        #expect(longLine.first?.failure == .badRequest("chunk size line too long"))
        // Many lines each under the cap still add up.
        let manyLines = String(repeating: "1;x=" + String(repeating: "e", count: 1000) + "\r\nz\r\n", count: 5)
        let total = verifyParse(bytes(chunked + manyLines + "0\r\n\r\n"), maxSplits: 64)
        #expect(total.first?.failure == .badRequest("chunk extensions too long"))
    }

    @Test func bigBodyArrivesWhole() throws {
        let body = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let head = bytes("PUT /f HTTP/1.1\r\nHost: a\r\nContent-Length: \(body.count)\r\n\r\n")
        let events = feed([head[...]] + stride(from: 0, to: body.count, by: 4093).map {
            body[$0..<min($0 + 4093, body.count)]
        }).events
        #expect(events.count == 1)
        #expect(events.first?.request?.body == body)
    }

    /// Feeding one long header byte by byte must cost linear time: the parser resumes
    /// its search where it stopped instead of rescanning the line from its start.
    @Test func byteByByteFeedingIsLinear() throws {
        let valueLength = 400_000
        let input = bytes("GET / HTTP/1.1\r\nHost: a\r\nX-Long: " + String(repeating: "v", count: valueLength) + "\r\n\r\n")
        var parser = RequestParser(limits: smallLimits(headerBytes: 1 << 20))
        var start = 0
        var scannedTrackedTheLine = true
        var result: ParseResult = .needMore
        do {
            input.withUnsafeBytes { buffer in
                for end in 1...buffer.count {
                    let (consumed, r) = parser.parse(UnsafeRawBufferPointer(rebasing: buffer[start..<end]))
                    start += consumed
                    result = r
                    if case .needMore = r, parser.lineScanned != end - start { scannedTrackedTheLine = false }
                }
            }
        }
        #expect(scannedTrackedTheLine)
        guard case .request(let request) = result else {
            Issue.record("expected a request, got \(result)")
            return
        }
        #expect(request.headers["x-long"]?.utf8.count == valueLength)
    }
}

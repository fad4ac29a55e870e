import Testing
@testable import HTTP

/// `Expect: 100-continue` (RFC 9110 §10.1.1) and `isIdle`: results that depend on how
/// bytes arrive, so they are checked with explicit feedings rather than the verifier.
@Suite struct ParserStateTests {
    private let expectHead = "POST /up HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"

    @Test func expectContinueAfterHeadWhenBodyIsMissing() throws {
        let outcome = feed([bytes(expectHead)[...], bytes("hel")[...], bytes("lo")[...]])
        #expect(outcome.expectContinues == 1)
        #expect(outcome.events.first?.request?.body == bytes("hello"))
    }

    @Test func expectContinueComesOnceEvenWithAPartialBody() throws {
        var parser = RequestParser()
        let head = bytes(expectHead + "he")
        let first = head.withUnsafeBytes { parser.parse($0) }
        guard case .expectContinue = first.result else { Issue.record("expected expectContinue"); return }
        // All of the head and the body bytes present were consumed: the caller waits for more.
        #expect(first.consumed == head.count)
        let second = bytes("l").withUnsafeBytes { parser.parse($0) }
        guard case .needMore = second.result else { Issue.record("expected needMore, got \(second.result)"); return }
        let third = bytes("lo").withUnsafeBytes { parser.parse($0) }
        guard case .request(let request) = third.result else { Issue.record("expected request"); return }
        #expect(request.body == bytes("hello"))
    }

    @Test func noExpectContinueWhenTheBodyIsAlreadyHere() {
        let outcome = feed([bytes(expectHead + "hello")[...]])
        #expect(outcome.expectContinues == 0)
        #expect(outcome.events.first?.request?.body == bytes("hello"))
    }

    @Test func expectContinueIsCaseInsensitiveAndWorksForChunked() {
        let head = "PUT /up HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nTransfer-Encoding: chunked\r\n\r\n"
        let outcome = feed([bytes(head)[...], bytes("3\r\nabc\r\n0\r\n\r\n")[...]])
        #expect(outcome.expectContinues == 1)
        #expect(outcome.events.first?.request?.body == bytes("abc"))
    }

    @Test func noExpectContinueWithoutABody() {
        let zero = feed([bytes("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n")[...]])
        #expect(zero.expectContinues == 0)
        #expect(zero.events.count == 1)
        let none = feed([bytes("GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n")[...]])
        #expect(none.expectContinues == 0)
        #expect(none.events.count == 1)
    }

    @Test func http10IgnoresExpect() {
        // RFC 9110 §10.1.1: a server must ignore a 100-continue expectation in an HTTP/1.0 request.
        let outcome = feed([bytes("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")[...],
                            bytes("ok")[...]])
        #expect(outcome.expectContinues == 0)
        #expect(outcome.events.first?.request?.body == bytes("ok"))
    }

    @Test func expectContinueOncePerPipelinedRequest() {
        let outcome = feed([bytes(expectHead)[...], bytes("hello" + expectHead)[...], bytes("world")[...]])
        #expect(outcome.expectContinues == 2)
        #expect(outcome.events.map { $0.request?.body } == [bytes("hello"), bytes("world")])
    }

    @Test func bodyTooLargeIsRefusedInsteadOfContinue() {
        let outcome = feed([bytes(expectHead)[...]], limits: smallLimits(body: 4))
        #expect(outcome.expectContinues == 0)
        #expect(outcome.events.first?.failure?.status == .contentTooLarge)
    }

    @Test func isIdleOnlyBetweenRequests() {
        var parser = RequestParser()
        #expect(parser.isIdle)
        func parse(_ text: String) -> ParseResult {
            bytes(text).withUnsafeBytes { parser.parse($0).result }
        }
        _ = parse("GET / HT")
        #expect(!parser.isIdle, "partial request line")
        _ = parse("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(parser.isIdle, "request done")
        _ = parse("\r\n")
        #expect(!parser.isIdle, "an empty line starts the next request")
        _ = parse("POST / HTTP/1.1\r\nHost: a\r\n")
        #expect(!parser.isIdle, "inside the head")
        _ = parse("Content-Length: 2\r\n\r\nx")
        #expect(!parser.isIdle, "inside the body")
        if case .request = parse("y") {} else { Issue.record("expected the request") }
        #expect(parser.isIdle, "body done")
        _ = parse("GET / HTTP/1.1\r\nHost : a\r\n\r\n")
        #expect(!parser.isIdle, "failed")
    }

    @Test func isHeadFollowsTheMethodTokenEvenOfARefusedRequest() {
        var parser = RequestParser(limits: smallLimits(body: 4))
        func parse(_ text: String) -> ParseResult {
            bytes(text).withUnsafeBytes { parser.parse($0).result }
        }
        _ = parse("HEAD / HTTP/1.1\r\nHost: a\r\n")
        #expect(parser.isHead, "inside the head of a HEAD")
        _ = parse("\r\n")
        #expect(!parser.isHead, "done: the next request is not known yet")
        _ = parse("HEADER / HTTP/1.1\r\nHost: a\r\n")
        #expect(!parser.isHead, "another method that starts alike")
        var refused = RequestParser(limits: smallLimits(body: 4))
        let result = bytes("HEAD / HTTP/1.1\r\nHost: a\r\nContent-Length: 9\r\n\r\n").withUnsafeBytes { refused.parse($0).result }
        guard case .failure(let error) = result else { Issue.record("expected a refusal"); return }
        #expect(error.status == .contentTooLarge)
        #expect(refused.isHead, "the refusal answers a HEAD")
    }

    @Test func wholeRequestParsesInOneCall() {
        var parser = RequestParser()
        let input = bytes("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc")
        let (consumed, result) = input.withUnsafeBytes { parser.parse($0) }
        #expect(consumed == input.count)
        guard case .request(let request) = result else { Issue.record("expected request"); return }
        #expect(request.body == bytes("abc"))
        #expect(parser.isIdle)
    }

    @Test func emptyInputNeedsMore() {
        var parser = RequestParser()
        let (consumed, result) = parser.parse(UnsafeRawBufferPointer(start: nil, count: 0))
        #expect(consumed == 0)
        guard case .needMore = result else { Issue.record("expected needMore"); return }
        #expect(parser.isIdle)
    }

    @Test func tokenTableMatchesTheGrammar() {
        // tchar per RFC 9110 §5.6.2, spelled out to check the bit masks.
        let tchars = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        let host = Set("-._~!$&'()*+,;=%:[]0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        for byte in UInt8.min...UInt8.max {
            #expect(ByteClass.isToken(byte) == tchars.contains(byte), "byte \(byte)")
            #expect(ByteClass.isHost(byte) == host.contains(byte), "byte \(byte)")
        }
    }
}

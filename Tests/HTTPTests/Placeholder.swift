import Testing
@testable import HTTP

@Test func moduleLinks() { #expect(Bool(true)) }

import Testing
@testable import OCOP

@Test func moduleLinks() { #expect(Bool(true)) }

import Testing
@testable import OCOPAPI

@Test func moduleLinks() { #expect(Bool(true)) }

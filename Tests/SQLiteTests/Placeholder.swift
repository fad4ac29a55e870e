import Testing
@testable import SQLite

@Test func moduleLinks() { #expect(Bool(true)) }

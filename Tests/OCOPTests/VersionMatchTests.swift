import OCOP
import Testing

@Suite struct VersionMatchTests {
    @Test func anyListedVersionAdmits() {
        let match = VersionMatch.oneOf([4, 5])
        #expect(match.admits(4))
        #expect(match.admits(5))
        #expect(!match.admits(6))
        #expect(VersionMatch.any.admits(1))
        #expect(VersionMatch(integerLiteral: 3) == .oneOf([3]))
    }

    @Test func requireThrowsTheCurrentVersionWhenStale() throws {
        try VersionMatch.require(nil, current: 9)
        try VersionMatch.require(.any, current: 9)
        try VersionMatch.require(.oneOf([2, 9]), current: 9)
        #expect(throws: DomainError.staleVersion(current: 9)) { try VersionMatch.require(.oneOf([2, 8]), current: 9) }
    }
}

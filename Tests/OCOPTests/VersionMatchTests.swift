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

    @Test func ifNoneMatchRefusesTheVersionsItNames() throws {
        #expect(throws: DomainError.staleVersion(current: 9, excludedByIfNoneMatch: true)) {
            try VersionMatch.require(VersionMatch(ifNoneMatch: .any), current: 9)   // "only if there is none"
        }
        #expect(throws: DomainError.staleVersion(current: 9, excludedByIfNoneMatch: true)) {
            try VersionMatch.require(VersionMatch(ifNoneMatch: .oneOf([8, 9])), current: 9)
        }
        // Both sent, If-Match failing: the problem names If-Match (RFC 9110 §13.2.2 evaluates it first).
        #expect(throws: DomainError.staleVersion(current: 9)) {
            try VersionMatch.require(VersionMatch(ifMatch: .oneOf([8]), ifNoneMatch: .oneOf([9])), current: 9)
        }
        try VersionMatch.require(VersionMatch(ifNoneMatch: .oneOf([8])), current: 9)
        // Both fields: each must hold.
        try VersionMatch.require(VersionMatch(ifMatch: .oneOf([9]), ifNoneMatch: .oneOf([8])), current: 9)
        #expect(!VersionMatch(ifMatch: .any, ifNoneMatch: .oneOf([9])).admits(9))
    }
}

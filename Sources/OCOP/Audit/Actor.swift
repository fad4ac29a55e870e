/// Who is making a change, for the audit log: the token and the request.
public struct Actor: Sendable, Equatable {
    /// nil for changes made by the system itself (migrations, demo data, CLI).
    public let tokenID: Int64?
    public let requestID: String?

    public init(tokenID: Int64?, requestID: String?) {
        self.tokenID = tokenID
        self.requestID = requestID
    }

    public static let system = Actor(tokenID: nil, requestID: nil)
}

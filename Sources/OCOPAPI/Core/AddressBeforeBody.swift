import OCOP
import SQLite

extension RequestContext {
    /// Reads the body of a write under a parent resource (`POST /fairs/{id}/booths`) so that an
    /// unknown parent is a 404 whatever the body holds: the address is the first thing wrong, as
    /// it is for a valid body (the write itself finds the parent missing). Only a refused body
    /// pays for the lookup; `requireParent` throws the parent's `DomainError.notFound`.
    func body<T>(under requireParent: (Connection) throws -> Void, _ parse: () throws -> T) throws -> T {
        do {
            return try parse()
        } catch {
            try database.read(requireParent)
            throw error
        }
    }
}

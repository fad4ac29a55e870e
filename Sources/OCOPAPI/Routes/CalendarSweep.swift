import OCOP
import SQLite
import Synchronization

/// Runs `CertificateStatusSweeper` and `CalendarVersions` for the application: at start-up, and
/// then whenever the calendar day in Asia/Ho_Chi_Minh has changed since the last sweep, so a
/// calendar change (a certificate active → expiring → expired, a fair planned → running → ended,
/// an area's certification valid or not) reaches the audit log and the item's version seconds
/// after midnight.
///
/// Why by day: that state depends only on the day (writes that change it record the change
/// themselves), so a sweep on the same day would find nothing. Checking the day
/// costs no database work; `checkSeconds` bounds how late after midnight the sweep runs. Reads
/// show the day's status from the first instant of the day, but a product's `version` (its
/// ETag) moves only with the sweep: a second, not the ten it was until session 32, is how long
/// an `If-Match` taken the evening before still holds against the changed product.
final class CalendarSweep: Sendable {
    static let checkSeconds: Double = 1

    private let database: Database
    /// The day of the last sweep that finished; nil before the first.
    private let sweptDay = Mutex<CivilDate?>(nil)

    init(database: Database) {
        self.database = database
    }

    /// Sweeps when the day at `now` has not been swept yet.
    func tick(now: Timestamp) throws {
        let today = CivilDate.today(at: now)
        guard sweptDay.withLock({ $0 }) != today else { return }
        try Self.run(database, today: today, now: now)
        sweptDay.withLock { $0 = today }
    }

    /// Looks on a reader first and takes the writer only when something changed.
    private static func run(_ database: Database, today: CivilDate, now: Timestamp) throws {
        let (certificates, others) = try database.read {
            (try CertificateStatusSweeper.hasPending($0, today: today), try CalendarVersions.hasPending($0, today: today))
        }
        guard certificates || others else { return }
        try database.write { db in
            if certificates { try CertificateStatusSweeper.sweep(db, today: today, now: now) }
            if others { try CalendarVersions.sweep(db, today: today, now: now) }
        }
    }
}

import OCOP
import SQLite

/// Runs `CertificateStatusSweeper` for the application: at start-up and every few minutes, so a
/// calendar change (active → expiring → expired) reaches the audit log minutes after midnight.
enum CertificateStatusSweep {
    static let intervalSeconds: Double = 300

    /// Looks on a reader first and takes the writer only when something changed.
    static func run(_ database: Database, now: Timestamp) throws {
        let today = CivilDate.today(at: now)
        guard try database.read({ try CertificateStatusSweeper.hasPending($0, today: today) }) else { return }
        try database.write { _ = try CertificateStatusSweeper.sweep($0, today: today, now: now) }
    }
}

import SQLite

extension Schema {
    /// Migration 0030_points_of_sale_archived: a point of sale that closes keeps its history.
    ///
    /// API.md: "`DELETE` removes (204) or archives where history must stay". A point of sale
    /// with inventory or sales was a 409 before, so a closed shop stayed in every list for good.
    /// Now its DELETE sets `archived_on` (the Vietnam day it closed): it leaves the API (404, out
    /// of every list, no more inventory or sales) but its sales stay in the reports of the days it
    /// sold, and the overview counts it up to that day. Its code stays taken: earlier reports
    /// name it by that code.
    static func archivePointsOfSale(_ db: Connection) throws {
        try db.execute("ALTER TABLE points_of_sale ADD COLUMN archived_on TEXT")
    }
}

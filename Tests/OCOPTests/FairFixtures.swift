import OCOP
import SQLite

/// Factories for the trade-promotion unit tests, namespaced so other suites' helpers never collide.
enum FairFixtures {
    static func day(_ text: String) -> CivilDate {
        guard let date = CivilDate(text) else { preconditionFailure("bad test date \(text)") }
        return date
    }

    /// Noon in Vietnam on `day`.
    static func noon(_ day: String) -> Timestamp {
        guard let instant = Timestamp(rfc3339: "\(day)T12:00:00+07:00") else { preconditionFailure("bad day \(day)") }
        return instant
    }

    static func fields(_ name: String = "Hội chợ OCOP Quảng Ninh 2024", kind: FairKind = .provincialFair,
                       from: String = "2024-04-26", to: String = "2024-05-02", district: String? = "Hạ Long",
                       province: String = Province.home, visitors: Int64 = 0) -> FairFields {
        FairFields(name: name, kind: kind, startsOn: day(from), endsOn: day(to), venue: "Cung Quy hoạch, Hội chợ và Triển lãm",
                   district: district, province: province, organizer: "Sở Công Thương", visitors: visitors)
    }

    static func fair(_ db: Connection, _ fields: FairFields = FairFixtures.fields()) throws -> Fair {
        try FairStore.create(db, fields, actor: .system, now: testNow)
    }

    static func producer(_ db: Connection, _ name: String = "Hợp tác xã Miến dong Bình Liêu",
                         kind: ProducerKind = .cooperative) throws -> Int64 {
        try ProducerStore.create(db, ProducerFields(name: name, kind: kind, district: "Bình Liêu"), actor: .system, now: testNow).id
    }

    static func product(_ db: Connection, _ code: String, producer: Int64, name: String? = nil) throws -> Int64 {
        try ProductStore.create(db, ProductFields(code: code, name: name ?? "Sản phẩm \(code)", producerID: producer, group: "food"),
                                actor: .system, now: testNow).id
    }

    static func booth(_ db: Connection, fair: Int64, _ exhibitor: Exhibitor, products: [Int64] = []) throws -> Booth {
        try BoothStore.create(db, fairID: fair, BoothFields(exhibitor: exhibitor, productIDs: products), actor: .system, now: testNow)
    }

    @discardableResult
    static func sale(_ db: Connection, fair: Int64, booth: Int64, on day: String, _ revenue: Int64,
                     lines: [FairSaleLine] = []) throws -> FairSale {
        try FairSaleStore.create(db, fairID: fair, boothID: booth,
                                 FairSaleFields(day: Self.day(day), revenueVND: revenue, lines: lines),
                                 actor: .system, now: testNow)
    }

    /// The field names of an `.invalid` error, or nil for any other outcome.
    static func invalidFields(_ body: () throws -> Void) -> [String]? {
        do {
            try body()
            return nil
        } catch DomainError.invalid(let errors) {
            return errors.map(\.field)
        } catch {
            return nil
        }
    }

    /// Whether `body` throws a conflict (409).
    static func conflicts(_ body: () throws -> Void) -> Bool {
        do {
            try body()
            return false
        } catch DomainError.conflict {
            return true
        } catch {
            return false
        }
    }
}

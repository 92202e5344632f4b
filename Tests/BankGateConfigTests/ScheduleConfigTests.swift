import BankGateCore
import XCTest
@testable import BankGateConfig

/// `[[schedules]]` checks, each problem named with its key.
final class ScheduleConfigTests: XCTestCase {
    private func withPlan(_ body: String) -> String {
        ConfigurationFixture.appending("[[calendars]]\nname = \"cn\"\nutc_offset = \"+08:00\"\n\n[[schedules]]\n" + body)
    }

    func testPlansOfEveryKind() throws {
        let configuration = try XCTUnwrap(validConfiguration(withPlan("""
            name = "statements"
            kind = "statement_pull"
            at = ["15:30", "09:00"]
            calendar = "cn"
            accounts = ["acme-eur"]
            grace_minutes = 30
            """)))
        let plan = try XCTUnwrap(configuration.schedules.first)
        XCTAssertEqual(plan.kind, .statementPull)
        XCTAssertEqual(plan.times.minutes, [540, 930])
        XCTAssertEqual(plan.times.days, .business)
        XCTAssertEqual(plan.times.calendar.utcOffsetMinutes, 480)
        XCTAssertEqual(plan.accounts, ["acme-eur"])
        XCTAssertEqual(plan.graceMinutes, 30)
        // Friday 2027-10-08 16:00 +08:00: the next run is Monday 11 October 09:00 +08:00 (01:00 UTC).
        let friday = Timestamp.parseDate("2027-10-08")!.adding(milliseconds: 8 * 3_600_000)
        XCTAssertEqual(plan.times.next(after: friday), Timestamp.parseDate("2027-10-11")!.adding(milliseconds: 3_600_000))
        XCTAssertEqual(plan.times.latest(atOrBefore: friday), Timestamp.parseDate("2027-10-08")!.adding(milliseconds: 450 * 60_000))
    }

    func testMistakesAreNamed() {
        assertConfigurationError(withPlan("name = \"p\"\nkind = \"wire\"\nat = [\"09:00\"]"), key: "schedules[0].kind", "statement_pull")
        assertConfigurationError(withPlan("name = \"p\"\nkind = \"balance_pull\"\nat = [\"9:00\"]\naccounts = [\"acme-eur\"]"),
                                 key: "schedules[0].at[0]", "HH:MM")
        assertConfigurationError(withPlan("name = \"p\"\nkind = \"balance_pull\"\nat = [\"09:00\"]"), key: "schedules[0].accounts",
                                 "names its accounts")
        assertConfigurationError(withPlan("name = \"p\"\nkind = \"balance_pull\"\nat = [\"09:00\"]\naccounts = [\"nope\"]"),
                                 key: "schedules[0].accounts", "no [[accounts]]")
        assertConfigurationError(withPlan("name = \"p\"\nkind = \"sweep\"\nat = [\"09:00\"]\nfrom_account = \"acme-eur\"\n"
                                              + "to_account = \"acme-eur\"\ntarget = \"10.00\""),
                                 key: "schedules[0].to_account", "must not be from_account")
        assertConfigurationError(withPlan("name = \"p\"\nkind = \"sweep\"\nat = [\"09:00\"]\nfrom_account = \"acme-eur\"\n"
                                              + "to_account = \"acme-eur\"\ntarget = \"10.001\""),
                                 key: "schedules[0].target", "decimals")
        assertConfigurationError(withPlan("name = \"p\"\nkind = \"balance_pull\"\nat = [\"09:00\"]\naccounts = [\"acme-eur\"]\n"
                                              + "days = \"weekly\""), key: "schedules[0].days", "business")
        assertConfigurationError(withPlan("name = \"p\"\nkind = \"balance_pull\"\nat = [\"09:00\"]\naccounts = [\"acme-eur\"]\n"
                                              + "calendar = \"xx\""), key: "schedules[0].calendar", "not a [[calendars]]")
        assertConfigurationError(withPlan("name = \"p\"\nkind = \"balance_pull\"\nat = [\"09:00\"]\naccounts = [\"acme-eur\", \"acme-eur\"]"),
                                 key: "schedules[0].accounts", "names \"acme-eur\" twice")
    }

    /// A sweep moves money within one company: from one tenant's account to another tenant's is
    /// refused (the same check guards the plans made through the API).
    func testASweepBetweenTenantsIsRefused() {
        let tenants = ConfigurationFixture.valid
            .replacingOccurrences(of: "scopes = [\"payments:write\", \"payments:read\"]",
                                  with: "scopes = [\"payments:write\", \"payments:read\"]\ntenant = \"acme\"")
            .replacingOccurrences(of: "currency = \"EUR\"", with: "currency = \"EUR\"\ntenant = \"acme\"")
            + """

            [[tenants]]
            id = "acme"

            [[tenants]]
            id = "other"

            [[accounts]]
            id = "other-eur"
            bank = "sim"
            number = "DE02120300000000202051"
            bank_code = "COBADEFFXXX"
            name = "Other GmbH"
            currency = "EUR"
            tenant = "other"

            [[schedules]]
            name = "steal"
            kind = "sweep"
            at = ["09:00"]
            from_account = "other-eur"
            to_account = "acme-eur"
            target = "10.00"
            """
        assertConfigurationError(tenants, key: "schedules[0].to_account", "must belong to the tenant of from_account (other), not acme")
    }
}

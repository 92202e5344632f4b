import BankGateCore
import XCTest
@testable import BankGateConfig

/// `[[alerts]]` checks: one condition per rule, its companion keys, filters and actions, each
/// problem named with its key and line.
final class AlertRuleConfigTests: XCTestCase {
    /// The fixture ends on line 22; `[[alerts]]` is line 24, its first key line 25.
    private func withAlert(_ body: String) -> String {
        ConfigurationFixture.valid + "\n\n[[alerts]]\n" + body + "\n"
    }

    func testEveryConditionIsRead() {
        let text = ConfigurationFixture.valid + """

            [[alerts]]
            name = "large"
            payment_amount_above = "1000000.00"
            currency = "EUR"
            accounts = ["acme-eur"]
            event = true
            log = "warning"

            [[alerts]]
            name = "hours"
            payment_outside_hours = "09:00-18:00"
            utc_offset = "+08:00"
            webhook = true

            [[alerts]]
            name = "countries"
            payment_creditor_countries = ["KP", "IR"]
            log = "critical"

            [[alerts]]
            name = "rejections"
            bank_rejections_in_a_row = 3
            banks = ["sim"]
            event = true

            [[alerts]]
            name = "unknown"
            bank_unknown_older_than_minutes = 30
            event = true

            [[alerts]]
            name = "keys"
            key_expires_within_days = 30
            log = "notice"

            [[alerts]]
            name = "others"
            statement_gap = true
            log = "info"
            """
        guard let alerts = validConfiguration(text)?.alerts else { return }
        XCTAssertEqual(alerts.map(\.name), ["large", "hours", "countries", "rejections", "unknown", "keys", "others"])
        XCTAssertEqual(alerts[0].condition, .paymentAmountAbove(Money(minorUnits: 100_000_000, currency: Currency(code: "EUR")!)))
        XCTAssertEqual(alerts[0].accounts, ["acme-eur"])
        XCTAssertEqual(alerts[0].log, .warning)
        XCTAssertTrue(alerts[0].writesEvent)
        XCTAssertEqual(alerts[1].condition, .paymentOutsideHours(startMinute: 540, endMinute: 1080, utcOffsetMinutes: 480))
        XCTAssertTrue(alerts[1].writesEvent, "webhook = true writes the event webhooks deliver")
        XCTAssertEqual(alerts[2].condition, .paymentCreditorCountries(["KP", "IR"]))
        XCTAssertFalse(alerts[2].writesEvent)
        XCTAssertEqual(alerts[3].condition, .bankRejectionsInARow(3))
        XCTAssertEqual(alerts[3].banks, ["sim"])
        XCTAssertEqual(alerts[4].condition, .bankUnknownOlderThan(minutes: 30))
        XCTAssertEqual(alerts[5].condition, .keyExpiresWithin(days: 30))
        XCTAssertEqual(alerts[6].condition, .statementGap)
        XCTAssertEqual(validConfiguration(ConfigurationFixture.valid)?.alerts, [])
    }

    func testMistakesAreNamedWithTheirLines() {
        assertConfigurationError(withAlert("name = \"a\"\nevent = true"), key: "alerts[0].name", line: 25, "needs one condition")
        assertConfigurationError(withAlert("name = \"a\"\nstatement_gap = true\nbank_circuit_open = true\nevent = true"),
                                 key: "alerts[0].bank_circuit_open", line: 27, "one condition")
        assertConfigurationError(withAlert("name = \"a\"\nstatement_gap = true"), key: "alerts[0].name", "at least one action")
        assertConfigurationError(withAlert("name = \"a\"\npayment_amount_above = \"10.00\"\nevent = true"),
                                 key: "alerts[0].currency", "is required")
        assertConfigurationError(withAlert("name = \"a\"\npayment_amount_above = \"10.001\"\ncurrency = \"EUR\"\nevent = true"),
                                 key: "alerts[0].payment_amount_above", line: 26, "at most 2 decimals")
        assertConfigurationError(withAlert("name = \"a\"\npayment_outside_hours = \"18:00-09:00\"\nevent = true"),
                                 key: "alerts[0].payment_outside_hours", "start before the end")
        assertConfigurationError(withAlert("name = \"a\"\npayment_outside_hours = \"09:00-18:00\"\nutc_offset = \"8\"\nevent = true"),
                                 key: "alerts[0].utc_offset", line: 27, "+HH:MM")
        assertConfigurationError(withAlert("name = \"a\"\npayment_creditor_countries = [\"kp\"]\nevent = true"),
                                 key: "alerts[0].payment_creditor_countries", "ISO 3166")
        assertConfigurationError(withAlert("name = \"a\"\nbank_rejections_in_a_row = 0\nevent = true"),
                                 key: "alerts[0].bank_rejections_in_a_row", "between")
        assertConfigurationError(withAlert("name = \"a\"\nstatement_gap = false\nevent = true"), key: "alerts[0].statement_gap", "= true")
        assertConfigurationError(withAlert("name = \"a\"\nstatement_gap = true\nbanks = [\"nope\"]\nevent = true"),
                                 key: "alerts[0].banks", "no [[banks]] entry")
        assertConfigurationError(withAlert("name = \"a\"\nbank_circuit_open = true\naccounts = [\"acme-eur\"]\nevent = true"),
                                 key: "alerts[0].accounts", "filter with banks")
        assertConfigurationError(withAlert("name = \"a\"\nstatement_gap = true\nlog = \"loud\""), key: "alerts[0].log", "one of debug")
        assertConfigurationError(withAlert("name = \"a\"\nstatement_gap = true\ncurrency = \"EUR\"\nevent = true"),
                                 key: "alerts[0].currency", "payment_amount_above only")
        assertConfigurationError(withAlert("name = \"a\"\nstatement_gap = true\nevent = true\n\n[[alerts]]\nname = \"a\"\nstatement_inconsistent = true\nevent = true"),
                                 key: "alerts[1].name", "already used")
        assertConfigurationError(withAlert("name = \"a\"\nstatement_gap = true\nevent = true\nemail = \"x\""), key: "alerts[0].email", "unknown key")
    }
}

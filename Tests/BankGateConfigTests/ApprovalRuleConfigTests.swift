import BankGateCore
import XCTest
@testable import BankGateConfig

/// `[[approval_rules]]` and `[approvals]` checks, each problem named with its key and line.
final class ApprovalRuleConfigTests: XCTestCase {
    private func withRule(_ body: String) -> String {
        ConfigurationFixture.valid + "\n[[approval_rules]]\n" + body + "\n"
    }

    func testAValidRuleWithEveryCondition() throws {
        let configuration = validConfiguration(withRule("""
            name = "large-eur"
            accounts = ["acme-eur"]
            currencies = ["EUR"]
            kinds = ["single", "batch"]
            amount_at_least = "100000.00"
            new_creditor = true
            outside_business_hours = "09:00-18:00"
            utc_offset = "+08:00"
            batch_size_over = 50
            batch_total_over = "1000000.00"
            approvals = 2
            """) + "\n[approvals]\nexpire_after_minutes = 90\n")
        let rule = try XCTUnwrap(configuration?.approvalRules.first)
        XCTAssertEqual(rule.name, "large-eur")
        XCTAssertEqual(rule.accounts, ["acme-eur"])
        XCTAssertEqual(rule.currencies, ["EUR"])
        XCTAssertEqual(rule.kinds, [.single, .batch])
        XCTAssertEqual(rule.amountAtLeast?.minorUnits, 10_000_000)
        XCTAssertTrue(rule.newCreditor)
        XCTAssertEqual(rule.outsideBusinessHours, BusinessHours(startMinute: 540, endMinute: 1_080, utcOffsetMinutes: 480))
        XCTAssertEqual(rule.batchSizeOver, 50)
        XCTAssertEqual(rule.batchTotalOver?.minorUnits, 100_000_000)
        XCTAssertEqual(rule.approvals, 2)
        XCTAssertEqual(configuration?.approvals.expireAfterMinutes, 90)
        XCTAssertEqual(validConfiguration(ConfigurationFixture.valid)?.approvals.expireAfterMinutes, 1_440)
        XCTAssertEqual(validConfiguration(ConfigurationFixture.valid)?.approvalRules, [])
    }

    func testMistakesAreNamed() {
        assertConfigurationError(withRule("name = \"r\"\nnew_creditor = true"), key: "approval_rules[0].approvals", "required")
        assertConfigurationError(withRule("name = \"r\"\nnew_creditor = true\napprovals = 3"), key: "approval_rules[0].approvals", "between")
        assertConfigurationError(withRule("name = \"r\"\napprovals = 1"), key: "approval_rules[0].name", "at least one condition")
        assertConfigurationError(withRule("name = \"r\"\namount_at_least = \"10.00\"\napprovals = 1"),
                                 key: "approval_rules[0].amount_at_least", "exactly one currency")
        assertConfigurationError(withRule("name = \"r\"\ncurrencies = [\"EUR\", \"CNY\"]\namount_at_least = \"10.00\"\napprovals = 1"),
                                 key: "approval_rules[0].amount_at_least", "exactly one currency")
        assertConfigurationError(withRule("name = \"r\"\ncurrencies = [\"EUR\"]\namount_at_least = \"10.001\"\napprovals = 1"),
                                 key: "approval_rules[0].amount_at_least", "at most 2 decimals")
        assertConfigurationError(withRule("name = \"r\"\naccounts = [\"nope\"]\nnew_creditor = true\napprovals = 1"),
                                 key: "approval_rules[0].accounts", "no [[accounts]] entry")
        assertConfigurationError(withRule("name = \"r\"\nkinds = [\"wire\"]\nnew_creditor = true\napprovals = 1"),
                                 key: "approval_rules[0].kinds", "not a payment kind")
        assertConfigurationError(withRule("name = \"r\"\noutside_business_hours = \"18:00-09:00\"\napprovals = 1"),
                                 key: "approval_rules[0].outside_business_hours", "09:00-18:00")
        assertConfigurationError(withRule("name = \"r\"\noutside_business_hours = \"09:00-18:00\"\nutc_offset = \"8\"\napprovals = 1"),
                                 key: "approval_rules[0].utc_offset", "+08:00")
        assertConfigurationError(withRule("name = \"r\"\nnew_creditor = true\napprovals = 1\nthreshold = 5"),
                                 key: "approval_rules[0].threshold", "unknown")
        assertConfigurationError(withRule("name = \"r\"\nnew_creditor = true\napprovals = 1") + "\n[[approval_rules]]\nname = \"r\"\nnew_creditor = true\napprovals = 2\n",
                                 key: "approval_rules[1].name", "already used")
        assertConfigurationError(ConfigurationFixture.valid + "\n[approvals]\nexpire_after_minutes = 0\n",
                                 key: "approvals.expire_after_minutes", "between")
    }

    func testTheProblemCarriesItsLine() throws {
        let text = withRule("name = \"r\"\nnew_creditor = true\napprovals = 5")
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0 == "approvals = 5" }.map { $0 + 1 }
        assertConfigurationError(text, key: "approval_rules[0].approvals", line: try XCTUnwrap(line), "between")
    }
}

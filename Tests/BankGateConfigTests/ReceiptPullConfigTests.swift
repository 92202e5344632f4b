import Foundation
import XCTest
@testable import BankGateConfig

/// `receipt_pull_at`, `receipt_pull_delay` and `receipt_missing_after` on a bank (for its accounts)
/// and on an account (which wins); a bad value is refused on its line.
final class ReceiptPullConfigTests: XCTestCase {
    func testDefaultsBankKeysAndAccountKeys() throws {
        let plain = try parseConfiguration(ConfigurationFixture.valid)
        XCTAssertEqual(plain.accounts.first?.receiptPulls, ReceiptPullConfig())
        XCTAssertNil(plain.accounts.first?.receiptPulls.pullAtMinutes)
        XCTAssertEqual(plain.accounts.first?.receiptPulls.pullDelayMilliseconds, 600_000)
        XCTAssertEqual(plain.accounts.first?.receiptPulls.missingAfterMilliseconds, 86_400_000)

        let onBank = ConfigurationFixture.replacing(
            "url = \"http://127.0.0.1:9101\"",
            with: "url = \"http://127.0.0.1:9101\"\nreceipt_pull_at = \"07:30\"\nreceipt_pull_delay = \"15m\"\nreceipt_missing_after = \"2d\"")
        let bank = try parseConfiguration(onBank)
        XCTAssertEqual(bank.accounts.first?.receiptPulls,
                       ReceiptPullConfig(pullAtMinutes: 450, pullDelayMilliseconds: 900_000, missingAfterMilliseconds: 172_800_000))

        let both = try parseConfiguration(onBank + "\nreceipt_pull_at = \"06:00\"\nreceipt_missing_after = \"90s\"\n")
        XCTAssertEqual(both.accounts.first?.receiptPulls,
                       ReceiptPullConfig(pullAtMinutes: 360, pullDelayMilliseconds: 900_000, missingAfterMilliseconds: 90_000),
                       "the account's keys over its bank's")
    }

    func testBadValuesAreRefusedWithFileAndLine() {
        // The fixture ends on line 22 (the account's currency); the key is appended on line 23.
        assertConfigurationError(ConfigurationFixture.appending("receipt_pull_at = \"25:00\""),
                                 key: "accounts[0].receipt_pull_at", line: 23, "must be a UTC time as HH:MM")
        assertConfigurationError(ConfigurationFixture.appending("receipt_pull_delay = \"soon\""),
                                 key: "accounts[0].receipt_pull_delay", line: 23, "must be a duration such as")
        assertConfigurationError(ConfigurationFixture.appending("receipt_missing_after = \"40d\""),
                                 key: "accounts[0].receipt_missing_after", line: 23, "at most 31 days")
        assertConfigurationError(ConfigurationFixture.replacing("url = \"http://127.0.0.1:9101\"",
                                                                with: "url = \"http://127.0.0.1:9101\"\nreceipt_pull_at = \"7:00\""),
                                 key: "banks[0].receipt_pull_at", line: 15, "must be a UTC time as HH:MM")
    }

    func testDurations() {
        XCTAssertEqual(ReceiptPullConfig.parseDuration("90s"), 90_000)
        XCTAssertEqual(ReceiptPullConfig.parseDuration("10m"), 600_000)
        XCTAssertEqual(ReceiptPullConfig.parseDuration("24h"), 86_400_000)
        XCTAssertEqual(ReceiptPullConfig.parseDuration("0m"), 0)
        XCTAssertNil(ReceiptPullConfig.parseDuration("10"))
        XCTAssertNil(ReceiptPullConfig.parseDuration("m"))
        XCTAssertNil(ReceiptPullConfig.parseDuration("-5m"))
        XCTAssertNil(ReceiptPullConfig.parseDuration("1.5h"))
    }
}

import XCTest
@testable import BankGateConfig

/// `[[limits]]` and `[payment_controls]` checks, each problem named with its key and line.
final class PaymentLimitConfigTests: XCTestCase {
    private func withLimit(_ body: String) -> String {
        ConfigurationFixture.valid + "\n[[limits]]\n" + body + "\n"
    }

    func testAValidLimitPerAccountAndPerToken() {
        let accountLimit = validConfiguration(withLimit("account = \"acme-eur\"\ncurrency = \"EUR\"\nsingle = \"5000.00\"\ndaily_total = \"20000.00\"\ndaily_count = 40"))
        let limit = accountLimit?.limits.first
        XCTAssertEqual(limit?.holder, .account("acme-eur"))
        XCTAssertEqual(limit?.single?.minorUnits, 500_000)
        XCTAssertEqual(limit?.dailyTotal?.minorUnits, 2_000_000)
        XCTAssertEqual(limit?.dailyCount, 40)
        let tokenLimit = validConfiguration(withLimit("token = \"erp\"\ncurrency = \"EUR\"\ndaily_count = 5"))
        XCTAssertEqual(tokenLimit?.limits.first?.holder, .token("erp"))
        XCTAssertNil(tokenLimit?.limits.first?.single)
    }

    func testMistakesAreNamed() {
        assertConfigurationError(withLimit("account = \"nope\"\ncurrency = \"EUR\"\nsingle = \"1.00\""), key: "limits[0].account", "no [[accounts]] entry")
        assertConfigurationError(withLimit("token = \"nope\"\ncurrency = \"EUR\"\nsingle = \"1.00\""), key: "limits[0].token", "no [[tokens]] entry")
        assertConfigurationError(withLimit("account = \"acme-eur\"\ntoken = \"erp\"\ncurrency = \"EUR\"\nsingle = \"1.00\""),
                                 key: "limits[0].token", "not both")
        assertConfigurationError(withLimit("currency = \"EUR\"\nsingle = \"1.00\""), key: "limits[0].account", "one of account or token")
        assertConfigurationError(withLimit("account = \"acme-eur\"\ncurrency = \"XYZ\"\nsingle = \"1.00\""), key: "limits[0].currency", "ISO 4217")
        assertConfigurationError(withLimit("account = \"acme-eur\"\ncurrency = \"EUR\""), key: "limits[0].single", "at least one of")
        assertConfigurationError(withLimit("account = \"acme-eur\"\ncurrency = \"EUR\"\nsingle = \"1.001\""), key: "limits[0].single", "positive amount")
        assertConfigurationError(withLimit("account = \"acme-eur\"\ncurrency = \"EUR\"\ndaily_count = 0"), key: "limits[0].daily_count", "between")
    }

    func testPaymentControls() {
        let off = validConfiguration(ConfigurationFixture.valid + "\n[payment_controls]\nduplicate_window_minutes = 0\nduplicate_same_remittance = true\n")
        XCTAssertEqual(off?.paymentControls.duplicateWindowMinutes, 0)
        XCTAssertEqual(off?.paymentControls.duplicateSameRemittance, true)
        XCTAssertEqual(validConfiguration(ConfigurationFixture.valid)?.paymentControls.duplicateWindowMinutes, 1_440)
        assertConfigurationError(ConfigurationFixture.valid + "\n[payment_controls]\nduplicate_window_minutes = -1\n",
                                 key: "payment_controls.duplicate_window_minutes", "between")
        assertConfigurationError(ConfigurationFixture.valid + "\n[payment_controls]\nduplicate_windows = 5\n",
                                 key: "payment_controls.duplicate_windows", "unknown")
    }
}

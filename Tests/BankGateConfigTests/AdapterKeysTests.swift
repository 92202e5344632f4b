import BankGateAdapters
import XCTest
@testable import BankGateConfig

/// Keys that belong to one adapter: read for its banks and their accounts, refused elsewhere.
final class AdapterKeysTests: XCTestCase {
    private let cmb = """
        [server]
        listen = "127.0.0.1:8080"
        data_dir = "var"

        [[tokens]]
        name = "erp"
        token = "0123456789abcdef-erp"
        scopes = ["payments:write"]

        [[banks]]
        id = "cmb-sz"
        adapter = "cmb"
        transport = "http"
        url = "http://127.0.0.1:9201"
        login_name = "BANKGATE01"

        [[accounts]]
        id = "acc-cmb"
        bank = "cmb-sz"
        number = "755912345610001"
        bank_code = "308584000013"
        name = "深圳示例科技有限公司"
        currency = "CNY"
        branch_code = "75"
        """

    func testACMBBankAndItsAccountCarryTheirOwnKeys() throws {
        let configuration = try XCTUnwrap(validConfiguration(cmb))
        XCTAssertEqual(configuration.banks.first?.adapterOptions, ["login_name": "BANKGATE01"])
        XCTAssertEqual(configuration.accounts.first?.adapterOptions, ["branch_code": "75"])
        let adapter = try AdapterRegistry.make(bank: configuration.banks[0], accounts: configuration.accounts)
        XCTAssertEqual(adapter.name, "cmb")
        XCTAssertEqual(adapter.statusQueryScope, .transfer)
        XCTAssertEqual(adapter.httpPaths, .single)
    }

    func testARequiredAdapterKeyIsNamedWhenMissing() {
        assertConfigurationError(cmb.replacingOccurrences(of: "login_name = \"BANKGATE01\"\n", with: ""),
                                 key: "banks[0].login_name", "is required")
        assertConfigurationError(cmb.replacingOccurrences(of: "branch_code = \"75\"", with: ""),
                                 key: "accounts[0].branch_code", "is required")
    }

    func testAnotherAdaptersKeyIsUnknown() {
        // An ISO 20022 bank has no login name; a typo gets a suggestion.
        let iso = cmb.replacingOccurrences(of: "adapter = \"cmb\"", with: "adapter = \"iso20022\"")
        assertConfigurationError(iso, key: "banks[0].login_name", "unknown key")
        assertConfigurationError(cmb.replacingOccurrences(of: "login_name", with: "login_nam"),
                                 key: "banks[0].login_nam", "login_name")
    }

    func testTheAdapterRefusesABranchCodeThatIsNotTwoDigits() throws {
        let configuration = try XCTUnwrap(validConfiguration(cmb.replacingOccurrences(of: "\"75\"", with: "\"7X\"")))
        XCTAssertThrowsError(try AdapterRegistry.make(bank: configuration.banks[0], accounts: configuration.accounts)) { error in
            XCTAssertTrue("\(error)".contains("branch_code"), "\(error)")
        }
    }
}

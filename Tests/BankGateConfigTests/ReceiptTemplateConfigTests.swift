import Foundation
import XCTest
@testable import BankGateConfig

/// `receipt_template` on an account or a bank: a file under `receipt-templates/` beside the
/// configuration file, read with the configuration; one that cannot be read is refused on its line.
final class ReceiptTemplateConfigTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-templates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("receipt-templates"), withIntermediateDirectories: true)
        try "title = \"财务回单\"\n".write(to: directory.appendingPathComponent("receipt-templates/finance.toml"), atomically: true, encoding: .utf8)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: directory) }

    func testAnAccountOrABankNamesAFileBesideTheConfiguration() throws {
        let text = ConfigurationFixture.appending("receipt_template = \"finance\"")
        let configuration = try BankGateConfiguration.parse(text, fileName: "test.toml", baseDirectory: directory.path)
        let template = try XCTUnwrap(configuration.accounts.first?.receiptTemplate)
        XCTAssertEqual(template.name, "finance.toml")
        XCTAssertEqual(template.path, directory.path + "/receipt-templates/finance.toml")
        XCTAssertEqual(template.text, "title = \"财务回单\"\n")
        XCTAssertNil(configuration.banks.first?.receiptTemplate)

        let onBank = ConfigurationFixture.replacing("url = \"http://127.0.0.1:9101\"",
                                                    with: "url = \"http://127.0.0.1:9101\"\nreceipt_template = \"finance.toml\"")
        let bankConfiguration = try BankGateConfiguration.parse(onBank, fileName: "test.toml", baseDirectory: directory.path)
        XCTAssertEqual(bankConfiguration.banks.first?.receiptTemplate?.path, directory.path + "/receipt-templates/finance.toml")
        XCTAssertNil(bankConfiguration.accounts.first?.receiptTemplate)
    }

    func testATemplateThatCannotBeReadIsRefusedOnItsLine() {
        // The fixture ends on line 22 (the account's currency); the key is appended on line 23.
        assertConfigurationError(ConfigurationFixture.appending("receipt_template = \"missing.toml\""),
                                 key: "accounts[0].receipt_template", line: 23,
                                 "/srv/bankgate/receipt-templates/missing.toml: cannot open the file")
        assertConfigurationError(ConfigurationFixture.appending("receipt_template = \"../secrets.toml\""),
                                 key: "accounts[0].receipt_template", line: 23, "must name a file in receipt-templates/")
    }
}

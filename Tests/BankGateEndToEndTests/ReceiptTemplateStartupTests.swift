import BankGateConfig
import BankGateRuntime
import Foundation
import Logging
import XCTest

/// A receipt template that cannot be parsed refuses start-up, naming the template file and line.
final class ReceiptTemplateStartupTests: XCTestCase {
    func testABrokenTemplateRefusesStartUpWithItsFileAndLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-template-start-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("receipt-templates"), withIntermediateDirectories: true)
        let templatePath = directory.path + "/receipt-templates/broken.toml"
        try "title = \"回单\"\n\n[[fields]]\nlabel = \"金额\"\nvalue = \"no_such_field\"\n"
            .write(toFile: templatePath, atomically: true, encoding: .utf8)
        let configurationPath = directory.path + "/bankgate.toml"
        try GatewayHarness.configuration(listen: "127.0.0.1:0", dataDirectory: directory.path + "/data", token: "e2e-token-0123456789abcdef",
                                         transport: "transport = \"http\"\nurl = \"http://127.0.0.1:9\"", bankKeys: "")
            .replacingOccurrences(of: "currency = \"EUR\"", with: "currency = \"EUR\"\nreceipt_template = \"broken\"")
            .write(toFile: configurationPath, atomically: true, encoding: .utf8)
        let configuration = try BankGateConfiguration.load(path: configurationPath)
        XCTAssertEqual(configuration.accounts.first?.receiptTemplate?.path, templatePath)
        XCTAssertThrowsError(try GatewayRuntime(configuration: configuration, logger: Logger(label: "test"))) { error in
            XCTAssertTrue("\(error)".hasPrefix(templatePath + ":5:"), "\(error)")
        }
    }
}

import Foundation
import XCTest

/// `bankgate messages render` with the optional payment fields: the pain.001 carries them, and the
/// bank's requirements refuse a CNAPS creditor without its bank's name, as intake does.
final class MessagesRenderTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-render-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try """
            [server]
            listen = "127.0.0.1:0"
            data_dir = "\(directory.appendingPathComponent("data").path)"

            [[tokens]]
            name = "t"
            token = "render-test-token-0123456789"
            scopes = ["operate"]

            [[banks]]
            id = "cn"
            adapter = "iso20022"
            transport = "http"
            url = "http://127.0.0.1:9"

            [[accounts]]
            id = "acme-cny"
            bank = "cn"
            number = "6222020200112233445"
            bank_code = "102100099996"
            name = "北京示例科技有限公司"
            currency = "CNY"
            """.write(to: directory.appendingPathComponent("bankgate.toml"), atomically: true, encoding: .utf8)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    func render(_ payments: String) throws -> (status: Int32, out: String, err: String) {
        let input = directory.appendingPathComponent("payments.json")
        try payments.write(to: input, atomically: true, encoding: .utf8)
        return try BankGateExecutable.run(["messages", "render", "--config", directory.appendingPathComponent("bankgate.toml").path,
                                           "--bank", "cn", "--input", input.path, "--message-id", "MSG-RENDER-1"])
    }

    func testTheRenderedMessageCarriesTheFields() throws {
        let rendered = try render("""
            [{"debtor_account": "acme-cny", "amount": "8888.88", "currency": "CNY", "purpose": "货款",
              "priority": "urgent", "category_purpose": "SUPP",
              "creditor": {"name": "上海浦东发展贸易有限公司", "account": "31001234567890123", "bank_code": "310290000013",
                           "bank_name": "上海浦东发展银行", "address": {"town": "上海", "country": "CN"}}}]
            """)
        XCTAssertEqual(rendered.status, 0, rendered.err)
        for expected in ["<InstrPrty>HIGH</InstrPrty>", "<Cd>SUPP</Cd>", "<ChrgBr>SHAR</ChrgBr>", "<Nm>上海浦东发展银行</Nm>",
                         "<TwnNm>上海</TwnNm>", "<Prtry>货款</Prtry>"] {
            XCTAssertTrue(rendered.out.contains(expected), expected)
        }
    }

    func testACNAPSCreditorWithoutItsBankNameIsRefused() throws {
        let rendered = try render("""
            [{"debtor_account": "acme-cny", "amount": "1.00", "currency": "CNY",
              "creditor": {"name": "上海浦东发展贸易有限公司", "account": "31001234567890123", "bank_code": "310290000013"}}]
            """)
        XCTAssertNotEqual(rendered.status, 0)
        XCTAssertTrue(rendered.err.contains("missing_field") && rendered.err.contains("[0].creditor.bank_name"), rendered.err)
        XCTAssertEqual(rendered.out, "")
    }
}

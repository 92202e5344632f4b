import Foundation
import XCTest

/// `bankgate messages render` for every adapter and profile, configured as `bank-sim --print-config`
/// prints it: the bank's own payment message, with its own name, the debtor's account, the amount
/// and the creditor's account in it — and a payroll message where the bank has one.
final class MessagesRenderEveryBankTests: XCTestCase {
    struct Case {
        var profile: String
        var bank: String
        var account: String
        var message: String
        var creditor: String
        /// ASCII markers the rendered bytes must hold (the message's code in the bank's own field).
        var markers: [String]
        var extra: String = ""
    }

    static let chineseCreditor = #""name": "深圳某某咨询有限公司", "account": "6225880212345678", "bank_name": "本行深圳分行""#

    static let cases: [Case] = [
        Case(profile: "iso20022", bank: "sim-iso", account: "sim-iso-eur", message: "pain.001.001.09",
             creditor: #""name": "Muster GmbH", "account": "DE89370400440532013000", "bank_code": "COBADEFFXXX""#,
             markers: ["urn:iso:std:iso:20022:tech:xsd:pain.001.001.09", "FR7630006000011234567890189", "<InstdAmt Ccy=\"EUR\">1234.56</InstdAmt>",
                       "DE89370400440532013000"]),
        Case(profile: "hsbc", bank: "hsbc-sim", account: "hsbc-sim-hkd", message: "pain.001.001.03",
             creditor: #""name": "Kowloon Trading Ltd", "account": "004987654321", "bank_code": "HSBCHKHHHKH""#,
             markers: ["urn:iso:std:iso:20022:tech:xsd:pain.001.001.03", "004123456001", "1234.56", "004987654321"]),
        Case(profile: "bochk", bank: "bochk-sim", account: "bochk-sim-hkd", message: "pain.001.001.03",
             creditor: #""name": "Kowloon Trading Ltd", "account": "012875000654321", "bank_code": "BKCHHKHHXXX""#,
             markers: ["urn:iso:std:iso:20022:tech:xsd:pain.001.001.03", "012875000123456", "1234.56", "012875000654321"]),
        Case(profile: "cmb", bank: "cmb-sim", account: "cmb-sim-sz", message: "DCPAYMNT",
             creditor: chineseCreditor + #", "bank_code": "308584000013""#,
             markers: ["<FUNNAM>DCPAYMNT</FUNNAM>", "<DBTACC>755912345610001</DBTACC>", "<TRSAMT>1234.56</TRSAMT>",
                       "<CRTACC>6225880212345678</CRTACC>"]),
        Case(profile: "cmb-cloud", bank: "cmb-cloud-sim", account: "cmb-cloud-sim-sz", message: "BB1PAYOP",
             creditor: chineseCreditor + #", "bank_code": "308584000013""#,
             markers: ["\"funcode\":\"BB1PAYOP\"", "755912345610001", "1234.56", "6225880212345678", "\"sigdat\""]),
        Case(profile: "icbc", bank: "icbc-sim", account: "icbc-sim-bj", message: "PAYENT",
             creditor: chineseCreditor + #", "bank_code": "102100099996""#,
             markers: ["<TransCode>PAYENT</TransCode>", "<PayAccNo>0200001009200012345</PayAccNo>", "<PayAmt>123456</PayAmt>",
                       "<RecAccNo>6225880212345678</RecAccNo>"]),
        Case(profile: "ccb", bank: "ccb-sim", account: "ccb-sim-sz", message: "6W8010",
             creditor: chineseCreditor + #", "bank_code": "105584000005""#,
             markers: ["TX_CODE%3E6W8010%3C", "PAY_ACCNO%3E44201500000052000001%3C", "AMOUNT%3E1234.56%3C",
                       "RECV_ACCNO%3E6225880212345678%3C"]),
        Case(profile: "boc", bank: "boc-sim", account: "boc-sim-sh", message: "b2e0009",
             creditor: chineseCreditor + #", "bank_code": "104290003791""#,
             markers: ["<trncod>b2e0009</trncod>", "<actacn>436512345678</actacn>", "<trnamt>1234.56</trnamt>",
                       "<actacn>6225880212345678</actacn>"]),
        Case(profile: "abc", bank: "abc-sim", account: "abc-sim-sh", message: "CFRT02",
             creditor: chineseCreditor + #", "bank_code": "103290000000""#,
             markers: ["<CCTransCode>CFRT02</CCTransCode>", "<Amt>1234.56</Amt>", "<CrAccNo>6225880212345678</CrAccNo>"]),
    ]

    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-render-all-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// The configuration `bank-sim --print-config` prints for `profile`, with a server and a token,
    /// and the environment its `# export` lines name.
    func configuration(_ profile: String) throws -> (path: String, environment: [String: String]) {
        var arguments = ["bank-sim", "--profile", profile, "--listen", "127.0.0.1:9", "--print-config",
                         "--data-dir", directory.appendingPathComponent("sim-\(profile)").path]
        if profile == "abc" { arguments += ["--tcp-listen", "127.0.0.1:10"] }
        let printed = try BankGateExecutable.run(arguments)
        XCTAssertEqual(printed.status, 0, printed.err)
        var environment = ProcessInfo.processInfo.environment
        for line in printed.out.split(separator: "\n") where line.hasPrefix("# export ") {
            let pair = line.dropFirst("# export ".count).split(separator: "=", maxSplits: 1)
            if pair.count == 2 { environment[String(pair[0])] = String(pair[1]) }
        }
        let path = directory.appendingPathComponent("\(profile).toml").path
        try ("""
            [server]
            listen = "127.0.0.1:0"
            data_dir = "\(directory.appendingPathComponent("data-\(profile)").path)"

            [[tokens]]
            name = "t"
            token = "render-test-token-0123456789"
            scopes = ["operate"]

            """ + printed.out).write(toFile: path, atomically: true, encoding: .utf8)
        return (path, environment)
    }

    func render(_ configuration: (path: String, environment: [String: String]), bank: String, message: String,
                payments: String) throws -> (status: Int32, bytes: [UInt8], err: String) {
        let input = directory.appendingPathComponent("payments-\(bank).json")
        let output = directory.appendingPathComponent("rendered-\(bank)-\(message)")
        try payments.write(to: input, atomically: true, encoding: .utf8)
        let run = try BankGateExecutable.run(["messages", "render", "--config", configuration.path, "--bank", bank, "--message", message,
                                              "--input", input.path, "--out", output.path],
                                             environment: configuration.environment)
        let bytes = (try? Data(contentsOf: output)).map { Array($0) } ?? []
        return (run.status, bytes, run.err)
    }

    func testEveryBanksPaymentMessageRenders() throws {
        for testCase in Self.cases {
            let configuration = try configuration(testCase.profile)
            let currency = ["iso20022": "EUR", "hsbc": "HKD", "bochk": "HKD"][testCase.profile] ?? "CNY"
            let rendered = try render(configuration, bank: testCase.bank, message: testCase.message, payments: """
                [{"debtor_account": "\(testCase.account)", "amount": "1234.56", "currency": "\(currency)", "purpose": "货款",
                  "same_bank": true, "remittance_info": "INV 2026 42", "creditor": {\(testCase.creditor)}}]
                """)
            XCTAssertEqual(rendered.status, 0, "\(testCase.profile): \(rendered.err)")
            for marker in testCase.markers {
                XCTAssertNotNil(rendered.bytes.firstRange(of: Array(marker.utf8)), "\(testCase.profile): \(marker) not in the message")
            }
        }
    }

    /// The payroll message of each bank that has one; CCB's carries one line, and says so for two.
    func testEveryBanksPayrollMessageRenders() throws {
        let payroll: [(profile: String, bank: String, account: String, message: String, bankCode: String, marker: String)] = [
            ("cmb", "cmb-sim", "cmb-sim-sz", "AgentRequest", "308584000013", "<FUNNAM>AgentRequest</FUNNAM>"),
            ("icbc", "icbc-sim", "icbc-sim-bj", "PAYPER", "102100099996", "<TransCode>PAYPER</TransCode>"),
            ("boc", "boc-sim", "boc-sim-sh", "b2e0078", "104290003791", "<trncod>b2e0078</trncod>"),
            ("ccb", "ccb-sim", "ccb-sim-sz", "6W1303", "105584000005", "TX_CODE%3E6W1303%3C"),
        ]
        for entry in payroll {
            let configuration = try configuration(entry.profile)
            func line(_ name: String, _ account: String) -> String {
                #"{"debtor_account": "\#(entry.account)", "amount": "8500.00", "currency": "CNY", "purpose": "11月工资", "same_bank": true, "creditor": {"name": "\#(name)", "account": "\#(account)", "bank_code": "\#(entry.bankCode)"}}"#
            }
            let one = try render(configuration, bank: entry.bank, message: entry.message, payments: "[\(line("张三", "6217000010001111"))]")
            XCTAssertEqual(one.status, 0, "\(entry.profile): \(one.err)")
            XCTAssertNotNil(one.bytes.firstRange(of: Array(entry.marker.utf8)), "\(entry.profile): \(entry.marker)")
            XCTAssertNotNil(one.bytes.firstRange(of: Array("6217000010001111".utf8)), entry.profile)
            let two = try render(configuration, bank: entry.bank, message: entry.message,
                                 payments: "[\(line("张三", "6217000010001111")), \(line("李四", "6217000010002222"))]")
            if entry.profile == "ccb" {
                XCTAssertNotEqual(two.status, 0)
                XCTAssertTrue(two.err.contains("at most 1 line"), two.err)
            } else {
                XCTAssertEqual(two.status, 0, "\(entry.profile): \(two.err)")
                XCTAssertNotNil(two.bytes.firstRange(of: Array("6217000010002222".utf8)), entry.profile)
            }
        }
    }
}

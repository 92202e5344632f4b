import BankGateCore
import BankGateXML
import Foundation
import Logging
import Synchronization
import XCTest
@testable import BankGateSimulator

/// IBANs with valid check digits, and other account numbers used across the tests.
enum TestAccounts {
    static let debtor = "DE89370400440532013000"
    static let creditor = "GB82WEST12345698765432"
    static let otherCreditor = "GB33BUKB20201555555555"
    static let closed = "NL91ABNA0417164300"
    static let blocked = "FR1420041010050500013M02606"
    static let domestic = "6225880212345678"
    /// Looks like an IBAN but its check digits are wrong.
    static let badIBAN = "GB00WEST12345698765432"
}

/// One transfer of a test pain.001.
struct TestTransfer {
    var endToEndId: String
    var amount: String
    var currency = "EUR"
    var creditor: String? = TestAccounts.creditor
    var instructionId: String?
}

/// Builds pain.001 documents by hand, so the simulator is tested independently of the gateway's encoder.
enum Pain001Fixture {
    static func document(messageId: String, debtor: String? = TestAccounts.debtor, transfers: [TestTransfer],
                         version: String = "pain.001.001.09", numberOfTransactions: String? = nil,
                         controlSum: String? = nil, paymentInfoId: String = "PMT-1") -> [UInt8] {
        let count = numberOfTransactions ?? String(transfers.count)
        var header = "<MsgId>\(messageId)</MsgId><CreDtTm>2026-11-23T05:00:00Z</CreDtTm><NbOfTxs>\(count)</NbOfTxs>"
        if let controlSum { header += "<CtrlSum>\(controlSum)</CtrlSum>" }
        header += "<InitgPty><Nm>ACME GmbH</Nm></InitgPty>"
        let bicElement = version.hasSuffix(".03") ? "BIC" : "BICFI"
        let date = version.hasSuffix(".03") ? "<ReqdExctnDt>2026-11-23</ReqdExctnDt>"
            : "<ReqdExctnDt><Dt>2026-11-23</Dt></ReqdExctnDt>"
        var body = ""
        for transfer in transfers {
            let instruction = transfer.instructionId.map { "<InstrId>\($0)</InstrId>" } ?? ""
            let creditor = transfer.creditor.map { "<CdtrAcct><Id>\(accountId($0))</Id></CdtrAcct>" } ?? ""
            body += """
                <CdtTrfTxInf><PmtId>\(instruction)<EndToEndId>\(transfer.endToEndId)</EndToEndId></PmtId>\
                <Amt><InstdAmt Ccy="\(transfer.currency)">\(transfer.amount)</InstdAmt></Amt>\
                <CdtrAgt><FinInstnId><\(bicElement)>NWBKGB2LXXX</\(bicElement)></FinInstnId></CdtrAgt>\
                <Cdtr><Nm>Creditor \(transfer.endToEndId)</Nm></Cdtr>\(creditor)\
                <RmtInf><Ustrd>Invoice \(transfer.endToEndId)</Ustrd></RmtInf></CdtTrfTxInf>
                """
        }
        let debtorAccount = debtor.map { "<DbtrAcct><Id>\(accountId($0))</Id></DbtrAcct>" } ?? ""
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Document xmlns="urn:iso:std:iso:20022:tech:xsd:\(version)"><CstmrCdtTrfInitn>\
            <GrpHdr>\(header)</GrpHdr>\
            <PmtInf><PmtInfId>\(paymentInfoId)</PmtInfId><PmtMtd>TRF</PmtMtd>\(date)\
            <Dbtr><Nm>ACME GmbH</Nm></Dbtr>\(debtorAccount)\
            <DbtrAgt><FinInstnId><\(bicElement)>COBADEFFXXX</\(bicElement)></FinInstnId></DbtrAgt>\(body)</PmtInf>\
            </CstmrCdtTrfInitn></Document>
            """
        return Array(xml.utf8)
    }

    private static func accountId(_ number: String) -> String {
        IBAN.looksLikeIBAN(number) ? "<IBAN>\(number)</IBAN>" : "<Othr><Id>\(number)</Id></Othr>"
    }
}

/// What a pain.002 says, read for assertions.
struct ReadReport {
    struct Line: Equatable {
        var status: String
        var reason: String?
    }

    var originalMessageId: String
    var groupStatus: String
    var groupReason: String?
    /// Transfer lines by `OrgnlEndToEndId`.
    var lines: [String: Line]
    var paymentInfoStatuses: [String]

    init(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) throws {
        let root = try HardenedXML.parse(bytes, maxBytes: 1 << 26)
        XCTAssertEqual(root.namespaceURI, "urn:iso:std:iso:20022:tech:xsd:pain.002.001.10", file: file, line: line)
        let report = try XCTUnwrap(root.child("CstmrPmtStsRpt"), file: file, line: line)
        let group = try XCTUnwrap(report.child("OrgnlGrpInfAndSts"), file: file, line: line)
        originalMessageId = group.child("OrgnlMsgId")?.trimmedText ?? ""
        groupStatus = group.child("GrpSts")?.trimmedText ?? ""
        groupReason = Self.reason(group.child("StsRsnInf"))
        var lines: [String: Line] = [:]
        var statuses: [String] = []
        for info in report.children("OrgnlPmtInfAndSts") {
            statuses.append(info.child("PmtInfSts")?.trimmedText ?? "")
            for tx in info.children("TxInfAndSts") {
                lines[tx.child("OrgnlEndToEndId")?.trimmedText ?? ""] = Line(
                    status: tx.child("TxSts")?.trimmedText ?? "", reason: Self.reason(tx.child("StsRsnInf")))
            }
        }
        self.lines = lines
        paymentInfoStatuses = statuses
    }

    private static func reason(_ node: XMLNode?) -> String? {
        guard let reason = node?.child("Rsn") else { return nil }
        return (reason.child("Cd") ?? reason.child("Prtry"))?.trimmedText
    }
}

/// A fresh temporary directory, removed at the end of the test.
func makeTemporaryDirectory(_ testCase: XCTestCase) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-sim-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    testCase.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url.path
}

/// A logger that prints nothing.
let quietLogger: Logger = {
    var logger = Logger(label: "bank-sim-test", factory: { _ in SwiftLogNoOpLogHandler() })
    logger.logLevel = .critical
    return logger
}()

/// The account list most rule tests use.
let ruleAccounts: [SimulatedAccount] = [
    SimulatedAccount(number: TestAccounts.debtor, balance: Money(minorUnits: 100_000, currency: Currency(code: "EUR")!),
                     status: .open),
    SimulatedAccount(number: TestAccounts.creditor, balance: Money(minorUnits: 0, currency: Currency(code: "EUR")!),
                     status: .open),
    SimulatedAccount(number: TestAccounts.closed, balance: Money(minorUnits: 500_000, currency: Currency(code: "EUR")!),
                     status: .closed),
    SimulatedAccount(number: TestAccounts.blocked, balance: Money(minorUnits: 500_000, currency: Currency(code: "EUR")!),
                     status: .blocked),
]

/// Where the simulator tests' manual clocks start: 2026-11-22T23:33:20Z, a fixed instant, so
/// statements and ledgers come out the same on any day.
enum SimulatorTestTime {
    static let start: Int64 = 1_795_400_000_000
}

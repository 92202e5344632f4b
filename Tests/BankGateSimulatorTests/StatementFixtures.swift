import BankGateCore
import BankGateStatements
import XCTest
@testable import BankGateSimulator
import BankGateTestSupport

/// Builds camt.060 account reporting requests by hand, as the gateway is expected to send them.
enum Camt060Fixture {
    static func document(messageId: String = "REQ-1", message: String = "camt.053.001.08",
                         account: String = TestAccounts.debtor, from: String?, to: String?,
                         prologue: String = "") -> [UInt8] {
        let accountId = IBAN.looksLikeIBAN(account) ? "<IBAN>\(account)</IBAN>" : "<Othr><Id>\(account)</Id></Othr>"
        var period = ""
        if let from { period += "<FrDt>\(from)</FrDt>" }
        if let to { period += "<ToDt>\(to)</ToDt>" }
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>\(prologue)
            <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.060.001.05"><AcctRptgReq>\
            <GrpHdr><MsgId>\(messageId)</MsgId><CreDtTm>2026-11-26T06:00:00Z</CreDtTm></GrpHdr>\
            <RptgReq><Id>\(messageId)-1</Id><ReqdMsgNmId>\(message)</ReqdMsgNmId>\
            <Acct><Id>\(accountId)</Id></Acct>\
            <AcctOwnr><Pty><Nm>ACME GmbH</Nm></Pty></AcctOwnr>\
            <RptgPrd><FrToDt>\(period)</FrToDt><FrToTm><FrTm>00:00:00</FrTm><ToTm>23:59:59</ToTm></FrToTm>\
            <Tp>ALLL</Tp></RptgPrd></RptgReq>\
            </AcctRptgReq></Document>
            """
        return Array(xml.utf8)
    }
}

/// Collects what a statement parser reads: each statement's header, entries and summary.
struct CollectedStatement {
    var header: StatementHeader
    var transactions: [StatementTransaction] = []
    var summary: StatementSummary?

    var debits: [StatementTransaction] { transactions.filter { $0.creditDebit == .debit } }
    var credits: [StatementTransaction] { transactions.filter { $0.creditDebit == .credit } }
    var opening: Int64? { header.openingBalance?.amount.minorUnits }
    var closing: Int64? { header.closingBalance?.amount.minorUnits }
}

struct StatementCollector: StatementVisitor {
    var statements: [CollectedStatement] = []

    mutating func beginStatement(_ header: StatementHeader) throws {
        statements.append(CollectedStatement(header: header))
    }

    mutating func transaction(_ transaction: StatementTransaction) throws {
        statements[statements.count - 1].transactions.append(transaction)
    }

    mutating func endStatement(_ header: StatementHeader, summary: StatementSummary) throws {
        statements[statements.count - 1].header = header
        statements[statements.count - 1].summary = summary
    }

    /// Parses `bytes` (camt or MT940, detected) into statements.
    static func read(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) throws -> [CollectedStatement] {
        var collector = StatementCollector()
        try StatementParser.parse(bytes: bytes, visitor: &collector)
        return collector.statements
    }
}

/// A simulated bank on a manual clock with a debtor (50,000.00 EUR) and an on-us creditor (0.00 EUR).
struct StatementScenario {
    static let eur = Currency(code: "EUR")!
    static let accounts = [
        SimulatedAccount(number: TestAccounts.debtor, balance: Money(minorUnits: 5_000_000, currency: eur), status: .open),
        SimulatedAccount(number: TestAccounts.creditor, balance: Money(minorUnits: 0, currency: eur), status: .open),
    ]
    /// The manual clock's first day, the epoch of a fresh ledger.
    static let day1 = "2026-11-23"
    static let day2 = "2026-11-24"
    static let day3 = "2026-11-25"
    static let day4 = "2026-11-26"

    let bank: SimulatedBank
    let clock: ManualClock
    let directory: String

    static func open(_ testCase: XCTestCase, faults: FaultSettings, clock: ManualClock = ManualClock(SimulatorTestTime.start),
                     directory: String? = nil) async throws -> StatementScenario {
        let directory = try directory ?? makeTemporaryDirectory(testCase)
        let bank = try await SimulatedBank.open(dataDirectory: directory, accounts: accounts, faults: faults, clock: clock,
                                                logger: quietLogger)
        return StatementScenario(bank: bank, clock: clock, directory: directory)
    }

    /// Pays one message and checks every transfer was executed.
    func pay(_ messageId: String, _ transfers: [TestTransfer], file: StaticString = #filePath,
             line: UInt = #line) async throws {
        let answer = await bank.receivePayment(Pain001Fixture.document(messageId: messageId, transfers: transfers,
                                                                       paymentInfoId: messageId + "-P"))
        XCTAssertEqual(answer.httpStatus, 200, file: file, line: line)
        XCTAssertEqual(try ReadReport(answer.body).groupStatus, "ACSC", file: file, line: line)
    }

    func nextDay() { clock.advance(milliseconds: 86_400_000) }

    /// Three days of payments: day 1 two (one on us, one with an InstrId), day 2 one, day 3 one; the clock
    /// then stands on day 4.
    func payOverThreeDays() async throws {
        try await pay("MSG-1", [TestTransfer(endToEndId: "E-1", amount: "100.00"),
                                TestTransfer(endToEndId: "E-2", amount: "250.50", instructionId: "I-2")])
        nextDay()
        try await pay("MSG-2", [TestTransfer(endToEndId: "E-3", amount: "75.25", creditor: TestAccounts.otherCreditor)])
        nextDay()
        try await pay("MSG-3", [TestTransfer(endToEndId: "E-4", amount: "10.00", creditor: TestAccounts.otherCreditor)])
        nextDay()
    }

    /// Sends a camt.060 and returns the answer.
    func request(_ message: String = "camt.053.001.08", account: String = TestAccounts.debtor, from: String,
                 to: String) async -> BankAnswer {
        await bank.answerReportRequest(Camt060Fixture.document(message: message, account: account, from: from, to: to))
    }

    /// Sends a camt.060 that must be answered 200, and parses the answer.
    func statements(_ message: String = "camt.053.001.08", account: String = TestAccounts.debtor, from: String,
                    to: String, file: StaticString = #filePath, line: UInt = #line) async throws -> [CollectedStatement] {
        let answer = await request(message, account: account, from: from, to: to)
        XCTAssertEqual(answer.httpStatus, 200, String(decoding: answer.body, as: UTF8.self), file: file, line: line)
        return try StatementCollector.read(answer.body, file: file, line: line)
    }
}

/// Asserts each statement adds up and the balances chain from one to the next.
func assertChained(_ statements: [CollectedStatement], file: StaticString = #filePath, line: UInt = #line) {
    for (index, statement) in statements.enumerated() {
        XCTAssertEqual(statement.summary?.integrity, .consistent, statement.header.statementId, file: file, line: line)
        if index > 0 {
            XCTAssertEqual(statement.opening, statements[index - 1].closing,
                           "opening of \(statement.header.statementId)", file: file, line: line)
            XCTAssertEqual(statement.header.electronicSequence, (statements[index - 1].header.electronicSequence ?? 0) + 1,
                           file: file, line: line)
        }
    }
}

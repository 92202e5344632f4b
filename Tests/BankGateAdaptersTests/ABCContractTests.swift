import BankGateAdapters
import BankGateConfig
import BankGateCore
import BankGateStatements
import XCTest

/// ABC through the engine's contract: the `CQRA10` answer names a detail file the engine fetches
/// and hands back (``DetailFileAdapter``), `CQRA06` gives balances, and a payroll is a data file
/// uploaded before its `CFRT03` (``PayrollFileAdapter``), asked about by the batch's `ReqSeqNo`.
final class ABCContractTests: XCTestCase {
    private typealias Fixtures = ABCFixtures

    func testTheQueryAnswerNamesTheFileAndTheFileGivesTheEntries() throws {
        let adapter = Fixtures.adapter
        let page = try adapter.decodeTransactionQueryPage(try Fixtures.sample("cqra10-answer.dat"), account: Fixtures.debtor,
                                                          statementId: "PULL-1")
        XCTAssertEqual(page.detailFile, "TBANK.2594.6612502044205888.67206909794815381504-D-017")
        XCTAssertEqual(page.transactions, [])
        XCTAssertNil(page.continuation, "ContFlag 0: nothing more to ask for")
        let read = try adapter.decodeDetailFile(try Fixtures.sample("cqra10-detail.txt"), listedIn: page, account: Fixtures.debtor,
                                                statementId: "PULL-1")
        XCTAssertEqual(read.transactions.map(\.signedMinorUnits), [-1_234_567, 200_000, -1_000])
        XCTAssertEqual(read.transactions.first?.instructionId, "BGI20261123000001")
        XCTAssertEqual(Set(read.transactions.map(\.statementId)), ["PULL-1"])
        XCTAssertNil(read.continuation)
        XCTAssertNil(read.detailFile)
    }

    func testMoreDetailsContinueAfterTheFilesLastLine() throws {
        let adapter = Fixtures.adapter
        let more = TransactionQueryPage(transactions: [], continuation: "ContFlag=1",
                                        detailFile: "D-1")
        let read = try adapter.decodeDetailFile(try Fixtures.sample("cqra10-detail.txt"), listedIn: more, account: Fixtures.debtor,
                                                statementId: "PULL-2")
        XCTAssertEqual(read.continuation, "20261124080000000001|11223350")
        // The continuation asks after that position: the incremental request of the golden files.
        let next = try adapter.encodeTransactionQuery(account: Fixtures.debtor, fromDate: "2026-11-23", toDate: "2026-11-24",
                                                      continuation: "20261123153000123456|11223344", queryId: "Q20261124000004",
                                                      createdAt: Fixtures.queriedAt)
        XCTAssertTrue(next.bytes == (try Fixtures.sample("cqra10-request-incremental.dat")))
        XCTAssertThrowsError(try adapter.encodeTransactionQuery(account: Fixtures.debtor, fromDate: "2026-11-23", toDate: "2026-11-24",
                                                                continuation: "no position", queryId: "Q5", createdAt: Fixtures.queriedAt))
        // The bank says there is more, yet the file is empty: there is nothing to continue from.
        XCTAssertThrowsError(try adapter.decodeDetailFile([], listedIn: more, account: Fixtures.debtor, statementId: "PULL-2"))
    }

    func testAnAnswerWithoutAFileHasNoEntries() throws {
        let answer = try Fixtures.sample("cqra10-answer.dat")
        let text = try ChineseTextEncoding.gb18030.decode(Array(answer.dropFirst(7)), field: "answer")
            .replacingOccurrences(of: "TBANK.2594.6612502044205888.67206909794815381504-D-017", with: "")
        let page = try Fixtures.adapter.decodeTransactionQueryPage(try Fixtures.adapter.frame(try ChineseTextEncoding.gbk.encode(text, field: "t")),
                                                                   account: Fixtures.debtor, statementId: "PULL-3")
        XCTAssertNil(page.detailFile)
        XCTAssertEqual(page.transactions, [])
        XCTAssertThrowsError(try Fixtures.adapter.decodeTransactionQueryPage(try Fixtures.sample("cqra06-answer-refused.dat"),
                                                                             account: Fixtures.debtor, statementId: "PULL-3"))
    }

    func testBalancesForTheStatementModel() throws {
        let adapter: any AccountQueryAdapter = Fixtures.adapter
        XCTAssertEqual(try adapter.decodeBalanceAnswer(try Fixtures.sample("cqra06-answer.dat"), account: Fixtures.debtor, asOf: "2026-11-24"), [
            StatementBalance(type: "ITBD", amount: Money(minorUnits: 148_765_433, currency: Fixtures.cny), date: "2026-11-24"),
            StatementBalance(type: "ITAV", amount: Money(minorUnits: 146_765_433, currency: Fixtures.cny), date: "2026-11-24"),
        ])
        let request = try adapter.encodeBalanceQuery(account: Fixtures.debtor, queryId: "Q20261124000002", createdAt: Fixtures.queriedAt)
        XCTAssertTrue(request.bytes == (try Fixtures.sample("cqra06-request.dat")))
        var other = Fixtures.debtor
        other.number = "110101040067890"
        XCTAssertThrowsError(try adapter.decodeBalanceAnswer(try Fixtures.sample("cqra06-answer.dat"), account: other, asOf: "2026-11-24"),
                             "an answer about another account")
    }

    func testAPayrollIsItsFileThenItsRequest() throws {
        let adapter: any PayrollFileAdapter = Fixtures.adapter
        XCTAssertEqual(adapter.payrollMessageKind, "ABC.CFRT03")
        let message = Fixtures.message(Fixtures.payrollTransfers())
        let file = try adapter.payrollFile(for: message)
        XCTAssertTrue(file.bytes == (try Fixtures.sample("cfrt03-payroll-file.txt")))
        XCTAssertEqual(file.fileName, "BGM20261123000001.1101020304050607_0001.20261123")
        let request = try adapter.encodePayroll(message)
        XCTAssertTrue(request.bytes == (try Fixtures.sample("cfrt03-request-payroll.dat")))
        XCTAssertTrue(request.bytes.firstRange(of: Array(file.fileName.utf8)) != nil, "the request names the file")
        // A resend is byte-identical: the same file under the same name.
        XCTAssertEqual(try adapter.payrollFile(for: message), file)
    }

    func testAPayrollLineIsCheckedAtIntakeNamingTheField() {
        let adapter = Fixtures.adapter
        var transfers = Fixtures.payrollTransfers()
        XCTAssertNil(adapter.payrollProblem(transfers, debtor: Fixtures.debtor)?.problem)
        transfers[1].creditor.name = "李四😀"
        let problem = adapter.payrollProblem(transfers, debtor: Fixtures.debtor)
        XCTAssertEqual(problem?.line, 1)
        XCTAssertEqual(problem?.problem.field, "creditor.name")
        transfers[1].creditor.name = "李四"
        transfers[0].remittanceInfo = String(repeating: "工", count: 16)
        XCTAssertEqual(adapter.payrollProblem(transfers, debtor: Fixtures.debtor)?.problem.field, "remittance_info",
                       "the note column is 30 bytes of GBK")
    }

    func testAPayrollsAnswerAndStatusAreTheBatchs() throws {
        let adapter = Fixtures.adapter
        let report = try adapter.decodePaymentAnswer(try Fixtures.sample("cfrt03-answer-completed.dat"), sentMessageId: "BGM20261123000001")
        XCTAssertEqual(report.groupOutcome?.status, .completed, "the batch's outcome is every line's")
        XCTAssertEqual(report.transactions, [])
        let transfers = Fixtures.payrollTransfers().map { SentTransfer(instructionId: $0.instructionId, endToEndId: $0.endToEndId) }
        let query = StatusQuery(originalMessageId: "BGM20261123000001", originalKind: "ABC.CFRT03", queryId: "Q20261124000005",
                                createdAt: Fixtures.queriedAt, firstSentAt: Fixtures.createdAt, debtor: Fixtures.debtor,
                                transfers: transfers)
        XCTAssertTrue(try adapter.encodeStatusQuery(query).bytes == (try Fixtures.sample("cqrt04-request-payroll.dat")),
                      "CQRT04 names the batch's ReqSeqNo")
        guard case .report(let status) = adapter.interpretStatusQueryAnswer(
            httpStatus: 200, body: try Fixtures.sample("cqrt04-answer-payroll-rejected.dat"), query: query) else {
            return XCTFail("a CQRT04 answer about the batch is a report")
        }
        XCTAssertEqual(status.groupOutcome?.status, .rejected)
        XCTAssertEqual(status.groupOutcome?.reasonText, "账户已销户")
        // An answer about a transfer, not the batch, settles nothing.
        guard case .inconclusive = adapter.interpretStatusQueryAnswer(
            httpStatus: 200, body: try Fixtures.sample("cqrt04-answer-rejected.dat"), query: query) else {
            return XCTFail("an answer about another reference is inconclusive")
        }
    }

    func testTheFileTransferKeysAreOneOrTheOther() throws {
        func make(_ options: [String: String]) throws -> ABCAdapter {
            var bank = BankConfig(id: "abc", adapter: "abc", transport: .tcp(host: "127.0.0.1", port: 1))
            bank.adapterOptions = ["corporate_no": "1", "operator_no": "2"].merging(options) { $1 }
            var account = AccountConfig(id: "a", bank: "abc", number: "110101040012345", bankCode: "103100000026", name: "x",
                                        currency: Fixtures.cny)
            account.adapterOptions = ["province_code": "11"]
            return try ABCAdapter.make(bank: bank, accounts: [account], environment: [:])
        }
        XCTAssertNoThrow(try make(["file_transfer": "ftp://127.0.0.1:2121/", "file_user": "u", "file_password_env": "P"]))
        XCTAssertNoThrow(try make(["file_directory": "/srv/abc"]))
        XCTAssertThrowsError(try make(["file_transfer": "ftp://127.0.0.1:2121/", "file_directory": "/srv/abc"]))
        XCTAssertThrowsError(try make(["file_directory": "/srv/abc", "file_user": "u"]))
        // Without either, payments still go, but a payroll (its file uploaded first) is refused at intake.
        XCTAssertNil(try make(["file_directory": "/srv/abc"]).payrollUnavailableReason)
        XCTAssertTrue(try make([:]).payrollUnavailableReason?.contains("file_transfer or file_directory") == true)
        let keys = ABCAdapter.configurationKeys.bankKeys.map(\.name)
        XCTAssertTrue(Set(["file_transfer", "file_user", "file_password_env", "file_directory"]).isSubset(of: keys))
    }
}

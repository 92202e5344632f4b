import BankGateAdapters
import BankGateCore
import Foundation
import XCTest

/// CMB payroll: `AgentRequest` and `NTAGCQRI` against their golden files, the batch's answers and
/// per-line results tied to the transfers, and the lines refused at intake with the API field named.
final class CMBPayrollTests: XCTestCase {
    private typealias Fixtures = CMBFixtures
    private struct NotAReport: Error {}
    private let sentAt = Timestamp.parseDate("2026-11-23")!.adding(milliseconds: 9_000_000)
    private static let batchId = "BGM20261123000010"
    /// Gateway instruction ids: `BGI` and 20 characters, of which `TRSDSP` carries the 20.
    private static let lineIds = ["BGI1M8XWD5PSG35J20B5V11", "BGI1M8XWD5PSG35J20B5V12"]

    /// 8 500.00 to 张三 at CMB.
    static func sameBankLine() -> CreditTransfer {
        CreditTransfer(paymentId: "pay-11", instructionId: lineIds[0], endToEndId: "SAL-2026-11-001",
                       amount: Money(minorUnits: 850_000, currency: Fixtures.cny),
                       creditor: Party(name: "张三", account: "6225880212345678", bankCode: "308584000013"),
                       remittanceInfo: nil, details: TransferDetails(purpose: "11月工资", sameBank: true))
    }

    /// 9 200.50 to 李四 at ICBC 深圳分行.
    static func otherBankLine() -> CreditTransfer {
        CreditTransfer(paymentId: "pay-12", instructionId: lineIds[1], endToEndId: "SAL-2026-11-002",
                       amount: Money(minorUnits: 920_050, currency: Fixtures.cny),
                       creditor: Party(name: "李四", account: "6222021001234567890", bankCode: "102584000002",
                                       bankName: "中国工商银行", bankBranch: "深圳分行",
                                       address: PostalAddress(town: "深圳市", country: "CN")),
                       remittanceInfo: nil, details: TransferDetails(purpose: "11月工资", sameBank: false))
    }

    private func query() -> StatusQuery {
        StatusQuery(originalMessageId: Self.batchId, originalKind: "CMB.AgentRequest", queryId: "BGQ-1", createdAt: sentAt,
                    firstSentAt: sentAt, debtor: Fixtures.debtor,
                    transfers: Self.lineIds.map { SentTransfer(instructionId: $0, endToEndId: "E2E-\($0)") })
    }

    private func report(_ file: String) throws -> StatusReport {
        let adapter: any BankAdapter = Fixtures.adapter
        guard case .report(let report) = adapter.interpretStatusQueryAnswer(httpStatus: 200, body: try Fixtures.sample(file),
                                                                            query: query()) else {
            XCTFail("\(file): expected a report")
            throw NotAReport()
        }
        return report
    }

    /// The golden files were written by hand in UTF-8 and converted with `iconv -t GBK`.
    func testTheBatchAndItsQueryEqualTheGoldenFiles() throws {
        let adapter = Fixtures.adapter
        let encoded = try adapter.encodePayroll(Fixtures.message([Self.sameBankLine(), Self.otherBankLine()], id: Self.batchId))
        XCTAssertTrue(encoded.bytes == (try Fixtures.sample("agentrequest-request.xml")), "agentrequest-request.xml differs")
        XCTAssertEqual(encoded.kind, "CMB.AgentRequest")
        XCTAssertEqual(encoded.fileName, "AgentRequest-\(Self.batchId).xml")
        // Asked about by the batch's YURREF, once, whatever CMB's per-transfer scope for payments.
        let status = try (adapter as any BankAdapter).encodeStatusQuery(query())
        XCTAssertTrue(status.bytes == (try Fixtures.sample("ntagcqri-request.xml")), "ntagcqri-request.xml differs")
        XCTAssertEqual(status.kind, "CMB.NTAGCQRI")
    }

    func testTheAnswerToTheBatchIsAGroupReportAboutIt() throws {
        let adapter: any BankAdapter = Fixtures.adapter
        let received = try Fixtures.sample("agentrequest-answer-received.xml")
        XCTAssertEqual(adapter.disposition(httpStatus: 200, body: received), .report)
        let report = try adapter.decodePaymentAnswer(received, sentMessageId: Self.batchId)
        XCTAssertEqual(report.originalMessageId, Self.batchId)
        XCTAssertEqual(report.groupOutcome?.status, .processing, "RSV50Z BNK: 银行处理中")
        XCTAssertEqual(report.groupStatus, "BNK")
        XCTAssertTrue(report.transactions.isEmpty)
        guard case .received(let requestNumber, _) = Fixtures.adapter.decodePayrollAnswer(received) else {
            return XCTFail("expected the batch received")
        }
        XCTAssertEqual(requestNumber, "0099956249")
        // A failing RETCOD (as a duplicate YURREF is assumed to be answered) proves nothing: ask.
        let duplicate = try Fixtures.sample("agentrequest-answer-duplicate.xml")
        guard case .unknown = adapter.disposition(httpStatus: 200, body: duplicate) else {
            return XCTFail("a duplicate batch must be asked about")
        }
        guard case .unknown = adapter.disposition(httpStatus: 502, body: received) else { return XCTFail("HTTP 502 is unknown") }
    }

    func testACompletedBatchCompletesEveryLineByItsOwnResult() throws {
        let report = try report("ntagcqri-answer-completed.xml")
        XCTAssertEqual(report.originalMessageId, Self.batchId)
        XCTAssertEqual(report.groupStatus, "FIN/S")
        XCTAssertEqual(report.groupOutcome?.status, .completed)
        XCTAssertEqual(report.transactions.map(\.instructionId), Self.lineIds)
        XCTAssertEqual(report.transactions.map(\.status), [.completed, .completed])
    }

    func testAPartlyPaidBatchRejectsOnlyTheFailedLine() throws {
        let report = try report("ntagcqri-answer-partial.xml")
        XCTAssertEqual(report.groupStatus, "FIN/S/P")
        XCTAssertNil(report.groupOutcome, "a partly paid batch says nothing of lines it does not list")
        XCTAssertEqual(report.outcome(endToEndId: "x", instructionId: Self.lineIds[0])?.status, .completed)
        let failed = try XCTUnwrap(report.outcome(endToEndId: "x", instructionId: Self.lineIds[1]))
        XCTAssertEqual(failed.status, .rejected)
        XCTAssertEqual(failed.reasonCode, "CMB1003")
        XCTAssertEqual(failed.reasonText, "CMB1003 客户名失配")
    }

    func testAFailedBatchRejectsEveryLineAndAProcessingOneKeepsThemOpen() throws {
        let failed = try report("ntagcqri-answer-failed.xml")
        XCTAssertEqual(failed.groupOutcome?.status, .rejected)
        XCTAssertEqual(failed.groupOutcome?.reasonText, "无一笔成功入账")
        XCTAssertEqual(failed.outcome(endToEndId: "x", instructionId: Self.lineIds[1])?.status, .rejected)
        let processing = try report("ntagcqri-answer-processing.xml")
        XCTAssertEqual(processing.groupOutcome?.status, .processing)
        XCTAssertTrue(processing.transactions.isEmpty)
    }

    func testAnAnswerWithoutTheBatchIsNotReceivedAndOtherFailuresAreInconclusive() throws {
        let adapter: any BankAdapter = Fixtures.adapter
        XCTAssertEqual(adapter.interpretStatusQueryAnswer(httpStatus: 200, body: try Fixtures.sample("ntagcqri-answer-none.xml"),
                                                          query: query()), .notReceived)
        var other = query()
        other.originalMessageId = "BGM-OTHER"
        XCTAssertEqual(adapter.interpretStatusQueryAnswer(httpStatus: 200, body: try Fixtures.sample("ntagcqri-answer-completed.xml"),
                                                          query: other), .inconclusive("the answer lists lines but no summary of BGM-OTHER"))
        guard case .inconclusive = adapter.interpretStatusQueryAnswer(httpStatus: 200, body: try Fixtures.sample("dcpaymnt-answer-not-logged-in.xml"),
                                                                      query: query()) else {
            return XCTFail("RETCOD -4 settles nothing")
        }
        guard case .inconclusive = adapter.interpretStatusQueryAnswer(httpStatus: 200, body: try Fixtures.sample("dcpaymnt-answer-malformed.xml"),
                                                                      query: query()) else {
            return XCTFail("an unreadable answer settles nothing")
        }
    }

    func testLinesWithoutOurReferenceAreTiedByPositionOnlyWhenTheBatchIsWhole() throws {
        let text = try ChineseTextEncoding.gbk.decode(try Fixtures.sample("ntagcqri-answer-partial.xml"), field: "answer")
        // The same answer without TRSDSP: the lines are told apart by TRXSEQ, the batch having 2 lines.
        let stripped = Array(text.replacingOccurrences(of: "<TRSDSP>1M8XWD5PSG35J20B5V11</TRSDSP>", with: "")
            .replacingOccurrences(of: "<TRSDSP>1M8XWD5PSG35J20B5V12</TRSDSP>", with: "")
            .replacingOccurrences(of: "encoding=\"GBK\"", with: "encoding=\"UTF-8\"").utf8)
        let whole = try XCTUnwrap(try Fixtures.adapter.decodePayrollStatusAnswer(stripped, reference: Self.batchId,
                                                                                  instructionIds: Self.lineIds))
        XCTAssertEqual(whole.lines.map(\.instructionId), Self.lineIds)
        XCTAssertEqual(whole.lines.map(\.status), [.completed, .rejected])
        XCTAssertTrue(whole.isPartial)
        // Asked about one line of three (the batch is not what was written): positions prove nothing.
        let partial = try XCTUnwrap(try Fixtures.adapter.decodePayrollStatusAnswer(stripped, reference: Self.batchId,
                                                                                    instructionIds: [Self.lineIds[0]]))
        XCTAssertTrue(partial.lines.isEmpty)
    }

    func testLinesThePayrollCannotCarryAreRefusedNamingTheLineAndField() throws {
        let adapter = Fixtures.adapter
        var remittance = Self.sameBankLine()
        remittance.remittanceInfo = "奖金"
        XCTAssertEqual(adapter.payrollProblem([Self.sameBankLine(), remittance], debtor: Fixtures.debtor)?.line, 1)
        XCTAssertEqual(adapter.payrollProblem([remittance], debtor: Fixtures.debtor)?.problem.field, "remittance_info")
        var noCity = Self.otherBankLine()
        noCity.creditor.address = nil
        XCTAssertEqual(adapter.payrollProblem([noCity], debtor: Fixtures.debtor)?.problem.field, "creditor.address.town")
        var otherPurpose = Self.otherBankLine()
        otherPurpose.details.purpose = "奖金"
        let mixed = try XCTUnwrap(adapter.payrollProblem([Self.sameBankLine(), otherPurpose], debtor: Fixtures.debtor))
        XCTAssertEqual(mixed.line, 1)
        XCTAssertEqual(mixed.problem.field, "purpose")
        var emoji = Self.sameBankLine()
        emoji.creditor.name = "张三😀"
        XCTAssertEqual(adapter.payrollProblem([emoji], debtor: Fixtures.debtor)?.problem.field, "creditor.name")
        XCTAssertNil(adapter.payrollProblem([Self.sameBankLine(), Self.otherBankLine()], debtor: Fixtures.debtor))
        // No purpose at all: the batch's MEMO is 代发工资.
        var none = Self.sameBankLine()
        none.details.purpose = nil
        let encoded = try adapter.encodePayroll(Fixtures.message([none]))
        XCTAssertEqual(try ChineseTextEncoding.gbk.decode(encoded.bytes, field: "x").contains("<MEMO>代发工资</MEMO>"), true)
    }
}

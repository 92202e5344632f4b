import BankGateAdapters
import BankGateCore
import XCTest
@testable import BankGateSimulator
import BankGateTestSupport

/// The CMB profile's payroll, driven the way the gateway drives it: `CMBAdapter` writes `AgentRequest`
/// and `NTAGCQRI`, the simulator executes and answers, `CMBAdapter` reads.
final class CMBPayrollProfileTests: XCTestCase {
    private static let profile = CMBProfile()
    private static let adapter = CMBAdapter(loginName: CMBProfile.defaultLoginName, branchCodes: ["755912345610001": "75"])
    private static let cny = Currency(code: "CNY")!
    private static let closed = "6200000000009999"
    private static let debtor = DebtorAccount(id: "acc-sz", bankId: "cmb-sim", number: "755912345610001",
                                              bankCode: CMBProfile.bankCode, name: "深圳示例科技有限公司", currency: cny)

    private func openBank() async throws -> SimulatedBank {
        try await SimulatedBank.open(
            dataDirectory: makeTemporaryDirectory(self), accounts: nil,
            openAccounts: Self.profile.accounts.map(\.simulatedAccount)
                + [SimulatedAccount(number: Self.closed, balance: Money(minorUnits: 0, currency: Self.cny), status: .closed)],
            faults: FaultSettings(seed: 1), profile: "cmb", clock: ManualClock(SimulatorTestTime.start), logger: quietLogger)
    }

    private static func line(_ reference: String, _ account: String, minorUnits: Int64) -> CreditTransfer {
        CreditTransfer(paymentId: "p-" + reference, instructionId: reference, endToEndId: "E-" + reference,
                       amount: Money(minorUnits: minorUnits, currency: cny),
                       creditor: Party(name: "张三", account: account, bankCode: CMBProfile.bankCode),
                       remittanceInfo: nil, details: TransferDetails(purpose: "11月工资", sameBank: true))
    }

    private static let lines = [line("BGI-P1", "6225880212340001", minorUnits: 850_000),
                                line("BGI-P2", closed, minorUnits: 10_000),
                                line("BGI-P3", "6225880212340003", minorUnits: 730_025)]

    private static func batch(_ id: String) throws -> [UInt8] {
        try adapter.encodePayroll(PaymentMessage(
            messageId: id, paymentInfoId: id + "-1", createdAt: Timestamp(milliseconds: SimulatorTestTime.start),
            requestedExecutionDate: "2026-11-23", debtor: debtor, initiatingPartyName: debtor.name, transfers: lines)).bytes
    }

    private func query(_ id: String) -> StatusQuery {
        let now = Timestamp(milliseconds: SimulatorTestTime.start)
        return StatusQuery(originalMessageId: id, originalKind: "CMB.AgentRequest", queryId: "Q", createdAt: now, firstSentAt: now,
                           transfers: Self.lines.map { SentTransfer(instructionId: $0.instructionId, endToEndId: $0.endToEndId) })
    }

    func testABatchIsPaidLineByLineOnceAndItsResultAnsweredPerLine() async throws {
        let bank = try await openBank()
        defer { bank.close() }
        let first = await bank.receiveCMB(try Self.batch("BGM-PAY-1"), profile: Self.profile)
        guard case .received(let requestNumber, let outcome) = Self.adapter.decodePayrollAnswer(first.body) else {
            return XCTFail("the batch was not taken: \(Self.adapter.decodePayrollAnswer(first.body))")
        }
        XCTAssertNotNil(requestNumber)
        XCTAssertEqual(outcome.status, .processing)
        // Two lines paid, the closed account's refused: each line once in the ledger, as <YURREF>/<n>.
        let ledger = try await bank.transfers()
        XCTAssertEqual(ledger.map(\.endToEndId).sorted(), ["BGM-PAY-1/1", "BGM-PAY-1/3"])
        XCTAssertEqual(ledger.compactMap(\.instructionId).sorted(), ["BGI-P1", "BGI-P3"])

        // The same YURREF again: nothing paid, the answer proves nothing (the gateway asks).
        let again = await bank.receiveCMB(try Self.batch("BGM-PAY-1"), profile: Self.profile)
        guard case .unknown = Self.adapter.decodePayrollAnswer(again.body) else {
            return XCTFail("a duplicate batch must not look taken: \(Self.adapter.decodePayrollAnswer(again.body))")
        }
        let after = try await bank.transfers()
        XCTAssertEqual(after.count, 2, "executed once")

        // NTAGCQRI: partly paid, each line its own.
        let status = await bank.receiveCMB(try Self.adapter.encodePayrollStatusQuery(reference: "BGM-PAY-1").bytes, profile: Self.profile)
        guard case .report(let report) = Self.adapter.interpretStatusQueryAnswer(httpStatus: status.httpStatus, body: status.body,
                                                                                 query: query("BGM-PAY-1")) else {
            return XCTFail("expected a report")
        }
        XCTAssertEqual(report.groupStatus, "FIN/S/P")
        XCTAssertNil(report.groupOutcome)
        XCTAssertEqual(report.transactions.map(\.status), [.completed, .rejected, .completed])
        XCTAssertEqual(report.transactions[1].reasonCode, "SIMAC04")

        // A YURREF never received: "not received".
        let none = await bank.receiveCMB(try Self.adapter.encodePayrollStatusQuery(reference: "BGM-NEVER").bytes, profile: Self.profile)
        XCTAssertEqual(Self.adapter.interpretStatusQueryAnswer(httpStatus: none.httpStatus, body: none.body, query: query("BGM-NEVER")),
                       .notReceived)
    }
}

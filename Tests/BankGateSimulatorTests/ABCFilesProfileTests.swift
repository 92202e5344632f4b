import BankGateAdapters
import BankGateCore
import Foundation
import XCTest
@testable import BankGateSimulator
import BankGateTestSupport

/// The ABC profile's requests that go with a file in the client's folder, driven as the gateway
/// drives them: `CQRA10` leaves a detail file that `ABCAdapter` reads, `CFRT03` reads the payroll
/// file `ABCAdapter` wrote.
final class ABCFilesProfileTests: XCTestCase {
    private static let beijing = "110101040012345"
    private static let adapter = ABCAdapter(corporateNumber: ABCProfile.defaultCorporateNumber,
                                            operatorNumber: ABCProfile.defaultOperatorNumber,
                                            provinceCodes: [beijing: "11", "033901040067890": "03"])
    private static let cny = Currency(code: "CNY")!
    private static let now = Timestamp(milliseconds: SimulatorTestTime.start)
    /// The China date of the simulator's clock, `YYYY-MM-DD`.
    private static var today: String {
        let compact = CMBBankCodec.chinaDate(now)
        return "\(compact.prefix(4))-\(compact.dropFirst(4).prefix(2))-\(compact.suffix(2))"
    }

    private var folder = ""
    private var profile = ABCProfile()

    private func openBank() async throws -> SimulatedBank {
        folder = try makeTemporaryDirectory(self)
        profile.clientFiles = ABCClientFiles(directory: folder)
        return try await SimulatedBank.open(dataDirectory: try makeTemporaryDirectory(self), accounts: nil,
                                            openAccounts: profile.accounts.map(\.simulatedAccount), faults: FaultSettings(seed: 1),
                                            profile: "abc", clock: ManualClock(SimulatorTestTime.start), logger: quietLogger)
    }

    private func pay(_ bank: SimulatedBank, _ reference: String, minorUnits: Int64) async throws {
        let answer = await bank.receiveABC(try ABCProfileTests.payment(reference, minorUnits: minorUnits), profile: profile)
        guard case .outcomes(let outcomes) = Self.adapter.decodePaymentAnswer(answer.body, reference: reference) else {
            return XCTFail("not executed")
        }
        XCTAssertEqual(outcomes.first?.status, .completed)
    }

    /// Sends `CQRA10` for today (after `continuation`) and reads its file as the engine would.
    private func details(_ bank: SimulatedBank, queryId: String, continuation: String? = nil) async throws -> TransactionQueryPage {
        let request = try Self.adapter.encodeTransactionQuery(account: ABCProfileTests.debtor(), fromDate: Self.today, toDate: Self.today,
                                                              continuation: continuation, queryId: queryId, createdAt: Self.now)
        let answer = await bank.receiveABC(request.bytes, profile: profile)
        let page = try Self.adapter.decodeTransactionQueryPage(answer.body, account: ABCProfileTests.debtor(), statementId: queryId)
        guard let name = page.detailFile else { return page }
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)))
        return try Self.adapter.decodeDetailFile(bytes, listedIn: page, account: ABCProfileTests.debtor(), statementId: queryId)
    }

    func testTheDetailQueryLeavesAFileTheAdapterReads() async throws {
        let bank = try await openBank()
        defer { bank.close() }
        let empty = try await details(bank, queryId: "BGR0")
        XCTAssertEqual(empty.transactions, [], "no bookings: no file")
        try await pay(bank, "BGIDET1", minorUnits: 12_345)
        try await pay(bank, "BGIDET2", minorUnits: 500)
        let page = try await details(bank, queryId: "BGR1")
        XCTAssertEqual(page.transactions.map(\.signedMinorUnits), [-12_345, -500])
        XCTAssertEqual(page.transactions.map(\.instructionId), ["BGIDET1", "BGIDET2"], "CustRef carries the ReqSeqNo")
        XCTAssertEqual(page.transactions.map(\.balanceAfter?.minorUnits), [1_000_000_000 - 12_345, 1_000_000_000 - 12_845])
        XCTAssertEqual(page.transactions.first?.bookingDate, Self.today)
        XCTAssertNil(page.continuation)
        // Another account, or ours under another province: refused as ABC refuses an unknown account.
        var other = ABCProfileTests.debtor()
        other.number = "110101049999999"
        let refused = await bank.receiveABC(try ABCAdapter(corporateNumber: ABCProfile.defaultCorporateNumber,
                                                           operatorNumber: ABCProfile.defaultOperatorNumber,
                                                           provinceCodes: [other.number: "11"])
            .encodeTransactionQuery(account: other, fromDate: Self.today, toDate: Self.today, queryId: "BGR2", requestedAt: Self.now).bytes,
            profile: profile)
        XCTAssertEqual(try ABCAnswer.read(refused.body).responseCode, "2003")
    }

    func testMoreLinesThanAFileHoldsContinueAfterTheLastJournal() async throws {
        let bank = try await openBank()
        defer { bank.close() }
        profile.detailLinesPerFile = 2
        for (index, amount) in [100, 200, 300].enumerated() {
            try await pay(bank, "BGIMORE\(index)", minorUnits: Int64(amount))
        }
        let first = try await details(bank, queryId: "BGRM1")
        XCTAssertEqual(first.transactions.map(\.instructionId), ["BGIMORE0", "BGIMORE1"])
        let position = try XCTUnwrap(first.continuation, "ContFlag 1: the position of the file's last line")
        let second = try await details(bank, queryId: "BGRM2", continuation: position)
        XCTAssertEqual(second.transactions.map(\.instructionId), ["BGIMORE2"])
        XCTAssertNil(second.continuation)
    }

    private func payroll(_ lines: [(String, String, Int64)], id: String = "BGMPAY1") throws -> ABCPayroll {
        let transfers = lines.enumerated().map { index, line in
            CreditTransfer(paymentId: "s\(index)", instructionId: "BGIS\(index)", endToEndId: "S\(index)",
                           amount: Money(minorUnits: line.2, currency: Self.cny),
                           creditor: Party(name: line.0, account: line.1, bankCode: nil), remittanceInfo: "11月工资",
                           details: TransferDetails(sameBank: true))
        }
        return try Self.adapter.encodePayrollExchange(PaymentMessage(
            messageId: id, paymentInfoId: id + "-1", createdAt: Self.now, requestedExecutionDate: Self.today,
            debtor: ABCProfileTests.debtor(), initiatingPartyName: "北京示例科技有限公司", transfers: transfers))
    }

    func testAPayrollIsReadFromTheClientsFolderAndExecutedOnce() async throws {
        let bank = try await openBank()
        defer { bank.close() }
        let batch = try payroll([("张三", "6228480010012345678", 800_000), ("李四", "6228480010087654321", 750_050)])
        try Data(batch.file.bytes).write(to: URL(fileURLWithPath: folder + "/" + batch.file.fileName))
        let answer = await bank.receiveABC(batch.request.bytes, profile: profile)
        let report = try Self.adapter.decodePaymentAnswer(answer.body, sentMessageId: "BGMPAY1")
        XCTAssertEqual(report.groupOutcome?.status, .completed, "\(report)")
        let ledger = try await bank.transfers()
        XCTAssertEqual(ledger.map(\.endToEndId).sorted(), ["BGMPAY1/1", "BGMPAY1/2"])
        XCTAssertEqual(ledger.map(\.amount.minorUnits).sorted(), [750_050, 800_000])
        // Sent again: not executed again.
        let again = await bank.receiveABC(batch.request.bytes, profile: profile)
        XCTAssertEqual(try ABCAnswer.read(again.body).responseCode, ABCCodesOfSimulator.duplicate)
        let ledgerAfter = try await bank.transfers()
        XCTAssertEqual(ledgerAfter.count, 2)
        // CQRT04 by the batch's ReqSeqNo: booked.
        let status = await bank.receiveABC(try ABCProfileTests.statusQuery("BGMPAY1"), profile: profile)
        guard case .outcomes(let outcomes) = Self.adapter.decodePaymentAnswer(status.body, reference: "BGMPAY1") else {
            return XCTFail("CQRT04 answers about the batch")
        }
        XCTAssertEqual(outcomes.first?.status, .completed)
    }

    func testAPayrollWithoutItsFileOrWithOtherTotalsIsRefusedAndNothingBooked() async throws {
        let bank = try await openBank()
        defer { bank.close() }
        let missing = try payroll([("张三", "6228480010012345678", 100)], id: "BGMNOFILE")
        let answer = await bank.receiveABC(missing.request.bytes, profile: profile)
        XCTAssertEqual(try ABCAnswer.read(answer.body).responseCode, ABCCodesOfSimulator.fileRefused)
        let status = await bank.receiveABC(try ABCProfileTests.statusQuery("BGMNOFILE"), profile: profile)
        guard case .outcomes(let outcomes) = Self.adapter.decodePaymentAnswer(status.body, reference: "BGMNOFILE") else {
            return XCTFail("CQRT04 answers about the batch")
        }
        XCTAssertEqual(outcomes.first?.status, .rejected, "the refusal is recorded: CQRT04 says failed")

        // The file of another batch under this batch's name: its total is not the request's.
        let request = try payroll([("张三", "6228480010012345678", 100)], id: "BGMOTHER")
        let other = try payroll([("张三", "6228480010012345678", 999)], id: "BGMOTHER")
        try Data(other.file.bytes).write(to: URL(fileURLWithPath: folder + "/" + request.file.fileName))
        let mismatch = await bank.receiveABC(request.request.bytes, profile: profile)
        XCTAssertEqual(try ABCAnswer.read(mismatch.body).responseCode, ABCCodesOfSimulator.fileRefused)
        let ledger = try await bank.transfers()
        XCTAssertEqual(ledger.count, 0)
    }
}

import BankGateCore
import BankGateEngine
import BankGateStore
import XCTest

/// A batch's summary: its control sum never overflows, in the currency's exponent; counts by status.
final class PaymentBatchDetailTests: XCTestCase {
    static func record(_ id: String, _ minorUnits: Int64, _ currency: String, _ status: PaymentStatus) -> PaymentRecord {
        PaymentRecord(id: id, batchId: "bat_1", submissionId: "sub_1", debtorAccountId: "a", bankId: "b",
                      amount: Money(minorUnits: minorUnits, currency: Currency(code: currency)!),
                      creditor: Party(name: "n", account: "x", bankCode: nil), remittanceInfo: nil, endToEndId: id,
                      instructionId: id, messageId: "m", paymentInfoId: "p", requestedExecutionDate: "2026-11-20", status: status,
                      attempts: 0, lastError: nil, bankStatus: nil, reasonCode: nil, reasonText: nil,
                      createdAt: Timestamp(milliseconds: 5), updatedAt: Timestamp(milliseconds: 6))
    }

    func testControlSumAndCounts() {
        let batch = PaymentBatchDetail(id: "bat_1", payments: [Self.record("1", 125_000, "EUR", .queued),
                                                              Self.record("2", 1, "EUR", .completed),
                                                              Self.record("3", 50, "EUR", .completed)])
        XCTAssertEqual(batch.controlSum, "1250.51")
        XCTAssertEqual(batch.countsByStatus, [.queued: 1, .completed: 2])
        XCTAssertEqual(batch.createdAt, Timestamp(milliseconds: 5))
        XCTAssertEqual(batch.currency?.code, "EUR")
        XCTAssertEqual(PaymentBatchDetail(id: "b", payments: [Self.record("1", 7, "EUR", .queued)]).controlSum, "0.07")
        XCTAssertEqual(PaymentBatchDetail(id: "b", payments: [Self.record("1", 1250, "JPY", .queued)]).controlSum, "1250")
        XCTAssertEqual(PaymentBatchDetail(id: "b", payments: [Self.record("1", 1, "KWD", .queued)]).controlSum, "0.001")
    }

    /// Ten amounts just under 10^18 minor units add up past Int64: the sum is still exact.
    func testControlSumBeyondInt64() {
        let big: Int64 = 999_999_999_999_999_999
        let batch = PaymentBatchDetail(id: "bat_1", payments: (0..<10).map { Self.record("\($0)", big, "EUR", .queued) })
        XCTAssertEqual(batch.controlSum, "99999999999999999.90")
    }
}

import BankGateCore
import BankGateStore
import BankGateTestSupport
import XCTest
@testable import BankGateEngine

/// The receipt execution report's states and reasons, and its CSV read back: a header, one row
/// per item with its kind, a Chinese name with a comma and a quote kept whole.
final class ReceiptReportTests: XCTestCase {
    let cny = Currency(code: "CNY")!
    let t0 = Timestamp(milliseconds: 1_795_000_000_000)
    let hour: Int64 = 3_600_000

    func item(_ id: String, name: String?, receipt: String? = nil) -> ReceiptExpectation {
        ReceiptExpectation(kind: .payment, id: id, accountId: "cmb-cny", bookingDate: t0.dateString,
                           amount: Money(minorUnits: -123_456, currency: cny), counterpartyName: name, reference: "E2E-1",
                           since: t0, receiptId: receipt)
    }

    func pull(ok: Bool, at: Timestamp, message: String? = nil) -> ReceiptPullRun {
        ReceiptPullRun(id: "rpl_1", accountId: "cmb-cny", bookingDate: t0.dateString, trigger: .afterPayment, attempt: 1,
                       startedAt: at, finishedAt: at, succeeded: ok, listed: ok ? 3 : 0, errorCode: ok ? nil : "bank_unreachable",
                       errorMessage: message)
    }

    func testStatesAndReasons() {
        let none = ReceiptReport.status(of: item("pay_1", name: nil), pulls: [], missingAfter: 24 * hour, now: t0.adding(milliseconds: hour))
        XCTAssertEqual(none.state, .pending)
        XCTAssertEqual(none.reason, .noPullYet)
        XCTAssertEqual(none.reasonText, "no pull yet")
        XCTAssertEqual(none.missingFrom, t0.adding(milliseconds: 24 * hour))

        let failed = ReceiptReport.status(of: item("pay_1", name: nil), pulls: [pull(ok: false, at: t0, message: "connection refused")],
                                          missingAfter: hour, now: t0.adding(milliseconds: hour))
        XCTAssertEqual(failed.state, .missing, "overdue from since + missing_after on")
        XCTAssertEqual(failed.reason, .pullFailed)
        XCTAssertEqual(failed.reasonText, "pull failed: connection refused")

        let gaveNone = ReceiptReport.status(of: item("pay_1", name: nil), pulls: [pull(ok: true, at: t0.adding(milliseconds: 1))],
                                            missingAfter: hour, now: t0.adding(milliseconds: 2 * hour))
        XCTAssertEqual(gaveNone.reason, .bankGaveNone)
        XCTAssertEqual(gaveNone.state, .missing)

        let before = ReceiptReport.status(of: item("pay_1", name: nil), pulls: [pull(ok: true, at: t0.adding(milliseconds: -1))],
                                          missingAfter: hour, now: t0)
        XCTAssertEqual(before.reason, .noPullYet, "a pull before it was booked says nothing of it")
        XCTAssertEqual(before.reasonText, "no pull since it was booked")

        let linked = ReceiptReport.status(of: item("pay_1", name: nil, receipt: "rcp_9"), pulls: [], missingAfter: 0, now: t0)
        XCTAssertEqual(linked.state, .linked)
        XCTAssertNil(linked.reason)
    }

    func testCSVReadsBackWithItsHeaderAndQuoting() {
        let name = "深圳示例科技有限公司,第一分公司 \"总部\""
        let expected = [ReceiptReport.status(of: item("pay_1", name: name), pulls: [pull(ok: false, at: t0, message: "refused, twice")],
                                             missingAfter: hour, now: t0.adding(milliseconds: 2 * hour)),
                        ReceiptReport.status(of: item("pay_2", name: "=SUM(A1)", receipt: "rcp_9"), pulls: [], missingAfter: hour,
                                             now: t0)]
        let report = ReceiptReport(accountId: "cmb-cny", date: t0.dateString, generatedAt: t0, expected: expected, received: [],
                                   pulls: [pull(ok: false, at: t0, message: "refused, twice")])
        let text = report.csv
        XCTAssertTrue(text.hasSuffix("\r\n"))
        let rows = CSVText.rows(text)
        XCTAssertEqual(rows.first, ReceiptReport.csvHeader)
        XCTAssertEqual(rows.count, 4, "\(rows)")
        XCTAssertTrue(rows.allSatisfy { $0.count == ReceiptReport.csvHeader.count }, "\(rows)")
        XCTAssertEqual(rows[1][0], "payment")
        XCTAssertEqual(rows[1][1], "pay_1")
        XCTAssertEqual(rows[1][3], "-1234.56", "amounts as written, not neutralised")
        XCTAssertEqual(rows[1][5], name, "a Chinese name with a comma and quotes, whole")
        XCTAssertEqual(rows[1][7], "missing")
        XCTAssertEqual(rows[1][8], "pull_failed")
        XCTAssertEqual(rows[1][9], "pull failed: refused, twice")
        XCTAssertEqual(rows[2][5], "'=SUM(A1)", "a formula is not left for a spreadsheet to run")
        XCTAssertEqual(rows[2][7], "linked")
        XCTAssertEqual(rows[2][10], "rcp_9")
        XCTAssertEqual(rows[3][0], "pull")
        XCTAssertEqual(rows[3][7], "failed")
        XCTAssertEqual(rows[3][8], "bank_unreachable")
    }
}

import BankGateAdapters
import BankGateCore
import BankGateStatements
import Foundation
import XCTest

/// CCB answers, from the golden files in `adapters/ccb/samples` (GB18030), to bankgate's outcomes.
final class CCBAnswerTests: XCTestCase {
    typealias Fixtures = CCBFixtures

    func answer(_ file: String, reference: String? = nil) throws -> CCBPaymentAnswer {
        Fixtures.adapter.decodePaymentAnswer(try Fixtures.sample(file), reference: reference)
    }

    func testATakenTransferIsSubmittedKeyedByItsRequestNumber() throws {
        XCTAssertEqual(try answer("6w8010-answer-success.xml"), .outcomes([
            TransactionOutcome(endToEndId: nil, instructionId: "2026112300000001", bankStatus: "000000", status: .submitted,
                               reasonCode: nil, reasonText: "凭证号 100761892436"),
        ]))
        XCTAssertEqual(try answer("6w8010-answer-success.xml").disposition, .report)
        XCTAssertEqual(try answer("6w1303-answer-success.xml"), .outcomes([
            TransactionOutcome(endToEndId: nil, instructionId: "2026112300000003", bankStatus: "000000", status: .submitted,
                               reasonCode: nil, reasonText: "凭证号 520311760021"),
        ]))
    }

    func testANameMismatchIsRejectedWithItsCode() throws {
        XCTAssertEqual(try answer("6w8010-answer-name-mismatch.xml"), .outcomes([
            TransactionOutcome(endToEndId: nil, instructionId: "2026112300000001", bankStatus: "0130Z0100005", status: .rejected,
                               reasonCode: "0130Z0100005", reasonText: "户名不符"),
        ]))
    }

    /// 系统忙/通讯超时 on a payment proves nothing: unknown, never retried blindly nor failed.
    func testBusyDuplicateAndUnknownCodesAreUnknown() throws {
        XCTAssertEqual(try answer("6w8010-answer-busy.xml"), .unknown("RETURN_CODE 0130Z0100001 系统忙，通讯超时。"))
        XCTAssertEqual(try answer("6w8010-answer-busy.xml").disposition, .unknown("RETURN_CODE 0130Z0100001 系统忙，通讯超时。"))
        XCTAssertEqual(try answer("6w8010-answer-duplicate.xml"), .unknown("RETURN_CODE 0130Z110B144 记录重复，请与当地银行联系"))
        XCTAssertEqual(try answer("6w8010-answer-unknown-code.xml"), .unknown("RETURN_CODE 0130Z999X999 未知错误"))
    }

    func testMalformedAndHostileAnswersAreUnknown() throws {
        for file in ["6w8010-answer-malformed.xml", "6w8010-answer-dtd.xml"] {
            guard case .unknown(let reason) = try answer(file) else { return XCTFail(file) }
            XCTAssertTrue(reason.hasPrefix("unreadable answer"), reason)
        }
        guard case .unknown(let dtd) = try answer("6w8010-answer-dtd.xml") else { return XCTFail() }
        XCTAssertTrue(dtd.contains("DTD"), dtd)
        XCTAssertEqual(Fixtures.adapter.decodePaymentAnswer([]), .unknown("unreadable answer: answer refused: empty document"))
        guard case .unknown = Fixtures.adapter.decodePaymentAnswer([0x81, 0x3C]) else { return XCTFail("not GB18030") }
        let other = Array("<TX><TX_CODE>6W0100</TX_CODE><RETURN_CODE>000000</RETURN_CODE></TX>".utf8)
        guard case .unknown = Fixtures.adapter.decodePaymentAnswer(other) else { return XCTFail("a balance answer") }
    }

    func testTransferStatusAnswers() throws {
        XCTAssertEqual(try answer("6w0600-answer-completed.xml", reference: "2026112300000001"), .outcomes([
            TransactionOutcome(endToEndId: nil, instructionId: "2026112300000001", bankStatus: "4", status: .completed),
        ]))
        // REQUEST_SN1 echoed: keyed by it, with the reason.
        XCTAssertEqual(try answer("6w0600-answer-failed.xml"), .outcomes([
            TransactionOutcome(endToEndId: nil, instructionId: "2026112300000001", bankStatus: "5", status: .rejected,
                               reasonText: "收款账户已冻结"),
        ]))
        guard case .unknown = try answer("6w0600-answer-failed.xml", reference: "2026112300000009") else {
            return XCTFail("an answer about another request must not be applied")
        }
        guard case .unknown = try answer("6w0600-answer-completed.xml") else {
            return XCTFail("an answer that names no request cannot be tied to a payment")
        }
        guard case .outcomes(let processing) = try answer("6w0600-answer-processing.xml", reference: "2026112300000001"),
              case .outcomes(let unknown) = try answer("6w0600-answer-unknown-result.xml", reference: "2026112300000001") else {
            return XCTFail()
        }
        XCTAssertEqual(processing.map(\.status), [.processing])
        XCTAssertEqual(unknown.map(\.status), [.unknown])
        XCTAssertEqual(unknown.map(\.bankStatus), ["7"])
    }

    func testPayrollStatusAnswers() throws {
        XCTAssertEqual(try answer("6w1503-answer-failed.xml", reference: "2026112300000003"), .outcomes([
            TransactionOutcome(endToEndId: nil, instructionId: "2026112300000003", bankStatus: "3", status: .rejected,
                               reasonText: "账户户名不符"),
        ]))
        XCTAssertEqual(try answer("6w1503-answer-not-found.xml", reference: "2026112300000003"),
                       .notReceived("RETURN_CODE 0130Z110BB22 查询不到交易"))
        XCTAssertEqual(try answer("6w1503-answer-not-found.xml").disposition, .unknown("RETURN_CODE 0130Z110BB22 查询不到交易"))
    }

    func testHTTPDisposition() throws {
        let adapter = Fixtures.adapter
        XCTAssertEqual(adapter.disposition(httpStatus: 200, body: try Fixtures.sample("6w8010-answer-success.xml")), .report)
        XCTAssertEqual(adapter.disposition(httpStatus: 502, body: try Fixtures.sample("6w8010-answer-success.xml")),
                       .unknown("HTTP 502 from the CCB client: the bank may have the payment"))
        guard case .unknown = adapter.disposition(httpStatus: 200, body: try Fixtures.sample("6w8010-answer-malformed.xml")) else {
            return XCTFail("a malformed answer must be unknown")
        }
    }

    /// An answer declared GB2312 is read as GB18030: a name outside GB2312 (𠀀, four bytes) comes through.
    func testAGB2312DeclaredAnswerIsReadAsGB18030() throws {
        let text = "<?xml version=\"1.0\" encoding=\"GB2312\"?><TX><REQUEST_SN>1</REQUEST_SN><TX_CODE>6W8010</TX_CODE>"
            + "<RETURN_CODE>0130Z0100005</RETURN_CODE><RETURN_MSG>户名𠀀不符</RETURN_MSG></TX>"
        let bytes = try ChineseTextEncoding.gb18030.encode(text, field: "test")
        XCTAssertThrowsError(try ChineseTextEncoding.gb2312.decode(bytes, field: "test"), "not plain GB2312")
        guard case .outcomes(let outcomes) = Fixtures.adapter.decodePaymentAnswer(bytes) else { return XCTFail() }
        XCTAssertEqual(outcomes.first?.reasonText, "户名𠀀不符")
    }

    func testBalance() throws {
        let balance = try Fixtures.adapter.decodeBalanceAnswer(try Fixtures.sample("6w0100-answer.xml"))
        XCTAssertEqual(balance, CCBAccountBalance(account: "44050100000000001234",
                                                  balance: Money(minorUnits: 148_765_433, currency: Fixtures.cny),
                                                  availableBalance: Money(minorUnits: 146_765_433, currency: Fixtures.cny),
                                                  status: "正常"))
        XCTAssertEqual(balance.statementBalances(asOf: "2026-11-23"), [
            StatementBalance(type: "ITBD", amount: Money(minorUnits: 148_765_433, currency: Fixtures.cny), date: "2026-11-23"),
            StatementBalance(type: "ITAV", amount: Money(minorUnits: 146_765_433, currency: Fixtures.cny), date: "2026-11-23"),
        ])
        XCTAssertThrowsError(try Fixtures.adapter.decodeBalanceAnswer(try Fixtures.sample("6w8010-answer-busy.xml"))) {
            XCTAssertEqual(($0 as? AdapterError)?.location, "TX/RETURN_CODE")
        }
    }

    func testTransactionPagesIntoTheStatementModel() throws {
        let first = try Fixtures.adapter.decodeTransactionPage(
            try Fixtures.sample("6wy101-answer-page-1.xml"), account: Fixtures.debtor, statementId: "q-4")
        XCTAssertEqual(first.page, 1)
        XCTAssertEqual(first.totalPages, 2)
        XCTAssertEqual(first.next, CCBPageRequest(number: 2, position: "1010015131456736417027990+11+1+11+"))
        XCTAssertEqual(first.transactions.count, 2)
        let debit = first.transactions[0]
        XCTAssertEqual(debit.bookingDate, "2026-11-23")
        XCTAssertNil(debit.valueDate)
        XCTAssertEqual(debit.amount, Money(minorUnits: 1_234_567, currency: Fixtures.cny))
        XCTAssertEqual(debit.creditDebit, .debit)
        XCTAssertEqual(debit.signedMinorUnits, -1_234_567)
        XCTAssertEqual(debit.balanceAfter, Money(minorUnits: 148_765_433, currency: Fixtures.cny))
        XCTAssertEqual(debit.bankReference, "442000034A890000083")
        XCTAssertNil(debit.instructionId)
        XCTAssertEqual(debit.counterparty, Counterparty(name: "深圳某某咨询有限公司", account: "44050100000000005678"))
        XCTAssertEqual(debit.remittanceInformation, "货款")
        XCTAssertEqual(debit.transactionCode, BankTransactionCode(proprietary: "单位人民币结算卡业务凭证", proprietaryIssuer: "CCB"))
        XCTAssertEqual(debit.status, .booked)
        XCTAssertEqual(debit.sequence, 1)
        let credit = first.transactions[1]
        XCTAssertEqual(credit.bookingDate, "2026-11-22")
        XCTAssertEqual(credit.creditDebit, .credit)
        XCTAssertEqual(credit.amount, Money(minorUnits: 200_000, currency: Fixtures.cny))
        XCTAssertEqual(credit.counterparty.name, "北京某某物流有限公司")
        XCTAssertEqual(credit.additionalInformation, "跨行来账")
        XCTAssertEqual(credit.sequence, 2)

        let last = try Fixtures.adapter.decodeTransactionPage(
            try Fixtures.sample("6wy101-answer-page-2.xml"), account: Fixtures.debtor, statementId: "q-4")
        XCTAssertNil(last.next)
        XCTAssertEqual(last.transactions.map(\.sequence), [CCBAdapter.transactionPageSize + 1])
        XCTAssertEqual(last.transactions.first?.bookingDate, "2026-11-01")
        XCTAssertNil(last.transactions.first?.balanceAfter)
        XCTAssertEqual(try Fixtures.adapter.decodeTransactionAnswer(
            try Fixtures.sample("6wy101-answer-page-1.xml"), account: Fixtures.debtor, statementId: "q-4"), first.transactions)
    }
}

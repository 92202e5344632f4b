import BankGateAdapters
import BankGateCore
import BankGateStatements
import Foundation
import XCTest

/// CMB answers, from the golden files in `adapters/cmb/samples` (GBK), to bankgate's outcomes.
final class CMBAnswerTests: XCTestCase {
    typealias Fixtures = CMBFixtures

    func answer(_ file: String) throws -> CMBPaymentAnswer {
        Fixtures.adapter.decodePaymentAnswer(try Fixtures.sample(file))
    }

    func outcomes(_ file: String) throws -> [TransactionOutcome] {
        guard case .outcomes(let outcomes) = try answer(file) else {
            XCTFail("\(file): \(try answer(file))")
            return []
        }
        return outcomes
    }

    /// The real sample of public integration code: `RETCOD=0` with `FIN/F` and `NCB4241` means the
    /// bank has the original, so the outcome is unknown (ask its status), not rejected.
    func testADuplicateReferenceIsUnknownNotRejected() throws {
        let outcomes = try outcomes("dcpaymnt-answer-duplicate.xml")
        XCTAssertEqual(outcomes, [TransactionOutcome(endToEndId: nil, instructionId: "BGI20261123000001", bankStatus: "FIN/F",
                                                     status: .unknown, reasonCode: "NCB4241",
                                                     reasonText: "NCB4241 -业务参考号重复")])
        XCTAssertEqual(try answer("dcpaymnt-answer-duplicate.xml").disposition, .report)
    }

    func testABusinessFailureUnderRETCOD0IsRejectedWithItsReason() throws {
        XCTAssertEqual(try outcomes("dcpaymnt-answer-business-failure.xml"), [
            TransactionOutcome(endToEndId: nil, instructionId: "BGI20261123000001", bankStatus: "FIN/F", status: .rejected,
                               reasonCode: "CSAC045", reasonText: "收方户名与账号不符"),
        ])
    }

    func testARequestStatusOtherThanFINIsProcessing() throws {
        let outcome = try XCTUnwrap(try outcomes("dcpaymnt-answer-processing.xml").first)
        XCTAssertEqual(outcome.status, .processing)
        XCTAssertEqual(outcome.bankStatus, "BNK")
        XCTAssertEqual(outcome.instructionId, "BGI20261123000001")
    }

    func testFINWithSuccessIsCompletedAndAReturnIsReturned() throws {
        let completed = try XCTUnwrap(try outcomes("ntqrysty-answer-completed.xml").first)
        XCTAssertEqual(completed.status, .completed)
        XCTAssertEqual(completed.bankStatus, "FIN/S")
        XCTAssertEqual(completed.reasonText, "支付成功")
        let returned = try XCTUnwrap(try outcomes("ntqrysty-answer-returned.xml").first)
        XCTAssertEqual(returned.status, .returned)
        XCTAssertEqual(returned.reasonText, "收款行退票：账户已销户")
    }

    /// A status the table does not know, a result flag it does not know, and FIN without a result
    /// flag: all unknown, none success.
    func testCodesTheTableDoesNotKnowAreUnknown() throws {
        let outcomes = try outcomes("ntqrysty-answer-unknown-codes.xml")
        XCTAssertEqual(outcomes.map(\.status), [.unknown, .unknown, .unknown])
        XCTAssertEqual(outcomes.map(\.bankStatus), ["XYZ", "FIN/Q", "FIN"])
        XCTAssertEqual(outcomes.compactMap(\.instructionId), ["BGI20261123000001", "BGI20261123000002", "BGI20261123000003"])
    }

    func testEnvelopeFailures() throws {
        XCTAssertEqual(try answer("dcpaymnt-answer-not-logged-in.xml"), .retryLater("RETCOD -4 尚未登录系统"))
        XCTAssertEqual(try answer("dcpaymnt-answer-format-error.xml"), .refused("RETCOD -3 数据格式错误"))
        XCTAssertEqual(try answer("dcpaymnt-answer-unknown-retcod.xml"), .unknown("RETCOD -8 未知"))
        XCTAssertEqual(try answer("dcpaymnt-answer-not-logged-in.xml").disposition, .retryLater("RETCOD -4 尚未登录系统"))
        XCTAssertEqual(try answer("dcpaymnt-answer-format-error.xml").disposition, .fatal("RETCOD -3 数据格式错误"))
    }

    func testMalformedAndHostileAnswersAreUnknown() throws {
        for file in ["dcpaymnt-answer-malformed.xml", "dcpaymnt-answer-dtd.xml"] {
            guard case .unknown(let reason) = try answer(file) else { return XCTFail(file) }
            XCTAssertTrue(reason.hasPrefix("unreadable answer"), reason)
        }
        guard case .unknown(let dtd) = try answer("dcpaymnt-answer-dtd.xml") else { return XCTFail() }
        XCTAssertTrue(dtd.contains("DTD"), dtd)
        XCTAssertEqual(Fixtures.adapter.decodePaymentAnswer([]), .unknown("unreadable answer: answer refused: empty document"))
        // Bytes that are not GBK (a lone lead byte before `<`).
        guard case .unknown = Fixtures.adapter.decodePaymentAnswer([0x81, 0x3C]) else { return XCTFail() }
    }

    func testRETCOD0WithoutAResultIsUnknown() {
        let bytes = Array("<CMBSDKPGK><INFO><FUNNAM>DCPAYMNT</FUNNAM><RETCOD>0</RETCOD></INFO></CMBSDKPGK>".utf8)
        guard case .unknown(let reason) = Fixtures.adapter.decodePaymentAnswer(bytes) else { return XCTFail() }
        XCTAssertTrue(reason.contains("without a payment result"), reason)
    }

    func testAUTF8DeclaredAnswerIsReadAsUTF8() {
        let bytes = Array(("<?xml version=\"1.0\" encoding=\"UTF-8\"?><CMBSDKPGK><INFO><RETCOD>0</RETCOD></INFO>"
                           + "<NTQPAYRQZ><YURREF>R1</YURREF><REQSTS>FIN</REQSTS><RTNFLG>F</RTNFLG><ERRTXT>户名不符</ERRTXT>"
                           + "</NTQPAYRQZ></CMBSDKPGK>").utf8)
        guard case .outcomes(let outcomes) = Fixtures.adapter.decodePaymentAnswer(bytes) else { return XCTFail() }
        XCTAssertEqual(outcomes.first?.reasonText, "户名不符")
        XCTAssertEqual(outcomes.first?.status, .rejected)
    }

    func testBalances() throws {
        let balances = try Fixtures.adapter.decodeBalanceAnswer(try Fixtures.sample("getaccinfo-answer.xml"))
        XCTAssertEqual(balances.count, 1)
        let balance = try XCTUnwrap(balances.first)
        XCTAssertEqual(balance.account, "755912345610001")
        XCTAssertEqual(balance.name, "深圳示例科技有限公司")
        XCTAssertEqual(balance.previousDayBalance, Money(minorUnits: 150_000_000, currency: Fixtures.cny))
        XCTAssertEqual(balance.onlineBalance, Money(minorUnits: 148_765_433, currency: Fixtures.cny))
        XCTAssertEqual(balance.heldBalance, Money(minorUnits: 2_000_000, currency: Fixtures.cny))
        XCTAssertEqual(balance.availableBalance, Money(minorUnits: 146_765_433, currency: Fixtures.cny))
        XCTAssertEqual(balance.status, "A")
        XCTAssertEqual(balance.statementBalances(asOf: "2026-11-23"), [
            StatementBalance(type: "PRCD", amount: Money(minorUnits: 150_000_000, currency: Fixtures.cny), date: "2026-11-22"),
            StatementBalance(type: "ITBD", amount: Money(minorUnits: 148_765_433, currency: Fixtures.cny), date: "2026-11-23"),
            StatementBalance(type: "ITAV", amount: Money(minorUnits: 146_765_433, currency: Fixtures.cny), date: "2026-11-23"),
        ])
        XCTAssertThrowsError(try Fixtures.adapter.decodeBalanceAnswer(try Fixtures.sample("dcpaymnt-answer-not-logged-in.xml"))) {
            XCTAssertEqual(($0 as? AdapterError)?.location, "INFO/RETCOD")
        }
    }

    func testTransactionsIntoTheStatementModel() throws {
        let transactions = try Fixtures.adapter.decodeTransactionAnswer(
            try Fixtures.sample("gettransinfo-answer.xml"), account: Fixtures.debtor, statementId: "q-3")
        XCTAssertEqual(transactions.count, 2)
        let debit = try XCTUnwrap(transactions.first)
        XCTAssertEqual(debit.bookingDate, "2026-11-23")
        XCTAssertEqual(debit.valueDate, "2026-11-23")
        XCTAssertEqual(debit.amount, Money(minorUnits: 1_234_567, currency: Fixtures.cny))
        XCTAssertEqual(debit.creditDebit, .debit)
        XCTAssertEqual(debit.signedMinorUnits, -1_234_567)
        XCTAssertEqual(debit.instructionId, "BGI20261123000001")
        XCTAssertEqual(debit.bankReference, "K7531200000123A")
        XCTAssertEqual(debit.counterparty, Counterparty(name: "上海某某贸易有限公司", account: "31001234567890123",
                                                        bankCode: "102290000011"))
        XCTAssertEqual(debit.remittanceInformation, "货款")
        XCTAssertEqual(debit.balanceAfter, Money(minorUnits: 148_765_433, currency: Fixtures.cny))
        XCTAssertEqual(debit.transactionCode, BankTransactionCode(proprietary: "AGRD", proprietaryIssuer: "CMB"))
        XCTAssertFalse(debit.isReversal)
        XCTAssertEqual(debit.status, .booked)
        let credit = transactions[1]
        XCTAssertEqual(credit.creditDebit, .credit)
        XCTAssertEqual(credit.amount, Money(minorUnits: 200_000, currency: Fixtures.cny))
        XCTAssertEqual(credit.counterparty.name, "北京某某物流有限公司")
        XCTAssertEqual(credit.remittanceInformation, "退款")
        XCTAssertTrue(credit.isReversal)
        XCTAssertNil(credit.valueDate)
        XCTAssertEqual(credit.sequence, 2)
    }
}

extension CMBAnswerTests {
    func testHTTPDisposition() throws {
        let adapter = Fixtures.adapter
        XCTAssertEqual(adapter.disposition(httpStatus: 200, body: try Fixtures.sample("dcpaymnt-answer-processing.xml")), .report)
        XCTAssertEqual(adapter.disposition(httpStatus: 200, body: try Fixtures.sample("dcpaymnt-answer-not-logged-in.xml")),
                       .retryLater("RETCOD -4 尚未登录系统"))
        XCTAssertEqual(adapter.disposition(httpStatus: 502, body: try Fixtures.sample("dcpaymnt-answer-processing.xml")),
                       .unknown("HTTP 502 from the front-end: the bank may have the payment"))
        guard case .unknown = adapter.disposition(httpStatus: 200, body: try Fixtures.sample("dcpaymnt-answer-malformed.xml")) else {
            return XCTFail("a malformed answer must be unknown")
        }
    }
}

extension CMBAnswerTests {
    /// An answer declared GBK is read as GB18030, its superset: a name outside GBK (a rare
    /// character such as 𠀀, four bytes in GB18030) comes through instead of failing the answer.
    func testAGBKDeclaredAnswerIsReadAsGB18030() throws {
        let text = "<?xml version=\"1.0\" encoding=\"GBK\"?><CMBSDKPGK><INFO><RETCOD>0</RETCOD></INFO><NTQPAYRQZ>"
            + "<YURREF>R1</YURREF><REQSTS>FIN</REQSTS><RTNFLG>F</RTNFLG><ERRTXT>收方户名𠀀不符</ERRTXT></NTQPAYRQZ></CMBSDKPGK>"
        let bytes = try ChineseTextEncoding.gb18030.encode(text, field: "test")
        XCTAssertThrowsError(try ChineseTextEncoding.gbk.decode(bytes, field: "test"), "not plain GBK")
        guard case .outcomes(let outcomes) = Fixtures.adapter.decodePaymentAnswer(bytes) else { return XCTFail() }
        XCTAssertEqual(outcomes.first?.reasonText, "收方户名𠀀不符")
    }

    func testAnOversizedAnswerIsRefusedBeforeParsing() {
        let bytes = [UInt8](repeating: UInt8(ascii: " "), count: CMBAnswer.maxBytes + 1)
        XCTAssertEqual(Fixtures.adapter.decodePaymentAnswer(bytes),
                       .unknown("unreadable answer: answer of \(CMBAnswer.maxBytes + 1) bytes is over the limit of \(CMBAnswer.maxBytes) bytes"))
    }
}

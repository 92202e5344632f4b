import BankGateAdapters
import BankGateCore
import BankGateStatements
import Foundation
import XCTest

/// BOC answers, from the golden files in `adapters/boc/samples` (UTF-8), to bankgate's outcomes.
final class BOCAnswerTests: XCTestCase {
    typealias Fixtures = BOCFixtures

    func answer(_ file: String) throws -> BOCPaymentAnswer {
        Fixtures.adapter.decodePaymentAnswer(try Fixtures.sample(file))
    }

    func outcomes(_ file: String) throws -> [TransactionOutcome] {
        guard case .outcomes(let outcomes) = try answer(file) else {
            XCTFail("\(file): \(try answer(file))")
            return []
        }
        return outcomes
    }

    func testSignInGivesTheTokenAndARefusalGivesNone() throws {
        let signedIn = try Fixtures.adapter.decodeSignInAnswer(try Fixtures.sample("b2e0001-answer-signed-in.xml"))
        XCTAssertTrue(signedIn.isSignedIn)
        XCTAssertEqual(signedIn.token, "TOKEN9TTQALYGH1")
        XCTAssertEqual(signedIn.status, BOCStatus(code: "B001", message: "ok"))
        XCTAssertEqual(signedIn.serverTime, "20261123093002")
        let refused = try Fixtures.adapter.decodeSignInAnswer(try Fixtures.sample("b2e0001-answer-refused.xml"))
        XCTAssertFalse(refused.isSignedIn)
        XCTAssertNil(refused.token)
        XCTAssertEqual(refused.status, BOCStatus(code: "B098", message: "操作员密码错误"))
        XCTAssertThrowsError(try Fixtures.adapter.decodeSignInAnswer(try Fixtures.sample("b2e0009-answer-accepted.xml")))
    }

    /// In a payment answer `B001` means taken (submitted), not paid.
    func testATakenPaymentIsSubmittedKeyedByInsid() throws {
        XCTAssertEqual(try outcomes("b2e0009-answer-accepted.xml"), [
            TransactionOutcome(endToEndId: nil, instructionId: "BGI20261123000001", bankStatus: "B001", status: .submitted,
                               reasonCode: nil, reasonText: "ok"),
            TransactionOutcome(endToEndId: nil, instructionId: "BGI20261123000002", bankStatus: "B001", status: .submitted,
                               reasonCode: nil, reasonText: "ok"),
        ])
        XCTAssertEqual(try answer("b2e0009-answer-accepted.xml").disposition, .report)
        XCTAssertEqual(try outcomes("b2e0078-answer-accepted.xml").map(\.instructionId), ["BGP20261125000001"])
        XCTAssertEqual(try outcomes("b2e0078-answer-accepted.xml").map(\.status), [.submitted])
    }

    func testAProcessingCodeIsProcessing() throws {
        XCTAssertEqual(try outcomes("b2e0009-answer-processing.xml"), [
            TransactionOutcome(endToEndId: nil, instructionId: "BGI20261123000001", bankStatus: "B054", status: .processing,
                               reasonCode: "B054", reasonText: "交易处理中"),
        ])
    }

    /// No public source lists BOC's failure or duplicate codes: both are unknown (ask the status),
    /// never rejected and never success.
    func testFailureAndDuplicateCodesTheTableDoesNotKnowAreUnknown() throws {
        XCTAssertEqual(try outcomes("b2e0009-answer-business-failure.xml"), [
            TransactionOutcome(endToEndId: nil, instructionId: "BGI20261123000001", bankStatus: "B131", status: .unknown,
                               reasonCode: "B131", reasonText: "收款人户名与账号不符"),
        ])
        XCTAssertEqual(try outcomes("b2e0009-answer-duplicate.xml").map(\.status), [.unknown])
        XCTAssertEqual(try outcomes("b2e0009-answer-duplicate.xml").map(\.reasonText), ["指令ID重复"])
    }

    /// In a status answer `B001` is paid; the processing codes, the bare-`rspcod` shape and an
    /// unknown code are read as such.
    func testTheStatusAnswer() throws {
        let outcomes = try outcomes("b2e0007-answer-mixed.xml")
        XCTAssertEqual(outcomes.compactMap(\.instructionId),
                       ["BGI20261123000001", "BGI20261123000002", "BGI20261123000003", "BGI20261123000004"])
        XCTAssertEqual(outcomes.map(\.status), [.completed, .processing, .processing, .unknown])
        XCTAssertEqual(outcomes.map(\.bankStatus), ["B001", "B059", "B266", "B131"])
        XCTAssertEqual(outcomes[2].reasonText, "等待处理")
    }

    func testSignInRequiredIsRecognisedAndAPaymentAsksItsStatus() throws {
        XCTAssertEqual(try answer("b2e0009-answer-sign-in-required.xml"), .signInRequired("rspcod B107 前置机未签到"))
        XCTAssertEqual(try answer("b2e0009-answer-sign-in-required.xml").disposition,
                       .unknown("sign-in required (rspcod B107 前置机未签到): sign in again, then ask the status"))
        XCTAssertEqual(try answer("b2eerror-answer-sign-in-required.xml"), .signInRequired("rspcod B107 前置机未签到"))
        XCTAssertTrue(Fixtures.adapter.requiresSignIn(try Fixtures.sample("b2eerror-answer-sign-in-required.xml")))
        XCTAssertFalse(Fixtures.adapter.requiresSignIn(try Fixtures.sample("b2e0005-answer.xml")))
        XCTAssertThrowsError(try Fixtures.adapter.decodeBalanceAnswer(try Fixtures.sample("b2eerror-answer-sign-in-required.xml"))) {
            XCTAssertEqual(($0 as? AdapterError)?.message, "rspcod B107 前置机未签到 (sign_in_required)")
        }
    }

    func testEnvelopeFailuresAndEmptyAnswersAreUnknown() throws {
        XCTAssertEqual(try answer("b2e0009-answer-unknown-code.xml"), .unknown("rspcod B777 系统繁忙"))
        XCTAssertEqual(try answer("b2e0009-answer-no-items.xml"), .unknown("rspcod B001 without a per-item result (b2e0009-rs)"))
        XCTAssertEqual(Fixtures.adapter.disposition(httpStatus: 502, body: []),
                       .unknown("HTTP 502 from BOC: the bank may have the payment"))
        XCTAssertEqual(Fixtures.adapter.disposition(httpStatus: 200, body: try Fixtures.sample("b2e0009-answer-accepted.xml")), .report)
        guard case .unknown(let other) = Fixtures.adapter.decodePaymentAnswer(try Fixtures.sample("b2e0005-answer.xml")) else {
            return XCTFail("a balance answer is not a payment answer")
        }
        XCTAssertTrue(other.hasPrefix("answer to b2e0005"), other)
    }

    func testMalformedAndHostileAnswersAreUnknown() throws {
        for file in ["b2e0009-answer-malformed.xml", "b2e0009-answer-dtd.xml"] {
            guard case .unknown(let reason) = try answer(file) else { return XCTFail(file) }
            XCTAssertTrue(reason.hasPrefix("unreadable answer"), reason)
        }
        guard case .unknown(let dtd) = try answer("b2e0009-answer-dtd.xml") else { return XCTFail() }
        XCTAssertTrue(dtd.contains("DTD"), dtd)
        guard case .unknown = Fixtures.adapter.decodePaymentAnswer([]) else { return XCTFail("empty answer") }
    }

    /// A version 100 answer in GB2312 is read by its declaration.
    func testAGB2312AnswerIsReadByItsDeclaration() throws {
        let text = try String(contentsOf: Fixtures.samples.appendingPathComponent("b2e0009-answer-processing.xml"), encoding: .utf8)
            .replacingOccurrences(of: "encoding=\"UTF-8\"", with: "encoding = \"gb2312\"")
        let gb = try ChineseTextEncoding.gbk.encode(text, field: "answer")
        XCTAssertEqual(Fixtures.adapter.decodePaymentAnswer(gb), try answer("b2e0009-answer-processing.xml"))
    }

    func testBalances() throws {
        let balances = try Fixtures.adapter.decodeBalanceAnswer(try Fixtures.sample("b2e0005-answer.xml"))
        XCTAssertEqual(balances, [BOCAccountBalances(
            account: "456776543210", bankNumber: "40600", name: "上海示例科技有限公司",
            bookedBalance: Money(minorUnits: 123_456_789, currency: Fixtures.cny),
            availableBalance: Money(minorUnits: 120_000_000, currency: Fixtures.cny),
            stoppedAmount: Money(minorUnits: 3_456_789, currency: Fixtures.cny),
            overdraftAmount: Money(minorUnits: 0, currency: Fixtures.cny), date: "2026-11-23")])
        XCTAssertEqual(balances[0].statementBalances(asOf: "2026-11-24"), [
            StatementBalance(type: "ITBD", amount: Money(minorUnits: 123_456_789, currency: Fixtures.cny), date: "2026-11-23"),
            StatementBalance(type: "ITAV", amount: Money(minorUnits: 120_000_000, currency: Fixtures.cny), date: "2026-11-23"),
        ])
    }

    func testTransactionsAndPaging() throws {
        let page = try Fixtures.adapter.decodeTransactionPage(try Fixtures.sample("b2e0035-answer.xml"), account: Fixtures.debtor,
                                                              statementId: "q-3", firstRecord: 1)
        XCTAssertEqual(page.totalRecords, 3)
        XCTAssertEqual(page.nextRecord, 3)
        XCTAssertEqual(page.transactions.count, 2)
        let paid = page.transactions[0]
        XCTAssertEqual(paid.creditDebit, .debit)
        XCTAssertEqual(paid.amount, Money(minorUnits: 1_234_567, currency: Fixtures.cny))
        XCTAssertEqual(paid.bookingDate, "2026-11-23")
        XCTAssertEqual(paid.valueDate, "2026-11-23")
        XCTAssertEqual(paid.instructionId, "BGI20261123000001")
        XCTAssertEqual(paid.bankReference, "TX202611230001")
        XCTAssertEqual(paid.counterparty, Counterparty(name: "上海某某贸易有限公司", account: "31001234567890123",
                                                       bankCode: "102290000011"))
        XCTAssertEqual(paid.remittanceInformation, "货款")
        XCTAssertEqual(paid.balanceAfter, Money(minorUnits: 123_456_789, currency: Fixtures.cny))
        XCTAssertEqual(paid.sequence, 1)
        let received = page.transactions[1]
        XCTAssertEqual(received.creditDebit, .credit)
        XCTAssertEqual(received.amount, Money(minorUnits: 5_000_000, currency: Fixtures.cny))
        XCTAssertEqual(received.counterparty, Counterparty(name: "杭州某某电子有限公司", account: "332255667788", bankCode: "40200"))
        XCTAssertEqual(received.bankReference, "V0002")
        XCTAssertNil(received.instructionId)
        XCTAssertNil(received.valueDate)
        XCTAssertEqual(received.remittanceInformation, "发票 INV-88 回款")
        XCTAssertEqual(received.sequence, 2)
        let last = try Fixtures.adapter.decodeTransactionPage(try Fixtures.sample("b2e0035-answer.xml"), account: Fixtures.debtor,
                                                              statementId: "q-3", firstRecord: 2)
        XCTAssertNil(last.nextRecord)
        XCTAssertEqual(last.transactions.map(\.sequence), [2, 3])
        XCTAssertEqual(try Fixtures.adapter.decodeTransactionAnswer(try Fixtures.sample("b2e0035-answer.xml"),
                                                                    account: Fixtures.debtor, statementId: "q-3"),
                       page.transactions)
    }
}

import BankGateAdapters
import BankGateCore
import BankGateStatements
import Foundation
import XCTest

/// ICBC answers, from the golden files in `adapters/icbc/samples` (GBK), to bankgate's outcomes.
final class ICBCAnswerTests: XCTestCase {
    typealias Fixtures = ICBCFixtures
    static let written = ["BGI20261123000001", "BGI20261123000002"]

    func answer(_ file: String, instructionIds: [String] = []) throws -> ICBCPaymentAnswer {
        Fixtures.adapter.decodePaymentAnswer(try Fixtures.sample(file), instructionIds: instructionIds)
    }

    func outcomes(_ file: String, instructionIds: [String] = []) throws -> [TransactionOutcome] {
        guard case .outcomes(let outcomes) = try answer(file, instructionIds: instructionIds) else {
            XCTFail("\(file): \(try answer(file, instructionIds: instructionIds))")
            return []
        }
        return outcomes
    }

    func testAProcessingAnswerIsKeyedByRef() throws {
        XCTAssertEqual(try outcomes("payent-answer-processing.xml"), [
            TransactionOutcome(endToEndId: nil, instructionId: "BGI20261123000001", bankStatus: "9", status: .processing),
        ])
        XCTAssertEqual(try answer("payent-answer-processing.xml").disposition, .report)
    }

    func testABatchWithARefusalAndASuccess() throws {
        XCTAssertEqual(try outcomes("payent-answer-batch.xml"), [
            TransactionOutcome(endToEndId: nil, instructionId: "BGI20261123000001", bankStatus: "6", status: .rejected,
                               reasonCode: "B2601", reasonText: "收款人户名与账号不符"),
            TransactionOutcome(endToEndId: nil, instructionId: "BGI20261123000002", bankStatus: "7", status: .completed),
        ])
    }

    /// Without `Ref`, records are tied to transfers by `iSeqno` in the order written; without that
    /// order nothing can be tied, and the answer proves nothing.
    func testAStatusAnswerWithoutRefIsKeyedByISeqno() throws {
        XCTAssertEqual(try outcomes("qpayent-answer-by-sequence.xml", instructionIds: Self.written), [
            TransactionOutcome(endToEndId: nil, instructionId: "BGI20261123000001", bankStatus: "7", status: .completed,
                               reasonCode: nil, reasonText: "处理成功"),
            TransactionOutcome(endToEndId: nil, instructionId: "BGI20261123000002", bankStatus: "8", status: .rejected,
                               reasonCode: "B1009", reasonText: "指令被拒绝授权"),
        ])
        guard case .unknown(let reason) = try answer("qpayent-answer-by-sequence.xml") else { return XCTFail() }
        XCTAssertTrue(reason.contains("iSeqno (1)"), reason)
        guard case .unknown = try answer("qpayent-answer-by-sequence.xml", instructionIds: ["BGI20261123000001"]) else {
            return XCTFail("iSeqno 2 names no transfer written")
        }
    }

    /// 98 (区域中心通讯可疑) is unknown, a code the table does not know is unknown, 2 (等待授权) is accepted.
    func testDoubtfulAndUnknownResultsAreUnknown() throws {
        let outcomes = try outcomes("qpayent-answer-codes.xml")
        XCTAssertEqual(outcomes.map(\.status), [.unknown, .unknown, .submitted])
        XCTAssertEqual(outcomes.map(\.bankStatus), ["98", "42", "2"])
        XCTAssertEqual(outcomes.compactMap(\.instructionId), ["BGI20261123000001", "BGI20261123000002", "BGI20261123000003"])
    }

    func testEnvelopeFailuresAreUnknown() throws {
        XCTAssertEqual(try answer("payent-answer-duplicate.xml"), .unknown("RetCode B0012 指令包序列号为空或重复InsertBatchInfo"))
        XCTAssertEqual(try answer("payent-answer-unknown-retcode.xml"), .unknown("RetCode B9999 未知错误"))
        XCTAssertEqual(try answer("qpayent-answer-no-record.xml"), .unknown("RetCode B0116 没有符合条件的记录"))
        XCTAssertEqual(try answer("payent-answer-no-result.xml"),
                       .unknown("RetCode 0 without a per-transfer Result (out/rd/Result)"))
        XCTAssertEqual(try answer("payent-answer-duplicate.xml").disposition,
                       .unknown("RetCode B0012 指令包序列号为空或重复InsertBatchInfo"))
    }

    func testMalformedAndHostileAnswersAreUnknown() throws {
        for file in ["payent-answer-malformed.xml", "payent-answer-dtd.xml"] {
            guard case .unknown(let reason) = try answer(file) else { return XCTFail(file) }
            XCTAssertTrue(reason.hasPrefix("unreadable answer"), reason)
        }
        guard case .unknown(let dtd) = try answer("payent-answer-dtd.xml") else { return XCTFail() }
        XCTAssertTrue(dtd.contains("DTD"), dtd)
        XCTAssertEqual(Fixtures.adapter.decodePaymentAnswer([]), .unknown("unreadable answer: answer refused: empty document"))
        guard case .unknown = Fixtures.adapter.decodePaymentAnswer([0x81, 0x3C]) else { return XCTFail("not GBK") }
        guard case .unknown(let base64) = Fixtures.adapter.decodePaymentAnswer(Array("reqData=%%%".utf8)) else { return XCTFail() }
        XCTAssertTrue(base64.contains("reqData"), base64)
        let bytes = [UInt8](repeating: UInt8(ascii: " "), count: ICBCAnswer.maxBytes + 1)
        XCTAssertEqual(Fixtures.adapter.decodePaymentAnswer(bytes),
                       .unknown("unreadable answer: answer of \(ICBCAnswer.maxBytes + 1) bytes is over the limit of \(ICBCAnswer.maxBytes) bytes"))
    }

    /// The NetSafe Client's body (`reqData=` + Base64) is read like the document inside it.
    func testTheWrappedBodyIsReadLikeTheDocument() throws {
        XCTAssertEqual(try answer("qpayent-answer-wrapped.txt"), try answer("qpayent-answer-codes.xml"))
        let read = try ICBCAnswer.read(try Fixtures.sample("qpayent-answer-wrapped.txt"))
        XCTAssertEqual(read.transCode, "QPAYENT")
        XCTAssertEqual(read.packageId, "BGQ20261123000003")
        XCTAssertEqual(read.serialNumber, "HRI20261123001")
        XCTAssertEqual(read.records.count, 3)
    }

    func testHTTPDisposition() throws {
        let adapter = Fixtures.adapter
        XCTAssertEqual(adapter.disposition(httpStatus: 200, body: try Fixtures.sample("payent-answer-processing.xml")), .report)
        XCTAssertEqual(adapter.disposition(httpStatus: 502, body: try Fixtures.sample("payent-answer-processing.xml")),
                       .unknown("HTTP 502 from the NetSafe Client: the bank may have the payment"))
        guard case .unknown = adapter.disposition(httpStatus: 200, body: try Fixtures.sample("payent-answer-malformed.xml")) else {
            return XCTFail("a malformed answer must be unknown")
        }
        XCTAssertEqual(adapter.disposition(httpStatus: 200, body: try Fixtures.sample("qpayent-answer-by-sequence.xml"),
                                           instructionIds: Self.written), .report)
    }

    func testBalancesInFen() throws {
        let balances = try Fixtures.adapter.decodeBalanceAnswer(try Fixtures.sample("qaccbal-answer.xml"))
        XCTAssertEqual(balances.count, 1)
        let balance = try XCTUnwrap(balances.first)
        XCTAssertEqual(balance.account, "0200001009200012345")
        XCTAssertEqual(balance.previousDayBalance, Money(minorUnits: 152_219_530, currency: Fixtures.cny))
        XCTAssertEqual(balance.balance, Money(minorUnits: 104_668_659, currency: Fixtures.cny))
        XCTAssertEqual(balance.availableBalance, Money(minorUnits: 104_468_659, currency: Fixtures.cny))
        XCTAssertEqual(balance.frozenAmount, Money(minorUnits: 200_000, currency: Fixtures.cny))
        XCTAssertEqual(balance.accountProperty, "004")
        XCTAssertEqual(balance.queryTime, "20261123103001000056")
        XCTAssertEqual(balance.statementBalances(asOf: "2026-11-23"), [
            StatementBalance(type: "PRCD", amount: Money(minorUnits: 152_219_530, currency: Fixtures.cny), date: "2026-11-22"),
            StatementBalance(type: "ITBD", amount: Money(minorUnits: 104_668_659, currency: Fixtures.cny), date: "2026-11-23"),
            StatementBalance(type: "ITAV", amount: Money(minorUnits: 104_468_659, currency: Fixtures.cny), date: "2026-11-23"),
        ])
        XCTAssertThrowsError(try Fixtures.adapter.decodeBalanceAnswer(try Fixtures.sample("payent-answer-duplicate.xml"))) {
            XCTAssertEqual(($0 as? AdapterError)?.location, "pub/RetCode")
        }
    }

    func testTransactionsIntoTheStatementModel() throws {
        let page = try Fixtures.adapter.decodeTransactionPage(try Fixtures.sample("qhisd-answer.xml"), account: Fixtures.debtor,
                                                              statementId: "BGQ20261123000005", firstSequence: 1)
        XCTAssertEqual(page.nextTag, "20261115|0200|000345")
        XCTAssertEqual(page.transactions.count, 2)
        let debit = try XCTUnwrap(page.transactions.first)
        XCTAssertEqual(debit.bookingDate, "2026-11-23")
        XCTAssertEqual(debit.valueDate, "2026-11-23")
        XCTAssertEqual(debit.amount, Money(minorUnits: 1_234_567, currency: Fixtures.cny))
        XCTAssertEqual(debit.creditDebit, .debit)
        XCTAssertEqual(debit.signedMinorUnits, -1_234_567)
        XCTAssertEqual(debit.instructionId, "BGI20261123000001")
        XCTAssertEqual(debit.bankReference, "20295000734")
        XCTAssertEqual(debit.accountServicerReference, "0200|0600|20295|000734")
        XCTAssertEqual(debit.counterparty, Counterparty(name: "北京某某贸易有限公司", account: "11001234567890123456",
                                                        bankCode: "105100000017"))
        XCTAssertEqual(debit.remittanceInformation, "合同HT-2026-118 货款 & 运费")
        XCTAssertEqual(debit.additionalInformation, "跨行汇款")
        XCTAssertEqual(debit.balanceAfter, Money(minorUnits: 104_668_659, currency: Fixtures.cny))
        XCTAssertEqual(debit.transactionCode, BankTransactionCode(proprietary: "51403", proprietaryIssuer: "ICBC"))
        XCTAssertFalse(debit.isReversal)
        XCTAssertEqual(debit.status, .booked)
        XCTAssertEqual(debit.sequence, 1)
        let credit = page.transactions[1]
        XCTAssertEqual(credit.creditDebit, .credit)
        XCTAssertEqual(credit.amount, Money(minorUnits: 1_154_212, currency: Fixtures.cny))
        XCTAssertEqual(credit.counterparty, Counterparty(name: "尹某", account: "6222021311011164522", bankCode: nil))
        XCTAssertEqual(credit.remittanceInformation, "网转")
        XCTAssertNil(credit.instructionId)
        XCTAssertNil(credit.valueDate)
        XCTAssertTrue(credit.isReversal)
        XCTAssertEqual(credit.sequence, 2)
        let next = try Fixtures.adapter.decodeTransactionPage(try Fixtures.sample("qhisd-answer.xml"), account: Fixtures.debtor,
                                                              statementId: "s", firstSequence: 51)
        XCTAssertEqual(next.transactions.map(\.sequence), [51, 52])
        XCTAssertEqual(try Fixtures.adapter.decodeTransactionAnswer(try Fixtures.sample("qhisd-answer.xml"), account: Fixtures.debtor,
                                                                    statementId: "BGQ20261123000005"), page.transactions)
    }

    func testATransactionAnswerWithAnUnknownDirectionIsRefused() {
        let text = "<?xml version=\"1.0\" encoding=\"GBK\"?><CMS><eb><pub><TransCode>QHISD</TransCode><RetCode>0</RetCode></pub>"
            + "<out><rd><Drcrf>3</Drcrf><DebitAmount>100</DebitAmount><Date>20261123</Date></rd></out></eb></CMS>"
        XCTAssertThrowsError(try Fixtures.adapter.decodeTransactionAnswer(Array(text.utf8), account: Fixtures.debtor, statementId: "s")) {
            XCTAssertEqual(($0 as? AdapterError)?.location, "out/rd[1]/Drcrf")
        }
        let decimal = text.replacingOccurrences(of: "<Drcrf>3</Drcrf><DebitAmount>100</DebitAmount>",
                                                with: "<Drcrf>1</Drcrf><DebitAmount>1.00</DebitAmount>")
        XCTAssertThrowsError(try Fixtures.adapter.decodeTransactionAnswer(Array(decimal.utf8), account: Fixtures.debtor, statementId: "s")) {
            XCTAssertEqual(($0 as? AdapterError)?.location, "out/rd[1]/DebitAmount")
        }
    }
}

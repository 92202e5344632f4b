import BankGateAdapters
import BankGateCore
import BankGateStatements
import Foundation
import XCTest

/// ABC answers, from the golden files in `adapters/abc/samples` (framed GBK), to bankgate's outcomes.
final class ABCAnswerTests: XCTestCase {
    typealias Fixtures = ABCFixtures
    static let reference = "BGI20261123000001"

    func answer(_ file: String) throws -> ABCPaymentAnswer {
        Fixtures.adapter.decodePaymentAnswer(try Fixtures.sample(file), reference: Self.reference)
    }

    func outcome(_ file: String) throws -> TransactionOutcome? {
        guard case .outcomes(let outcomes) = try answer(file) else {
            XCTFail("\(file): \(try answer(file))")
            return nil
        }
        XCTAssertEqual(outcomes.count, 1)
        return outcomes.first
    }

    func testRespCode0000IsCompletedKeyedByReqSeqNo() throws {
        XCTAssertEqual(try outcome("cfrt02-answer-completed.dat"),
                       TransactionOutcome(endToEndId: nil, instructionId: Self.reference, bankStatus: "0000/WaitFlag 0",
                                          status: .completed, reasonCode: nil, reasonText: "交易成功"))
        XCTAssertEqual(try answer("cfrt02-answer-completed.dat").disposition, .report)
    }

    func testAHeldOrLandedTransferIsProcessingAndApprovalIsSubmitted() throws {
        let held = try XCTUnwrap(try outcome("cfrt02-answer-held.dat"))
        XCTAssertEqual(held.status, .processing)
        XCTAssertEqual(held.bankStatus, "0000/WaitFlag 1")
        let landed = try XCTUnwrap(try outcome("cfrt02-answer-processing.dat"))
        XCTAssertEqual(landed.status, .processing)
        XCTAssertEqual(landed.reasonText, "请稍后查询")
        XCTAssertEqual(try outcome("cfrt02-answer-awaiting-approval.dat")?.status, .submitted)
    }

    func testABusinessFailureIsRejectedWithItsReason() throws {
        XCTAssertEqual(try outcome("cfrt02-answer-business-failure.dat"),
                       TransactionOutcome(endToEndId: nil, instructionId: Self.reference, bankStatus: "2003",
                                          status: .rejected, reasonCode: "2003",
                                          reasonText: "账号[110101040012345]未对企业[1101020304050607]授权,交易被拒绝"))
    }

    /// No public source gives ABC's duplicate code: a duplicate refusal is a code the table does not
    /// know, hence unknown (ask CQRT04), never rejected. So are 9999 and any other unknown code.
    func testDuplicatesCommunicationErrorsAndUnknownCodesAreUnknown() throws {
        XCTAssertEqual(try answer("cfrt02-answer-duplicate.dat"), .unknown("RespCode 1024 请求方流水号重复"))
        XCTAssertEqual(try answer("cfrt02-answer-communication-error.dat"), .unknown("RespCode 9999 前置通讯异常"))
        XCTAssertEqual(try answer("cfrt02-answer-unknown-code.dat"), .unknown("RespCode 7777 未知"))
        XCTAssertEqual(try answer("cfrt02-answer-unknown-code.dat").disposition, .unknown("RespCode 7777 未知"))
        XCTAssertEqual(try answer("cfrt02-answer-other-reference.dat"),
                       .unknown("the answer is about BGI20261123000009, not BGI20261123000001"))
    }

    func testMalformedShortAndHostileAnswersAreUnknown() throws {
        for file in ["cfrt02-answer-malformed.dat", "cfrt02-answer-dtd.dat", "cfrt02-answer-short-frame.dat"] {
            guard case .unknown(let reason) = try answer(file) else { return XCTFail(file) }
            XCTAssertTrue(reason.hasPrefix("unreadable answer"), reason)
        }
        guard case .unknown(let dtd) = try answer("cfrt02-answer-dtd.dat") else { return XCTFail() }
        XCTAssertTrue(dtd.contains("DTD"), dtd)
        guard case .unknown(let short) = try answer("cfrt02-answer-short-frame.dat") else { return XCTFail() }
        XCTAssertTrue(short.contains("but 113 follow"), short)
        XCTAssertEqual(Fixtures.adapter.decodePaymentAnswer([], reference: Self.reference),
                       .unknown("unreadable answer: a frame of 0 bytes is shorter than its 7-byte header (at frame header)"))
        // Bytes that are not GBK (a lone lead byte), correctly framed.
        guard case .unknown = Fixtures.adapter.decodePaymentAnswer(Array("12     ".utf8) + [0x81, 0x3C],
                                                                   reference: Self.reference) else { return XCTFail() }
        XCTAssertEqual(Fixtures.adapter.disposition(answer: nil, reference: Self.reference),
                       .unknown("no answer from the ABC client: the bank may have the payment"))
        XCTAssertEqual(Fixtures.adapter.disposition(answer: try Fixtures.sample("cfrt02-answer-completed.dat"),
                                                    reference: Self.reference), .report)
    }

    /// `CQRT04`: `RespCode=0000`, then the last four characters of `RespPrvData`.
    func testTheStatusQueryReadsTheHostResult() throws {
        XCTAssertEqual(try outcome("cqrt04-answer-completed.dat"),
                       TransactionOutcome(endToEndId: nil, instructionId: Self.reference, bankStatus: "0000/0000",
                                          status: .completed, reasonCode: nil, reasonText: "交易成功"))
        XCTAssertEqual(try outcome("cqrt04-answer-rejected.dat"),
                       TransactionOutcome(endToEndId: nil, instructionId: Self.reference, bankStatus: "0000/0389",
                                          status: .rejected, reasonCode: "0389", reasonText: "收款人户名与账号不符"))
        XCTAssertEqual(try outcome("cqrt04-answer-processing.dat")?.status, .processing)
        let unknown = try XCTUnwrap(try outcome("cqrt04-answer-unknown-result.dat"))
        XCTAssertEqual(unknown.status, .unknown)
        XCTAssertEqual(unknown.bankStatus, "0000/9876")
        // A failed query says nothing about the transfer; a query about another transfer neither.
        XCTAssertEqual(try answer("cqrt04-answer-query-failed.dat"), .unknown("CQRT04 failed: RespCode 2003 账号不存在"))
        guard case .unknown = Fixtures.adapter.decodePaymentAnswer(try Fixtures.sample("cqrt04-answer-completed.dat"),
                                                                   reference: "BGI20261123000002") else { return XCTFail() }
    }

    func testBalancesInBothShapes() throws {
        let expected = ABCAccountBalance(account: "110101040012345", name: "北京示例科技有限公司",
                                         balance: Money(minorUnits: 148_765_433, currency: Fixtures.cny),
                                         availableBalance: Money(minorUnits: 146_765_433, currency: Fixtures.cny),
                                         accountType: "0", status: "0")
        XCTAssertEqual(try Fixtures.adapter.decodeBalanceAnswer(try Fixtures.sample("cqra06-answer.dat"), account: Fixtures.debtor),
                       expected)
        var fromPrivateData = expected
        fromPrivateData.status = nil
        XCTAssertEqual(try Fixtures.adapter.decodeBalanceAnswer(try Fixtures.sample("cqra06-answer-private-data.dat"),
                                                                account: Fixtures.debtor), fromPrivateData)
        XCTAssertEqual(expected.statementBalances(asOf: "2026-11-24"), [
            StatementBalance(type: "ITBD", amount: Money(minorUnits: 148_765_433, currency: Fixtures.cny), date: "2026-11-24"),
            StatementBalance(type: "ITAV", amount: Money(minorUnits: 146_765_433, currency: Fixtures.cny), date: "2026-11-24"),
        ])
        XCTAssertThrowsError(try Fixtures.adapter.decodeBalanceAnswer(try Fixtures.sample("cqra06-answer-refused.dat"),
                                                                      account: Fixtures.debtor)) {
            XCTAssertEqual(($0 as? AdapterError)?.location, "ap/RespCode")
            XCTAssertEqual(($0 as? AdapterError)?.message, "RespCode 2003 账号不存在")
        }
    }

    func testTheDetailQueryNamesAFile() throws {
        let reference = try Fixtures.adapter.decodeTransactionAnswer(try Fixtures.sample("cqra10-answer.dat"))
        XCTAssertEqual(reference.fileName, "TBANK.2594.6612502044205888.67206909794815381504-D-017")
        XCTAssertEqual(reference.recordCount, 3)
        XCTAssertEqual(reference.fieldCount, 33)
        XCTAssertFalse(reference.hasMore)
    }

    func testTheDetailFileIntoTheStatementModel() throws {
        let file = try Fixtures.adapter.decodeTransactionFile(try Fixtures.sample("cqra10-detail.txt"),
                                                              account: Fixtures.debtor, statementId: "Q20261124000003")
        XCTAssertEqual(file.transactions.count, 3)
        XCTAssertEqual(file.lastPosition, ABCDetailPosition(timeStamp: "20261124080000000001", journalNumber: "11223350"))
        let debit = file.transactions[0]
        XCTAssertEqual(debit.bookingDate, "2026-11-23")
        XCTAssertNil(debit.valueDate)
        XCTAssertEqual(debit.amount, Money(minorUnits: 1_234_567, currency: Fixtures.cny))
        XCTAssertEqual(debit.signedMinorUnits, -1_234_567)
        XCTAssertEqual(debit.instructionId, "BGI20261123000001")
        XCTAssertEqual(debit.bankReference, "11223340")
        XCTAssertEqual(debit.counterparty, Counterparty(name: "上海某某贸易有限公司", account: nil, bankCode: nil))
        XCTAssertEqual(debit.remittanceInformation, "合同HT-2026-118 货款 & 运费")
        XCTAssertEqual(debit.additionalInformation, "汇兑")
        XCTAssertEqual(debit.balanceAfter, Money(minorUnits: 148_765_433, currency: Fixtures.cny))
        XCTAssertEqual(debit.transactionCode, BankTransactionCode(proprietary: "CFRT02", proprietaryIssuer: "ABC"))
        XCTAssertEqual(debit.status, .booked)
        XCTAssertEqual(debit.sequence, 1)
        let credit = file.transactions[1]
        XCTAssertEqual(credit.creditDebit, .credit)
        XCTAssertEqual(credit.amount, Money(minorUnits: 200_000, currency: Fixtures.cny))
        XCTAssertEqual(credit.counterparty, Counterparty(name: "北京某某物流有限公司", account: "110201040022222", bankCode: nil))
        XCTAssertEqual(credit.remittanceInformation, "退款")
        XCTAssertNil(credit.instructionId)
        let fee = file.transactions[2]
        XCTAssertEqual(fee.signedMinorUnits, -1_000)
        XCTAssertNil(fee.balanceAfter)
        XCTAssertEqual(fee.bookingDate, "2026-11-24")
    }

    func testDetailLinesThatDoNotAddUpAreRefused() {
        func message(_ line: String) -> String? {
            do {
                _ = try Fixtures.adapter.decodeTransactionFile(try ChineseTextEncoding.gbk.encode(line, field: "t"),
                                                               account: Fixtures.debtor, statementId: "s")
                return nil
            } catch {
                return (error as? AdapterError)?.description
            }
        }
        let fields = "11|110101040012345|01|20261123|T|J|||||||||||||%@|%@|%@|||||||||||||"
        func line(_ amount: String, _ balance: String, _ previous: String) -> String {
            var text = fields
            for value in [amount, balance, previous] {
                text = text.replacingOccurrences(of: "%@", with: value, options: [], range: text.range(of: "%@"))
            }
            return text
        }
        XCTAssertNil(message(line("10.00", "110.00", "100.00")))
        XCTAssertEqual(message(line("10.00", "120.00", "100.00")), "Bal - PreAmt does not equal Amt (at detail line 1 Amt)")
        XCTAssertEqual(message(line("-10.00", "110.00", "100.00")), "Bal - PreAmt does not equal Amt (at detail line 1 Amt)")
        XCTAssertEqual(message(line("10.00", "", "")),
                       "cannot tell a debit from a credit: Amt has no sign and Bal/PreAmt are missing (at detail line 1 Amt)")
        XCTAssertEqual(message("11|110101040012345|01|"), "3 fields, expected 33 (at detail line 1)")
        XCTAssertEqual(message(line("10.00", "110.00", "100.00").replacingOccurrences(of: "110101040012345", with: "999")),
                       "a detail of another account (at detail line 1 AccNo)")
        XCTAssertEqual(message(line("10.00", "110.00", "100.00").replacingOccurrences(of: "20261123", with: "20261131")),
                       "not a real date (at detail line 1 TrDate)")
    }
}

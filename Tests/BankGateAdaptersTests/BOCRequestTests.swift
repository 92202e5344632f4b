import BankGateAdapters
import BankGateCore
import Foundation
import XCTest

/// BOC requests: golden UTF-8 bytes for every transaction, and the refusals (control characters,
/// byte limits, missing fields) with the field named.
final class BOCRequestTests: XCTestCase {
    typealias Fixtures = BOCFixtures

    /// Each request against its golden file in `adapters/boc/samples`, byte for byte. The golden
    /// files were written by hand, not by the encoder.
    func testRequestsEqualTheGoldenFiles() throws {
        let adapter = Fixtures.adapter
        let token = Fixtures.token
        let cases: [(String, EncodedMessage)] = [
            ("b2e0001-request.xml", try adapter.encodeSignIn(operatorPassword: "Pa55word", customerTime: Fixtures.signInTime,
                                                             messageId: "BGS20261123000001")),
            ("b2e0002-request.xml", try adapter.encodeSignOut(token: token, customerTime: Fixtures.signInTime
                                                                .adding(milliseconds: 30_600_000), messageId: "BGS20261123000002")),
            ("b2e0009-request.xml", try adapter.encodePayment(Fixtures.message([Fixtures.otherBankTransfer(), Fixtures.bocTransfer()]),
                                                              token: token)),
            ("b2e0078-request.xml", try adapter.encodePayroll(Fixtures.payroll(), channel: .otherBanksCNAPS, summary: "11月工资",
                                                              token: token)),
            ("b2e0007-request.xml", try adapter.encodeStatusQuery(references: ["BGI20261123000001", "BGI20261123000002"],
                                                                  token: token, queryId: "BGQ20261123000001")),
            ("b2e0005-request.xml", try adapter.encodeBalanceQuery(account: Fixtures.debtor, token: token,
                                                                   queryId: "BGQ20261123000002")),
            ("b2e0035-request.xml", try adapter.encodeTransactionQuery(account: Fixtures.debtor, fromDate: "2026-11-01",
                                                                       toDate: "2026-11-23", token: token,
                                                                       queryId: "BGQ20261123000003")),
        ]
        for (file, encoded) in cases {
            let golden = try Fixtures.sample(file)
            XCTAssertEqual(String(decoding: encoded.bytes, as: UTF8.self), String(decoding: golden, as: UTF8.self), file)
            XCTAssertTrue(encoded.bytes == golden, "\(file) differs byte for byte")
            XCTAssertEqual(encoded.contentType, "application/xml")
        }
    }

    func testThePaymentIsUTF8Version120WithInsidAndTrnid() throws {
        let encoded = try Fixtures.adapter.encodePayment(Fixtures.message([Fixtures.otherBankTransfer()]), token: Fixtures.token)
        XCTAssertEqual(encoded.kind, "BOC.b2e0009")
        XCTAssertEqual(encoded.fileName, "b2e0009-BGI20261123000001.xml")
        XCTAssertTrue(encoded.bytes.starts(with: Array(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<bocb2e version=\"120\" locale=\"zh_CN\">".utf8)))
        let text = String(decoding: encoded.bytes, as: UTF8.self)
        XCTAssertTrue(text.contains("<insid>BGI20261123000001</insid>"))
        XCTAssertTrue(text.contains("<trnid>BGM20261123000001</trnid>"))
        XCTAssertNotNil(encoded.bytes.firstRange(of: Array("上海".utf8)), "上海 in UTF-8")
    }

    func testTheSignInHasNoTokenAndChinaTime() throws {
        let text = String(decoding: try Fixtures.adapter.encodeSignIn(operatorPassword: "Pa55word", customerTime: Fixtures.signInTime,
                                                                     messageId: "S1").bytes, as: UTF8.self)
        XCTAssertFalse(text.contains("<token>"))
        XCTAssertTrue(text.contains("<custdt>20261123093000</custdt>"))
        XCTAssertThrowsError(try Fixtures.adapter.encodeSignIn(operatorPassword: "pass word", customerTime: Fixtures.signInTime,
                                                               messageId: "S1")) { error in
            XCTAssertEqual((error as? AdapterError)?.location, "b2e0001-rq/oprpwd")
            XCTAssertFalse((error as? AdapterError)?.description.contains("pass word") ?? true, "no secret in the error")
        }
    }

    func testAResendIsByteIdentical() throws {
        let message = Fixtures.message([Fixtures.otherBankTransfer(), Fixtures.bocTransfer()])
        XCTAssertEqual(try Fixtures.adapter.encodePayment(message, token: Fixtures.token),
                       try Fixtures.adapter.encodePayment(message, token: Fixtures.token))
    }

    func testAControlCharacterIsRefusedWithTheFieldNamed() {
        let message = Fixtures.message([Fixtures.otherBankTransfer(name: "上海某某\u{07}贸易")])
        XCTAssertThrowsError(try Fixtures.adapter.encodePayment(message, token: Fixtures.token)) { error in
            XCTAssertEqual((error as? AdapterError)?.location, "b2e0009-rq/toactn/toname")
            XCTAssertEqual((error as? AdapterError)?.message, "b2e0009-rq/toactn/toname: control character U+0007 is not allowed")
        }
    }

    /// `toname` takes 70 bytes of UTF-8: 23 Chinese characters fit (69 bytes), 24 do not, 70 ASCII letters do.
    func testLimitsAreCountedInUTF8Bytes() {
        let fits = String(repeating: "贸", count: 23)
        XCTAssertNoThrow(try Fixtures.adapter.encodePayment(Fixtures.message([Fixtures.otherBankTransfer(name: fits)]),
                                                            token: Fixtures.token))
        XCTAssertNoThrow(try Fixtures.adapter.encodePayment(Fixtures.message([
            Fixtures.otherBankTransfer(name: String(repeating: "A", count: 70))]), token: Fixtures.token))
        XCTAssertThrowsError(try Fixtures.adapter.encodePayment(Fixtures.message([
            Fixtures.otherBankTransfer(name: fits + "贸")]), token: Fixtures.token)) { error in
            XCTAssertEqual((error as? AdapterError)?.location, "b2e0009-rq/toactn/toname")
            XCTAssertEqual((error as? AdapterError)?.message, "72 bytes in UTF-8, over the limit of 70")
        }
    }

    func testMissingOrUnfitFieldsAreRefusedWithTheFieldNamed() {
        func location(_ change: (inout CreditTransfer) -> Void, debtor: DebtorAccount = Fixtures.debtor,
                      token: String = Fixtures.token) -> String? {
            var transfer = Fixtures.otherBankTransfer()
            change(&transfer)
            var message = Fixtures.message([transfer])
            message.debtor = debtor
            do {
                _ = try Fixtures.adapter.encodePayment(message, token: token)
                return nil
            } catch {
                return error.location
            }
        }
        XCTAssertEqual(location { $0.creditor.bankName = nil; $0.creditor.bankBranch = nil }, "b2e0009-rq/toactn/tobknm")
        XCTAssertEqual(location { $0.creditor.bankCode = nil }, "b2e0009-rq/toactn/toibkn")
        XCTAssertEqual(location { $0.creditor.bankCode = "BKCHCNBJ" }, "b2e0009-rq/toactn/toibkn")
        XCTAssertEqual(location { $0.instructionId = String(repeating: "R", count: 31) }, "b2e0009-rq/insid")
        XCTAssertEqual(location { $0.instructionId = "BGI 1" }, "b2e0009-rq/insid")
        XCTAssertEqual(location { $0.amount = Money(minorUnits: 0, currency: Fixtures.cny) }, "b2e0009-rq/trnamt")
        XCTAssertEqual(location { $0.amount = Money(minorUnits: 1_000_000_000_000_000, currency: Fixtures.cny) },
                       "b2e0009-rq/trnamt")
        XCTAssertEqual(location { $0.details.purpose = String(repeating: "货", count: 27) }, "b2e0009-rq/furinfo")
        XCTAssertEqual(location({ _ in }, token: ""), "head/token")
        XCTAssertEqual(location({ _ in }, token: String(repeating: "T", count: 65)), "head/token")
        var unknownBranch = Fixtures.debtor
        unknownBranch.number = "456700000009"
        XCTAssertEqual(location({ _ in }, debtor: unknownBranch), "b2e0009-rq/fractn/fribkn")
        var eur = Fixtures.debtor
        eur.currency = Currency(code: "EUR")!
        XCTAssertEqual(location({ _ in }, debtor: eur), "b2e0009-rq/trncur")
        // Neither address nor purpose is required.
        XCTAssertNil(location { $0.creditor.address = nil; $0.details.purpose = nil; $0.remittanceInfo = nil })
    }

    func testLimitsOfTransfersReferencesAndPayroll() {
        let transfers = (1...100).map { index -> CreditTransfer in
            var transfer = Fixtures.bocTransfer()
            transfer.instructionId = "BGI\(index)"
            return transfer
        }
        XCTAssertNoThrow(try Fixtures.adapter.encodePayment(Fixtures.message(Array(transfers.prefix(99))), token: Fixtures.token))
        XCTAssertThrowsError(try Fixtures.adapter.encodePayment(Fixtures.message(transfers), token: Fixtures.token))
        let references = (1...100).map { "BGI\($0)" }
        XCTAssertNoThrow(try Fixtures.adapter.encodeStatusQuery(references: Array(references.prefix(99)), token: Fixtures.token,
                                                                queryId: "q"))
        XCTAssertThrowsError(try Fixtures.adapter.encodeStatusQuery(references: references, token: Fixtures.token, queryId: "q"))
        XCTAssertThrowsError(try Fixtures.adapter.encodeStatusQuery(references: [], token: Fixtures.token, queryId: "q"))
        // Channel 6 needs a CNAPS code on every line.
        var payroll = Fixtures.payroll()
        payroll.transfers[1].creditor.bankCode = nil
        XCTAssertThrowsError(try Fixtures.adapter.encodePayroll(payroll, channel: .otherBanksCNAPS, summary: "工资",
                                                                token: Fixtures.token)) { error in
            XCTAssertEqual((error as? AdapterError)?.location, "b2e0078-rq/detail/toibkn")
        }
        XCTAssertNoThrow(try Fixtures.adapter.encodePayroll(payroll, channel: .bocAccounts, summary: "工资", token: Fixtures.token))
        XCTAssertThrowsError(try Fixtures.adapter.encodeTransactionQuery(account: Fixtures.debtor, fromDate: "2026-11-23",
                                                                         toDate: "2026-11-01", token: Fixtures.token, queryId: "q"))
    }

    func testIntakeRequirements() {
        let requirements = Fixtures.adapter.paymentFieldRequirements
        XCTAssertEqual(requirements.problem(given: [], creditorBankCode: nil, purpose: nil), .missing(.creditorBankName))
        XCTAssertEqual(requirements.problem(given: [.creditorBankName, .categoryPurpose], creditorBankCode: nil,
                                            purpose: nil), .notCarried(.categoryPurpose))
        XCTAssertEqual(requirements.problem(given: [.creditorBankName, .purpose], creditorBankCode: nil,
                                            purpose: String(repeating: "货", count: 27)), .purposeTooLong(max: 26))
        XCTAssertNil(requirements.problem(given: [.creditorBankName, .purpose], creditorBankCode: "102290000011", purpose: "货款"))
    }
}

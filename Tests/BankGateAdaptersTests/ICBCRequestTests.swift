import BankGateAdapters
import BankGateCore
import Foundation
import XCTest

/// ICBC requests: golden GBK bytes for every transaction, the NetSafe Client's form and sign-port
/// exchange, and the refusals (text GBK cannot carry, byte limits, missing fields) with the field named.
final class ICBCRequestTests: XCTestCase {
    typealias Fixtures = ICBCFixtures

    /// Each request against its golden file in `adapters/icbc/samples`, byte for byte. The golden
    /// files were written by hand in UTF-8 and converted with `iconv -t GBK`, not by the encoder.
    func testRequestsEqualTheGoldenFiles() throws {
        let adapter = Fixtures.adapter
        let at = Fixtures.createdAt
        let cases: [(String, EncodedMessage)] = [
            ("payent-request-other-bank.xml", try adapter.encodePayment(Fixtures.message([Fixtures.otherBankTransfer()]))),
            ("payent-request-batch.xml", try adapter.encodePayment(Fixtures.message(
                [Fixtures.otherBankTransfer(), Fixtures.sameBankTransfer()], id: "BGM20261123000002"))),
            ("qpayent-request.xml", try adapter.encodeStatusQuery(packageId: "BGM20261123000002",
                                                                  queryId: "BGQ20261123000003", createdAt: at)),
            ("qaccbal-request.xml", try adapter.encodeBalanceQuery(account: Fixtures.debtor, queryId: "BGQ20261123000004",
                                                                   createdAt: at)),
            ("qhisd-request.xml", try adapter.encodeTransactionQuery(account: Fixtures.debtor, fromDate: "2026-11-01",
                                                                     toDate: "2026-11-23", queryId: "BGQ20261123000005",
                                                                     createdAt: at)),
            ("qhisd-request-next-page.xml", try adapter.encodeTransactionQuery(
                account: Fixtures.debtor, fromDate: "2026-11-01", toDate: "2026-11-23", queryId: "BGQ20261123000006",
                createdAt: at, nextTag: "20261115|0200|000345")),
            ("downebill-request.xml", try adapter.encodeReceiptDownload(
                receiptKey: "0200|00600|20295|000734", workDate: "2026-11-23", account: Fixtures.debtor,
                queryId: "BGQ20261123000007", createdAt: at)),
        ]
        for (file, encoded) in cases {
            let golden = try Fixtures.sample(file)
            XCTAssertEqual(try ChineseTextEncoding.gbk.decode(encoded.bytes, field: file),
                           try ChineseTextEncoding.gbk.decode(golden, field: file), file)
            XCTAssertTrue(encoded.bytes == golden, "\(file) differs byte for byte")
            XCTAssertEqual(encoded.contentType, "application/xml; charset=GBK")
        }
    }

    func testThePaymentIsGBKWithThePackageIdAndTheReferencePerRecord() throws {
        let encoded = try Fixtures.adapter.encodePayment(Fixtures.message([Fixtures.otherBankTransfer()]))
        XCTAssertEqual(encoded.kind, "ICBC.PAYENT")
        XCTAssertEqual(encoded.fileName, "PAYENT-BGM20261123000001.xml")
        // 北京 is B1 B1 BE A9 in GBK.
        XCTAssertNotNil(encoded.bytes.firstRange(of: [0xB1, 0xB1, 0xBE, 0xA9]), "北京 in GBK")
        XCTAssertNil(encoded.bytes.firstRange(of: Array("北京".utf8)), "no UTF-8 left")
        XCTAssertNotNil(encoded.bytes.firstRange(of: Array("<fSeqno>BGM20261123000001</fSeqno>".utf8)))
        XCTAssertNotNil(encoded.bytes.firstRange(of: Array("<Ref>BGI20261123000001</Ref>".utf8)))
        // 12 345.67 CNY is written in fen.
        XCTAssertNotNil(encoded.bytes.firstRange(of: Array("<PayAmt>1234567</PayAmt>".utf8)))
        XCTAssertTrue(ICBCAdapter.needsSignature(encoded.bytes))
        let query = try Fixtures.adapter.encodeBalanceQuery(account: Fixtures.debtor, queryId: "q", createdAt: Fixtures.createdAt)
        XCTAssertFalse(ICBCAdapter.needsSignature(query.bytes))
    }

    func testAResendIsByteIdentical() throws {
        let message = Fixtures.message([Fixtures.otherBankTransfer(), Fixtures.sameBankTransfer()])
        XCTAssertEqual(try Fixtures.adapter.encodePayment(message), try Fixtures.adapter.encodePayment(message))
    }

    /// `TranDate`/`TranTime` are China time: 2026-11-23 20:00 UTC is the 24th in China.
    func testTimesAreWrittenInChinaTime() throws {
        var message = Fixtures.message([Fixtures.sameBankTransfer()])
        message.createdAt = Timestamp.parseDate("2026-11-23")!.adding(milliseconds: 72_000_123)
        let text = try ChineseTextEncoding.gbk.decode(try Fixtures.adapter.encodePayment(message).bytes, field: "t")
        XCTAssertTrue(text.contains("<TranDate>20261124</TranDate><TranTime>040000123</TranTime>"), text)
        XCTAssertTrue(text.contains("<SignTime>20261124040000123</SignTime>"), text)
    }

    func testANameGBKCannotCarryIsRefusedWithTheFieldNamed() {
        let message = Fixtures.message([Fixtures.otherBankTransfer(name: "北京某某贸易有限公司😀")])
        XCTAssertThrowsError(try Fixtures.adapter.encodePayment(message)) { error in
            let error = error as? AdapterError
            XCTAssertEqual(error?.location, "rd/RecAccNameCN")
            XCTAssertEqual(error?.message, "rd/RecAccNameCN: character U+1F600 cannot be written in GBK")
        }
    }

    /// `UseCN` is taken as 20 GBK bytes: 10 Chinese characters fit, 11 do not, 20 ASCII letters do.
    func testLimitsAreCountedInGBKBytes() throws {
        func purpose(_ text: String) throws -> EncodedMessage {
            var transfer = Fixtures.otherBankTransfer()
            transfer.details.purpose = text
            return try Fixtures.adapter.encodePayment(Fixtures.message([transfer]))
        }
        XCTAssertNoThrow(try purpose(String(repeating: "货", count: 10)))
        XCTAssertNoThrow(try purpose(String(repeating: "A", count: 20)))
        XCTAssertThrowsError(try purpose(String(repeating: "货", count: 11))) { error in
            XCTAssertEqual((error as? AdapterError)?.location, "rd/UseCN")
            XCTAssertEqual((error as? AdapterError)?.message, "22 bytes in GBK, over the limit of 20")
        }
    }

    func testMissingOrUnfitFieldsAreRefusedWithTheFieldNamed() {
        func location(_ change: (inout CreditTransfer) -> Void, debtor: DebtorAccount = Fixtures.debtor) -> String? {
            var transfer = Fixtures.otherBankTransfer()
            change(&transfer)
            var message = Fixtures.message([transfer])
            message.debtor = debtor
            do {
                _ = try Fixtures.adapter.encodePayment(message)
                return nil
            } catch {
                return error.location
            }
        }
        XCTAssertEqual(location { $0.details.purpose = nil }, "rd/UseCN")
        XCTAssertEqual(location { $0.details.sameBank = nil }, "rd/SysIOFlg")
        XCTAssertEqual(location { $0.creditor.bankName = nil; $0.creditor.bankBranch = nil }, "rd/RecBankName")
        XCTAssertEqual(location { $0.creditor.address = nil }, "rd/RecCityName")
        XCTAssertEqual(location { $0.instructionId = String(repeating: "R", count: 36) }, "rd/Ref")
        XCTAssertEqual(location { $0.instructionId = "BGI 1" }, "rd/Ref")
        XCTAssertEqual(location { $0.creditor.account = "6222 0213" }, "rd/RecAccNo")
        XCTAssertEqual(location { $0.amount = Money(minorUnits: 0, currency: Fixtures.cny) }, "rd/PayAmt")
        XCTAssertEqual(location { $0.amount = Money(minorUnits: 1_000_000_000_000_000, currency: Fixtures.cny) }, "in/TotalAmt")
        var eur = Fixtures.debtor
        eur.currency = Currency(code: "EUR")!
        XCTAssertEqual(location({ _ in }, debtor: eur), "rd/CurrType")
        // A same-bank payment needs neither the bank's name nor the city.
        XCTAssertNil(location { $0.details.sameBank = true; $0.creditor.bankName = nil; $0.creditor.address = nil })
        var longId = Fixtures.message([Fixtures.sameBankTransfer()])
        longId.messageId = String(repeating: "M", count: 36)
        XCTAssertThrowsError(try Fixtures.adapter.encodePayment(longId)) { error in
            XCTAssertEqual((error as? AdapterError)?.location, "pub/fSeqno")
        }
    }

    func testAtMostThirtyTransfersPerPackage() {
        let transfers = (1...31).map { index -> CreditTransfer in
            var transfer = Fixtures.sameBankTransfer()
            transfer.instructionId = "BGI\(index)"
            return transfer
        }
        XCTAssertNoThrow(try Fixtures.adapter.encodePayment(Fixtures.message(Array(transfers.prefix(30)))))
        XCTAssertThrowsError(try Fixtures.adapter.encodePayment(Fixtures.message(transfers)))
        XCTAssertThrowsError(try Fixtures.adapter.encodePayment(Fixtures.message([])))
    }

    func testQueryLimits() {
        let adapter = Fixtures.adapter
        XCTAssertThrowsError(try adapter.encodeTransactionQuery(account: Fixtures.debtor, fromDate: "2026-11-23", toDate: "2026-11-01",
                                                                queryId: "q", createdAt: Fixtures.createdAt)) { error in
            XCTAssertEqual((error as? AdapterError)?.location, "in/EndDate")
        }
        XCTAssertThrowsError(try adapter.encodeTransactionQuery(account: Fixtures.debtor, fromDate: "2026-02-30", toDate: "2026-03-01",
                                                                queryId: "q", createdAt: Fixtures.createdAt))
        XCTAssertThrowsError(try adapter.encodeReceiptDownload(receiptKey: "0200|0600", workDate: "2026-11-23",
                                                               account: Fixtures.debtor, queryId: "q", createdAt: Fixtures.createdAt))
        XCTAssertThrowsError(try adapter.encodeStatusQuery(packageId: "BGM 1", queryId: "q", createdAt: Fixtures.createdAt)) { error in
            XCTAssertEqual((error as? AdapterError)?.location, "in/QryfSeqno")
        }
    }

    func testIntakeRequirements() {
        let requirements = Fixtures.adapter.paymentFieldRequirements
        XCTAssertEqual(requirements.problem(given: [.sameBank], creditorBankCode: nil, purpose: nil), .missing(.purpose))
        XCTAssertEqual(requirements.problem(given: [.purpose], creditorBankCode: nil, purpose: "货款"), .missing(.sameBank))
        XCTAssertEqual(requirements.problem(given: [.purpose, .sameBank, .categoryPurpose], creditorBankCode: nil,
                                            purpose: "货款"), .notCarried(.categoryPurpose))
        XCTAssertEqual(requirements.problem(given: [.purpose, .sameBank], creditorBankCode: nil,
                                            purpose: String(repeating: "货", count: 11)), .purposeTooLong(max: 10))
        XCTAssertNil(requirements.problem(given: [.purpose, .sameBank], creditorBankCode: "105100000017", purpose: "货款"))
    }
}

extension ICBCRequestTests {
    /// The form post of an unsigned query and of a signed payment, against golden bodies made
    /// with Python's `quote_plus` from the golden documents (not by the codec).
    func testTheFormPostEqualsTheGoldenFiles() throws {
        let adapter = Fixtures.adapter
        let query = try adapter.encodeBalanceQuery(account: Fixtures.debtor, queryId: "BGQ20261123000004", createdAt: Fixtures.createdAt)
        let post = try adapter.envelope(query, sendTime: Fixtures.sendTime)
        XCTAssertEqual(post.query, String(decoding: try Fixtures.sample("qaccbal-form-query.txt"), as: UTF8.self))
        XCTAssertTrue(post.body == (try Fixtures.sample("qaccbal-form-body.txt")), "QACCBAL form body")
        XCTAssertEqual(post.contentType, "application/x-www-form-urlencoded; charset=GBK")

        let payment = try adapter.encodePayment(Fixtures.message([Fixtures.otherBankTransfer()]))
        XCTAssertThrowsError(try adapter.envelope(payment, sendTime: Fixtures.sendTime)) { error in
            XCTAssertTrue((error as? AdapterError)?.message.contains("must be signed") ?? false)
        }
        let signRequest = ICBCAdapter.signRequest(payment)
        XCTAssertEqual(signRequest.contentType, "INFOSEC_SIGN/1.0")
        XCTAssertEqual(signRequest.body, payment.bytes)
        let signature = try ICBCAdapter.readSignature(try Fixtures.sample("sign-answer.html"))
        XCTAssertTrue(signature.starts(with: Array("MIIBhwYJKoZIhvcNAQcCoIIBeDCCAXQCAQExCzAJBgUrDgMCGgUAMAsGCSqGSIb3DQEHAa".utf8)))
        XCTAssertFalse(signature.contains(UInt8(ascii: "\n")))
        let signed = try adapter.envelope(payment, sendTime: Fixtures.sendTime, signature: signature)
        XCTAssertTrue(signed.body == (try Fixtures.sample("payent-form-body.txt")), "PAYENT form body")
        XCTAssertEqual(signed.query, "userID=bankgate.y.0200&PackageID=BGM20261123000001&SendTime=20261123103001500")
    }

    func testTheSignPortsAnswerWithoutASignatureIsAnError() {
        XCTAssertThrowsError(try ICBCAdapter.readSignature(Array("<html><body><result>500</result></body></html>".utf8)))
        XCTAssertThrowsError(try ICBCAdapter.readSignature(Array("<sign> \n </sign>".utf8)))
    }

    func testUnwrapAnswer() throws {
        let document = try ICBCAdapter.unwrapAnswer(try Fixtures.sample("qpayent-answer-wrapped.txt"))
        XCTAssertEqual(document, try Fixtures.sample("qpayent-answer-codes.xml"))
        // Percent-encoded Base64 ("PD94" = "<?x", "+" as %2B).
        XCTAssertEqual(try ICBCAdapter.unwrapAnswer(Array("reqData=PD94%2Bbg%3D".utf8)), Array("<?x".utf8) + [0xF9, 0xB8])
        XCTAssertThrowsError(try ICBCAdapter.unwrapAnswer(Array("<html>500</html>".utf8)))
        XCTAssertThrowsError(try ICBCAdapter.unwrapAnswer(Array("reqData=PD9!".utf8)))
        XCTAssertThrowsError(try ICBCAdapter.unwrapAnswer(Array("reqData=PD9".utf8)))
    }
}

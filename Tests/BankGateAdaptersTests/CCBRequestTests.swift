import BankGateAdapters
import BankGateCore
import Foundation
import XCTest

/// CCB requests: golden GB2312 bytes for every transaction, the refusals (text GB2312 cannot carry,
/// byte limits, request numbers, missing fields) with the field named, and the password kept out
/// of every error and description.
final class CCBRequestTests: XCTestCase {
    typealias Fixtures = CCBFixtures

    /// Each request against its golden file in `adapters/ccb/samples`, byte for byte. The golden
    /// files were written by hand in UTF-8 and converted with `iconv -t GB2312`, not by the encoder.
    func testRequestsEqualTheGoldenFiles() throws {
        let adapter = Fixtures.adapter
        let cases: [(String, EncodedMessage)] = [
            ("6w8010-request-same-bank.xml", try adapter.encodePayment(Fixtures.message([Fixtures.sameBankTransfer()]))),
            ("6w8060-request-other-bank.xml", try adapter.encodePayment(Fixtures.message([Fixtures.otherBankTransfer()]))),
            ("6w1303-request.xml", try adapter.encodePayrollPayment(Fixtures.message([Fixtures.payrollTransfer()]),
                                                                    billCode: "160801085", purposeCode: "00000001")),
            ("6w0600-request.xml", try adapter.encodeStatusQuery(reference: "2026112300000001", queryId: "2026112310000001")),
            ("6w1503-request.xml", try adapter.encodePayrollStatusQuery(reference: "2026112300000003",
                                                                        queryId: "2026112310000002")),
            ("6w0100-request.xml", try adapter.encodeBalanceQuery(account: Fixtures.debtor, queryId: "2026112310000003")),
            ("6wy101-request-page-1.xml", try adapter.encodeTransactionQuery(
                account: Fixtures.debtor, fromDate: "2026-11-01", toDate: "2026-11-23", queryId: "2026112310000004")),
            ("6wy101-request-page-2.xml", try adapter.encodeTransactionQuery(
                account: Fixtures.debtor, fromDate: "2026-11-01", toDate: "2026-11-23", queryId: "2026112310000005",
                page: CCBPageRequest(number: 2, position: "1010015131456736417027990+11+1+11+"))),
        ]
        for (file, encoded) in cases {
            let golden = try Fixtures.sample(file)
            XCTAssertEqual(try ChineseTextEncoding.gb2312.decode(encoded.bytes, field: file),
                           try ChineseTextEncoding.gb2312.decode(golden, field: file), file)
            XCTAssertTrue(encoded.bytes == golden, "\(file) differs byte for byte")
            XCTAssertEqual(encoded.contentType, "text/xml; charset=GB2312")
        }
    }

    func testTheTransferIsGB2312WithTheInstructionIdAsREQUEST_SN() throws {
        let encoded = try Fixtures.adapter.encodePayment(Fixtures.message([Fixtures.sameBankTransfer()]))
        XCTAssertEqual(encoded.kind, "CCB.6W8010")
        XCTAssertEqual(encoded.fileName, "6W8010-2026112300000001.xml")
        XCTAssertTrue(encoded.bytes.starts(with: Array(
            "<?xml version=\"1.0\" encoding=\"GB2312\" standalone=\"yes\" ?><TX><REQUEST_SN>2026112300000001</REQUEST_SN>".utf8)))
        // 深圳 is C9 EE DB DA in GB2312; no UTF-8 left.
        XCTAssertNotNil(encoded.bytes.firstRange(of: [0xC9, 0xEE, 0xDB, 0xDA]))
        XCTAssertNil(encoded.bytes.firstRange(of: Array("深圳".utf8)))
        XCTAssertEqual(try Fixtures.adapter.encodePayment(Fixtures.message([Fixtures.otherBankTransfer()])).kind, "CCB.6W8060")
        XCTAssertEqual(try Fixtures.adapter.encodePayment(Fixtures.message([Fixtures.sameBankTransfer()])), encoded,
                       "a resend is byte-identical")
    }

    func testAGBKOnlyCharacterIsRefusedWithTheFieldNamed() {
        XCTAssertThrowsError(try Fixtures.adapter.encodePayment(Fixtures.message([Fixtures.sameBankTransfer(name: "朱镕基")]))) { error in
            XCTAssertEqual((error as? AdapterError)?.location, "TX_INFO/RECV_ACC_NAME")
            XCTAssertEqual((error as? AdapterError)?.message, "TX_INFO/RECV_ACC_NAME: character U+9555 cannot be written in GB2312")
        }
    }

    /// `RECV_ACC_NAME` is `varChar(60)`: 30 Chinese characters fit, 31 do not, though 60 ASCII letters do.
    func testLimitsAreCountedInGB2312Bytes() throws {
        let fits = String(repeating: "贸", count: 30)
        XCTAssertNoThrow(try Fixtures.adapter.encodePayment(Fixtures.message([Fixtures.sameBankTransfer(name: fits)])))
        XCTAssertNoThrow(try Fixtures.adapter.encodePayment(Fixtures.message([
            Fixtures.sameBankTransfer(name: String(repeating: "A", count: 60))])))
        XCTAssertThrowsError(try Fixtures.adapter.encodePayment(Fixtures.message([
            Fixtures.sameBankTransfer(name: fits + "贸")]))) { error in
            XCTAssertEqual((error as? AdapterError)?.location, "TX_INFO/RECV_ACC_NAME")
            XCTAssertEqual((error as? AdapterError)?.message, "62 bytes in GB2312, over the limit of 60")
        }
    }

    /// `REQUEST_SN` is 1 to 16 digits: an instruction id that is not is refused, never cut.
    func testTheRequestNumberMustBeSixteenDigitsAtMost() {
        for bad in ["BGI20261123000001", "20261123000000011", "2026-1123", ""] {
            var transfer = Fixtures.sameBankTransfer()
            transfer.instructionId = bad
            XCTAssertThrowsError(try Fixtures.adapter.encodePayment(Fixtures.message([transfer])), bad) { error in
                XCTAssertEqual((error as? AdapterError)?.location, "TX/REQUEST_SN", bad)
            }
        }
        XCTAssertThrowsError(try Fixtures.adapter.encodeStatusQuery(reference: "BGI1", queryId: "1")) { error in
            XCTAssertEqual((error as? AdapterError)?.location, "TX_INFO/REQUEST_SN1")
        }
        XCTAssertThrowsError(try Fixtures.adapter.encodeBalanceQuery(account: Fixtures.debtor, queryId: "q-1")) { error in
            XCTAssertEqual((error as? AdapterError)?.location, "TX/REQUEST_SN")
        }
    }

    func testMissingOrUnfitFieldsAreRefusedWithTheFieldNamed() {
        func location(_ change: (inout CreditTransfer) -> Void, from transfer: CreditTransfer = Fixtures.sameBankTransfer(),
                      debtor: DebtorAccount = Fixtures.debtor) -> String? {
            var transfer = transfer
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
        XCTAssertEqual(location { $0.details.purpose = nil }, "TX_INFO/USEOF")
        XCTAssertEqual(location { $0.details.purpose = String(repeating: "货", count: 20) }, "TX_INFO/USEOF")
        XCTAssertEqual(location { $0.details.sameBank = nil }, "TX/TX_CODE")
        XCTAssertEqual(location { $0.amount = Money(minorUnits: 0, currency: Fixtures.cny) }, "TX_INFO/AMOUNT")
        XCTAssertEqual(location { $0.amount = Money(minorUnits: 10_000_000_000_000_000, currency: Fixtures.cny) },
                       "TX_INFO/AMOUNT")
        XCTAssertNil(location { $0.amount = Money(minorUnits: 9_999_999_999_999_999, currency: Fixtures.cny) })
        XCTAssertEqual(location { $0.remittanceInfo = String(repeating: "款", count: 33) }, "TX_INFO/REM2")
        XCTAssertEqual(location({ $0.creditor.bankCode = "ICBKCNBJ" }, from: Fixtures.otherBankTransfer()), "TX_INFO/RECV_UBANKNO")
        XCTAssertEqual(location({ $0.creditor.bankName = nil; $0.creditor.bankBranch = nil }, from: Fixtures.otherBankTransfer()),
                       "TX_INFO/RECV_OPENACC_DEPT")
        XCTAssertEqual(location({ $0.remittanceInfo = "发票1" }, from: Fixtures.otherBankTransfer()), "TX_INFO/REM1")
        var eur = Fixtures.debtor
        eur.currency = Currency(code: "EUR")!
        XCTAssertEqual(location({ _ in }, debtor: eur), "TX_INFO/CUR_TYPE")
        // A same-bank transfer needs no bank name.
        XCTAssertNil(location { $0.creditor.bankName = nil; $0.creditor.bankBranch = nil })
    }

    /// A remittance over `REM1`'s 32 bytes goes on in `REM2`, cut between characters.
    func testALongRemittanceIsSplitBetweenREM1AndREM2() throws {
        var transfer = Fixtures.sameBankTransfer()
        transfer.remittanceInfo = "A" + String(repeating: "款", count: 20)
        let text = try ChineseTextEncoding.gb2312.decode(
            try Fixtures.adapter.encodePayment(Fixtures.message([transfer])).bytes, field: "request")
        XCTAssertTrue(text.contains("<REM1>A" + String(repeating: "款", count: 15) + "</REM1><REM2>"
                                    + String(repeating: "款", count: 5) + "</REM2>"), text)
    }

    func testExactlyOneTransferPerMessage() {
        var second = Fixtures.sameBankTransfer()
        second.instructionId = "2026112300000009"
        for transfers in [[], [Fixtures.sameBankTransfer(), second]] {
            XCTAssertThrowsError(try Fixtures.adapter.encodePayment(Fixtures.message(transfers))) { error in
                XCTAssertEqual((error as? AdapterError)?.location, "TX")
            }
        }
        XCTAssertEqual(CCBAdapter.maxTransfersPerMessage, 1)
    }

    func testQueryLimits() {
        XCTAssertThrowsError(try Fixtures.adapter.encodeTransactionQuery(
            account: Fixtures.debtor, fromDate: "2026-11-23", toDate: "2026-11-01", queryId: "1"))
        XCTAssertThrowsError(try Fixtures.adapter.encodeTransactionQuery(
            account: Fixtures.debtor, fromDate: "2026-02-30", toDate: "2026-03-01", queryId: "1"))
        XCTAssertThrowsError(try Fixtures.adapter.encodeTransactionQuery(
            account: Fixtures.debtor, fromDate: "2026-11-01", toDate: "2026-11-23", queryId: "1",
            page: CCBPageRequest(number: 0, position: nil)))
    }

    func testIntakeRequirements() {
        let requirements = Fixtures.adapter.paymentFieldRequirements
        XCTAssertEqual(requirements.problem(given: [.sameBank], creditorBankCode: nil, purpose: nil), .missing(.purpose))
        XCTAssertEqual(requirements.problem(given: [.purpose], creditorBankCode: nil, purpose: "货款"), .missing(.sameBank))
        XCTAssertEqual(requirements.problem(given: [.purpose, .sameBank], creditorBankCode: "102290000011", purpose: "货款"),
                       .missing(.creditorBankName))
        XCTAssertEqual(requirements.problem(given: [.purpose, .sameBank, .priority], creditorBankCode: nil, purpose: "货款"),
                       .notCarried(.priority))
        XCTAssertEqual(requirements.problem(given: [.purpose, .sameBank], creditorBankCode: nil,
                                            purpose: String(repeating: "货", count: 20)), .purposeTooLong(max: 19))
        XCTAssertNil(requirements.problem(given: [.purpose, .sameBank, .creditorBankName], creditorBankCode: "102290000011",
                                          purpose: "货款"))
    }
}

extension CCBRequestTests {
    /// The password is in the message (the format demands it) and nowhere else: not in errors, not
    /// in the codec's description, and ``CCBAdapter/redactingPassword(_:)`` takes it out of the bytes.
    func testThePasswordStaysOutOfErrorsDescriptionsAndRedactedCopies() throws {
        let encoded = try Fixtures.adapter.encodePayment(Fixtures.message([Fixtures.sameBankTransfer()]))
        let secret = Array(Fixtures.password.utf8)
        XCTAssertNotNil(encoded.bytes.firstRange(of: secret), "the format carries it")
        let redacted = CCBAdapter.redactingPassword(encoded.bytes)
        XCTAssertNil(redacted.firstRange(of: secret))
        XCTAssertNotNil(redacted.firstRange(of: Array("<PASSWORD>******</PASSWORD>".utf8)))
        XCTAssertEqual(redacted.count, encoded.bytes.count - secret.count + 6)
        XCTAssertEqual(CCBAdapter.redactingPassword(Array("<PASSWORD>abc".utf8)), Array("<PASSWORD>******".utf8))

        for text in [String(describing: Fixtures.adapter), String(reflecting: Fixtures.adapter),
                     { var out = ""; dump(Fixtures.adapter, to: &out); return out }()] {
            XCTAssertFalse(text.contains(Fixtures.password), text)
            XCTAssertTrue(text.contains("<redacted>"), text)
        }

        let badPasswords = ["", String(repeating: "x", count: 33), "密码123", "pass\u{1}word"]
        for password in badPasswords {
            let adapter = CCBAdapter(customerId: "SZP000012345#001", operatorId: "WLPT01", password: password)
            XCTAssertThrowsError(try adapter.encodePayment(Fixtures.message([Fixtures.sameBankTransfer()]))) { error in
                let error = error as? AdapterError
                XCTAssertEqual(error?.location, "TX/PASSWORD")
                XCTAssertEqual(error?.message, "the operator password must be 1 to 32 printable ASCII characters")
            }
        }
    }

    func testTheHTTPFormEnvelopeAndTheTCPAnswer() throws {
        let encoded = try Fixtures.adapter.encodeStatusQuery(reference: "2026112300000001", queryId: "2026112310000001")
        let form = String(decoding: CCBAdapter.envelope(encoded), as: UTF8.self)
        XCTAssertTrue(form.hasPrefix("requestXml=%3C%3Fxml+version%3D%221.0%22+encoding%3D%22GB2312%22+standalone%3D%22yes%22+%3F%3E%3CTX%3E"), form)
        XCTAssertTrue(form.contains("%3CPASSWORD%3Es3cret%219%3C%2FPASSWORD%3E"), form)
        // Percent-decoding gives back the request's bytes.
        var decoded: [UInt8] = []
        var bytes = Array(form.utf8.dropFirst("requestXml=".utf8.count))[...]
        while let byte = bytes.popFirst() {
            if byte == UInt8(ascii: "%") {
                decoded.append(UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16)!)
                bytes = bytes.dropFirst(2)
            } else {
                decoded.append(byte == UInt8(ascii: "+") ? 0x20 : byte)
            }
        }
        XCTAssertEqual(decoded, encoded.bytes)
        // Chinese text goes as its GB2312 bytes.
        let payment = try Fixtures.adapter.encodePayment(Fixtures.message([Fixtures.sameBankTransfer()]))
        XCTAssertTrue(String(decoding: CCBAdapter.envelope(payment), as: UTF8.self).contains("%C9%EE%DB%DA"))

        let answer = try Fixtures.sample("6w8010-answer-success.xml")
        XCTAssertEqual(try CCBAdapter.unwrapAnswer([0x0D, 0x0A, 0x20] + answer), answer)
        XCTAssertThrowsError(try CCBAdapter.unwrapAnswer(Array(" \r\n".utf8)))
        XCTAssertThrowsError(try CCBAdapter.unwrapAnswer(Array("HTTP/1.1 500".utf8)))
    }
}

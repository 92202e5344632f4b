import BankGateAdapters
import BankGateCore
import BankGateXML
import Foundation
import XCTest

/// CMB requests: golden GBK bytes for every function, and the refusals (text GBK cannot carry,
/// byte limits, missing fields) with the field named.
final class CMBRequestTests: XCTestCase {
    typealias Fixtures = CMBFixtures

    /// Each request against its golden file in `adapters/cmb/samples`, byte for byte. The golden
    /// files were written by hand in UTF-8 and converted with `iconv -t GBK`, not by the encoder.
    func testRequestsEqualTheGoldenFiles() throws {
        let adapter = Fixtures.adapter
        let cases: [(String, EncodedMessage)] = [
            ("dcpaymnt-request-other-bank.xml", try adapter.encodePayment(Fixtures.message([Fixtures.otherBankTransfer()]))),
            ("dcpaymnt-request-same-bank.xml", try adapter.encodePayment(Fixtures.message([Fixtures.sameBankTransfer()]))),
            ("ntqrysty-request.xml", try adapter.encodeStatusQuery(reference: "BGI20261123000001", sentOn: "2026-11-23")),
            ("ntstlinf-request.xml", try adapter.encodePaymentInfoQuery(requestNumbers: ["0028471130", "0028471131"],
                                                                        queryId: "q-1")),
            ("getaccinfo-request.xml", try adapter.encodeBalanceQuery(account: Fixtures.debtor, queryId: "q-2")),
            ("gettransinfo-request.xml", try adapter.encodeTransactionQuery(account: Fixtures.debtor, fromDate: "2026-11-01",
                                                                            toDate: "2026-11-23", queryId: "q-3")),
        ]
        for (file, encoded) in cases {
            let golden = try Fixtures.sample(file)
            XCTAssertEqual(try ChineseTextEncoding.gbk.decode(encoded.bytes, field: file),
                           try ChineseTextEncoding.gbk.decode(golden, field: file), file)
            XCTAssertTrue(encoded.bytes == golden, "\(file) differs byte for byte")
            XCTAssertEqual(encoded.contentType, "text/xml; charset=GBK")
        }
    }

    func testThePaymentIsGBKWithTheDeclaredEncodingAndTheReferenceAsYURREF() throws {
        let encoded = try Fixtures.adapter.encodePayment(Fixtures.message([Fixtures.otherBankTransfer()]))
        XCTAssertEqual(encoded.kind, "CMB.DCPAYMNT")
        XCTAssertEqual(encoded.fileName, "DCPAYMNT-BGI20261123000001.xml")
        // 上海 is C9 CF BA A3 in GBK (E4 B8 8A E6 B5 B7 in UTF-8).
        XCTAssertNotNil(encoded.bytes.firstRange(of: [0xC9, 0xCF, 0xBA, 0xA3]), "上海 in GBK")
        XCTAssertNil(encoded.bytes.firstRange(of: Array("上海".utf8)), "no UTF-8 left")
        XCTAssertTrue(encoded.bytes.starts(with: Array("<?xml version=\"1.0\" encoding=\"GBK\"?>\n<CMBSDKPGK>".utf8)))
    }

    func testAResendIsByteIdentical() throws {
        let message = Fixtures.message([Fixtures.otherBankTransfer(), Fixtures.sameBankTransfer()])
        XCTAssertEqual(try Fixtures.adapter.encodePayment(message), try Fixtures.adapter.encodePayment(message))
    }

    func testANameGBKCannotCarryIsRefusedWithTheFieldNamed() {
        let message = Fixtures.message([Fixtures.otherBankTransfer(name: "上海某某贸易有限公司😀")])
        XCTAssertThrowsError(try Fixtures.adapter.encodePayment(message)) { error in
            let error = error as? AdapterError
            XCTAssertEqual(error?.location, "DCOPDPAYX/CRTNAM")
            XCTAssertEqual(error?.message, "DCOPDPAYX/CRTNAM: character U+1F600 cannot be written in GBK")
        }
    }

    func testAControlCharacterIsRefusedNotSubstituted() {
        var transfer = Fixtures.otherBankTransfer()
        transfer.details.purpose = "货\u{07}款"
        XCTAssertThrowsError(try Fixtures.adapter.encodePayment(Fixtures.message([transfer]))) { error in
            XCTAssertEqual((error as? AdapterError)?.location, "DCOPDPAYX/NUSAGE")
            XCTAssertEqual((error as? AdapterError)?.message, "DCOPDPAYX/NUSAGE: character U+0007 cannot be written in GBK")
        }
    }

    /// `CRTNAM` is `Z(62)`: 31 Chinese characters fit (62 bytes), 32 do not, though 62 ASCII letters do.
    func testLimitsAreCountedInGBKBytes() throws {
        let fits = String(repeating: "贸", count: 31)
        XCTAssertNoThrow(try Fixtures.adapter.encodePayment(Fixtures.message([Fixtures.otherBankTransfer(name: fits)])))
        XCTAssertNoThrow(try Fixtures.adapter.encodePayment(Fixtures.message([
            Fixtures.otherBankTransfer(name: String(repeating: "A", count: 62))])))
        XCTAssertThrowsError(try Fixtures.adapter.encodePayment(Fixtures.message([
            Fixtures.otherBankTransfer(name: fits + "贸")]))) { error in
            XCTAssertEqual((error as? AdapterError)?.location, "DCOPDPAYX/CRTNAM")
            XCTAssertEqual((error as? AdapterError)?.message, "64 bytes in GBK, over the limit of 62")
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
        XCTAssertEqual(location { $0.details.purpose = nil }, "DCOPDPAYX/NUSAGE")
        XCTAssertEqual(location { $0.details.sameBank = nil }, "DCOPDPAYX/BNKFLG")
        XCTAssertEqual(location { $0.creditor.bankName = nil; $0.creditor.bankBranch = nil }, "DCOPDPAYX/CRTBNK")
        XCTAssertEqual(location { $0.creditor.address = nil }, "DCOPDPAYX/CRTADR")
        XCTAssertEqual(location { $0.instructionId = String(repeating: "R", count: 31) }, "DCOPDPAYX/YURREF")
        XCTAssertEqual(location { $0.instructionId = "BGI 1" }, "DCOPDPAYX/YURREF")
        XCTAssertEqual(location { $0.amount = Money(minorUnits: 0, currency: Fixtures.cny) }, "DCOPDPAYX/TRSAMT")
        XCTAssertEqual(location { $0.amount = Money(minorUnits: 1_000_000_000_000_000, currency: Fixtures.cny) },
                       "DCOPDPAYX/TRSAMT")
        var unknownBranch = Fixtures.debtor
        unknownBranch.number = "755900000000009"
        XCTAssertEqual(location({ _ in }, debtor: unknownBranch), "DCOPDPAYX/DBTBBK")
        var eur = Fixtures.debtor
        eur.currency = Currency(code: "EUR")!
        XCTAssertEqual(location({ _ in }, debtor: eur), "DCOPDPAYX/CCYNBR")
        // A same-bank payment needs neither the bank's name nor its address.
        XCTAssertNil(location { $0.details.sameBank = true; $0.creditor.bankName = nil; $0.creditor.address = nil })
    }

    func testAtMostThirtyTransfersPerMessage() {
        let transfers = (1...31).map { index -> CreditTransfer in
            var transfer = Fixtures.sameBankTransfer()
            transfer.instructionId = "BGI\(index)"
            return transfer
        }
        XCTAssertNoThrow(try Fixtures.adapter.encodePayment(Fixtures.message(Array(transfers.prefix(30)))))
        XCTAssertThrowsError(try Fixtures.adapter.encodePayment(Fixtures.message(transfers)))
    }

    func testQueryLimits() {
        XCTAssertThrowsError(try Fixtures.adapter.encodeTransactionQuery(
            account: Fixtures.debtor, fromDate: "2026-01-01", toDate: "2026-04-11", queryId: "q")) { error in
            XCTAssertEqual((error as? AdapterError)?.location, "SDKTSINFX/ENDDAT")
        }
        XCTAssertNoThrow(try Fixtures.adapter.encodeTransactionQuery(
            account: Fixtures.debtor, fromDate: "2026-01-01", toDate: "2026-04-10", queryId: "q"))
        XCTAssertThrowsError(try Fixtures.adapter.encodePaymentInfoQuery(requestNumbers: [], queryId: "q"))
        XCTAssertThrowsError(try Fixtures.adapter.encodeStatusQuery(reference: "BGI1", sentOn: "2026-02-30"))
    }
}

extension CMBRequestTests {
    func testIntakeRequirements() {
        let requirements = Fixtures.adapter.paymentFieldRequirements
        XCTAssertEqual(requirements.problem(given: [.sameBank], creditorBankCode: nil, purpose: nil), .missing(.purpose))
        XCTAssertEqual(requirements.problem(given: [.purpose], creditorBankCode: nil, purpose: "货款"), .missing(.sameBank))
        XCTAssertEqual(requirements.problem(given: [.purpose, .sameBank, .categoryPurpose], creditorBankCode: nil,
                                            purpose: "货款"), .notCarried(.categoryPurpose))
        XCTAssertEqual(requirements.problem(given: [.purpose, .sameBank], creditorBankCode: nil,
                                            purpose: String(repeating: "货", count: 32)), .purposeTooLong(max: 31))
        XCTAssertNil(requirements.problem(given: [.purpose, .sameBank], creditorBankCode: "102290000011", purpose: "货款"))
    }
}

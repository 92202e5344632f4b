import BankGateAdapters
import BankGateCore
import Foundation
import XCTest

/// ABC requests: golden framed GBK bytes for every code, the frame, and the refusals with the field named.
final class ABCRequestTests: XCTestCase {
    typealias Fixtures = ABCFixtures

    /// Each request against its golden file in `adapters/abc/samples`, byte for byte. The golden
    /// files were written by hand in UTF-8, converted with `iconv -t GBK` and given a header from `wc -c`.
    func testRequestsEqualTheGoldenFiles() throws {
        let adapter = Fixtures.adapter
        let position = ABCDetailPosition(timeStamp: "20261123153000123456", journalNumber: "11223344")
        let cases: [(String, EncodedMessage)] = [
            ("cfrt02-request-other-bank.dat", try adapter.encodePayment(Fixtures.message([Fixtures.otherBankTransfer()]))),
            ("cfrt02-request-same-bank.dat", try adapter.encodePayment(Fixtures.message([Fixtures.sameBankTransfer()]))),
            ("cfrt01-request-own-account.dat", try adapter.encodePayment(Fixtures.message([Fixtures.ownAccountTransfer()]))),
            ("cfrt21-request-individual.dat", try adapter.encodePayment(Fixtures.message([Fixtures.individualTransfer()]),
                                                                        payee: .individual)),
            ("cqrt04-request.dat", try adapter.encodeStatusQuery(reference: "BGI20261123000001", account: Fixtures.debtor,
                                                                 queryId: "Q20261124000001", requestedAt: Fixtures.queriedAt)),
            ("cqra06-request.dat", try adapter.encodeBalanceQuery(account: Fixtures.debtor, queryId: "Q20261124000002",
                                                                  requestedAt: Fixtures.queriedAt)),
            ("cqra10-request.dat", try adapter.encodeTransactionQuery(account: Fixtures.debtor, fromDate: "2026-11-01",
                                                                      toDate: "2026-11-23", queryId: "Q20261124000003",
                                                                      requestedAt: Fixtures.queriedAt)),
            ("cqra10-request-incremental.dat", try adapter.encodeTransactionQuery(
                account: Fixtures.debtor, fromDate: "2026-11-23", toDate: "2026-11-24", queryId: "Q20261124000004",
                requestedAt: Fixtures.queriedAt, after: position)),
            ("cfrt03-request-payroll.dat", try adapter.encodePayrollExchange(Fixtures.message(Fixtures.payrollTransfers())).request),
            ("cfrt03-payroll-file.txt", try adapter.encodePayrollExchange(Fixtures.message(Fixtures.payrollTransfers())).file),
        ]
        for (file, encoded) in cases {
            let golden = try Fixtures.sample(file)
            XCTAssertEqual(try ChineseTextEncoding.gb18030.decode(encoded.bytes, field: file),
                           try ChineseTextEncoding.gb18030.decode(golden, field: file), file)
            XCTAssertTrue(encoded.bytes == golden, "\(file) differs byte for byte")
        }
    }

    func testThePaymentIsFramedGBKWithoutDeclarationAndTheReferenceAsReqSeqNo() throws {
        let encoded = try Fixtures.adapter.encodePayment(Fixtures.message([Fixtures.otherBankTransfer()]))
        XCTAssertEqual(encoded.kind, "ABC.CFRT02")
        XCTAssertEqual(encoded.fileName, "CFRT02-BGI20261123000001.dat")
        XCTAssertEqual(encoded.contentType, "application/octet-stream")
        let header = String(decoding: encoded.bytes.prefix(7), as: UTF8.self)
        XCTAssertEqual(header, "1\(encoded.bytes.count - 7)".padding(toLength: 7, withPad: " ", startingAt: 0))
        let body = try ABCAdapter.unframe(encoded.bytes)
        XCTAssertTrue(body.starts(with: Array("<ap><CCTransCode>CFRT02</CCTransCode>".utf8)), "no declaration")
        XCTAssertNotNil(body.firstRange(of: Array("<ReqSeqNo>BGI20261123000001</ReqSeqNo>".utf8)))
        // 上海 is C9 CF BA A3 in GBK.
        XCTAssertNotNil(body.firstRange(of: [0xC9, 0xCF, 0xBA, 0xA3]), "上海 in GBK")
        XCTAssertNil(body.firstRange(of: Array("上海".utf8)), "no UTF-8 left")
    }

    func testAResendIsByteIdentical() throws {
        let message = Fixtures.message([Fixtures.otherBankTransfer()])
        XCTAssertEqual(try Fixtures.adapter.encodePayment(message), try Fixtures.adapter.encodePayment(message))
    }

    func testTheFrameFlagIsAParameterAndTheFrameRoundTrips() throws {
        let zero = ABCAdapter(corporateNumber: "1101020304050607", operatorNumber: "0001", provinceCodes: [:], frameFlag: .zero)
        XCTAssertEqual(try zero.frame(Array("<ap/>".utf8)), Array("05     <ap/>".utf8))
        XCTAssertEqual(try Fixtures.adapter.frame(Array("<ap/>".utf8)), Array("15     <ap/>".utf8))
        XCTAssertEqual(try ABCAdapter.unframe(Array("0554   ".utf8) + [UInt8](repeating: 0x20, count: 554)).count, 554)
        XCTAssertThrowsError(try Fixtures.adapter.frame([]))
        XCTAssertThrowsError(try Fixtures.adapter.frame([UInt8](repeating: 0x20, count: 1_000_000)))
    }

    func testShortOrInconsistentFramesAreErrors() {
        func message(_ text: String) -> String? {
            do {
                _ = try ABCAdapter.unframe(Array(text.utf8))
                return nil
            } catch {
                return error.message
            }
        }
        XCTAssertEqual(message("15  "), "a frame of 4 bytes is shorter than its 7-byte header")
        XCTAssertEqual(message("16     <ap/>"), "the frame announces 6 bytes but 5 follow")
        XCTAssertEqual(message("14     <ap/>"), "the frame announces 4 bytes but 5 follow")
        XCTAssertEqual(message("1 5    <ap/>"), "the frame length is not decimal digits right-padded with spaces")
        XCTAssertEqual(message("15 1   <ap/>"), "the frame length is not decimal digits right-padded with spaces")
        XCTAssertEqual(message("X5     <ap/>"), "the frame flag is not a digit")
        XCTAssertEqual(message("1      "), "the frame length is empty")
        XCTAssertNil(message("15     <ap/>"))
    }

    func testANameGBKCannotCarryIsRefusedWithTheFieldNamed() {
        let message = Fixtures.message([Fixtures.otherBankTransfer(name: "上海某某贸易有限公司😀")])
        XCTAssertThrowsError(try Fixtures.adapter.encodePayment(message)) { error in
            XCTAssertEqual((error as? AdapterError)?.location, "Corp/CrAccName")
            XCTAssertEqual((error as? AdapterError)?.message, "Corp/CrAccName: character U+1F600 cannot be written in GBK")
        }
    }

    /// `CrAccName` takes 60 bytes of GBK: 30 Chinese characters fit, 31 do not, though 60 ASCII letters do.
    func testLimitsAreCountedInGBKBytes() throws {
        let fits = String(repeating: "贸", count: 30)
        XCTAssertNoThrow(try Fixtures.adapter.encodePayment(Fixtures.message([Fixtures.otherBankTransfer(name: fits)])))
        XCTAssertNoThrow(try Fixtures.adapter.encodePayment(Fixtures.message([
            Fixtures.otherBankTransfer(name: String(repeating: "A", count: 60))])))
        XCTAssertThrowsError(try Fixtures.adapter.encodePayment(Fixtures.message([
            Fixtures.otherBankTransfer(name: fits + "贸")]))) { error in
            XCTAssertEqual((error as? AdapterError)?.location, "Corp/CrAccName")
            XCTAssertEqual((error as? AdapterError)?.message, "62 bytes in GBK, over the limit of 60")
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
        XCTAssertEqual(location { $0.details.sameBank = nil }, "Corp/OthBankFlag")
        XCTAssertEqual(location { $0.creditor.bankName = nil; $0.creditor.bankBranch = nil }, "Corp/CrBankName")
        XCTAssertEqual(location { $0.creditor.bankCode = "ICBKCNBJ" }, "Corp/CrBankNo")
        XCTAssertEqual(location { $0.details.purpose = String(repeating: "货", count: 16) }, "Corp/WhyUse")
        // ReqSeqNo: at most 25 ASCII letters and digits, never cut.
        XCTAssertEqual(location { $0.instructionId = String(repeating: "R", count: 26) }, "ap/ReqSeqNo")
        XCTAssertNil(location { $0.instructionId = String(repeating: "R", count: 25) })
        XCTAssertEqual(location { $0.instructionId = "BGI-1" }, "ap/ReqSeqNo")
        XCTAssertEqual(location { $0.instructionId = "" }, "ap/ReqSeqNo")
        XCTAssertEqual(location { $0.amount = Money(minorUnits: 0, currency: Fixtures.cny) }, "ap/Amt")
        XCTAssertEqual(location { $0.amount = Money(minorUnits: 1_000_000_000_000_000, currency: Fixtures.cny) }, "ap/Amt")
        XCTAssertEqual(location { $0.amount = Money(minorUnits: 100, currency: Currency(code: "USD")!) }, "ap/Amt")
        var unknownProvince = Fixtures.debtor
        unknownProvince.number = "110101040099999"
        XCTAssertEqual(location({ _ in }, debtor: unknownProvince), "Cmp/DbProv")
        var eur = Fixtures.debtor
        eur.currency = Currency(code: "EUR")!
        XCTAssertEqual(location({ _ in }, debtor: eur), "Cmp/DbCur")
        // Another ABC customer needs neither the bank's name nor its code.
        XCTAssertNil(location { $0.details.sameBank = true; $0.creditor.bankName = nil; $0.creditor.bankCode = nil })
    }

    func testOneTransferPerMessage() {
        XCTAssertEqual(ABCAdapter.maxTransfersPerMessage, 1)
        XCTAssertThrowsError(try Fixtures.adapter.encodePayment(Fixtures.message([Fixtures.otherBankTransfer(),
                                                                                  Fixtures.sameBankTransfer()])))
        XCTAssertThrowsError(try Fixtures.adapter.encodePayment(Fixtures.message([])))
    }

    func testTheRouteFollowsTheCreditor() throws {
        let adapter = Fixtures.adapter
        XCTAssertEqual(try adapter.encodePayment(Fixtures.message([Fixtures.ownAccountTransfer()])).kind, "ABC.CFRT01")
        XCTAssertEqual(try adapter.encodePayment(Fixtures.message([Fixtures.individualTransfer()])).kind, "ABC.CFRT02")
        XCTAssertEqual(try adapter.encodePayment(Fixtures.message([Fixtures.individualTransfer()]), payee: .individual).kind,
                       "ABC.CFRT21")
        // An individual at another bank goes through CFRT02.
        XCTAssertEqual(try adapter.encodePayment(Fixtures.message([Fixtures.otherBankTransfer()]), payee: .individual).kind,
                       "ABC.CFRT02")
    }

    func testQueriesAndPayrollRefusals() {
        let adapter = Fixtures.adapter
        XCTAssertThrowsError(try adapter.encodeStatusQuery(reference: "BGI_1", account: Fixtures.debtor, queryId: "Q1",
                                                           requestedAt: Fixtures.queriedAt)) { error in
            XCTAssertEqual((error as? AdapterError)?.location, "Cmp/CmeSeqNo")
        }
        XCTAssertThrowsError(try adapter.encodeTransactionQuery(account: Fixtures.debtor, fromDate: "2026-11-23",
                                                                toDate: "2026-11-01", queryId: "Q3",
                                                                requestedAt: Fixtures.queriedAt)) { error in
            XCTAssertEqual((error as? AdapterError)?.location, "Corp/EndDate")
        }
        XCTAssertThrowsError(try adapter.encodeTransactionQuery(account: Fixtures.debtor, fromDate: "2026-02-30",
                                                                toDate: "2026-03-01", queryId: "Q3",
                                                                requestedAt: Fixtures.queriedAt))
        var transfers = Fixtures.payrollTransfers()
        transfers[1].creditor.name = String(repeating: "李", count: 31)
        XCTAssertThrowsError(try adapter.encodePayroll(Fixtures.message(transfers))) { error in
            XCTAssertEqual((error as? AdapterError)?.location, "CFRT03 file line 2/name")
            XCTAssertEqual((error as? AdapterError)?.message, "62 bytes in GBK, over the limit of 60")
        }
        XCTAssertThrowsError(try adapter.encodePayroll(Fixtures.message([])))
    }

    func testThePayrollFileIsFixedWidthInGBKBytes() throws {
        let payroll = try Fixtures.adapter.encodePayrollExchange(Fixtures.message(Fixtures.payrollTransfers()))
        XCTAssertEqual(payroll.file.fileName, "BGM20261123000001.1101020304050607_0001.20261123")
        XCTAssertEqual(payroll.request.kind, "ABC.CFRT03")
        let lines = payroll.file.bytes.split(separator: UInt8(ascii: "\n"))
        XCTAssertEqual(lines.map(\.count), [138, 138])
        XCTAssertEqual(try ChineseTextEncoding.gbk.decode(Array(lines[0][90..<108]), field: "amount"),
                       "8000.000          ")
    }

    func testIntakeRequirements() {
        let requirements = Fixtures.adapter.paymentFieldRequirements
        XCTAssertEqual(requirements.problem(given: [], creditorBankCode: nil, purpose: nil), .missing(.sameBank))
        XCTAssertEqual(requirements.problem(given: [.sameBank], creditorBankCode: "102290000011", purpose: nil),
                       .missing(.creditorBankName))
        XCTAssertEqual(requirements.problem(given: [.sameBank, .creditorAddress], creditorBankCode: nil, purpose: nil),
                       .notCarried(.creditorAddress))
        XCTAssertEqual(requirements.problem(given: [.sameBank], creditorBankCode: nil,
                                            purpose: String(repeating: "货", count: 16)), .purposeTooLong(max: 15))
        XCTAssertNil(requirements.problem(given: [.sameBank, .creditorBankName], creditorBankCode: "102290000011",
                                          purpose: "货款"))
    }
}

import BankGateAdapters
import BankGateCore
import XCTest

/// ICBC payroll: `PAYPER` and `QPAYPER` against their golden files, signed like `PAYENT`, results
/// per line by `Ref`, and lines refused at intake with the API field named.
final class ICBCPayrollTests: XCTestCase {
    private typealias Fixtures = ICBCFixtures
    private struct NotAReport: Error {}
    private static let batchId = "BGM20261123000020"
    private static let lineIds = ["BGI20261123000021", "BGI20261123000022"]

    /// 8 500.00 to 王五 at ICBC.
    static func sameBankLine() -> CreditTransfer {
        CreditTransfer(paymentId: "pay-21", instructionId: lineIds[0], endToEndId: "SAL-2026-11-101",
                       amount: Money(minorUnits: 850_000, currency: Fixtures.cny),
                       creditor: Party(name: "王五", account: "6222020200001111", bankCode: "102290000011"),
                       remittanceInfo: nil, details: TransferDetails(purpose: "11月工资", sameBank: true))
    }

    /// 7 300.25 to 赵六 at CCB 北京西城支行.
    static func otherBankLine() -> CreditTransfer {
        CreditTransfer(paymentId: "pay-22", instructionId: lineIds[1], endToEndId: "SAL-2026-11-102",
                       amount: Money(minorUnits: 730_025, currency: Fixtures.cny),
                       creditor: Party(name: "赵六", account: "6217001234567890123", bankCode: "105100000017",
                                       bankName: "中国建设银行", bankBranch: "北京西城支行",
                                       address: PostalAddress(town: "北京市", country: "CN")),
                       remittanceInfo: nil, details: TransferDetails(purpose: "11月工资", sameBank: false))
    }

    private func query(kind: String = "ICBC.PAYPER") -> StatusQuery {
        StatusQuery(originalMessageId: Self.batchId, originalKind: kind, queryId: "BGQ20261123000023", createdAt: Fixtures.createdAt,
                    firstSentAt: Fixtures.createdAt, debtor: Fixtures.debtor,
                    transfers: Self.lineIds.map { SentTransfer(instructionId: $0, endToEndId: "E2E-\($0)") })
    }

    /// The golden files were written by hand in UTF-8 and converted with `iconv -t GBK`.
    func testThePackageAndItsQueryEqualTheGoldenFiles() throws {
        let adapter: any BankAdapter = Fixtures.adapter
        let encoded = try Fixtures.adapter.encodePayroll(Fixtures.message([Self.sameBankLine(), Self.otherBankLine()], id: Self.batchId))
        XCTAssertTrue(encoded.bytes == (try Fixtures.sample("payper-request.xml")), "payper-request.xml differs")
        XCTAssertEqual(encoded.kind, "ICBC.PAYPER")
        XCTAssertTrue(adapter.needsSignature(encoded), "PAYPER carries SignTime: signed at the NC's sign port")
        let status = try adapter.encodeStatusQuery(query())
        XCTAssertTrue(status.bytes == (try Fixtures.sample("qpayper-request.xml")), "qpayper-request.xml differs")
        XCTAssertEqual(status.kind, "ICBC.QPAYPER")
        XCTAssertFalse(adapter.needsSignature(status))
        // A payment package is still asked about with QPAYENT.
        XCTAssertEqual(try adapter.encodeStatusQuery(query(kind: "ICBC.PAYENT")).kind, "ICBC.QPAYENT")
    }

    func testThePackageIsSealedWithItsTransactionCode() throws {
        let adapter: any BankAdapter = Fixtures.adapter
        let encoded = try Fixtures.adapter.encodePayroll(Fixtures.message([Self.sameBankLine()], id: Self.batchId))
        let sealed = try adapter.seal(encoded, signature: Array("c2lnbmVk".utf8), at: Fixtures.sendTime)
        let form = String(decoding: sealed.bytes, as: UTF8.self)
        XCTAssertTrue(form.contains("TransCode=PAYPER"), form)
        XCTAssertTrue(form.contains("PackageID=\(Self.batchId)"), form)
        XCTAssertTrue(form.hasSuffix("reqData=c2lnbmVk"), "the signed package, not the document: \(form)")
    }

    func testEachLineHasItsOwnResult() throws {
        let adapter: any BankAdapter = Fixtures.adapter
        guard case .report(let report) = adapter.interpretStatusQueryAnswer(
            httpStatus: 200, body: try Fixtures.sample("qpayper-answer-partial.xml"), query: query()) else {
            XCTFail("expected a report")
            throw NotAReport()
        }
        XCTAssertEqual(report.originalMessageId, Self.batchId)
        XCTAssertNil(report.groupOutcome)
        XCTAssertEqual(report.transactions.map(\.instructionId), Self.lineIds)
        XCTAssertEqual(report.transactions.map(\.status), [.completed, .rejected])
        XCTAssertEqual(report.transactions.last?.reasonCode, "B2601")
        XCTAssertEqual(adapter.interpretStatusQueryAnswer(httpStatus: 200, body: try Fixtures.sample("qpayper-answer-no-record.xml"),
                                                          query: query()), .notReceived)
    }

    func testLinesThePackageCannotCarryAreRefusedNamingTheLineAndField() {
        let adapter = Fixtures.adapter
        var noCity = Self.otherBankLine()
        noCity.creditor.address = nil
        let problem = adapter.payrollProblem([Self.sameBankLine(), noCity], debtor: Fixtures.debtor)
        XCTAssertEqual(problem?.line, 1)
        XCTAssertEqual(problem?.problem.field, "creditor.address.town")
        var noPurpose = Self.sameBankLine()
        noPurpose.details.purpose = nil
        XCTAssertEqual(adapter.payrollProblem([noPurpose], debtor: Fixtures.debtor)?.problem.field, "purpose")
        XCTAssertNil(adapter.payrollProblem([Self.sameBankLine(), Self.otherBankLine()], debtor: Fixtures.debtor))
        let tooMany = Array(repeating: Self.sameBankLine(), count: ICBCAdapter.maxPayrollLines + 1)
        XCTAssertThrowsError(try adapter.encodePayroll(Fixtures.message(tooMany)))
    }
}

import BankGateAdapters
import BankGateConfig
import BankGateCore
import XCTest

/// CCB payroll through the engine's contract: one `6W1303` per line under the configured 代发代扣
/// agreement, asked about with `6W1503`; no agreement, no payroll.
final class CCBPayrollTests: XCTestCase {
    private typealias Fixtures = CCBFixtures

    private static func adapter(agreement: CCBPayrollAgreement? = CCBPayrollAgreement(billCode: "160801085",
                                                                                     purposeCode: "00000001")) -> CCBAdapter {
        var adapter = Fixtures.adapter
        adapter.payrollAgreement = agreement
        return adapter
    }

    func testALineIsThe6W1303OfTheAgreementAndIsAskedAboutWith6W1503() throws {
        let adapter: any PayrollAdapter = Self.adapter()
        XCTAssertEqual(adapter.payrollMessageKind, "CCB.6W1303")
        XCTAssertEqual(adapter.payrollLinesPerMessage, 1, "6W1303 pays one line")
        XCTAssertNil(adapter.payrollUnavailableReason)
        XCTAssertTrue(adapter.capabilities.contains(.payroll))
        let encoded = try adapter.encodePayroll(Fixtures.message([Fixtures.payrollTransfer()]))
        XCTAssertEqual(encoded.kind, "CCB.6W1303")
        XCTAssertTrue(encoded.bytes == (try Fixtures.sample("6w1303-request.xml")), "the golden 6W1303")

        let query = StatusQuery(originalMessageId: "BGM20261123000001", originalKind: "CCB.6W1303", queryId: "2026112310000002",
                                createdAt: Fixtures.createdAt, firstSentAt: Fixtures.createdAt, debtor: Fixtures.debtor,
                                transfers: [SentTransfer(instructionId: "2026112300000003", endToEndId: "SAL-2026-11-001")])
        XCTAssertTrue(try adapter.encodeStatusQuery(query).bytes == (try Fixtures.sample("6w1503-request.xml")), "the golden 6W1503")
        guard case .report(let failed) = adapter.interpretStatusQueryAnswer(
            httpStatus: 200, body: try Fixtures.sample("6w1503-answer-failed.xml"), query: query) else {
            return XCTFail("a failed 代发 is a report")
        }
        XCTAssertEqual(failed.transactions.map(\.status), [.rejected])
        XCTAssertEqual(failed.transactions.first?.instructionId, "2026112300000003")
        XCTAssertEqual(adapter.interpretStatusQueryAnswer(httpStatus: 200, body: try Fixtures.sample("6w1503-answer-not-found.xml"),
                                                          query: query), .notReceived)
        // The same number asked about as a transfer goes out as 6W0600.
        var transferQuery = query
        transferQuery.originalKind = "CCB.6W8010"
        XCTAssertEqual(try adapter.encodeStatusQuery(transferQuery).kind, "CCB.6W0600")
    }

    func testALineTheFormatCannotCarryIsNamedByItsAPIField() throws {
        let adapter = Self.adapter()
        var line = Fixtures.payrollTransfer()
        line.details.sameBank = false
        line.creditor.bankCode = nil
        let problem = try XCTUnwrap(adapter.payrollProblem([Fixtures.payrollTransfer(), line], debtor: Fixtures.debtor))
        XCTAssertEqual(problem.line, 1)
        XCTAssertEqual(problem.problem.field, "creditor.bank_code", "\(problem)")
        var emoji = Fixtures.payrollTransfer()
        emoji.creditor.name = "张三😀"
        XCTAssertEqual(adapter.payrollProblem([emoji], debtor: Fixtures.debtor)?.problem.field, "creditor.name")
        XCTAssertNil(adapter.payrollProblem([Fixtures.payrollTransfer()], debtor: Fixtures.debtor))
    }

    func testWithoutAnAgreementThereIsNoPayroll() throws {
        let adapter = Self.adapter(agreement: nil)
        XCTAssertNotNil(adapter.payrollUnavailableReason)
        XCTAssertFalse(adapter.capabilities.contains(.payroll))
        XCTAssertThrowsError(try adapter.encodePayroll(Fixtures.message([Fixtures.payrollTransfer()]))) { error in
            XCTAssertEqual((error as? AdapterError)?.location, "TX_INFO/BILL_CODE")
        }
    }

    func testTheAgreementComesFromTheConfiguration() throws {
        var bank = BankConfig(id: "ccb-sz", adapter: "ccb", transport: .http(url: "http://127.0.0.1:1"))
        let base = ["customer_id": "SZP000012345#001", "user_id": "WLPT01", "password_env": "CCB_PW"]
        let environment = ["CCB_PW": Fixtures.password]
        bank.adapterOptions = base.merging(["payroll_bill_code": "160801085", "payroll_approval": "yes"]) { $1 }
        let configured = try XCTUnwrap(try AdapterRegistry.make(bank: bank, accounts: [], environment: environment) as? CCBAdapter)
        XCTAssertEqual(configured.payrollAgreement, CCBPayrollAgreement(billCode: "160801085", purposeCode: "00000001",
                                                                        requiresApproval: true))
        let encoded = try configured.encodePayroll(Fixtures.message([Fixtures.payrollTransfer()]))
        XCTAssertNotNil(encoded.bytes.firstRange(of: Array("<FLOW_FLAG>1</FLOW_FLAG>".utf8)))

        bank.adapterOptions = base.merging(["payroll_approval": "yes"]) { $1 }
        XCTAssertThrowsError(try AdapterRegistry.make(bank: bank, accounts: [], environment: environment)) { error in
            XCTAssertTrue("\(error)".contains("payroll_bill_code"), "\(error)")
        }
        bank.adapterOptions = base.merging(["payroll_bill_code": "160801085", "payroll_approval": "maybe"]) { $1 }
        XCTAssertThrowsError(try AdapterRegistry.make(bank: bank, accounts: [], environment: environment))
    }
}

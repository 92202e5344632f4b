import BankGateCore
import XCTest
@testable import BankGateSimulator
import BankGateTestSupport

/// A pain.001 whose `ReqdExctnDt` is after the simulator's today is accepted pending and executed
/// on that date, not at once.
final class ExecutionDateSimulatorTests: XCTestCase {
    func testALaterDatedMessageIsPendingUntilItsDate() async throws {
        let clock = ManualClock(SimulatorTestTime.start)  // 2026-11-23
        let bank = try await SimulatedBank.open(dataDirectory: try makeTemporaryDirectory(self), accounts: ruleAccounts,
                                                faults: FaultSettings(seed: 1), clock: clock, logger: quietLogger)
        defer { bank.close() }
        let today = Pain001Fixture.document(messageId: "MSG-LATER", transfers: [TestTransfer(endToEndId: "E2E-1", amount: "250.00")])
        let later = Array(String(decoding: today, as: UTF8.self)
            .replacingOccurrences(of: "<Dt>2026-11-23</Dt>", with: "<Dt>2026-11-25</Dt>").utf8)
        let answer = await bank.receivePayment(later)
        let report = try ReadReport(answer.body)
        XCTAssertEqual(report.groupStatus, "PDNG")
        XCTAssertEqual(report.lines["E2E-1"], .init(status: "PDNG", reason: nil))
        let none = try await bank.transfers()
        XCTAssertTrue(none.isEmpty)

        clock.advance(to: Timestamp.parseDate("2026-11-24")!.adding(milliseconds: 86_399_000))
        let stillNone = try await bank.transfers()
        XCTAssertTrue(stillNone.isEmpty, "the day before: still pending")
        let resent = try ReadReport(await bank.receivePayment(later).body)
        XCTAssertEqual(resent.groupStatus, "RJCT", "a resend is a duplicate, pending or not")

        clock.advance(to: Timestamp.parseDate("2026-11-25")!)
        let executed = try await bank.transfers()
        XCTAssertEqual(executed.map(\.endToEndId), ["E2E-1"])
        XCTAssertEqual(executed.first?.executedAt, Timestamp.parseDate("2026-11-25"))
        let storedBytes = try await bank.storedAnswer(messageId: "MSG-LATER")
        let stored = try ReadReport(try XCTUnwrap(storedBytes))
        XCTAssertEqual(stored.groupStatus, "ACSC")
        let debtor = try await bank.accounts().first { $0.number == TestAccounts.debtor }
        XCTAssertEqual(debtor?.balance.minorUnits, 100_000 - 25_000)
        let transferCount = try await bank.transfers().count
        XCTAssertEqual(transferCount, 1, "executed once")
    }
}

import BankGateCore
import BankGateStatements
import XCTest
@testable import BankGateSimulator

final class StatementFaultTests: XCTestCase {
    func testStatementSettingsValidation() {
        XCTAssertThrowsError(try FaultSettings(statementGapRate: 1.5).validate())
        XCTAssertThrowsError(try FaultSettings(duplicateEntryRate: -0.1).validate())
        XCTAssertThrowsError(try FaultSettings(lateEntryRate: .nan).validate())
        XCTAssertThrowsError(try FaultSettings(incomingCreditsPerDay: 100).validate())
        XCTAssertThrowsError(try FaultSettings(incomingCreditsPerDay: -1).validate())
        XCTAssertNoThrow(try FaultSettings(statementGapRate: 1, duplicateEntryRate: 0.5, lateEntryRate: 0,
                                           incomingCreditsPerDay: 99).validate())
    }

    func testGapWithholdsADayOnceThenDeliversIt() async throws {
        let directory = try makeTemporaryDirectory(self)
        let faults = FaultSettings(seed: 5, statementGapRate: 1)
        var scenario = try await StatementScenario.open(self, faults: faults, directory: directory)
        try await scenario.payOverThreeDays()

        // Days 1 and 2 are asked for the first time: both are lost.
        let lost = await scenario.request(from: StatementScenario.day1, to: StatementScenario.day2)
        XCTAssertEqual(lost.httpStatus, 204)
        // Days 1 and 2 again (delivered now) with day 3 for the first time (lost): sequences 1, 2.
        let partial = try await scenario.statements(from: StatementScenario.day1, to: StatementScenario.day3)
        XCTAssertEqual(partial.map(\.header.electronicSequence), [1, 2])
        let deliveries = try await scenario.bank.statementDeliveries(account: TestAccounts.debtor)
        XCTAssertEqual(deliveries.map(\.day), [StatementScenario.day1, StatementScenario.day2, StatementScenario.day3])
        XCTAssertEqual(deliveries.map(\.withheld), [true, true, true])
        XCTAssertEqual(deliveries.map(\.delivered), [true, true, false])

        // What was decided survives a restart: day 3 is now delivered, and chains with day 2.
        scenario.bank.close()
        scenario = try await StatementScenario.open(self, faults: faults, clock: scenario.clock, directory: directory)
        defer { scenario.bank.close() }
        let full = try await scenario.statements(from: StatementScenario.day1, to: StatementScenario.day3)
        XCTAssertEqual(full.map(\.header.electronicSequence), [1, 2, 3])
        assertChained(full)
        XCTAssertEqual(full[1].closing, partial[1].closing)
    }

    func testGapAtAPartialRateLeavesAHoleInTheSequence() async throws {
        // Seed 9 at rate 0.5: find the days the fault hits and check exactly those are missing once.
        let faults = FaultSettings(seed: 9, statementGapRate: 0.5)
        let scenario = try await StatementScenario.open(self, faults: faults)
        defer { scenario.bank.close() }
        for _ in 0..<6 { scenario.nextDay() }
        let draws = StatementDraws(seed: 9)
        let firstDay = try XCTUnwrap(SimulatorDay.parse(StatementScenario.day1))
        let days = Array(firstDay...(firstDay + 6))
        let hit = days.map { draws.hits("statement-gap", rate: 0.5, account: TestAccounts.debtor, day: $0) }
        XCTAssertTrue(hit.contains(true) && hit.contains(false), "seed 9 must both hit and miss in 7 days: \(hit)")
        let first = try await scenario.statements(from: StatementScenario.day1, to: "2026-11-29")
        let expected = days.indices.filter { !hit[$0] }.map { Int64($0 + 1) }
        XCTAssertEqual(first.map(\.header.electronicSequence), expected)
        let second = try await scenario.statements(from: StatementScenario.day1, to: "2026-11-29")
        XCTAssertEqual(second.map(\.header.electronicSequence), Array(1...7))
        assertChained(second)
    }

    func testDuplicateEntryMakesExactlyThatStatementInconsistent() async throws {
        let faults = FaultSettings(seed: 17, duplicateEntryRate: 0.5)
        let scenario = try await StatementScenario.open(self, faults: faults)
        defer { scenario.bank.close() }
        for day in 1...5 {
            try await scenario.pay("MSG-\(day)", [TestTransfer(endToEndId: "E-\(day)", amount: "\(day * 10).00")])
            scenario.nextDay()
        }
        let statements = try await scenario.statements(from: StatementScenario.day1, to: "2026-11-27")
        XCTAssertEqual(statements.count, 5)
        let draws = StatementDraws(seed: 17)
        var hits = 0
        for statement in statements {
            let day = try XCTUnwrap(statement.header.balances.first.flatMap { SimulatorDay.parse($0.date) })
            let references = statement.transactions.compactMap(\.accountServicerReference)
            let repeated = references.filter { reference in references.filter { $0 == reference }.count > 1 }
            if draws.hits("duplicate-entry", rate: 0.5, account: TestAccounts.debtor, day: day) {
                hits += 1
                XCTAssertEqual(repeated.count, 2, "one entry listed twice in \(statement.header.statementId)")
                let copy = try XCTUnwrap(statement.transactions.first { $0.accountServicerReference == repeated.first })
                guard case .inconsistent(let expected, let stated) = statement.summary?.integrity else {
                    XCTFail("\(statement.header.statementId) must be inconsistent")
                    continue
                }
                XCTAssertEqual(expected - stated, copy.signedMinorUnits, "off by exactly the copy")
            } else {
                XCTAssertEqual(repeated, [])
                XCTAssertEqual(statement.summary?.integrity, .consistent, statement.header.statementId)
            }
        }
        XCTAssertTrue((1...4).contains(hits), "seed 17 must both hit and miss in 5 days: \(hits)")
        // The balances still chain: the copy is not in them.
        for index in statements.indices.dropFirst() {
            XCTAssertEqual(statements[index].opening, statements[index - 1].closing)
        }
        let mt940 = await scenario.request("MT940", from: StatementScenario.day1, to: "2026-11-27")
        let read = try StatementCollector.read(mt940.body)
        XCTAssertEqual(read.map { $0.summary?.integrity == .consistent }, statements.map { $0.summary?.integrity == .consistent })
    }

    func testLateEntryMovesTheDebitToTheNextDay() async throws {
        let faults = FaultSettings(seed: 2, lateEntryRate: 1, incomingCreditsPerDay: 0)
        let scenario = try await StatementScenario.open(self, faults: faults)
        try await scenario.payOverThreeDays()

        let statements = try await scenario.statements(from: StatementScenario.day1, to: StatementScenario.day4)
        XCTAssertEqual(statements.count, 4)
        assertChained(statements)
        // Each day's last debit is booked a day later, with its value date kept.
        XCTAssertEqual(statements.map { $0.debits.compactMap(\.endToEndId) }, [["E-1"], ["E-2"], ["E-3"], ["E-4"]])
        let late = try XCTUnwrap(statements[1].debits.first)
        XCTAssertEqual(late.bookingDate, StatementScenario.day2)
        XCTAssertEqual(late.valueDate, StatementScenario.day1)
        XCTAssertEqual(statements[0].closing, 5_000_000 - 10_000)
        XCTAssertEqual(statements[3].closing, 5_000_000 - 10_000 - 25_050 - 7_525 - 1_000)

        // Without the fault the same ledger reports every debit on its day.
        scenario.bank.close()
        let onTime = try await StatementScenario.open(self, faults: FaultSettings(seed: 2, incomingCreditsPerDay: 0),
                                                      clock: scenario.clock, directory: scenario.directory)
        defer { onTime.bank.close() }
        let plain = try await onTime.statements(from: StatementScenario.day1, to: StatementScenario.day4)
        XCTAssertEqual(plain.map { $0.debits.compactMap(\.endToEndId) }, [["E-1", "E-2"], ["E-3"], ["E-4"], []])
        assertChained(plain)
    }
}

import BankGateAdapters
import BankGateCore
import BankGateXML
import XCTest
@testable import BankGateSimulator
import BankGateTestSupport

final class FaultInjectionTests: XCTestCase {
    func testSameSeedGivesTheSameDecisions() {
        let settings = FaultSettings(seed: 42, failRate: 0.2, dropAfterExecuteRate: 0.2, malformedRate: 0.2)
        let first = FaultInjector(settings: settings)
        let second = FaultInjector(settings: settings)
        let a = (0..<500).map { _ in first.nextDecision() }
        let b = (0..<500).map { _ in second.nextDecision() }
        XCTAssertEqual(a, b)
        XCTAssertEqual(first.seed, 42)
        // Every kind shows up, in plausible shares (fixed by the seed, so this cannot flake).
        let fails = a.filter { $0 == .fail }.count
        XCTAssertTrue((60...140).contains(fails), "\(fails) failures in 500 draws at 0.2")
        XCTAssertTrue(a.contains(.dropAfterExecute))
        XCTAssertTrue(a.contains(.malformed))
        XCTAssertTrue(a.contains(.none))

        let other = FaultInjector(settings: FaultSettings(seed: 43, failRate: 0.2, dropAfterExecuteRate: 0.2,
                                                          malformedRate: 0.2))
        XCTAssertNotEqual(a, (0..<500).map { _ in other.nextDecision() })
    }

    func testRatesOfZeroAndOne() {
        let never = FaultInjector(settings: FaultSettings(seed: 7))
        XCTAssertTrue((0..<200).allSatisfy { _ in never.nextDecision() == .none })
        let always = FaultInjector(settings: FaultSettings(seed: 7, dropAfterExecuteRate: 1))
        XCTAssertTrue((0..<200).allSatisfy { _ in always.nextDecision() == .dropAfterExecute })
    }

    func testSettingsValidation() {
        XCTAssertThrowsError(try FaultSettings(failRate: 1.5).validate())
        XCTAssertThrowsError(try FaultSettings(malformedRate: -0.1).validate())
        XCTAssertThrowsError(try FaultSettings(dropAfterExecuteRate: .nan).validate())
        XCTAssertThrowsError(try FaultSettings(latencyMilliseconds: -1).validate())
        XCTAssertThrowsError(try FaultSettings(maintenanceEverySeconds: 10).validate())
        XCTAssertThrowsError(try FaultSettings(maintenanceEverySeconds: 10, maintenanceDurationSeconds: 10).validate())
        XCTAssertNoThrow(try FaultSettings(failRate: 1, maintenanceEverySeconds: 60, maintenanceDurationSeconds: 5).validate())
        XCTAssertThrowsError(try BankSimulatorOptions().validate(), "neither --listen nor folder mode")
        XCTAssertThrowsError(try BankSimulatorOptions(inbox: "/tmp/in").validate(), "--inbox without --outbox")
        XCTAssertNoThrow(try BankSimulatorOptions(listen: ListenAddress(host: "127.0.0.1", port: 0)).validate())
        XCTAssertEqual(try ListenAddress(parsing: "[::1]:8088"), ListenAddress(host: "::1", port: 8088))
        XCTAssertEqual(try ListenAddress(parsing: ":0"), ListenAddress(host: "127.0.0.1", port: 0))
        XCTAssertThrowsError(try ListenAddress(parsing: "localhost"))
        XCTAssertThrowsError(try ListenAddress(parsing: "localhost:70000"))
    }

    func testMaintenanceWindowRefusesEverythingWithoutExecuting() async throws {
        let clock = ManualClock(SimulatorTestTime.start)
        let settings = FaultSettings(seed: 1, maintenanceEverySeconds: 60, maintenanceDurationSeconds: 10)
        let bank = try await SimulatedBank.open(dataDirectory: try makeTemporaryDirectory(self), accounts: ruleAccounts,
                                                faults: settings, clock: clock, logger: quietLogger)
        defer { bank.close() }
        let message = Pain001Fixture.document(messageId: "MSG-M", transfers: [TestTransfer(endToEndId: "E", amount: "1")])
        let query = try ISO20022Adapter(painVersion: .v09).encodeStatusQuery(
            originalMessageId: "MSG-M", originalKind: "pain.001.001.09", queryId: "Q-M", createdAt: clock.now())

        let refused = await bank.receivePayment(message)
        XCTAssertEqual(refused.httpStatus, 503)
        XCTAssertEqual(refused.effect, .refusedForNow)
        let queryInWindow = await bank.answerStatusQuery(query.bytes).httpStatus
        XCTAssertEqual(queryInWindow, 503)
        let count = try await bank.transfers().count
        XCTAssertEqual(count, 0)

        clock.advance(milliseconds: 10_000)
        let paymentAfterWindow = await bank.receivePayment(message).httpStatus
        XCTAssertEqual(paymentAfterWindow, 200)
        let queryAfterWindow = await bank.answerStatusQuery(query.bytes).httpStatus
        XCTAssertEqual(queryAfterWindow, 200)
        clock.advance(milliseconds: 50_000)   // 60 s: the next period's window
        let queryInNextWindow = await bank.answerStatusQuery(query.bytes).httpStatus
        XCTAssertEqual(queryInNextWindow, 503)
        XCTAssertTrue(settings.isMaintenance(elapsedMilliseconds: 125_000))
        XCTAssertFalse(settings.isMaintenance(elapsedMilliseconds: 59_999))
    }

    func testInjectedFailureExecutesNothing() async throws {
        let bank = try await SimulatedBank.open(
            dataDirectory: try makeTemporaryDirectory(self), accounts: ruleAccounts,
            faults: FaultSettings(seed: 3, failRate: 1), clock: ManualClock(SimulatorTestTime.start), logger: quietLogger)
        defer { bank.close() }
        let answer = await bank.receivePayment(Pain001Fixture.document(
            messageId: "MSG-F", transfers: [TestTransfer(endToEndId: "E", amount: "1")]))
        XCTAssertEqual(answer.httpStatus, 500)
        XCTAssertEqual(answer.effect, .refusedForNow)
        let count = try await bank.transfers().count
        XCTAssertEqual(count, 0)
        let stored = try await bank.storedAnswer(messageId: "MSG-F")
        XCTAssertNil(stored, "a failed message is not received: resending it must not be a duplicate")
    }

    func testDropAndMalformedStillExecute() async throws {
        let directory = try makeTemporaryDirectory(self)
        let dropping = try await SimulatedBank.open(
            dataDirectory: directory, accounts: ruleAccounts,
            faults: FaultSettings(seed: 3, dropAfterExecuteRate: 1), clock: ManualClock(SimulatorTestTime.start), logger: quietLogger)
        let dropped = await dropping.receivePayment(Pain001Fixture.document(
            messageId: "MSG-DROP", transfers: [TestTransfer(endToEndId: "E-D", amount: "1")]))
        XCTAssertEqual(dropped.delivery, .dropConnection)
        let droppedExecuted = try await dropping.transfers(messageId: "MSG-DROP").count
        XCTAssertEqual(droppedExecuted, 1)
        dropping.close()

        let breaking = try await SimulatedBank.open(
            dataDirectory: directory, accounts: nil,
            faults: FaultSettings(seed: 3, malformedRate: 1), clock: ManualClock(SimulatorTestTime.start), logger: quietLogger)
        defer { breaking.close() }
        let broken = await breaking.receivePayment(Pain001Fixture.document(
            messageId: "MSG-BROKEN", transfers: [TestTransfer(endToEndId: "E-B", amount: "1")]))
        XCTAssertEqual(broken.httpStatus, 200)
        XCTAssertEqual(broken.delivery, .respond)
        XCTAssertThrowsError(try HardenedXML.parse(broken.body, maxBytes: 1 << 20))
        let brokenExecuted = try await breaking.transfers(messageId: "MSG-BROKEN").count
        XCTAssertEqual(brokenExecuted, 1)
        // The status query recovers the good report; status queries are never broken on purpose.
        let query = try ISO20022Adapter(painVersion: .v09).encodeStatusQuery(
            originalMessageId: "MSG-BROKEN", originalKind: "pain.001.001.09", queryId: "Q-B",
            createdAt: Timestamp(milliseconds: 0))
        let recovered = await breaking.answerStatusQuery(query.bytes)
        XCTAssertEqual(recovered.httpStatus, 200)
        XCTAssertEqual(try ReadReport(recovered.body).lines["E-B"]?.status, "ACSC")
    }
}

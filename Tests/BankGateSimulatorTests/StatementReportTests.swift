import BankGateCore
import BankGateStatements
import BankGateXML
import XCTest
@testable import BankGateSimulator

final class StatementReportTests: XCTestCase {
    /// The debits each day must show: end-to-end id → minor units.
    private let expectedDebits: [[String: Int64]] = [["E-1": 10_000, "E-2": 25_050], ["E-3": 7_525], ["E-4": 1_000]]

    func testCamt053ListsTheExecutedDebitsWithChainedBalances() async throws {
        let scenario = try await StatementScenario.open(self, faults: FaultSettings(seed: 21))
        defer { scenario.bank.close() }
        try await scenario.payOverThreeDays()

        let answer = await scenario.request(from: StatementScenario.day1, to: StatementScenario.day3)
        XCTAssertEqual(answer.contentType, "application/xml")
        let statements = try StatementCollector.read(answer.body)
        XCTAssertEqual(statements.map(\.header.statementId),
                       ["STMT-32013000-20261123", "STMT-32013000-20261124", "STMT-32013000-20261125"])
        XCTAssertEqual(statements.map(\.header.electronicSequence), [1, 2, 3])
        XCTAssertEqual(statements.map(\.header.formatVersion), Array(repeating: "camt.053.001.08", count: 3))
        XCTAssertEqual(statements.first?.opening, 5_000_000, "the day-1 opening is the balance before any payment")
        assertChained(statements)
        for (index, statement) in statements.enumerated() {
            var debits: [String: Int64] = [:]
            for debit in statement.debits { debits[debit.endToEndId ?? "?"] = debit.amount.minorUnits }
            XCTAssertEqual(debits, expectedDebits[index], statement.header.statementId)
            let date = statement.header.balances.first?.date
            for debit in statement.debits {
                XCTAssertEqual(debit.bookingDate, date)
                XCTAssertEqual(debit.valueDate, date)
                XCTAssertEqual(debit.messageId, "MSG-\(index + 1)")
                XCTAssertEqual(debit.paymentInformationId, "MSG-\(index + 1)-P")
                XCTAssertTrue(debit.accountServicerReference?.hasPrefix("SIM-") == true)
                XCTAssertEqual(debit.transactionCode.domain, "PMNT")
                XCTAssertEqual(debit.transactionCode.family, "ICDT")
                XCTAssertEqual(debit.transactionCode.subFamily, "ESCT")
            }
            for credit in statement.credits {
                XCTAssertTrue(credit.accountServicerReference?.hasPrefix("SIMC") == true)
                XCTAssertTrue(credit.structuredReference?.hasPrefix("RF") == true)
                XCTAssertNotNil(credit.counterparty.name)
                XCTAssertNotNil(credit.remittanceInformation)
            }
        }
        let first = statements[0]
        XCTAssertEqual(first.debits.first { $0.endToEndId == "E-2" }?.instructionId, "I-2")
        XCTAssertEqual(first.debits.first { $0.endToEndId == "E-1" }?.counterparty.account, TestAccounts.creditor)
        let references = statements.flatMap { $0.transactions.compactMap(\.accountServicerReference) }
        XCTAssertEqual(Set(references).count, references.count, "account servicer references are unique")
        let credits = statements.flatMap(\.credits).count
        XCTAssertGreaterThan(credits, 0, "seed 21 draws some incoming credits in three days")

        // The on-us creditor sees the day-1 transfers as credits from the debtor.
        let creditorStatements = try await scenario.statements(account: TestAccounts.creditor,
                                                               from: StatementScenario.day1, to: StatementScenario.day1)
        let transfersIn = creditorStatements[0].credits.filter { $0.endToEndId != nil }
        XCTAssertEqual(transfersIn.map(\.endToEndId), ["E-1", "E-2"])
        XCTAssertEqual(transfersIn.first?.counterparty.account, TestAccounts.debtor)
        XCTAssertEqual(creditorStatements[0].opening, 0)
    }

    func testMT940CarriesTheSameStatements() async throws {
        let scenario = try await StatementScenario.open(self, faults: FaultSettings(seed: 21))
        defer { scenario.bank.close() }
        try await scenario.payOverThreeDays()

        let camt = try await scenario.statements(from: StatementScenario.day1, to: StatementScenario.day3)
        let answer = await scenario.request("MT940", from: StatementScenario.day1, to: StatementScenario.day3)
        XCTAssertEqual(answer.httpStatus, 200)
        XCTAssertEqual(answer.contentType, "text/plain")
        let text = String(decoding: answer.body, as: UTF8.self)
        XCTAssertTrue(text.hasPrefix(":20:STMT-20261123\r\n:25:\(TestAccounts.debtor)\r\n:28C:1\r\n:60F:C261123EUR50000,00"), text)
        let mt940 = try StatementCollector.read(answer.body)
        XCTAssertEqual(mt940.map(\.header.format), [.mt940, .mt940, .mt940])
        XCTAssertEqual(mt940.map(\.header.electronicSequence), [1, 2, 3])
        assertChained(mt940)
        XCTAssertEqual(mt940.map(\.closing), camt.map(\.closing))
        XCTAssertEqual(mt940.map(\.opening), camt.map(\.opening))
        for (index, statement) in mt940.enumerated() {
            var debits: [String: Int64] = [:]
            for debit in statement.debits { debits[debit.endToEndId ?? "?"] = debit.amount.minorUnits }
            XCTAssertEqual(debits, expectedDebits[index])
            XCTAssertEqual(statement.transactions.map(\.bankReference),
                           camt[index].transactions.map(\.accountServicerReference))
        }
        XCTAssertEqual(mt940[0].debits.first { $0.endToEndId == "E-2" }?.instructionId, "I-2")

        // The older camt schema says the same.
        let old = try await scenario.statements("camt.053.001.02", from: StatementScenario.day1, to: StatementScenario.day3)
        XCTAssertEqual(old.map(\.header.formatVersion), Array(repeating: "camt.053.001.02", count: 3))
        XCTAssertEqual(old.map(\.closing), camt.map(\.closing))
        assertChained(old)
    }

    func testCamt052IsOneIntradayReportWithInterimBalances() async throws {
        let scenario = try await StatementScenario.open(self, faults: FaultSettings(seed: 21, incomingCreditsPerDay: 0))
        defer { scenario.bank.close() }
        try await scenario.payOverThreeDays()
        try await scenario.pay("MSG-4", [TestTransfer(endToEndId: "E-5", amount: "1.50")])

        let reports = try await scenario.statements("camt.052.001.08", from: StatementScenario.day1,
                                                    to: StatementScenario.day4)
        XCTAssertEqual(reports.count, 1, "one report, for ToDt")
        let report = try XCTUnwrap(reports.first)
        XCTAssertEqual(report.header.format, .camt052)
        XCTAssertEqual(report.header.statementId, "RPT-32013000-20261126")
        XCTAssertNil(report.header.electronicSequence)
        XCTAssertEqual(report.header.balances.map(\.type), ["ITBD"])
        XCTAssertNil(report.header.closingBalance)
        XCTAssertEqual(report.transactions.map(\.endToEndId), ["E-5"])
        XCTAssertEqual(report.transactions.first?.status, .booked)
        XCTAssertEqual(report.header.balances.first?.amount.minorUnits, 5_000_000 - 10_000 - 25_050 - 7_525 - 1_000 - 150)
        if case .notApplicable = report.summary?.integrity {} else {
            XCTFail("an intraday report has no opening/closing pair: \(String(describing: report.summary?.integrity))")
        }
    }

    func testTodaysSimulatedCreditsAppearAsTheDayGoesOn() async throws {
        let scenario = try await StatementScenario.open(self, faults: FaultSettings(seed: 4, incomingCreditsPerDay: 5))
        defer { scenario.bank.close() }
        let draws = StatementDraws(seed: 4)
        let day1 = try XCTUnwrap(SimulatorDay.parse(StatementScenario.day1))
        let expected = StatementCalendar.incomingCredits(account: StatementScenario.accounts[0], day: day1,
                                                         settings: FaultSettings(incomingCreditsPerDay: 5), draws: draws)
        XCTAssertFalse(expected.isEmpty, "seed 4 draws credits on day 1")
        let early = try await scenario.statements("camt.052.001.08", from: StatementScenario.day1, to: StatementScenario.day1)
        XCTAssertEqual(early[0].credits.count, 0, "02:13 UTC: before the first simulated credit (06:00)")
        scenario.nextDay()
        let late = try await scenario.statements("camt.052.001.08", from: StatementScenario.day1, to: StatementScenario.day1)
        XCTAssertEqual(late[0].credits.map(\.accountServicerReference), expected.sorted { $0.time < $1.time }.map(\.reference))
        for credit in late[0].credits {
            let reference = try XCTUnwrap(credit.structuredReference)
            XCTAssertTrue(Self.isValidCreditorReference(reference), reference)
        }
    }

    func testCamtAnswersAreValidAgainstTheSchemas() async throws {
        let scenario = try await StatementScenario.open(self, faults: FaultSettings(seed: 21, duplicateEntryRate: 1))
        defer { scenario.bank.close() }
        try await scenario.payOverThreeDays()
        for message in ["camt.053.001.08", "camt.053.001.02", "camt.052.001.08"] {
            guard let xsd = BankCodecTests.schemaPath(message + ".xsd") else { throw XCTSkip("\(message).xsd not found") }
            let validator = try XMLSchemaValidator(xsdPath: xsd)
            let answer = await scenario.request(message, from: StatementScenario.day1, to: StatementScenario.day3)
            XCTAssertEqual(answer.httpStatus, 200)
            XCTAssertEqual(validator.validate(answer.body), [], message)
            let text = String(decoding: answer.body, as: UTF8.self).replacingOccurrences(of: "<Acct>", with: "<Bogus/><Acct>")
            XCTAssertFalse(validator.validate(Array(text.utf8)).isEmpty, "the schema check must be able to fail")
        }
    }

    func testRefusalsAndOmittedDays() async throws {
        let scenario = try await StatementScenario.open(self, faults: FaultSettings(seed: 21))
        defer { scenario.bank.close() }
        try await scenario.payOverThreeDays()

        let unknown = await scenario.request(account: TestAccounts.otherCreditor, from: StatementScenario.day1,
                                             to: StatementScenario.day1)
        XCTAssertEqual(unknown.httpStatus, 404)
        XCTAssertTrue(unknown.contentType.hasPrefix("text/plain"))

        let dtd = await scenario.bank.answerReportRequest(Camt060Fixture.document(
            from: StatementScenario.day1, to: StatementScenario.day1,
            prologue: #"<!DOCTYPE Document [<!ENTITY x "boom">]>"#))
        XCTAssertEqual(dtd.httpStatus, 400)
        let noDate = await scenario.bank.answerReportRequest(Camt060Fixture.document(from: StatementScenario.day1, to: nil))
        XCTAssertEqual(noDate.httpStatus, 400)
        let badDate = await scenario.request(from: "2026-02-30", to: StatementScenario.day1)
        XCTAssertEqual(badDate.httpStatus, 400)
        let reversed = await scenario.request(from: StatementScenario.day2, to: StatementScenario.day1)
        XCTAssertEqual(reversed.httpStatus, 400)
        let unknownMessage = await scenario.request("camt.054.001.02", from: StatementScenario.day1, to: StatementScenario.day1)
        XCTAssertEqual(unknownMessage.httpStatus, 400)
        let notCamt060 = await scenario.bank.answerReportRequest(Pain001Fixture.document(
            messageId: "X", transfers: [TestTransfer(endToEndId: "E", amount: "1")]))
        XCTAssertEqual(notCamt060.httpStatus, 400)

        // Days before the ledger's first day and after today are left out; nothing at all answers 204.
        let statements = try await scenario.statements(from: "2026-11-20", to: "2026-12-05")
        XCTAssertEqual(statements.map(\.header.electronicSequence), [1, 2, 3, 4], "23 to 26 November: today is the 26th")
        let before = await scenario.request(from: "2026-11-01", to: "2026-11-22")
        XCTAssertEqual(before.httpStatus, 204)
        XCTAssertTrue(before.body.isEmpty)
        let future = await scenario.request("MT940", from: "2026-11-27", to: "2026-11-30")
        XCTAssertEqual(future.httpStatus, 204)
    }

    func testAnswersAreDeterministicForASeed() async throws {
        let scenario = try await StatementScenario.open(self, faults: FaultSettings(seed: 33))
        defer { scenario.bank.close() }
        try await scenario.payOverThreeDays()
        let first = await scenario.request(from: StatementScenario.day1, to: StatementScenario.day3)
        let second = await scenario.request(from: StatementScenario.day1, to: StatementScenario.day3)
        XCTAssertNotEqual(first.body, second.body, "the group header's MsgId differs per answer")
        XCTAssertEqual(Self.withoutGroupHeader(first.body), Self.withoutGroupHeader(second.body))

        // Another ledger with the same seed and the same payments answers the same statements.
        let twin = try await StatementScenario.open(self, faults: FaultSettings(seed: 33))
        defer { twin.bank.close() }
        try await twin.payOverThreeDays()
        let third = await twin.request(from: StatementScenario.day1, to: StatementScenario.day3)
        XCTAssertEqual(Self.withoutGroupHeader(first.body), Self.withoutGroupHeader(third.body))

        let other = try await StatementScenario.open(self, faults: FaultSettings(seed: 34))
        defer { other.bank.close() }
        try await other.payOverThreeDays()
        let fourth = await other.request(from: StatementScenario.day1, to: StatementScenario.day3)
        XCTAssertNotEqual(Self.withoutGroupHeader(first.body), Self.withoutGroupHeader(fourth.body),
                          "another seed draws other incoming credits")
    }

    func testMaintenanceRefusesReportRequests() async throws {
        let settings = FaultSettings(seed: 1, maintenanceEverySeconds: 60, maintenanceDurationSeconds: 10)
        let scenario = try await StatementScenario.open(self, faults: settings)
        defer { scenario.bank.close() }
        let refused = await scenario.request(from: StatementScenario.day1, to: StatementScenario.day1)
        XCTAssertEqual(refused.httpStatus, 503)
        scenario.clock.advance(milliseconds: 10_000)
        let answered = await scenario.request(from: StatementScenario.day1, to: StatementScenario.day1)
        XCTAssertEqual(answered.httpStatus, 200)
    }

    // MARK: - Helpers

    /// The document without `<GrpHdr>…</GrpHdr>`.
    static func withoutGroupHeader(_ body: [UInt8]) -> String {
        let text = String(decoding: body, as: UTF8.self)
        guard let start = text.range(of: "<GrpHdr>"), let end = text.range(of: "</GrpHdr>") else { return text }
        return String(text[..<start.lowerBound]) + String(text[end.upperBound...])
    }

    /// ISO 11649: the reference with `RF` and the check digits moved to the end is 1 modulo 97.
    static func isValidCreditorReference(_ reference: String) -> Bool {
        guard reference.hasPrefix("RF"), reference.count > 4 else { return false }
        let rearranged = reference.dropFirst(4) + reference.prefix(4)
        var remainder = 0
        for character in rearranged {
            guard let value = character.isNumber ? Int(String(character)) : character.asciiValue.map({ Int($0) - 55 })
            else { return false }
            for digit in String(value) { remainder = (remainder * 10 + Int(String(digit))!) % 97 }
        }
        return remainder == 1
    }
}

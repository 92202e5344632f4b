import BankGateAdapters
import BankGateCore
import XCTest
@testable import BankGateSimulator
import BankGateTestSupport

final class SimulatedBankTests: XCTestCase {
    private func openBank(_ directory: String, accounts: [SimulatedAccount]? = ruleAccounts,
                          faults: FaultSettings = FaultSettings(seed: 1),
                          clock: ManualClock = ManualClock(SimulatorTestTime.start)) async throws -> SimulatedBank {
        try await SimulatedBank.open(dataDirectory: directory, accounts: accounts, faults: faults, clock: clock,
                                     logger: quietLogger)
    }

    func testExecutesAMessageAndKeepsTheLedger() async throws {
        let bank = try await openBank(try makeTemporaryDirectory(self))
        defer { bank.close() }
        let message = Pain001Fixture.document(messageId: "MSG-OK", transfers: [
            TestTransfer(endToEndId: "E2E-1", amount: "250.00", instructionId: "INS-1"),
            TestTransfer(endToEndId: "E2E-2", amount: "49.5", creditor: TestAccounts.domestic),
        ], controlSum: "299.50")
        let answer = await bank.receivePayment(message)
        XCTAssertEqual(answer.httpStatus, 200)
        XCTAssertEqual(answer.delivery, .respond)
        XCTAssertEqual(answer.effect, .handled(subject: "MSG-OK"))
        let report = try ReadReport(answer.body)
        XCTAssertEqual(report.originalMessageId, "MSG-OK")
        XCTAssertEqual(report.groupStatus, "ACSC")
        XCTAssertEqual(report.lines["E2E-1"], .init(status: "ACSC", reason: nil))
        XCTAssertEqual(report.lines["E2E-2"], .init(status: "ACSC", reason: nil))

        let transfers = try await bank.transfers()
        XCTAssertEqual(transfers.count, 2)
        XCTAssertEqual(transfers[0].messageId, "MSG-OK")
        XCTAssertEqual(transfers[0].paymentInformationId, "PMT-1")
        XCTAssertEqual(transfers[0].instructionId, "INS-1")
        XCTAssertEqual(transfers[0].endToEndId, "E2E-1")
        XCTAssertEqual(transfers[0].debtorAccount, TestAccounts.debtor)
        XCTAssertEqual(transfers[0].creditorAccount, TestAccounts.creditor)
        XCTAssertEqual(transfers[0].amount.minorUnits, 25_000)
        XCTAssertEqual(transfers[1].amount.decimalString, "49.50")
        XCTAssertNil(transfers[1].instructionId)

        let accounts = Dictionary(uniqueKeysWithValues: try await bank.accounts().map { ($0.number, $0) })
        XCTAssertEqual(accounts[TestAccounts.debtor]?.balance.minorUnits, 100_000 - 29_950)
        XCTAssertEqual(accounts[TestAccounts.creditor]?.balance.minorUnits, 25_000, "on-us creditor credited")
    }

    func testRejectionsCarryTheirReasonsAndTheRestIsExecuted() async throws {
        let bank = try await openBank(try makeTemporaryDirectory(self))
        defer { bank.close() }
        let message = Pain001Fixture.document(messageId: "MSG-MIX", transfers: [
            TestTransfer(endToEndId: "OK-1", amount: "600.00"),
            TestTransfer(endToEndId: "BAD-CDTR", amount: "1.00", creditor: TestAccounts.badIBAN),
            TestTransfer(endToEndId: "CLOSED-CDTR", amount: "1.00", creditor: TestAccounts.closed),
            TestTransfer(endToEndId: "BLOCKED-CDTR", amount: "1.00", creditor: TestAccounts.blocked),
            TestTransfer(endToEndId: "NO-FUNDS", amount: "500.00"),
            TestTransfer(endToEndId: "OK-2", amount: "400.00"),
            TestTransfer(endToEndId: "CCY", amount: "1.00", currency: "USD"),
        ])
        let report = try ReadReport(await bank.receivePayment(message).body)
        XCTAssertEqual(report.groupStatus, "PART")
        XCTAssertEqual(report.paymentInfoStatuses, ["PART"])
        XCTAssertEqual(report.lines["OK-1"], .init(status: "ACSC", reason: nil))
        XCTAssertEqual(report.lines["BAD-CDTR"], .init(status: "RJCT", reason: "AC01"))
        XCTAssertEqual(report.lines["CLOSED-CDTR"], .init(status: "RJCT", reason: "AC04"))
        XCTAssertEqual(report.lines["BLOCKED-CDTR"], .init(status: "RJCT", reason: "AC06"))
        XCTAssertEqual(report.lines["NO-FUNDS"], .init(status: "RJCT", reason: "AM04"), "400.00 left, 500.00 asked")
        XCTAssertEqual(report.lines["OK-2"], .init(status: "ACSC", reason: nil), "later transfers that fit still run")
        XCTAssertEqual(report.lines["CCY"], .init(status: "RJCT", reason: "AM03"))
        let executed = try await bank.transfers(messageId: "MSG-MIX").map(\.endToEndId)
        XCTAssertEqual(executed, ["OK-1", "OK-2"])
        let debtor = try await bank.accounts().first { $0.number == TestAccounts.debtor }
        XCTAssertEqual(debtor?.balance.minorUnits, 0)
    }

    func testDebtorAccountRules() async throws {
        let bank = try await openBank(try makeTemporaryDirectory(self))
        defer { bank.close() }
        let cases: [(String?, String)] = [
            ("DE00370400440532013000", "AC01"),   // bad check digits
            ("DE44500105175407324931", "AC01"),   // valid IBAN, unknown when accounts are listed
            (nil, "AC01"),                        // no debtor account at all
            (TestAccounts.closed, "AC04"),
            (TestAccounts.blocked, "AC06"),
        ]
        for (index, (debtor, reason)) in cases.enumerated() {
            let answer = await bank.receivePayment(Pain001Fixture.document(
                messageId: "MSG-DBTR-\(index)", debtor: debtor,
                transfers: [TestTransfer(endToEndId: "E-\(index)", amount: "1.00")]))
            let report = try ReadReport(answer.body)
            XCTAssertEqual(report.groupStatus, "RJCT", "debtor case \(index)")
            XCTAssertEqual(report.lines["E-\(index)"], .init(status: "RJCT", reason: reason), "debtor case \(index)")
        }
        let count = try await bank.transfers().count
        XCTAssertEqual(count, 0)
    }

    func testWithoutAccountsFileValidAccountsAreOpenedOnFirstUse() async throws {
        let bank = try await openBank(try makeTemporaryDirectory(self), accounts: nil)
        defer { bank.close() }
        let answer = await bank.receivePayment(Pain001Fixture.document(
            messageId: "MSG-OPEN", debtor: TestAccounts.domestic, transfers: [
                TestTransfer(endToEndId: "E-1", amount: "999999999.99"),
                TestTransfer(endToEndId: "E-2", amount: "0.02"),
            ]))
        let report = try ReadReport(answer.body)
        XCTAssertEqual(report.lines["E-1"]?.status, "ACSC")
        XCTAssertEqual(report.lines["E-2"], .init(status: "RJCT", reason: "AM04"), "1,000,000,000.00 opening balance")
        let debtor = try await bank.accounts().first { $0.number == TestAccounts.domestic }
        XCTAssertEqual(debtor?.balance.decimalString, "0.01")
        XCTAssertEqual(debtor?.currency.code, "EUR")
    }

    func testDuplicateMessageIdIsRefusedAndNothingRunsTwice() async throws {
        let bank = try await openBank(try makeTemporaryDirectory(self))
        defer { bank.close() }
        let message = Pain001Fixture.document(messageId: "MSG-DUP", transfers: [
            TestTransfer(endToEndId: "E-1", amount: "10.00"),
        ])
        let first = await bank.receivePayment(message)
        XCTAssertEqual(try ReadReport(first.body).groupStatus, "ACSC")
        let ledgerBefore = try await bank.transfers()
        let second = await bank.receivePayment(message)
        XCTAssertEqual(second.httpStatus, 200)
        let duplicate = try ReadReport(second.body)
        XCTAssertEqual(duplicate.originalMessageId, "MSG-DUP")
        XCTAssertEqual(duplicate.groupStatus, "RJCT")
        XCTAssertEqual(duplicate.groupReason, "DUPL")
        XCTAssertTrue(duplicate.lines.isEmpty)
        let ledgerAfter = try await bank.transfers()
        XCTAssertEqual(ledgerAfter, ledgerBefore)
        XCTAssertEqual(ledgerAfter.count, 1)
        let debtor = try await bank.accounts().first { $0.number == TestAccounts.debtor }
        XCTAssertEqual(debtor?.balance.minorUnits, 99_000)
    }

    func testInconsistentTotalsRejectTheWholeMessageWithFF01() async throws {
        let bank = try await openBank(try makeTemporaryDirectory(self))
        defer { bank.close() }
        let transfers = [TestTransfer(endToEndId: "E-1", amount: "10.00"), TestTransfer(endToEndId: "E-2", amount: "5")]
        let wrongCount = Pain001Fixture.document(messageId: "MSG-NB", transfers: transfers, numberOfTransactions: "3")
        let wrongSum = Pain001Fixture.document(messageId: "MSG-SUM", transfers: transfers, controlSum: "15.01")
        let rightSum = Pain001Fixture.document(messageId: "MSG-SUM-OK", transfers: transfers, controlSum: "15.0000")
        for message in [wrongCount, wrongSum] {
            let answer = await bank.receivePayment(message)
            XCTAssertEqual(answer.httpStatus, 200)
            let report = try ReadReport(answer.body)
            XCTAssertEqual(report.groupStatus, "RJCT")
            XCTAssertEqual(report.groupReason, "FF01")
        }
        let accepted = await bank.receivePayment(rightSum)
        XCTAssertEqual(try ReadReport(accepted.body).groupStatus, "ACSC")
        let executed = try await bank.transfers().map(\.messageId)
        XCTAssertEqual(executed, ["MSG-SUM-OK", "MSG-SUM-OK"])
    }

    func testUnreadableMessagesAreRefusedWith400() async throws {
        let bank = try await openBank(try makeTemporaryDirectory(self))
        defer { bank.close() }
        for body in ["<Document><CstmrCdtTrfInitn>", "<Document><Other/></Document>",
                     "<Document><CstmrCdtTrfInitn><GrpHdr/></CstmrCdtTrfInitn></Document>",
                     "<!DOCTYPE d [<!ENTITY x \"y\">]><Document/>"] {
            let answer = await bank.receivePayment(Array(body.utf8))
            XCTAssertEqual(answer.httpStatus, 400, body)
            guard case .unreadable = answer.effect else { return XCTFail("\(answer.effect) for \(body)") }
        }
    }

    func testStatusQueryKnownAndUnknownMessages() async throws {
        let bank = try await openBank(try makeTemporaryDirectory(self))
        defer { bank.close() }
        let adapter = ISO20022Adapter(painVersion: .v09)
        let execution = await bank.receivePayment(Pain001Fixture.document(
            messageId: "MSG-Q", transfers: [TestTransfer(endToEndId: "E-1", amount: "1.00")]))

        let known = try adapter.encodeStatusQuery(originalMessageId: "MSG-Q", originalKind: "pain.001.001.09",
                                                  queryId: "QRY-1", createdAt: Timestamp(milliseconds: 0))
        let knownAnswer = await bank.answerStatusQuery(known.bytes)
        XCTAssertEqual(knownAnswer.httpStatus, 200)
        XCTAssertEqual(knownAnswer.body, execution.body, "the stored report is returned as it was sent")
        XCTAssertEqual(knownAnswer.effect, .handled(subject: "QRY-1"))
        guard case .report(let report) = adapter.interpretStatusQueryAnswer(
            httpStatus: knownAnswer.httpStatus, body: knownAnswer.body, originalMessageId: "MSG-Q") else {
            return XCTFail("the adapter must read the stored report")
        }
        XCTAssertEqual(report.transactions.first?.status, .completed)

        let unknown = try adapter.encodeStatusQuery(originalMessageId: "MSG-NEVER", originalKind: "pain.001.001.09",
                                                    queryId: "QRY-2", createdAt: Timestamp(milliseconds: 0))
        let unknownAnswer = await bank.answerStatusQuery(unknown.bytes)
        XCTAssertEqual(unknownAnswer.httpStatus, 404)
        let notFound = try ReadReport(unknownAnswer.body)
        XCTAssertEqual(notFound.originalMessageId, "MSG-NEVER")
        XCTAssertEqual(notFound.groupStatus, "RJCT")
        XCTAssertEqual(notFound.groupReason, "NOTFOUND")
        XCTAssertEqual(adapter.interpretStatusQueryAnswer(httpStatus: 404, body: unknownAnswer.body,
                                                          originalMessageId: "MSG-NEVER"), .notReceived)

        let garbage = await bank.answerStatusQuery(Array("<Document/>".utf8))
        XCTAssertEqual(garbage.httpStatus, 400)
    }

    func testLedgerSurvivesReopening() async throws {
        let directory = try makeTemporaryDirectory(self)
        let bank = try await openBank(directory)
        _ = await bank.receivePayment(Pain001Fixture.document(
            messageId: "MSG-DURABLE", transfers: [TestTransfer(endToEndId: "E-1", amount: "12.34")]))
        bank.close()

        // Reopened without an accounts file, so balances are not reset by an upsert.
        let reopened = try await openBank(directory, accounts: nil)
        defer { reopened.close() }
        let transfers = try await reopened.transfers()
        XCTAssertEqual(transfers.map(\.endToEndId), ["E-1"])
        XCTAssertEqual(transfers.first?.amount.decimalString, "12.34")
        let debtor = try await reopened.accounts().first { $0.number == TestAccounts.debtor }
        XCTAssertEqual(debtor?.balance.minorUnits, 100_000 - 1_234)
        let stored = try await reopened.storedAnswer(messageId: "MSG-DURABLE")
        XCTAssertNotNil(stored)
        let again = await reopened.receivePayment(Pain001Fixture.document(
            messageId: "MSG-DURABLE", transfers: [TestTransfer(endToEndId: "E-1", amount: "12.34")]))
        XCTAssertEqual(try ReadReport(again.body).groupReason, "DUPL", "the duplicate check survives a restart")
    }
}

import BankGateAdapters
import BankGateCore
import BankGateEngine
import BankGateRuntime
import BankGateStore
import Logging
import XCTest

/// Start-up recovery: a send interrupted by a crash (`sending` in the store) is never sent blindly
/// again; its payments become `unknown` and the bank is asked.
final class RecoveryTests: XCTestCase {
    /// Does what a lane does up to the moment the bytes would leave: archives the message and marks
    /// the submission `sending`. Returns the archived bytes.
    func beginSendAndCrash(_ h: DispatcherHarness, _ payment: PaymentRecord) async throws -> [UInt8] {
        let submission = try await h.submission(of: payment)
        let debtor = try XCTUnwrap(h.engine.accounts[payment.debtorAccountId]?.account)
        let message = PaymentMessage(
            messageId: submission.messageId, paymentInfoId: submission.paymentInfoId, createdAt: submission.createdAt,
            requestedExecutionDate: submission.requestedExecutionDate, debtor: debtor, initiatingPartyName: debtor.name,
            transfers: [CreditTransfer(paymentId: payment.id, instructionId: payment.instructionId, endToEndId: payment.endToEndId,
                                       amount: payment.amount, creditor: payment.creditor, remittanceInfo: payment.remittanceInfo)])
        let encoded = try ISO20022Adapter(painVersion: .v09).encodePayment(message)
        let attempt = try await h.store.beginSend(
            submissionId: submission.id, paymentIds: [payment.id],
            message: MessageToArchive(direction: .outbound, kind: encoded.kind, bytes: encoded.bytes), at: h.clock.now())
        XCTAssertEqual(attempt, 1)
        let sending = try await h.payment(payment.id)
        XCTAssertEqual(sending.status, .sending)
        return encoded.bytes
    }

    func testInterruptedSendIsAskedAboutNotResent() async throws {
        try await withHarness(start: false) { h in
            let payment = try await h.submitOne()
            _ = try await beginSendAndCrash(h, payment)
            await h.transport.scriptQueries(.report("ACSC"))

            h.clock.advance(milliseconds: 5_000)
            h.start()
            let done = try await h.waitForStatus(payment.id, .completed)
            XCTAssertEqual(done.bankStatus, "ACSC")
            let counts = (await h.transport.submitted.count, await h.transport.queries.count)
            XCTAssertEqual(counts.0, 0, "an interrupted send is never repeated blindly")
            XCTAssertEqual(counts.1, 1)

            let history = try await h.store.history(paymentId: payment.id)
            XCTAssertEqual(history.map(\.to), [.received, .queued, .sending, .unknown, .completed])
            XCTAssertEqual(history[3].cause, .recovery)
            XCTAssertEqual(history[3].at, h.clock.now())
            XCTAssertEqual(history[4].cause, .bank)
            XCTAssertEqual(done.attempts, 1)
        }
    }

    func testInterruptedSendThatNeverArrivedIsResentByteForByte() async throws {
        try await withHarness(start: false) { h in
            let payment = try await h.submitOne()
            let archived = try await beginSendAndCrash(h, payment)
            await h.transport.scriptQueries(.notFound)

            h.clock.advance(milliseconds: 5_000)
            h.start()
            try await h.waitForStatus(payment.id, .completed)
            let sent = await h.transport.submitted
            XCTAssertEqual(sent.count, 1)
            XCTAssertEqual(sent.first?.bytes, archived, "the resend is the message archived before the crash")
            let history = try await h.store.history(paymentId: payment.id)
            XCTAssertEqual(history.map(\.to), [.received, .queued, .sending, .unknown, .queued, .sending, .completed])
            XCTAssertEqual(history.map(\.cause), [.api, .api, .dispatcher, .recovery, .bank, .dispatcher, .bank])
        }
    }

    func testRecoveryLeavesOtherSubmissionsAlone() async throws {
        try await withHarness(start: false) { h in
            let payments = try await h.submit([DispatcherHarness.request(), DispatcherHarness.request(minorUnits: 500)])
            _ = try await beginSendAndCrash(h, payments[0])
            h.start()
            try await h.waitForStatus(payments[0].id, .completed)
            try await h.waitForStatus(payments[1].id, .completed)
            let sent = await h.transport.submitted
            XCTAssertEqual(sent.map(\.messageId), [payments[1].messageId])
            try await h.assertHistory(payments[1].id, [.received, .queued, .sending, .completed])
        }
    }
}

extension RecoveryTests {
    /// Issue 12: a payment whose outcome became unknown at start-up is logged as one at run time
    /// is: `payment outcome unknown`, with its bank, its payment and the request id of the API call
    /// that submitted it (before the restart), not only as a count.
    func testAnInterruptedSendIsLoggedPaymentByPaymentAtStart() async throws {
        let lines = CircuitVisibilityTests.Lines()
        var logger = Logger(label: "dispatcher") { label in
            StructuredLogHandler(label: label, format: .json, level: .info, secrets: [], write: { lines.append($0) })
        }
        logger.logLevel = .info
        try await withHarness(start: false, logger: logger) { h in
            let payment = try await RequestTrace.$current.withValue(RequestTrace(requestId: "req-before-crash")) {
                try await h.submitOne()
            }
            _ = try await beginSendAndCrash(h, payment)
            await h.transport.scriptQueries(.report("ACSC"))

            h.start()
            try await h.waitForStatus(payment.id, .completed)
            let unknown = lines.lines.withLock { $0 }.filter { $0["msg"] == "payment outcome unknown" }
            XCTAssertEqual(unknown.count, 1)
            XCTAssertEqual(unknown.first?["bank"], DispatcherHarness.bankId)
            XCTAssertEqual(unknown.first?["payment_id"], payment.id)
            XCTAssertEqual(unknown.first?["request_id"], "req-before-crash")
            XCTAssertEqual(unknown.first?["code"], "interrupted")
            XCTAssertEqual(unknown.first?["level"], "warning")
        }
    }
}

import BankGateCore
import BankGateEngine
import BankGateStore
import XCTest

/// How the dispatcher treats the outcome of a send: a report, a proven non-delivery (backoff, then
/// `failed`), a bank that is busy (503), an answer that proves nothing (500), a duplicate refusal.
final class SendOutcomeTests: XCTestCase {
    func testSuccessSendsOnePain001WithThePaymentsMessageId() async throws {
        try await withHarness { h in
            let payment = try await h.submitOne()
            XCTAssertEqual(payment.status, .queued)
            let done = try await h.waitForStatus(payment.id, .completed)

            let sent = await h.transport.submitted
            XCTAssertEqual(sent.count, 1)
            XCTAssertEqual(sent.first?.kind, "pain.001.001.09")
            XCTAssertEqual(sent.first?.messageId, payment.messageId)
            XCTAssertEqual(sent.first.map { BankDocuments.endToEndIds(in: $0.bytes) }, [payment.endToEndId])
            let queries = await h.transport.queries
            XCTAssertEqual(queries.count, 0)

            XCTAssertEqual(done.attempts, 1)
            XCTAssertEqual(done.bankStatus, "ACSC")
            try await h.assertHistory(payment.id, [.received, .queued, .sending, .completed])
            let lastCause = try await h.store.history(paymentId: payment.id).last?.cause
            XCTAssertEqual(lastCause, .bank)

            // The exact bytes were archived before the send, then the answer.
            let messages = try await h.store.messages(paymentId: payment.id)
            XCTAssertEqual(messages.map(\.direction), [.outbound, .inbound])
            XCTAssertEqual(messages.first?.bytes, sent.first?.bytes)
            XCTAssertEqual(messages.first?.attempt, 1)
            XCTAssertEqual(messages.last?.httpStatus, 200)
            try await h.assertSubmissionState(payment, .done)
        }
    }

    func testNotSentBacksOffAndFailsAfterMaxAttemptsWithoutAsking() async throws {
        try await withHarness(bank: ["max_attempts": 3, "backoff_base_ms": 1000, "backoff_max_ms": 60000]) { h in
            await h.transport.scriptSubmits(.outcome(.notSent("connection refused")), .outcome(.notSent("connection refused")),
                                            .outcome(.notSent("connection refused")))
            let payment = try await h.submitOne()

            // Attempt 1 fails: queued again, due after base × 2^0 with jitter in [500, 1000] ms.
            var record = try await h.waitForStatus(payment.id, .queued, attempts: 1)
            XCTAssertEqual(record.lastError, "not sent: connection refused")
            let first = try await h.submission(of: payment)
            let sentAt1 = h.clock.now()
            XCTAssertTrue((500...1000).contains(first.nextAttemptAt.milliseconds - sentAt1.milliseconds),
                          "first backoff \(first.nextAttemptAt.milliseconds - sentAt1.milliseconds) ms")

            // One millisecond before the backoff ends nothing is sent.
            h.clock.advance(to: first.nextAttemptAt.adding(milliseconds: -1))
            try await h.waitForQuietLane()
            var sentCount = await h.transport.submitted.count
            XCTAssertEqual(sentCount, 1)

            // At the due time attempt 2 goes out and fails: due after base × 2^1 with jitter in [1000, 2000] ms.
            h.clock.advance(milliseconds: 1)
            record = try await h.waitForStatus(payment.id, .queued, attempts: 2)
            let second = try await h.submission(of: payment)
            let sentAt2 = h.clock.now()
            XCTAssertTrue((1000...2000).contains(second.nextAttemptAt.milliseconds - sentAt2.milliseconds),
                          "second backoff \(second.nextAttemptAt.milliseconds - sentAt2.milliseconds) ms")
            h.clock.advance(to: second.nextAttemptAt.adding(milliseconds: -1))
            try await h.waitForQuietLane()
            sentCount = await h.transport.submitted.count
            XCTAssertEqual(sentCount, 2)

            // Attempt 3 is the last: failed, with the reason.
            h.clock.advance(milliseconds: 1)
            record = try await h.waitForStatus(payment.id, .failed)
            XCTAssertEqual(record.attempts, 3)
            XCTAssertEqual(record.lastError, "not sent: connection refused; gave up after 3 attempts")

            let sent = await h.transport.submitted
            XCTAssertEqual(sent.map(\.at), [sentAt1, first.nextAttemptAt, second.nextAttemptAt])
            XCTAssertEqual(Set(sent.map(\.bytes)).count, 1, "every attempt sends the same message")
            let queries = await h.transport.queries
            XCTAssertEqual(queries.count, 0, "a proven non-delivery is never asked about")
            try await h.assertHistory(payment.id, [.received, .queued, .sending, .queued, .sending, .queued, .sending, .failed])
            try await h.assertSubmissionState(payment, .done)

            // Nothing more happens to a failed payment.
            try await h.waitForQuietLane()
            sentCount = await h.transport.seen.count
            XCTAssertEqual(sentCount, 3)
        }
    }

    func testHTTP503IsRetriedLaterAndHTTP500IsUnknownThenAsked() async throws {
        try await withHarness(bank: ["status_query_interval_ms": 1000]) { h in
            await h.transport.scriptSubmits(.http(503, "maintenance"), .http(500, "internal error"))
            await h.transport.scriptQueries(.report("ACSC"))
            let payment = try await h.submitOne()

            var record = try await h.waitForStatus(payment.id, .queued, attempts: 1)
            XCTAssertEqual(record.lastError, "bank unavailable: bank unavailable or in maintenance (HTTP 503)")
            // A 503 proves the bank did not process it: never unknown.
            try await h.assertHistory(payment.id, [.received, .queued, .sending, .queued])

            h.clock.advance(to: try await h.submission(of: payment).nextAttemptAt)
            record = try await h.waitForStatus(payment.id, .unknown, attempts: 2)
            XCTAssertEqual(record.lastError, "HTTP 500: the bank may have processed the message")
            let unknown = try await h.submission(of: payment)
            XCTAssertEqual(unknown.nextAttemptAt, h.clock.now().adding(milliseconds: 1000))
            var queryCount = await h.transport.queries.count
            XCTAssertEqual(queryCount, 0)

            h.clock.advance(milliseconds: 1000)
            try await h.waitForStatus(payment.id, .completed)
            let sent = await h.transport.submitted
            queryCount = await h.transport.queries.count
            XCTAssertEqual(sent.count, 2, "an unknown outcome is asked about, never sent blindly")
            XCTAssertEqual(queryCount, 1)
            try await h.assertHistory(payment.id, [.received, .queued, .sending, .queued, .sending, .unknown, .completed])

            let messages = try await h.store.messages(paymentId: payment.id)
            XCTAssertEqual(messages.map(\.kind), ["pain.001.001.09", "pain.002", "pain.001.001.09", "pain.002",
                                                  "pacs.028.001.03", "pain.002"])
            XCTAssertEqual(messages.map(\.httpStatus), [nil, 503, nil, 500, nil, 200])
            XCTAssertEqual(messages.compactMap(\.attempt), [1, 1, 2, 2, 2, 2])
        }
    }

    func testHTTP429IsRetriedLater() async throws {
        try await withHarness { h in
            await h.transport.scriptSubmits(.http(429, "slow down"))
            let payment = try await h.submitOne()
            let record = try await h.waitForStatus(payment.id, .queued, attempts: 1)
            XCTAssertEqual(record.lastError, "bank unavailable: throttled by the bank (HTTP 429)")
            h.clock.advance(to: try await h.submission(of: payment).nextAttemptAt)
            try await h.waitForStatus(payment.id, .completed)
            let counts = (await h.transport.submitted.count, await h.transport.queries.count)
            XCTAssertEqual(counts.0, 2)
            XCTAssertEqual(counts.1, 0)
        }
    }

    func testDuplicateRefusalOnSendIsAskedAboutNeverRejected() async throws {
        try await withHarness { h in
            await h.transport.scriptSubmits(.groupRejection("DUPL"))
            await h.transport.scriptQueries(.report("ACSC"))
            let payment = try await h.submitOne()

            // The query is due at once: no clock movement needed.
            let done = try await h.waitForStatus(payment.id, .completed)
            XCTAssertEqual(done.bankStatus, "ACSC")
            let statuses = try await h.statuses(payment.id)
            XCTAssertEqual(statuses, [.received, .queued, .sending, .unknown, .completed])
            XCTAssertFalse(statuses.contains(.rejected))
            let history = try await h.store.history(paymentId: payment.id)
            XCTAssertTrue(history[3].reason?.contains("duplicate message id") == true, history[3].reason ?? "")
            let sent = await h.transport.submitted
            let queries = await h.transport.queries
            XCTAssertEqual(sent.count, 1)
            XCTAssertEqual(queries.count, 1)
            XCTAssertEqual(queries.first.flatMap { BankDocuments.element("OrgnlMsgId", in: $0.bytes) }, payment.messageId)
        }
    }

    func testAM05RefusalWithHTTP422IsAskedAboutNeverRejected() async throws {
        try await withHarness { h in
            await h.transport.scriptSubmits(.groupRejection("AM05", http: 422))
            await h.transport.scriptQueries(.report("ACSC"))
            let payment = try await h.submitOne()
            try await h.waitForStatus(payment.id, .completed)
            try await h.assertHistory(payment.id, [.received, .queued, .sending, .unknown, .completed])
            let count = await h.transport.submitted.count
            XCTAssertEqual(count, 1)
        }
    }

    func testOtherGroupRejectionOnSendRejects() async throws {
        try await withHarness { h in
            await h.transport.scriptSubmits(.groupRejection("FF01", http: 422))
            let payment = try await h.submitOne()
            let rejected = try await h.waitForStatus(payment.id, .rejected)
            XCTAssertEqual(rejected.reasonCode, "FF01")
            let queries = await h.transport.queries.count
            XCTAssertEqual(queries, 0)
        }
    }
}

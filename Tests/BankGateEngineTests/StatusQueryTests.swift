import BankGateCore
import BankGateEngine
import BankGateStore
import XCTest

/// A send whose outcome is unknown is settled by asking the bank: a report decides; "never
/// received" lets the same message go again, but only while the bank still remembers message ids.
final class StatusQueryTests: XCTestCase {
    func testUnknownIsSettledByTheQueryWithoutResending() async throws {
        try await withHarness(bank: ["status_query_interval_ms": 1000]) { h in
            await h.transport.scriptSubmits(.outcome(.unknown("timeout after the request was written")))
            await h.transport.scriptQueries(.report("ACSC"))
            let payment = try await h.submitOne()

            let unknown = try await h.waitForStatus(payment.id, .unknown)
            XCTAssertEqual(unknown.lastError, "timeout after the request was written")
            let submission = try await h.submission(of: payment)
            XCTAssertEqual(submission.state, .unknown)
            XCTAssertEqual(submission.unknownSince, h.clock.now())

            // Not asked before the query interval has passed.
            h.clock.advance(milliseconds: 999)
            try await h.waitForQuietLane()
            var queryCount = await h.transport.queries.count
            XCTAssertEqual(queryCount, 0)

            h.clock.advance(milliseconds: 1)
            let done = try await h.waitForStatus(payment.id, .completed)
            XCTAssertEqual(done.bankStatus, "ACSC")
            let sent = await h.transport.submitted
            let queries = await h.transport.queries
            XCTAssertEqual(sent.count, 1, "exactly one pain.001: the report settled it")
            XCTAssertEqual(queries.count, 1)
            XCTAssertEqual(queries.first?.kind, "pacs.028.001.03")
            XCTAssertEqual(queries.first.flatMap { BankDocuments.element("OrgnlMsgId", in: $0.bytes) }, payment.messageId)
            try await h.assertHistory(payment.id, [.received, .queued, .sending, .unknown, .completed])

            let messages = try await h.store.messages(paymentId: payment.id)
            XCTAssertEqual(messages.map(\.kind), ["pain.001.001.09", "pacs.028.001.03", "pain.002"])
            XCTAssertEqual(messages.map(\.direction), [.outbound, .outbound, .inbound])
            XCTAssertEqual(messages[1].bytes, queries.first?.bytes)
            queryCount = try await h.submission(of: payment).queries
            XCTAssertEqual(queryCount, 1)
        }
    }

    func testNotFoundResendsTheSameMessage() async throws {
        try await withHarness(bank: ["status_query_interval_ms": 1000]) { h in
            await h.transport.scriptSubmits(.outcome(.unknown("connection reset")), .report("ACSC"))
            await h.transport.scriptQueries(.notFound)
            let payment = try await h.submitOne()
            try await h.waitForStatus(payment.id, .unknown)

            // A later creation time must not leak into the resend: move the clock well on.
            h.clock.advance(milliseconds: 60_000)
            let done = try await h.waitForStatus(payment.id, .completed)
            XCTAssertEqual(done.attempts, 2)

            let sent = await h.transport.submitted
            XCTAssertEqual(sent.count, 2)
            XCTAssertEqual(sent[0].bytes, sent[1].bytes, "the resend is byte-identical")
            XCTAssertEqual(sent[1].messageId, payment.messageId)
            XCTAssertEqual(BankDocuments.element("CreDtTm", in: sent[1].bytes), BankDocuments.element("CreDtTm", in: sent[0].bytes))
            XCTAssertEqual(BankDocuments.element("CreDtTm", in: sent[0].bytes), payment.createdAt.iso8601Seconds)

            let history = try await h.store.history(paymentId: payment.id)
            XCTAssertEqual(history.map(\.to), [.received, .queued, .sending, .unknown, .queued, .sending, .completed])
            XCTAssertEqual(history[4].cause, .bank, "only the bank's 'never received' requeues an unknown payment")
            XCTAssertEqual(history.map(\.attempt), [0, 0, 1, 1, 1, 2, 2])

            let messages = try await h.store.messages(paymentId: payment.id)
            XCTAssertEqual(messages.map(\.kind), ["pain.001.001.09", "pacs.028.001.03", "pain.002", "pain.001.001.09", "pain.002"])
            XCTAssertEqual(messages[2].httpStatus, 404)
            XCTAssertEqual(messages[3].bytes, sent[0].bytes)
            XCTAssertEqual(messages[3].attempt, 2)
        }
    }

    func testNotFoundOutsideTheDuplicateWindowHoldsUntilAnOperatorRetries() async throws {
        try await withHarness(bank: ["duplicate_check_window_hours": 1, "status_query_interval_ms": 1000]) { h in
            await h.transport.scriptSubmits(.outcome(.unknown("timeout")), .report("ACSC"))
            await h.transport.scriptQueries(.notFound)
            let payment = try await h.submitOne()
            try await h.waitForStatus(payment.id, .unknown)

            h.clock.advance(milliseconds: 2 * 3_600_000)
            let held = try await h.waitForStatus(payment.id, .held)
            XCTAssertTrue(held.lastError?.contains("longer ago than the bank remembers message ids") == true, held.lastError ?? "")
            try await h.assertSubmissionState(payment, .held)

            // Held: neither resent nor asked again, however much time passes.
            h.clock.advance(milliseconds: 24 * 3_600_000)
            try await h.waitForQuietLane()
            var counts = (await h.transport.submitted.count, await h.transport.queries.count)
            XCTAssertEqual(counts.0, 1)
            XCTAssertEqual(counts.1, 1)

            // The operator checked with the bank and retries: the same message goes again.
            let retried = try await h.engine.retry(id: payment.id, by: "alice")
            XCTAssertEqual(retried.status, .queued)
            try await h.waitForStatus(payment.id, .completed)
            let sent = await h.transport.submitted
            counts = (sent.count, await h.transport.queries.count)
            XCTAssertEqual(counts.0, 2)
            XCTAssertEqual(counts.1, 1)
            XCTAssertEqual(sent[0].bytes, sent[1].bytes)

            let history = try await h.store.history(paymentId: payment.id)
            XCTAssertEqual(history.map(\.to), [.received, .queued, .sending, .unknown, .held, .queued, .sending, .completed])
            XCTAssertEqual(history[4].cause, .dispatcher)
            XCTAssertEqual(history[5].cause, .operator)
            XCTAssertEqual(history[5].reason, "released by alice", "a held payment is released, not retried")
        }
    }

    func testNotFoundJustInsideTheWindowStillResends() async throws {
        try await withHarness(bank: ["duplicate_check_window_hours": 1, "status_query_interval_ms": 1000]) { h in
            await h.transport.scriptSubmits(.outcome(.unknown("timeout")), .report("ACSC"))
            await h.transport.scriptQueries(.notFound)
            let payment = try await h.submitOne()
            try await h.waitForStatus(payment.id, .unknown)
            h.clock.advance(milliseconds: 3_600_000)
            try await h.waitForStatus(payment.id, .completed)
            let count = await h.transport.submitted.count
            XCTAssertEqual(count, 2)
        }
    }

    func testInconclusiveAnswersKeepAskingAndNeverResend() async throws {
        try await withHarness(bank: ["status_query_interval_ms": 1000]) { h in
            await h.transport.scriptSubmits(.outcome(.unknown("timeout")))
            // A bare 404 (wrong URL?) and an unreadable body prove nothing; then the report. Each
            // refused answer doubles the pause before the bank is asked again (2 s, then 4 s); a
            // transport failure is the circuit breaker's business and keeps the usual interval.
            await h.transport.scriptQueries(.http(404, "Not Found"), .http(200, "<html/>"), .outcome(.unknown("timeout")),
                                            .report("ACSC"))
            let payment = try await h.submitOne()
            try await h.waitForStatus(payment.id, .unknown)
            for (expected, wait) in zip(1...3, [1000, 2000, 4000] as [Int64]) {
                h.clock.advance(milliseconds: wait - 1)
                try await h.waitForQuietLane()
                let early = await h.transport.queries.count
                XCTAssertEqual(early, expected - 1, "asked before its time")
                h.clock.advance(milliseconds: 1)
                try await h.waitUntil("query \(expected) was answered") {
                    let next = try await h.submission(of: payment).nextAttemptAt
                    let asked = await h.transport.queries.count
                    return asked == expected && next > h.clock.now()
                }
                let record = try await h.payment(payment.id)
                XCTAssertEqual(record.status, .unknown)
            }
            h.clock.advance(milliseconds: 1000)
            try await h.waitForStatus(payment.id, .completed)
            let counts = (await h.transport.submitted.count, await h.transport.queries.count)
            XCTAssertEqual(counts.0, 1)
            XCTAssertEqual(counts.1, 4)
        }
    }
}

import BankGateCore
import BankGateCrypto
import BankGateEngine
import BankGateStore
import XCTest

/// Issue 8.2: a hostile or broken bank answering every status query with more than the gateway
/// reads (32 MiB) filled the disk — each answer archived whole, asked again every 2 s. The archive
/// now keeps a 64 KiB prefix of a refused answer (with the whole answer's size and SHA-256), and
/// the lane pauses status queries to the bank, doubling the pause per refused answer up to
/// `backoff_max_ms`. The payment stays `unknown`: nothing is sent twice.
final class HostileAnswerTests: XCTestCase {
    /// One byte over what the pain.002 reader accepts.
    static let oversized: [UInt8] = {
        var bytes = Array("<?xml version=\"1.0\"?><Document>".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "A"), count: (32 << 20) + 1 - bytes.count)
        return bytes
    }()

    func testOversizedStatusAnswersAreArchivedAsPrefixesAndBackedOff() async throws {
        try await withHarness(bank: ["status_query_interval_ms": 1000, "backoff_max_ms": 16_000]) { h in
            await h.transport.scriptSubmits(.outcome(.unknown("timeout after the request was written")))
            for _ in 0..<20 { await h.transport.scriptQueries(.outcome(.answered(status: 200, body: Self.oversized))) }
            let payment = try await h.submitOne()
            try await h.waitForStatus(payment.id, .unknown)
            let start = h.clock.now()

            // 64 s of simulated time, 2 s at a time. Before: a query every 1–2 s (about 30).
            for _ in 0..<32 {
                h.clock.advance(milliseconds: 2_000)
                try await h.waitForQuietLane()
            }
            let queries = await h.transport.queries
            let times = queries.map { $0.at.milliseconds - start.milliseconds }
            XCTAssertEqual(times, [2_000, 4_000, 8_000, 16_000, 32_000, 48_000, 64_000],
                           "the pause doubles per refused answer (2, 4, 8, 16 s), then stays at backoff_max_ms")

            // Each answer: its first 64 KiB, with the true size and digest.
            let messages = try await h.store.messages(paymentId: payment.id)
            let answers = messages.filter { $0.exchange == .statusAnswer }
            XCTAssertEqual(answers.count, queries.count)
            let digest = SHA256.hex(Self.oversized)
            for answer in answers {
                XCTAssertEqual(answer.bytes.count, RefusedAnswerBackoff.archivedPrefixBytes)
                XCTAssertEqual(answer.bytes, Array(Self.oversized.prefix(RefusedAnswerBackoff.archivedPrefixBytes)))
                XCTAssertEqual(answer.size, Int64(Self.oversized.count))
                XCTAssertEqual(answer.sha256, digest)
                XCTAssertTrue(answer.isPrefix)
            }

            // GET /v1/queue counts what the archive holds for the bank: the prefixes, not 32 MiB each.
            let overview = try await h.engine.queue()
            let bank = try XCTUnwrap(overview.banks.first { $0.bankId == DispatcherHarness.bankId })
            XCTAssertEqual(bank.archive.messages, Int64(messages.count))
            XCTAssertEqual(bank.archive.bytes, messages.reduce(0) { $0 + Int64($1.bytes.count) })
            XCTAssertEqual(bank.archive.prefixes, Int64(answers.count))
            XCTAssertLessThan(bank.archive.bytes, Int64(answers.count) * 70_000)

            // Never resent; still unknown, with the refusal as its last error.
            let sent = await h.transport.submitted
            XCTAssertEqual(sent.count, 1)
            try await h.assertHistory(payment.id, [.received, .queued, .sending, .unknown])
            let submission = try await h.submission(of: payment)
            XCTAssertEqual(submission.state, .unknown)
            XCTAssertTrue(submission.lastError?.contains("over the limit") == true, submission.lastError ?? "")

            // When the bank answers properly again, the next query settles the payment.
            await h.transport.clearQueryScript()
            h.clock.advance(milliseconds: 16_000)
            try await h.waitForStatus(payment.id, .completed)
            let allQueries = await h.transport.queries
            XCTAssertEqual(allQueries.count, times.count + 1)
        }
    }

    func testTheBackoffDoublesToItsCapAndAReadableAnswerResetsIt() {
        let start = Timestamp(milliseconds: 1_000_000)
        var backoff = RefusedAnswerBackoff(intervalMilliseconds: 2_000, maxMilliseconds: 30_000)
        XCTAssertTrue(backoff.allowsQueries(now: start))
        var now = start
        var pauses: [Int64] = []
        for _ in 0..<6 {
            let until = backoff.recordRefusal(now: now)
            XCTAssertFalse(backoff.allowsQueries(now: until.adding(milliseconds: -1)))
            XCTAssertTrue(backoff.allowsQueries(now: until))
            pauses.append(until.milliseconds - now.milliseconds)
            now = until
        }
        XCTAssertEqual(pauses, [4_000, 8_000, 16_000, 30_000, 30_000, 30_000])

        backoff.recordReadableAnswer()
        XCTAssertTrue(backoff.allowsQueries(now: now))
        XCTAssertEqual(backoff.consecutiveRefusals, 0)
        XCTAssertEqual(backoff.recordRefusal(now: now).milliseconds - now.milliseconds, 4_000, "starts over")
    }

    func testAReadableAnswerIsArchivedWholeAndALargeRefusedOneAsAPrefix() {
        let big = [UInt8](repeating: 7, count: 100_000)
        let message = MessageToArchive(direction: .inbound, kind: "pain.002", exchange: .statusAnswer, httpStatus: 200, bytes: big)
        let kept = message.keepingPrefix(1_000)
        XCTAssertEqual(kept.bytes, Array(big.prefix(1_000)))
        XCTAssertEqual(kept.wholeSize, 100_000)
        XCTAssertEqual(kept.wholeSHA256, SHA256.hex(big))
        XCTAssertEqual(kept.keepingPrefix(10).bytes.count, 1_000, "a prefix is not cut again")
        XCTAssertEqual(message.keepingPrefix(100_000), message, "what fits is kept whole")
    }
}

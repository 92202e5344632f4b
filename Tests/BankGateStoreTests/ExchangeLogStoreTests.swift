import BankGateCore
import BankGateStore
import Foundation
import XCTest

/// The bank exchange log read from the archive: each exchange paired with its answer, its outcome,
/// filters, a cursor that pages without gaps or repeats, and the archived bytes of one exchange.
final class ExchangeLogStoreTests: XCTestCase {
    var directory: URL!
    var store: PaymentStore!
    let eur = Currency(code: "EUR")!
    let t0 = Timestamp(milliseconds: 1_795_000_000_000)

    override func setUp() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-exchanges-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try PaymentStore(path: directory.appendingPathComponent("store.sqlite").path)
    }

    override func tearDown() async throws {
        store.close()
        try? FileManager.default.removeItem(at: directory)
    }

    func accept(_ n: Int, bank: String = "sim", account: String = "acme-eur", at: Timestamp? = nil) async throws {
        let draft = PaymentDraft(id: "pay_\(n)", batchId: nil, submissionId: "s\(n)", debtorAccountId: account, bankId: bank,
                                 amount: Money(minorUnits: Int64(100 * n), currency: eur),
                                 creditor: Party(name: "Creditor \(n)", account: "GB82WEST12345698765432", bankCode: "WESTGB2L"),
                                 remittanceInfo: nil, endToEndId: "E2E-\(n)", instructionId: "I-\(n)", requestedExecutionDate: "2026-11-23")
        let submission = SubmissionDraft(id: "s\(n)", bankId: bank, debtorAccountId: account, messageId: "MSG-s\(n)",
                                         paymentInfoId: "PMT-s\(n)", messageKind: "pain.001.001.09", requestedExecutionDate: "2026-11-23")
        _ = try await store.accept([draft], submissions: [submission],
                                   claim: IdempotencyClaim(client: "treasury", key: "k\(n)", fingerprint: "f"), at: at ?? t0)
    }

    func send(_ n: Int, at: Timestamp) async throws {
        let attempt = try await store.beginSend(submissionId: "s\(n)", paymentIds: ["pay_\(n)"], message: MessageToArchive(
            direction: .outbound, kind: "pain.001.001.09", exchange: .payment, bytes: Array("<pain n=\"\(n)\"/>".utf8)), at: at)
        XCTAssertNotNil(attempt)
    }

    /// Five exchanges: a payment the bank rejected, one without an answer, a status query answered
    /// 500, a statement pull, an inbox file of another bank and account. Returns their ids, oldest first.
    func archiveFive() async throws -> [String] {
        try await accept(1)
        try await send(1, at: t0)
        let report = StatusReport(reportId: "R", originalMessageId: "MSG-s1", groupStatus: "RJCT", groupOutcome: nil, transactions: [
            TransactionOutcome(endToEndId: "E2E-1", instructionId: "I-1", bankStatus: "RJCT", status: .rejected, reasonCode: "AM04",
                               reasonText: "insufficient funds"),
        ])
        try await store.recordSend(submissionId: "s1", answer: MessageToArchive(
            direction: .inbound, kind: "pain.002", exchange: .paymentAnswer, httpStatus: 200, bytes: Array("<rjct/>".utf8)),
            resolution: .report(report), at: t0.adding(milliseconds: 120))

        try await accept(2)
        try await send(2, at: t0.adding(milliseconds: 1_000))
        try await store.recordSend(submissionId: "s2", answer: nil, resolution: .unknown(error: "timeout", nextQueryAt: t0),
                                   at: t0.adding(milliseconds: 4_000))
        try await store.archiveQuery(submissionId: "s2", message: MessageToArchive(
            direction: .outbound, kind: "pacs.028.001.03", exchange: .statusQuery, bytes: Array("<query/>".utf8)),
            at: t0.adding(milliseconds: 5_000))
        try await store.recordQuery(submissionId: "s2", answer: MessageToArchive(
            direction: .inbound, kind: "pain.002", exchange: .statusAnswer, httpStatus: 500, bytes: Array("busy".utf8)),
            resolution: .inconclusive(reason: "busy", nextQueryAt: t0), at: t0.adding(milliseconds: 5_300))

        let request = try await store.archive(bankId: "sim", message: MessageToArchive(
            direction: .outbound, kind: "camt.060.001.05", exchange: .statementRequest, accountId: "acme-eur",
            bytes: Array("<camt060/>".utf8)), at: t0.adding(milliseconds: 6_000))
        try await store.archive(bankId: "sim", message: MessageToArchive(
            direction: .inbound, kind: "camt.053.001.08", exchange: .statementAnswer, accountId: "acme-eur", requestId: request,
            httpStatus: 200, bytes: Array("<camt053/>".utf8)), at: t0.adding(milliseconds: 6_400))

        let inbox = try await store.archive(bankId: "other", message: MessageToArchive(
            direction: .inbound, kind: "MT940", exchange: .inboxFile, accountId: "beta-eur", bytes: Array(":20:X".utf8)),
            at: t0.adding(milliseconds: 7_000))

        let all = try await store.exchanges(BankExchangeFilter(limit: 50)).exchanges
        XCTAssertEqual(all.count, 5)
        XCTAssertEqual(all.first?.id, "bx_\(inbox)")
        return all.map(\.id).reversed()
    }

    func testEachExchangeIsPairedWithItsAnswerAndHasItsOutcome() async throws {
        _ = try await archiveFive()
        let all = try await store.exchanges(BankExchangeFilter(limit: 50)).exchanges
        XCTAssertEqual(all.map(\.kind), [.inboxFile, .statement, .statusQuery, .payment, .payment])
        XCTAssertEqual(all.map(\.outcome), [.ok, .ok, .error, .unknown, .rejected])
        XCTAssertEqual(all.map(\.errorCode), [nil, nil, "http_500", "no_answer", nil])

        let rejected = all[4]
        XCTAssertEqual(rejected.paymentIds, ["pay_1"])
        XCTAssertEqual(rejected.request.kind, "pain.001.001.09")
        XCTAssertEqual(rejected.answer?.kind, "pain.002")
        XCTAssertEqual(rejected.answer?.size, 7)
        XCTAssertEqual(rejected.startedAt, t0)
        XCTAssertEqual(rejected.endedAt, t0.adding(milliseconds: 120))
        XCTAssertEqual(rejected.attempt, 1)

        // The status query's answer is the query's, not the earlier send's.
        let unanswered = all[3], query = all[2]
        XCTAssertNil(unanswered.answer)
        XCTAssertNil(unanswered.endedAt)
        XCTAssertEqual(query.answer?.httpStatus, 500)
        XCTAssertEqual(query.paymentIds, ["pay_2"])

        XCTAssertEqual(all[1].accountId, "acme-eur")
        XCTAssertEqual(all[1].answer?.kind, "camt.053.001.08")
        XCTAssertEqual(all[0].bankId, "other")
        XCTAssertEqual(all[0].endedAt, all[0].startedAt)
    }

    func testFiltersNarrowTheLog() async throws {
        _ = try await archiveFive()
        func ids(_ filter: BankExchangeFilter) async throws -> [BankExchangeKind] {
            try await store.exchanges(filter).exchanges.map(\.kind)
        }
        let rejected = try await ids(BankExchangeFilter(outcome: .rejected))
        XCTAssertEqual(rejected, [.payment])
        let payments = try await ids(BankExchangeFilter(kind: .payment))
        XCTAssertEqual(payments, [.payment, .payment])
        let otherBank = try await ids(BankExchangeFilter(bankId: "other"))
        XCTAssertEqual(otherBank, [.inboxFile])
        let oneAccount = try await ids(BankExchangeFilter(accountId: "beta-eur"))
        XCTAssertEqual(oneAccount, [.inboxFile])
        let readable = try await ids(BankExchangeFilter(accountIds: ["acme-eur"]))
        XCTAssertEqual(readable, [.statement, .statusQuery, .payment, .payment])
        let none = try await ids(BankExchangeFilter(accountIds: []))
        XCTAssertEqual(none, [])
        let window = try await ids(BankExchangeFilter(from: t0.adding(milliseconds: 1_000), until: t0.adding(milliseconds: 6_000)))
        XCTAssertEqual(window, [.statusQuery, .payment])
    }

    func testTheCursorPagesWithoutGapsOrRepeats() async throws {
        let expected = try await archiveFive()
        for outcome in [nil, BankExchangeOutcome.ok] {
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let page = try await store.exchanges(BankExchangeFilter(outcome: outcome, cursor: cursor, limit: 2))
                XCTAssertLessThanOrEqual(page.exchanges.count, 2)
                seen += page.exchanges.map(\.id)
                cursor = page.nextCursor
                pages += 1
            } while cursor != nil && pages < 10
            if outcome == nil {
                XCTAssertEqual(seen, expected.reversed())
            } else {
                XCTAssertEqual(seen.count, 2)
                XCTAssertEqual(Set(seen).count, 2)
            }
        }
    }

    func testOneExchangeCarriesTheBytesBothWays() async throws {
        let ids = try await archiveFive()
        let pull = try await store.exchange(id: ids[3])
        XCTAssertEqual(pull?.messages.map { String(decoding: $0.bytes, as: UTF8.self) }, ["<camt060/>", "<camt053/>"])
        let payment = try await store.exchange(id: ids[0])
        XCTAssertEqual(payment?.messages.map(\.direction), [.outbound, .inbound])
        XCTAssertEqual(payment?.messages.last?.bytes, Array("<rjct/>".utf8))

        let outside = try await store.exchange(id: ids[3], accountIds: ["beta-eur"])
        XCTAssertNil(outside, "an exchange about an account the caller may not read is not there")
        let unknown = try await store.exchange(id: "bx_424242")
        XCTAssertNil(unknown)
        let notAnId = try await store.exchange(id: "pay_1")
        XCTAssertNil(notAnId)
    }

    func testBulkCandidatesFollowTheFilter() async throws {
        try await accept(1, at: t0)
        try await accept(2, bank: "other", at: t0.adding(milliseconds: 10_000))
        try await accept(3, account: "beta-eur", at: t0.adding(milliseconds: 20_000))
        try await accept(4, at: t0.adding(milliseconds: 30_000))
        func ids(_ filter: BulkPaymentFilter) async throws -> [String] {
            try await store.bulkCandidates(filter).payments.map(\.id)
        }
        let queued = try await ids(BulkPaymentFilter(status: .queued))
        XCTAssertEqual(queued, ["pay_1", "pay_2", "pay_3", "pay_4"])
        let failed = try await ids(BulkPaymentFilter(status: .failed))
        XCTAssertEqual(failed, [])
        let bank = try await ids(BulkPaymentFilter(bankId: "other", status: .queued))
        XCTAssertEqual(bank, ["pay_2"])
        let readable = try await ids(BulkPaymentFilter(accountIds: ["beta-eur"], status: .queued))
        XCTAssertEqual(readable, ["pay_3"])
        let window = try await ids(BulkPaymentFilter(status: .queued, from: t0.adding(milliseconds: 10_000),
                                                     until: t0.adding(milliseconds: 30_000)))
        XCTAssertEqual(window, ["pay_2", "pay_3"])
        let bounded = try await store.bulkCandidates(BulkPaymentFilter(status: .queued, limit: 3))
        XCTAssertEqual(bounded.payments.count, 3)
        XCTAssertTrue(bounded.more)
        let duplicates = try await ids(BulkPaymentFilter(holdKind: .duplicate))
        XCTAssertEqual(duplicates, [])
    }
}

import BankGateConfig
import BankGateCore
import BankGateCrypto
import BankGateEngine
import BankGateStore
import BankGateTestSupport
import Foundation
import Logging
import Synchronization
import XCTest

/// The `[[alerts]]` rules: each condition fires exactly when it should, each occurrence once
/// (also across a restart), with its actions: the record and audit, the feed event, the log line.
final class AlertRuleTests: XCTestCase {
    var directory: URL!
    var store: PaymentStore!
    let eur = Currency(code: "EUR")!
    /// Monday 2026-03-02T09:00:00Z.
    let clock = ManualClock()
    let log = AlertLog()
    let circuits = Shared<[String: Timestamp]>([:])
    let certificates = Shared<[KeyExpiryFact]>([])

    override func setUp() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-alerts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try PaymentStore(path: directory.appendingPathComponent("store.sqlite").path)
    }

    override func tearDown() async throws {
        store.close()
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: - Harness

    func service(_ rules: [AlertRuleConfig]) -> AlertService {
        let circuits = circuits, certificates = certificates
        return AlertService(rules: rules, accountBanks: ["acme-eur": "sim", "other-eur": "sim"], store: store, clock: clock,
                            logger: log.logger, openCircuits: { circuits.value },
                            keyExpiries: { _ in certificates.value })
    }

    func rule(_ name: String, _ condition: AlertRuleConfig.Condition, banks: Set<String>? = nil, accounts: Set<String>? = nil,
              event: Bool = true, webhook: Bool = false, log: AlertRuleConfig.LogLevel? = nil) -> AlertRuleConfig {
        AlertRuleConfig(name: name, condition: condition, banks: banks, accounts: accounts, event: event, webhook: webhook, log: log)
    }

    /// Accepts `pay_<n>` (its own submission) now, under `approvals`.
    func accept(_ n: Int, amount: Int64 = 10_000, currency: String = "EUR", creditor: String = "GB82WEST12345698765432",
                bankCode: String? = "WESTGB2L", country: String? = nil, account: String = "acme-eur",
                approvals: ApprovalPolicy = .none) async throws {
        let draft = PaymentDraft(id: "pay_\(n)", batchId: nil, submissionId: "s\(n)", debtorAccountId: account, bankId: "sim",
                                 amount: Money(minorUnits: amount, currency: Currency(code: currency)!),
                                 creditor: Party(name: "Creditor \(n)", account: creditor, bankCode: bankCode,
                                                 address: country.map { PostalAddress(town: "Town", country: $0) }),
                                 remittanceInfo: nil, endToEndId: "E2E-\(n)", instructionId: "I-\(n)",
                                 requestedExecutionDate: clock.now().dateString)
        let submission = SubmissionDraft(id: "s\(n)", bankId: "sim", debtorAccountId: account, messageId: "MSG-s\(n)",
                                         paymentInfoId: "PMT-s\(n)", messageKind: "pain.001.001.09",
                                         requestedExecutionDate: clock.now().dateString)
        _ = try await store.accept([draft], submissions: [submission],
                                   claim: IdempotencyClaim(client: "t", key: "k\(n)", fingerprint: "f\(n)"),
                                   approvals: approvals, at: clock.now())
    }

    /// Sends `pay_<n>` and records the bank's answer: `completed` or `rejected`.
    func answer(_ n: Int, _ status: PaymentStatus) async throws {
        _ = try await store.beginSend(submissionId: "s\(n)", paymentIds: ["pay_\(n)"],
                                      message: MessageToArchive(direction: .outbound, kind: "pain.001.001.09", bytes: [1]), at: clock.now())
        let code = status == .rejected ? "RJCT" : "ACSC"
        let report = StatusReport(reportId: "R\(n)", originalMessageId: "MSG-s\(n)", groupStatus: code,
                                  groupOutcome: TransactionOutcome(endToEndId: nil, instructionId: nil, bankStatus: code, status: status,
                                                                   reasonCode: status == .rejected ? "AC01" : nil),
                                  transactions: [])
        try await store.recordSend(submissionId: "s\(n)", answer: MessageToArchive(direction: .inbound, kind: "pain.002", httpStatus: 200, bytes: [2]),
                                   resolution: .report(report), at: clock.now())
    }

    /// Accepts and pays `pay_<n>` with the bank's answer.
    func pay(_ n: Int, _ status: PaymentStatus) async throws {
        try await accept(n)
        try await answer(n, status)
    }

    func advance(minutes: Int64) { clock.advance(milliseconds: minutes * 60_000) }

    /// 2026-03-0`day` at `hour`:`minute` UTC.
    func at(day: Int, _ hour: Int64, _ minute: Int64) -> Timestamp {
        Timestamp.parseDate("2026-03-0\(day)")!.adding(milliseconds: (hour * 60 + minute) * 60_000)
    }

    // MARK: - Payment conditions

    func testAmountAboveFiresOnlyAboveTheThresholdToTheMinorUnit() async throws {
        let alerts = service([rule("large", .paymentAmountAbove(Money(minorUnits: 100_000_000, currency: eur)))])
        try await accept(1, amount: 100_000_000)
        try await accept(2, amount: 100_000_001)
        try await accept(3, amount: 900_000_000, currency: "CNY")
        let fired = await alerts.evaluate()
        XCTAssertEqual(fired.map(\.subjectId), ["pay_2"], "1000000.00 is not above 1000000.00; 1000000.01 is; CNY is not EUR")
        XCTAssertEqual(fired.first?.paymentId, "pay_2")
        XCTAssertEqual(fired.first?.condition, "payment_amount_above")
        XCTAssertTrue(fired.first?.detailsJSON.contains("\"amount\":\"1000000.01\"") ?? false, fired.first?.detailsJSON ?? "")
    }

    func testAPaymentWaitingForApprovalIsEvaluatedToo() async throws {
        let alerts = service([rule("large", .paymentAmountAbove(Money(minorUnits: 100_000_000, currency: eur)))])
        let policy = ApprovalPolicy(rules: [ApprovalRule(name: "big", amountAtLeast: Money(minorUnits: 50_000_000, currency: eur), approvals: 1)],
                                    expireAfterMilliseconds: 86_400_000)
        try await accept(1, amount: 100_000_001, approvals: policy)
        let waiting = try await store.payment(id: "pay_1")
        XCTAssertEqual(waiting?.status, .pendingApproval)
        let fired = await alerts.evaluate()
        XCTAssertEqual(fired.map(\.subjectId), ["pay_1"], "the alert does not wait for the approval")
    }

    func testNewCreditorCountsEarlierPaymentsThatWereNotRejected() async throws {
        let alerts = service([rule("new", .paymentNewCreditor)])
        try await accept(1, creditor: "CRED-A")
        try await accept(2, creditor: "CRED-A")
        try await accept(3, creditor: "CRED-B")
        try await accept(4, creditor: "CRED-A", account: "other-eur")
        try await accept(5, creditor: "CRED-C")
        try await answer(5, .rejected)
        try await accept(6, creditor: "CRED-C")
        let fired = await alerts.evaluate()
        XCTAssertEqual(fired.map(\.subjectId), ["pay_1", "pay_3", "pay_4", "pay_5", "pay_6"],
                       "pay_2 repeats pay_1; pay_4 is from another account; pay_5 was rejected, so pay_6 is still new")
    }

    func testOutsideHoursUsesTheOffsetAndWeekends() async throws {
        let alerts = service([rule("hours", .paymentOutsideHours(startMinute: 540, endMinute: 1_080, utcOffsetMinutes: 480))])
        // Wednesday 2026-03-04 in UTC+8: 08:59 outside, 09:00 inside, 17:59 inside, 18:00 outside.
        clock.advance(to: at(day: 4, 0, 59)); try await accept(1)
        clock.advance(to: at(day: 4, 1, 0)); try await accept(2)
        clock.advance(to: at(day: 4, 9, 59)); try await accept(3)
        clock.advance(to: at(day: 4, 10, 0)); try await accept(4)
        // Saturday 11:00 local; Sunday 10:00 local; Monday 09:30 local (Monday 01:30 UTC, outside in UTC).
        clock.advance(to: at(day: 7, 3, 0)); try await accept(5)
        clock.advance(to: at(day: 8, 2, 0)); try await accept(6)
        clock.advance(to: at(day: 9, 1, 30)); try await accept(7)
        let fired = await alerts.evaluate()
        XCTAssertEqual(fired.map(\.subjectId), ["pay_1", "pay_4", "pay_5", "pay_6"])
        XCTAssertTrue(fired.count == 4 && fired[2].detailsJSON.contains("2026-03-07 11:00"), "\(fired.map(\.detailsJSON))")
    }

    func testCreditorCountryFromTheAddressOrTheBIC() async throws {
        let alerts = service([rule("countries", .paymentCreditorCountries(["KP", "IR"]))])
        try await accept(1, bankCode: "COBADEFFXXX", country: "IR")
        try await accept(2, bankCode: "BKKPKPPY")
        try await accept(3, bankCode: "COBADEFFXXX", country: "DE")
        try await accept(4, bankCode: "102100099996")
        let fired = await alerts.evaluate()
        XCTAssertEqual(fired.map(\.subjectId), ["pay_1", "pay_2"])
        XCTAssertTrue(fired.count == 2 && fired[1].detailsJSON.contains("\"country\":\"KP\""), "\(fired.map(\.detailsJSON))")
    }

    func testFiltersByAccountAndBank() async throws {
        let alerts = service([rule("acme", .paymentNewCreditor, accounts: ["acme-eur"]),
                              rule("elsewhere", .paymentNewCreditor, banks: ["other-bank"])])
        try await accept(1, creditor: "X", account: "other-eur")
        try await accept(2, creditor: "Y")
        let fired = await alerts.evaluate()
        XCTAssertEqual(fired.map { "\($0.rule):\($0.subjectId)" }, ["acme:pay_2"])
    }

    // MARK: - Bank conditions

    func testRejectionsInARowFireAtTheCountAndASuccessResets() async throws {
        let alerts = service([rule("rejections", .bankRejectionsInARow(3))])
        try await pay(1, .rejected)
        try await pay(2, .rejected)
        try await pay(3, .completed)
        try await pay(4, .rejected)
        try await pay(5, .rejected)
        let early = await alerts.evaluate()
        XCTAssertEqual(early, [], "two in a row, a success, two in a row")
        try await pay(6, .rejected)
        try await pay(7, .rejected)
        try await pay(8, .completed)
        try await pay(9, .rejected)
        try await pay(10, .rejected)
        try await pay(11, .rejected)
        let fired = await alerts.evaluate()
        XCTAssertEqual(fired.map(\.paymentId), ["pay_6", "pay_11"], "the streak carries over passes; the fourth does not fire again")
        XCTAssertEqual(fired.map(\.subjectId), ["sim", "sim"])
        XCTAssertEqual(Set(fired.map(\.occurrence)).count, 2)
    }

    func testCircuitOpenFiresOncePerOpening() async throws {
        let alerts = service([rule("circuit", .bankCircuitOpen, banks: ["sim"])])
        let quiet = await alerts.evaluate()
        XCTAssertEqual(quiet, [])
        let opened = clock.now()
        circuits.value = ["sim": opened, "other": opened]
        let first = await alerts.evaluate()
        XCTAssertEqual(first.map(\.subjectId), ["sim"], "the banks filter leaves other out")
        advance(minutes: 1)
        let again = await alerts.evaluate()
        XCTAssertEqual(again, [], "the same opening fires once")
        let reopened = clock.now()
        circuits.value = ["sim": reopened]
        let second = await alerts.evaluate()
        XCTAssertEqual(second.map(\.occurrence), ["opened:\(reopened.milliseconds)"])
    }

    func testTheCircuitBreakerKeepsWhenItOpenedUntilItCloses() {
        var breaker = CircuitBreaker(threshold: 2, cooldownMilliseconds: 1_000)
        let t0 = Timestamp(milliseconds: 1_000_000)
        breaker.recordFailure(now: t0)
        XCTAssertNil(breaker.openedAt)
        breaker.recordFailure(now: t0.adding(milliseconds: 10))
        XCTAssertEqual(breaker.openedAt, t0.adding(milliseconds: 10))
        XCTAssertTrue(breaker.allowsRequest(now: t0.adding(milliseconds: 2_000)))
        breaker.recordFailure(now: t0.adding(milliseconds: 2_000))
        XCTAssertEqual(breaker.state, .open)
        XCTAssertEqual(breaker.openedAt, t0.adding(milliseconds: 10), "a failed probe continues the same opening")
        breaker.recordSuccess()
        XCTAssertNil(breaker.openedAt)
    }

    func testUnknownOutcomeFiresOnceItIsOlderThanTheMinutes() async throws {
        let alerts = service([rule("unknown", .bankUnknownOlderThan(minutes: 30))])
        try await accept(1)
        _ = try await store.beginSend(submissionId: "s1", paymentIds: ["pay_1"],
                                      message: MessageToArchive(direction: .outbound, kind: "pain.001.001.09", bytes: [1]), at: clock.now())
        try await store.recordSend(submissionId: "s1", answer: nil, resolution: .unknown(error: "timeout", nextQueryAt: clock.now().adding(milliseconds: 60_000)),
                                   at: clock.now())
        advance(minutes: 30)
        let atThirty = await alerts.evaluate()
        XCTAssertEqual(atThirty, [], "30 minutes is not older than 30 minutes")
        clock.advance(milliseconds: 1)
        let fired = await alerts.evaluate()
        XCTAssertEqual(fired.map(\.subjectId), ["pay_1"])
        XCTAssertEqual(fired.first?.paymentId, "pay_1")
        advance(minutes: 10)
        let later = await alerts.evaluate()
        XCTAssertEqual(later, [])
    }

    // MARK: - Statements and keys

    func testStatementGapAndInconsistentStatement() async throws {
        let alerts = service([rule("gaps", .statementGap, accounts: ["acme-eur"]), rule("inconsistent", .statementInconsistent)])
        try await publish("statement.gap", "{\"gap_id\":7,\"account\":\"acme-eur\",\"reason\":\"sequence\"}")
        try await publish("statement.gap", "{\"gap_id\":8,\"account\":\"other-eur\",\"reason\":\"sequence\"}")
        try await publish("statement.inconsistent", "{\"statement_id\":\"stm_3\",\"account\":\"other-eur\",\"reason\":\"balance\"}")
        try await publish("statement.received", "{\"statement_id\":\"stm_4\",\"account\":\"acme-eur\"}")
        let fired = await alerts.evaluate()
        XCTAssertEqual(fired.map { "\($0.rule):\($0.subjectKind):\($0.subjectId)" },
                       ["gaps:statement_gap:7", "inconsistent:statement:stm_3"])
    }

    func publish(_ type: String, _ payload: String) async throws {
        _ = try await store.publishOnce(type: type, action: type, subject: ("test", UUID().uuidString), payload: payload, details: "test",
                                        at: clock.now())
    }

    func testKeyExpiryNearFiresOncePerCertificate() async throws {
        let alerts = service([rule("keys", .keyExpiresWithin(days: 30))])
        let notAfter = clock.now().adding(milliseconds: 31 * 86_400_000)
        certificates.value = [KeyExpiryFact(keyId: "ukey-1", bankId: "sim", notAfter: notAfter)]
        let early = await alerts.evaluate()
        XCTAssertEqual(early, [])
        clock.advance(milliseconds: 86_400_000)
        let fired = await alerts.evaluate()
        XCTAssertEqual(fired.map(\.subjectId), ["ukey-1@\(notAfter.iso8601Seconds)"])
        clock.advance(milliseconds: 86_400_000)
        let again = await alerts.evaluate()
        XCTAssertEqual(again, [])
    }

    // MARK: - Actions, restart, audit

    func testActionsEventLogAndAudit() async throws {
        let alerts = service([rule("large", .paymentAmountAbove(Money(minorUnits: 100, currency: eur)), log: .critical),
                              rule("quiet", .paymentNewCreditor, event: false, log: .info)])
        let before = try await store.events(after: 0, limit: 1_000).last?.sequence ?? 0
        try await accept(1, amount: 101)
        let fired = await alerts.evaluate()
        XCTAssertEqual(fired.map(\.rule), ["large", "quiet"])
        let events = try await store.events(after: before, limit: 100).filter { $0.type == "alert.fired" }
        XCTAssertEqual(events.count, 1, "only the rule with event = true writes one")
        XCTAssertEqual(events.first?.paymentId, "pay_1", "tenant filtering can apply")
        XCTAssertTrue(events.first?.payloadJSON.contains("\"rule\":\"large\"") ?? false)
        XCTAssertEqual(log.lines(at: .critical).count, 1)
        XCTAssertTrue(log.lines(at: .critical).first?.contains("large") ?? false)
        XCTAssertEqual(log.lines(at: .info).filter { $0.contains("quiet") }.count, 1)
        let listed = try await store.alertFirings(rule: "large", from: nil, afterId: nil, limit: 10)
        XCTAssertEqual(listed.map(\.id), [fired[0].id])
        let page = try await store.alertFirings(rule: nil, from: nil, afterId: fired[0].id, limit: 10)
        XCTAssertEqual(page.map(\.rule), ["quiet"])
        let future = try await store.alertFirings(rule: nil, from: clock.now().adding(milliseconds: 1), afterId: nil, limit: 10)
        XCTAssertEqual(future, [])
        let audit = try await store.verifyAuditTrail()
        XCTAssertNil(audit.firstBreak)
        let trail = try await ReconciliationStore(sharing: store).auditEntries(subjectKind: "alert", subjectId: "alf_\(fired[0].id)")
        XCTAssertEqual(trail.map(\.action), ["alert.fired"])
    }

    func testTheAlertEventIsDeliveredToWebhookSubscriptions() async throws {
        let webhooks = WebhookStore(sharing: store, secrets: try SecretBox(key: SecureRandom.bytes(32)))
        _ = try await webhooks.create(id: "whk_1", url: "http://ops.example/hook", eventTypes: ["alert.*"], secret: "s",
                                      fromSequence: nil, actor: "ops", at: clock.now())
        let alerts = service([rule("large", .paymentAmountAbove(Money(minorUnits: 100, currency: eur)), event: false, webhook: true)])
        try await accept(1, amount: 101)
        let fired = await alerts.evaluate()
        XCTAssertEqual(fired.count, 1)
        let poster = RecordingPoster()
        let sender = WebhookSender(store: webhooks, poster: poster, clock: clock,
                                   policy: WebhookPolicy(backoffBaseMilliseconds: 1_000, backoffMaxMilliseconds: 60_000, disableAfterFailures: 3),
                                   logger: Logger(label: "test"))
        let delivered = try await sender.deliverDue()
        XCTAssertEqual(delivered, 1, "the subscription to alert.* takes alert.fired, not payment.accepted")
        let body = try XCTUnwrap(poster.deliveries.first?.body)
        let json = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        XCTAssertEqual(json?["type"] as? String, "alert.fired")
        XCTAssertTrue(String(decoding: body, as: UTF8.self).contains("\"rule\":\"large\""))
    }

    func testARestartNeitherFiresTwiceNorMisses() async throws {
        let rules = [rule("new", .paymentNewCreditor), rule("rejections", .bankRejectionsInARow(2))]
        try await accept(1, creditor: "A")
        try await answer(1, .rejected)
        let first = await service(rules).evaluate()
        XCTAssertEqual(first.map(\.subjectId), ["pay_1"])
        // Restart: the store is opened again, a new service evaluates; meanwhile a payment came in.
        store.close()
        store = try PaymentStore(path: directory.appendingPathComponent("store.sqlite").path)
        try await accept(2, creditor: "A")
        try await answer(2, .rejected)
        try await accept(3, creditor: "B")
        let second = await service(rules).evaluate()
        XCTAssertEqual(second.map { "\($0.rule):\($0.subjectId)" }, ["new:pay_2", "rejections:sim", "new:pay_3"],
                       "pay_1 does not fire again (pay_2 is new: pay_1 was rejected); the streak survived the restart")
        // The same occurrences offered again are not recorded twice.
        let again = try await store.recordAlerts([AlertOccurrence(rule: "new", subjectKind: "payment", subjectId: "pay_3", condition: "payment_new_creditor",
                                                                  paymentId: "pay_3", detailsJSON: "{}", summary: "again", writesEvent: true)],
                                                 at: clock.now())
        XCTAssertEqual(again, [])
        let all = try await store.alertFirings(rule: nil, from: nil, afterId: nil, limit: 100)
        XCTAssertEqual(all.count, 4)
        let audit = try await store.verifyAuditTrail()
        XCTAssertNil(audit.firstBreak)
    }
}

/// A value tests change while a service reads it.
final class Shared<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>

    init(_ value: Value) { storage = Mutex(value) }

    var value: Value {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}

/// Log lines kept in memory, with their levels.
final class AlertLog: Sendable {
    private let entries = Mutex<[(level: Logger.Level, text: String)]>([])

    var logger: Logger {
        var logger = Logger(label: "alert-tests") { _ in Handler(log: self) }
        logger.logLevel = .trace
        return logger
    }

    /// The lines logged at exactly `level`.
    func lines(at level: Logger.Level) -> [String] {
        entries.withLock { $0.filter { $0.level == level }.map(\.text) }
    }

    struct Handler: LogHandler {
        let log: AlertLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let text = "\(event.message) \(event.metadata ?? [:])"
            log.entries.withLock { $0.append((event.level, text)) }
        }
    }
}

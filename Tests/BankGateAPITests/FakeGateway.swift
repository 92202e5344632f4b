import BankGateCore
import BankGateEngine
import BankGateStore
import Synchronization

/// An in-memory ``PaymentGateway`` with the idempotency semantics of the real one: per key it
/// keeps the body's fingerprint and the payments accepted, replays on the same fingerprint and
/// refuses another body with `409 idempotency_conflict`.
final class FakeGateway: PaymentGateway {
    struct State {
        var payments: [String: PaymentRecord] = [:]
        var order: [String] = []
        var idempotency: [String: (fingerprint: String, ids: [String])] = [:]
        var submissions: [(requests: [PaymentRequest], client: String, asBatch: Bool)] = []
        var lastFilter: PaymentFilter?
        var lastEventsCall: (after: Int64, limit: Int, waitMilliseconds: Int)?
        var ready = true
        var nextId = 1
        var events: [OutboxEvent] = []
        var messages: [String: [ArchivedMessage]] = [:]
    }

    let state = Mutex(State())
    let accounts: [String: AccountInfo]
    static let created = Timestamp(milliseconds: 1_795_000_000_000)

    init() {
        func account(_ id: String, _ currency: String, active: Bool) -> AccountInfo {
            AccountInfo(account: DebtorAccount(id: id, bankId: "sim", number: "DE89370400440532013000", bankCode: "COBADEFFXXX",
                                               name: "ACME", currency: Currency(code: currency)!),
                        active: active)
        }
        accounts = [
            "acc-eur": account("acc-eur", "EUR", active: true),
            "acc-eur2": account("acc-eur2", "EUR", active: true),
            "acc-cny": account("acc-cny", "CNY", active: true),
            "acc-old": account("acc-old", "EUR", active: false),
        ]
    }

    func submit(_ requests: [PaymentRequest], idempotencyKey: String, fingerprint: String,
                client: String, asBatch: Bool, payroll: Bool) async throws(GatewayError) -> IntakeResult {
        let outcome: Result<IntakeResult, GatewayError> = state.withLock { state in
            if let earlier = state.idempotency[idempotencyKey] {
                guard earlier.fingerprint == fingerprint else {
                    return .failure(GatewayError(.conflict, code: .idempotencyConflict,
                                                 message: "the key was used with another body", field: "Idempotency-Key"))
                }
                return .success(.replayed(earlier.ids.compactMap { state.payments[$0] }))
            }
            state.submissions.append((requests, client, asBatch))
            let batchId: String? = asBatch ? "bat_\(state.nextId)" : nil
            var records: [PaymentRecord] = []
            for request in requests {
                let id = "pay_\(state.nextId)"
                state.nextId += 1
                let record = PaymentRecord(
                    id: id, batchId: batchId, submissionId: "sub_\(id)", debtorAccountId: request.debtorAccountId,
                    bankId: "sim", amount: request.amount, creditor: request.creditor,
                    remittanceInfo: request.remittanceInfo, endToEndId: request.endToEndId ?? "E2E-\(id)",
                    instructionId: "INS-\(id)", messageId: "MSG-\(id)", paymentInfoId: "PMT-\(id)",
                    requestedExecutionDate: request.requestedExecutionDate ?? "2026-11-18", status: .queued,
                    attempts: 0, lastError: nil, bankStatus: nil, reasonCode: nil, reasonText: nil,
                    createdAt: Self.created, updatedAt: Self.created, details: request.details)
                state.payments[id] = record
                state.order.append(id)
                records.append(record)
            }
            state.idempotency[idempotencyKey] = (fingerprint, records.map(\.id))
            return .success(.created(records))
        }
        return try outcome.get()
    }

    func payment(id: String) async throws(GatewayError) -> PaymentDetail {
        guard let record = state.withLock({ $0.payments[id] }) else { throw Self.notFound }
        let history = [
            PaymentTransition(from: nil, to: .received, at: record.createdAt, cause: .api, reason: nil, attempt: 0,
                              bankStatus: nil, reasonCode: nil),
            PaymentTransition(from: .received, to: record.status, at: record.updatedAt, cause: .api, reason: "accepted",
                              attempt: 0, bankStatus: nil, reasonCode: nil),
        ]
        return PaymentDetail(payment: record, history: history)
    }

    func batch(id: String) async throws(GatewayError) -> PaymentBatchDetail {
        let payments = state.withLock { state in state.order.compactMap { state.payments[$0] }.filter { $0.batchId == id } }
        guard !payments.isEmpty else { throw Self.notFound }
        return PaymentBatchDetail(id: id, payments: payments)
    }

    func payments(_ filter: PaymentFilter) async throws(GatewayError) -> PaymentPage {
        state.withLock { state in
            state.lastFilter = filter
            let matching = state.order.compactMap { state.payments[$0] }.filter { record in
                (filter.status == nil || record.status == filter.status)
                    && (filter.debtorAccountId == nil || record.debtorAccountId == filter.debtorAccountId)
            }
            let start = filter.cursor.flatMap { Int($0) } ?? 0
            let page = Array(matching.dropFirst(start).prefix(filter.limit))
            let next = start + page.count < matching.count ? String(start + page.count) : nil
            return PaymentPage(payments: page, nextCursor: next)
        }
    }

    func cancel(id: String, by actor: String, asOperator: Bool) async throws(GatewayError) -> PaymentRecord {
        try transition(id: id, from: [.queued, .received], to: .cancelled, verb: "cancelled")
    }

    func retry(id: String, by actor: String) async throws(GatewayError) -> PaymentRecord {
        try transition(id: id, from: [.failed, .held], to: .queued, verb: "retried")
    }

    func messages(paymentId: String) async throws(GatewayError) -> [ArchivedMessage] {
        guard let found = state.withLock({ state in state.payments[paymentId].map { _ in state.messages[paymentId] ?? [] } })
        else { throw Self.notFound }
        return found
    }

    func queue(accountIds: [String]?) async throws(GatewayError) -> QueueOverview {
        QueueOverview(countsByStatus: [.queued: 3, .completed: 7], banks: [
            QueueOverview.Bank(bankId: "sim", countsByStatus: [.queued: 3, .completed: 7],
                               oldestQueuedAgeMilliseconds: 12_500, circuit: "closed", inFlight: 1,
                               archive: ArchiveTotals(messages: 12, bytes: 200_123, prefixes: 2)),
        ])
    }

    func events(after sequence: Int64, limit: Int, waitMilliseconds: Int) async throws(GatewayError) -> [OutboxEvent] {
        state.withLock { state in
            state.lastEventsCall = (sequence, limit, waitMilliseconds)
            return Array(state.events.filter { $0.sequence > sequence }.prefix(limit))
        }
    }

    func isReady() async -> Bool { state.withLock { $0.ready } }

    /// Sets a payment's status directly (to prepare cancel/retry cases).
    func setStatus(_ id: String, _ status: PaymentStatus) {
        state.withLock { $0.payments[id]?.status = status }
    }

    private func transition(id: String, from allowed: Set<PaymentStatus>, to target: PaymentStatus,
                            verb: String) throws(GatewayError) -> PaymentRecord {
        let outcome: Result<PaymentRecord, GatewayError> = state.withLock { state in
            guard var record = state.payments[id] else { return .failure(Self.notFound) }
            guard allowed.contains(record.status) else {
                return .failure(GatewayError(.conflict, code: .invalidState,
                                             message: "a \(record.status.rawValue) payment cannot be \(verb)"))
            }
            record.status = target
            state.payments[id] = record
            return .success(record)
        }
        return try outcome.get()
    }

    static let notFound = GatewayError(.notFound, code: .notFound, message: "no such payment")
}


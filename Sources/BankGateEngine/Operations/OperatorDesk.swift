public import BankGateConfig
public import BankGateCore
public import BankGateStore

/// What operators see and steer across many things at once: the bank exchange log, the list of
/// configured accounts, and the bulk actions on payments (retry, release, cancel), each of which
/// is the single action applied payment by payment.
public struct OperatorDesk: Sendable {
    let store: PaymentStore
    /// Where the single actions run (`retry`, `cancel`), with their rules, audit records and events.
    let gateway: any PaymentGateway
    /// The configured accounts, in configuration order.
    let accounts: [AccountConfig]
    /// The configured banks' ids.
    let bankIds: Set<String>

    public init(store: PaymentStore, gateway: any PaymentGateway, accounts: [AccountConfig], bankIds: [String]) {
        self.store = store
        self.gateway = gateway
        self.accounts = accounts
        self.bankIds = Set(bankIds)
    }

    /// Refuses a filter that names a bank that is not configured (`unknown_bank`), or an account
    /// that is not configured or that the caller may not read (`unknown_account`, the same answer
    /// either way, as intake gives): a typo must not select nothing in silence. `kind` is the
    /// answer's (a query parameter's 400, a body field's 422).
    public func checkFilter(bankId: String?, accountId: String?, mayRead: (String) -> Bool,
                            kind: GatewayError.Kind) throws(GatewayError) {
        if let bankId, !bankIds.contains(bankId) {
            throw GatewayError(kind, code: .unknownBank, message: "bank \(bankId) is not a configured bank", field: "bank")
        }
        if let accountId, !(accounts.contains { $0.id == accountId } && mayRead(accountId)) {
            throw GatewayError(kind, code: .unknownAccount, message: "account \(accountId) is not a configured account", field: "account")
        }
    }

    /// Most payments one bulk call acts on.
    public static let maxBulkPayments = 1_000

    // MARK: - The bank exchange log

    /// A page of the exchange log, newest first.
    public func exchanges(_ filter: BankExchangeFilter) async throws(GatewayError) -> BankExchangePage {
        do { return try await store.exchanges(filter) } catch StoreError.notFound {
            throw GatewayError(.badRequest, code: .invalidParameter, message: "cursor is not one this list gave", field: "cursor")
        } catch {
            throw GatewayError(storeError: error)
        }
    }

    /// One exchange with the archived bytes both ways; `not_found` for an unknown id and for an
    /// exchange about an account outside `accountIds` (when given).
    public func exchange(id: String, accountIds: [String]?) async throws(GatewayError) -> BankExchangeDetail {
        let detail: BankExchangeDetail?
        do { detail = try await store.exchange(id: id, accountIds: accountIds) } catch { throw GatewayError(storeError: error) }
        guard let detail else { throw GatewayError(.notFound, code: .notFound, message: "no such exchange") }
        return detail
    }

    // MARK: - Accounts

    /// A configured account with what the store knows of it.
    public struct AccountListing: Sendable {
        public var config: AccountConfig
        public var overview: AccountOverview
    }

    /// The configured accounts `mayRead` lets through, in configuration order.
    public func accountList(mayRead: (String) -> Bool) async throws(GatewayError) -> [AccountListing] {
        let visible = accounts.filter { mayRead($0.id) }
        let overviews: [AccountOverview]
        do { overviews = try await store.accountOverviews(visible.map(\.id)) } catch { throw GatewayError(storeError: error) }
        return zip(visible, overviews).map { AccountListing(config: $0, overview: $1) }
    }

    // MARK: - Bulk actions

    /// Runs `action` on every payment `filter` selects (at most ``maxBulkPayments``), each through
    /// the single action — its own transaction, its audit record and event — and reports which
    /// changed and which the single action refused (with its error code). With `dryRun` nothing
    /// changes: the single action's rule is only checked against each payment's status.
    public func bulk(_ action: BulkPaymentAction, filter: BulkPaymentFilter, dryRun: Bool, by actor: String,
                     asOperator: Bool) async throws(GatewayError) -> BulkActionResult {
        var filter = filter
        filter.limit = min(max(1, filter.limit), Self.maxBulkPayments)
        if filter.holdKind == nil, filter.status == nil { filter.status = action.defaultStatus }
        let candidates: (payments: [PaymentRecord], more: Bool)
        do { candidates = try await store.bulkCandidates(filter) } catch { throw GatewayError(storeError: error) }
        var result = BulkActionResult(action: action, dryRun: dryRun, more: candidates.more)
        // A retry queues the whole bank message: payments of a message already retried here went with it.
        var retriedMessages: Set<String> = []
        for payment in candidates.payments {
            if action != .cancel, retriedMessages.contains(payment.submissionId) {
                var status = payment.status
                if !dryRun, let now = try? await gateway.payment(id: payment.id) { status = now.payment.status }
                let leader = result.changed.last { $0.submissionId == payment.submissionId }?.id
                result.changed.append(BulkActionResult.Changed(id: payment.id, status: status, withPayment: leader,
                                                               submissionId: payment.submissionId))
                continue
            }
            if dryRun {
                if let refusal = action.refusal(payment.status) {
                    result.skipped.append(BulkActionResult.Skipped(id: payment.id, code: refusal.code.rawValue, message: refusal.message))
                } else {
                    result.changed.append(BulkActionResult.Changed(id: payment.id, status: payment.status, withPayment: nil,
                                                                   submissionId: payment.submissionId))
                    if action != .cancel { retriedMessages.insert(payment.submissionId) }
                }
                continue
            }
            do throws(GatewayError) {
                let record: PaymentRecord
                if action == .cancel {
                    record = try await gateway.cancel(id: payment.id, by: actor, asOperator: asOperator)
                } else {
                    record = try await gateway.retry(id: payment.id, by: actor)
                    retriedMessages.insert(record.submissionId)
                }
                result.changed.append(BulkActionResult.Changed(id: record.id, status: record.status, withPayment: nil,
                                                               submissionId: record.submissionId))
            } catch {
                result.skipped.append(BulkActionResult.Skipped(id: payment.id, code: error.code.rawValue, message: error.message))
            }
        }
        return result
    }
}

/// The bulk operator actions, each the single action of the same name.
public enum BulkPaymentAction: String, Sendable, Hashable, CaseIterable {
    /// `POST /v1/payments/{id}/retry` for each: a `failed` or `held` payment is queued again.
    case retry
    /// `POST /v1/payments/{id}/release` for each: a `held` payment is queued again.
    case release
    /// `POST /v1/payments/{id}/cancel` for each, as an operator.
    case cancel

    /// The status looked at when the filter names none.
    var defaultStatus: PaymentStatus {
        switch self {
        case .retry: .failed
        case .release, .cancel: .held
        }
    }

    /// Why the single action refuses a payment in `status` (its rule), or `nil`.
    public func refusal(_ status: PaymentStatus) -> (code: GatewayError.Code, message: String)? {
        switch self {
        case .retry, .release:
            return status == .failed || status == .held
                ? nil : (.invalidState, "only failed or held payments can be retried (status \(status.rawValue))")
        case .cancel:
            return PaymentStateMachine.allows(from: status, to: .cancelled, cause: .operator)
                ? nil : (.invalidState, "the payment can no longer be cancelled (status \(status.rawValue))")
        }
    }
}

/// What a bulk action did: the payments changed (or, in a dry run, that would change) and those
/// skipped with the single action's error code.
public struct BulkActionResult: Sendable, Hashable {
    public struct Changed: Sendable, Hashable {
        public var id: String
        /// Its status afterwards (in a dry run: now).
        public var status: PaymentStatus
        /// Retried with this payment, in the same bank message (not retried on its own).
        public var withPayment: String?
        public var submissionId: String
    }

    public struct Skipped: Sendable, Hashable {
        public var id: String
        /// The single action's error code (`invalid_state`, `not_found`…).
        public var code: String
        public var message: String
    }

    public var action: BulkPaymentAction
    public var dryRun: Bool
    public var changed: [Changed] = []
    public var skipped: [Skipped] = []
    /// More payments matched than one call acts on: call again.
    public var more: Bool

    public init(action: BulkPaymentAction, dryRun: Bool, more: Bool) {
        self.action = action
        self.dryRun = dryRun
        self.more = more
    }
}

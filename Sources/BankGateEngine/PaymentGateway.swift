public import BankGateCore
public import BankGateStore

/// A validated payment request, ready for intake.
public struct PaymentRequest: Sendable, Hashable {
    public var debtorAccountId: String
    public var amount: Money
    public var creditor: Party
    public var remittanceInfo: String?
    /// The client's end-to-end id; generated at intake when `nil`.
    public var endToEndId: String?
    /// `YYYY-MM-DD`; today (UTC) when `nil`.
    public var requestedExecutionDate: String?
    /// Purpose, priority, category purpose, the charge bearer (always set: the request's or the
    /// default) and whether the creditor banks with the debtor's bank.
    public var details: TransferDetails
    /// The client means to pay again what resembles a recent payment: no duplicate hold.
    public var duplicateIntended: Bool

    public init(debtorAccountId: String, amount: Money, creditor: Party, remittanceInfo: String?,
                endToEndId: String?, requestedExecutionDate: String?, details: TransferDetails = TransferDetails(),
                duplicateIntended: Bool = false) {
        self.duplicateIntended = duplicateIntended
        self.debtorAccountId = debtorAccountId
        self.amount = amount
        self.creditor = creditor
        self.remittanceInfo = remittanceInfo
        self.endToEndId = endToEndId
        self.requestedExecutionDate = requestedExecutionDate
        self.details = details
    }

    /// The transfer as the adapter's intake check sees it (identifiers are not yet assigned).
    var transferForChecks: CreditTransfer {
        CreditTransfer(paymentId: "", instructionId: "", endToEndId: endToEndId ?? "", amount: amount, creditor: creditor,
                       remittanceInfo: remittanceInfo, details: details)
    }

    /// Whether this request carries the optional `field` (as ``PaymentFieldRequirements`` names it).
    public func carries(_ field: PaymentField) -> Bool {
        switch field {
        case .purpose: details.purpose != nil
        case .priority: details.priority != nil
        case .categoryPurpose: details.categoryPurpose != nil
        case .chargeBearer: details.chargeBearer != nil
        case .sameBank: details.sameBank != nil
        case .creditorBankName: creditor.bankName != nil
        case .creditorBankBranch: creditor.bankBranch != nil
        case .creditorAddress: creditor.address != nil
        }
    }
}

/// What intake did with a submission.
public enum IntakeResult: Sendable, Hashable {
    /// Newly accepted and durable.
    case created([PaymentRecord])
    /// The same idempotency key with the same body: the payments accepted the first time.
    case replayed([PaymentRecord])
}

/// A payment with its full history.
public struct PaymentDetail: Sendable, Hashable {
    public var payment: PaymentRecord
    public var history: [PaymentTransition]

    public init(payment: PaymentRecord, history: [PaymentTransition]) {
        self.payment = payment
        self.history = history
    }
}

/// An error the API turns into an HTTP answer: a machine-readable code, words, the field at fault.
public struct GatewayError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The HTTP class of the error.
    public enum Kind: Sendable, Hashable {
        case badRequest, unauthorized, forbidden, notFound, conflict, payloadTooLarge, validation, unavailable, `internal`
        /// 429: the token's rate limit.
        case tooManyRequests
    }

    /// The machine-readable codes, spelled on the wire as their raw values (`invalid_amount`,
    /// `idempotency_conflict` …). One list, so that a client can rely on it.
    public enum Code: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        case accountClosed = "account_closed"
        case alreadyDecided = "already_decided"
        case batchApproval = "batch_approval"
        case notPendingApproval = "not_pending_approval"
        case ownPayment = "own_payment"
        case accountFrozen = "account_frozen"
        case accountMismatch = "account_mismatch"
        case badRequest = "bad_request"
        case bankRefused = "bank_refused"
        case bankUnreachable = "bank_unreachable"
        case bankMaintenance = "bank_maintenance"
        case currencyMismatch = "currency_mismatch"
        case duplicateEndToEndId = "duplicate_end_to_end_id"
        case duplicateField = "duplicate_field"
        case emptyBody = "empty_body"
        case exportNotReady = "export_not_ready"
        case rateLimited = "rate_limited"
        case limitExceeded = "limit_exceeded"
        case forbidden
        case idempotencyConflict = "idempotency_conflict"
        case inactiveAccount = "inactive_account"
        case internalError = "internal_error"
        case invalidAccount = "invalid_account"
        case invalidAmount = "invalid_amount"
        case invalidBankCode = "invalid_bank_code"
        case invalidBatchSize = "invalid_batch_size"
        case invalidCountry = "invalid_country"
        case invalidCurrency = "invalid_currency"
        case invalidDate = "invalid_date"
        case invalidEventTypes = "invalid_event_types"
        case invalidIban = "invalid_iban"
        case invalidIdempotencyKey = "invalid_idempotency_key"
        case invalidIdentifier = "invalid_identifier"
        case invalidParameter = "invalid_parameter"
        case invalidRange = "invalid_range"
        case invalidReportRequest = "invalid_report_request"
        case invalidState = "invalid_state"
        case invalidTarget = "invalid_target"
        case invalidText = "invalid_text"
        case invalidType = "invalid_type"
        case invalidUrl = "invalid_url"
        case invalidValue = "invalid_value"
        case malformedJson = "malformed_json"
        case malformedStatement = "malformed_statement"
        case missingBankCode = "missing_bank_code"
        case missingField = "missing_field"
        case missingIdempotencyKey = "missing_idempotency_key"
        case missingParameter = "missing_parameter"
        case nameInUse = "name_in_use"
        case mixedDebtorAccounts = "mixed_debtor_accounts"
        case noStatement = "no_statement"
        case notFound = "not_found"
        case payloadTooLarge = "payload_too_large"
        case reconciliationError = "reconciliation_error"
        case statementHeld = "statement_held"
        case storeUnavailable = "store_unavailable"
        case tooLong = "too_long"
        case unauthorized
        case unavailable
        case unknownAccount = "unknown_account"
        case unknownBank = "unknown_bank"
        case unknownField = "unknown_field"
        case unsupportedField = "unsupported_field"
        case unsupportedKind = "unsupported_kind"
        case amountTooLarge = "amount_too_large"
        case archiveRefused = "archive_refused"
        case batchTotalTooLarge = "batch_total_too_large"
        case receiptIntegrityFailed = "receipt_integrity_failed"

        public var description: String { rawValue }
    }

    public var kind: Kind
    /// Machine-readable, e.g. `invalid_amount`, `idempotency_conflict`.
    public var code: Code
    public var message: String
    /// The request field at fault, e.g. `creditor.account`.
    public var field: String?
    /// When to ask again, in seconds (`Retry-After`), for a rate limit.
    public var retryAfterSeconds: Int?
    /// Who was refused, when known (a `forbidden` token's name), for the audit trail; never
    /// written in the answer.
    public var principal: String?

    public init(_ kind: Kind, code: Code, message: String, field: String? = nil, retryAfterSeconds: Int? = nil) {
        self.kind = kind
        self.code = code
        self.message = message
        self.field = field
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "\(code): \(message)" + (field.map { " (\($0))" } ?? "") }
}

/// What the HTTP API (and in-process tools) can ask of the gateway. Implemented by the engine.
public protocol PaymentGateway: Sendable {
    /// The configured debtor accounts by id (for validation).
    var accounts: [String: AccountInfo] { get }

    /// Accepts payments durably before returning. `fingerprint` identifies the request body for
    /// idempotency (same key + same fingerprint → replay; same key + other fingerprint → conflict).
    /// With `asBatch`, all requests go to the bank in one message (they must share a debtor account);
    /// with `payroll` too, as the bank's payroll batch (代发工资), `unsupported_kind` where the bank has none.
    func submit(_ requests: [PaymentRequest], idempotencyKey: String, fingerprint: String,
                client: String, asBatch: Bool, payroll: Bool) async throws(GatewayError) -> IntakeResult
    func payment(id: String) async throws(GatewayError) -> PaymentDetail
    /// A batch with its payments and their statuses; `not_found` when there is no such batch.
    func batch(id: String) async throws(GatewayError) -> PaymentBatchDetail
    func payments(_ filter: PaymentFilter) async throws(GatewayError) -> PaymentPage
    /// Cancels a payment that has not been sent; `conflict` afterwards. An operator also cancels a
    /// `held` payment (a suspected duplicate, or one whose outcome a person has settled).
    func cancel(id: String, by actor: String, asOperator: Bool) async throws(GatewayError) -> PaymentRecord
    /// Operator retry of a `failed` or `held` payment.
    func retry(id: String, by actor: String) async throws(GatewayError) -> PaymentRecord
    /// An account's status (`active` unless an operator froze or closed it).
    func accountStatus(accountId: String) async throws(GatewayError) -> AccountStatusRecord
    /// Freezes, closes or activates an account (audited, announced); its held payments go on when
    /// it is active again.
    func setAccountStatus(accountId: String, to status: AccountStatus, reason: String?, by actor: String) async throws(GatewayError)
        -> AccountStatusRecord
    /// Every bank message that carried the payment or answered about it.
    func messages(paymentId: String) async throws(GatewayError) -> [ArchivedMessage]
    /// The queue per bank and status. `accountIds` (a tenant's accounts) narrows it to their
    /// payments and their banks, without the installation-wide archive totals and error texts;
    /// `nil`: everything.
    func queue(accountIds: [String]?) async throws(GatewayError) -> QueueOverview
    /// Outbox events after `sequence`; waits up to `waitMilliseconds` for one when there is none.
    func events(after sequence: Int64, limit: Int, waitMilliseconds: Int) async throws(GatewayError) -> [OutboxEvent]
    /// Whether the store and services are up.
    func isReady() async -> Bool
    /// Issue 12: readiness by check, for `/readyz` to name the one that failed.
    func readinessChecks() async -> [ReadinessCheck]
    /// Records an approver's decision on a payment, or a whole batch, pending approval
    /// (maker-checker): `own_payment`, `already_decided`, `not_pending_approval`, `batch_approval`.
    func decideApproval(_ target: ApprovalTarget, decision: ApprovalDecision, by principal: String,
                        note: String?) async throws(GatewayError) -> ApprovalOutcome
    /// Payments pending approval, oldest first, with the decisions so far; cursor paging.
    func pendingApprovals(limit: Int, cursor: String?) async throws(GatewayError) -> PaymentPage
    /// What happened to payments per interval over the last `hours`, for the console's chart.
    func throughput(hours: Int, bucketMinutes: Int) async throws(GatewayError) -> [ThroughputBucket]
}

/// A configured debtor account as intake sees it.
public struct AccountInfo: Sendable, Hashable {
    public var account: DebtorAccount
    public var active: Bool

    public init(account: DebtorAccount, active: Bool) {
        self.account = account
        self.active = active
    }
}

extension PaymentGateway {
    /// One check, `ready`, from ``isReady()``.
    public func readinessChecks() async -> [ReadinessCheck] {
        let ready = await isReady()
        return [ReadinessCheck(name: "ready", passed: ready, detail: ready ? "ready" : "not ready")]
    }

    public func decideApproval(_ target: ApprovalTarget, decision: ApprovalDecision, by principal: String,
                               note: String?) async throws(GatewayError) -> ApprovalOutcome {
        throw GatewayError(.notFound, code: .notFound, message: "approvals are not kept here")
    }

    public func pendingApprovals(limit: Int, cursor: String?) async throws(GatewayError) -> PaymentPage {
        throw GatewayError(.notFound, code: .notFound, message: "approvals are not kept here")
    }

    public func throughput(hours: Int, bucketMinutes: Int) async throws(GatewayError) -> [ThroughputBucket] {
        throw GatewayError(.notFound, code: .notFound, message: "throughput is not kept here")
    }

    public func accountStatus(accountId: String) async throws(GatewayError) -> AccountStatusRecord {
        throw GatewayError(.notFound, code: .notFound, message: "account status is not kept here")
    }

    public func setAccountStatus(accountId: String, to status: AccountStatus, reason: String?, by actor: String)
        async throws(GatewayError) -> AccountStatusRecord {
        throw GatewayError(.notFound, code: .notFound, message: "account status is not kept here")
    }

    /// Payments, one or a batch, not a payroll.
    public func submit(_ requests: [PaymentRequest], idempotencyKey: String, fingerprint: String,
                       client: String, asBatch: Bool) async throws(GatewayError) -> IntakeResult {
        try await submit(requests, idempotencyKey: idempotencyKey, fingerprint: fingerprint, client: client,
                         asBatch: asBatch, payroll: false)
    }
}

/// One check of readiness (issue 12, `/readyz`): its name, whether it passed, and a few words.
public struct ReadinessCheck: Sendable, Hashable {
    public var name: String
    public var passed: Bool
    public var detail: String

    public init(name: String, passed: Bool, detail: String) {
        self.name = name
        self.passed = passed
        self.detail = detail
    }
}

extension PaymentGateway {
    /// The whole installation's queue.
    public func queue() async throws(GatewayError) -> QueueOverview { try await queue(accountIds: nil) }
}

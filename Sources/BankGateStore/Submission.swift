public import BankGateCore

/// Where a bank message (a submission: one pain.001 carrying one or more payments) stands for the dispatcher.
public enum SubmissionState: String, Sendable, Hashable, CaseIterable {
    /// Waiting to be sent at `nextAttemptAt`.
    case queued
    /// Handed to the transport; the outcome is not recorded yet. After a crash this becomes `unknown`.
    case sending
    /// The bank has it; some payments are not final yet: ask for their status at `nextAttemptAt`.
    case awaiting
    /// The outcome of a send is unknown: ask the bank at `nextAttemptAt` before anything else.
    case unknown
    /// Unknown for longer than the bank remembers message ids: an operator must decide.
    case held
    /// Every payment in it is final.
    case done
    /// Its payments wait in `scheduled` for their execution day, which begins at `nextAttemptAt`.
    case scheduled
}

/// A bank message as the dispatcher sees it, with the identifiers fixed at intake.
public struct SubmissionRecord: Sendable, Hashable {
    public var id: String
    public var bankId: String
    public var debtorAccountId: String
    public var messageId: String
    public var paymentInfoId: String
    /// `pain.001.001.09`…
    public var messageKind: String
    /// The message's `CreDtTm`, fixed so every resend is the same message.
    public var createdAt: Timestamp
    public var requestedExecutionDate: String
    public var state: SubmissionState
    public var attempts: Int
    public var queries: Int
    public var nextAttemptAt: Timestamp
    public var firstSentAt: Timestamp?
    public var unknownSince: Timestamp?
    public var lastError: String?
    /// The API request that created it (`X-Request-Id`), carried into the logs of its bank calls.
    public var requestId: String? = nil
}

/// A payment to insert at intake, with every identifier already assigned.
public struct PaymentDraft: Sendable, Hashable {
    public var id: String
    public var batchId: String?
    public var submissionId: String
    public var debtorAccountId: String
    public var bankId: String
    public var amount: Money
    public var creditor: Party
    public var remittanceInfo: String?
    public var endToEndId: String
    public var instructionId: String
    public var requestedExecutionDate: String
    /// Purpose, priority, category purpose, charge bearer, same bank.
    public var details: TransferDetails
    /// The client means to pay again what resembles a recent payment: exempt from the duplicate check.
    public var duplicateIntended: Bool

    public init(id: String, batchId: String?, submissionId: String, debtorAccountId: String, bankId: String,
                amount: Money, creditor: Party, remittanceInfo: String?, endToEndId: String,
                instructionId: String, requestedExecutionDate: String, details: TransferDetails = TransferDetails(),
                duplicateIntended: Bool = false) {
        self.details = details
        self.duplicateIntended = duplicateIntended
        self.id = id
        self.batchId = batchId
        self.submissionId = submissionId
        self.debtorAccountId = debtorAccountId
        self.bankId = bankId
        self.amount = amount
        self.creditor = creditor
        self.remittanceInfo = remittanceInfo
        self.endToEndId = endToEndId
        self.instructionId = instructionId
        self.requestedExecutionDate = requestedExecutionDate
    }
}

/// A submission to insert at intake.
public struct SubmissionDraft: Sendable, Hashable {
    public var id: String
    public var bankId: String
    public var debtorAccountId: String
    public var messageId: String
    public var paymentInfoId: String
    public var messageKind: String
    public var requestedExecutionDate: String
    /// The API request that created it (`X-Request-Id`), for the logs of its bank calls.
    public var requestId: String?
    /// When its execution day begins, for a message that waits for it: its payments are accepted
    /// `scheduled` and released then (``PaymentStore/releaseScheduled(bankId:now:)``); `nil`: send at once.
    public var notBefore: Timestamp?
    /// Why the execution date is not the one asked for (a cut-off, a holiday), for the payments' history.
    public var scheduleNote: String?
    /// The `batch_release` plan the message waits for (`scheduled`, released by the plan's run,
    /// ``PaymentStore/releaseHeldForPlan(accountIds:plan:at:)``); `nil`: none.
    public var heldForPlan: String?

    public init(id: String, bankId: String, debtorAccountId: String, messageId: String, paymentInfoId: String,
                messageKind: String, requestedExecutionDate: String, requestId: String? = nil, notBefore: Timestamp? = nil, scheduleNote: String? = nil,
                heldForPlan: String? = nil) {
        self.requestId = requestId
        self.heldForPlan = heldForPlan
        self.notBefore = notBefore
        self.scheduleNote = scheduleNote
        self.id = id
        self.bankId = bankId
        self.debtorAccountId = debtorAccountId
        self.messageId = messageId
        self.paymentInfoId = paymentInfoId
        self.messageKind = messageKind
        self.requestedExecutionDate = requestedExecutionDate
    }
}

/// The idempotency facts of one intake request.
public struct IdempotencyClaim: Sendable, Hashable {
    public var client: String
    public var key: String
    public var fingerprint: String

    public init(client: String, key: String, fingerprint: String) {
        self.client = client
        self.key = key
        self.fingerprint = fingerprint
    }
}

/// What intake stored.
public enum AcceptOutcome: Sendable, Hashable {
    case created([PaymentRecord])
    case replayed([PaymentRecord])
    /// The key was used before with another body.
    case idempotencyConflict
    /// The end-to-end id is already used on that debtor account.
    case duplicateEndToEndId(String)
    /// The debtor account is frozen or closed.
    case accountNotActive(AccountStatusRecord)
    /// A payment goes over a configured limit.
    case limitExceeded(LimitViolation)
}

/// An error of the store: not found, a status conflict, or the database.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    case notFound(String)
    /// The payment is not in a status that allows the operation.
    case conflict(current: PaymentStatus, message: String)
    /// Something other than a payment (a match, an expected payment, a subscription) is not in a
    /// state that allows the operation.
    case invalidState(String)
    case database(String)
    /// A sealed secret does not open with the configured key (the key changed, or the row was altered).
    case unreadableSecret(String)

    public var description: String {
        switch self {
        case .notFound(let what): "\(what) not found"
        case .conflict(let current, let message): "\(message) (status \(current.rawValue))"
        case .invalidState(let message): message
        case .database(let message): "database: \(message)"
        case .unreadableSecret(let message): "secret key: \(message)"
        }
    }
}

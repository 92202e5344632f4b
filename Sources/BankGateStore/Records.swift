public import BankGateCore
import BankGateCrypto

/// A payment as stored: the instruction, its bank identifiers and where it stands.
public struct PaymentRecord: Sendable, Hashable {
    public var id: String
    /// The batch it was accepted in, when it came through `POST /v1/payment-batches`.
    public var batchId: String?
    /// The bank message (submission) that carries it.
    public var submissionId: String
    public var debtorAccountId: String
    public var bankId: String
    public var amount: Money
    public var creditor: Party
    public var remittanceInfo: String?
    public var endToEndId: String
    public var instructionId: String
    public var messageId: String
    public var paymentInfoId: String
    /// `YYYY-MM-DD`.
    public var requestedExecutionDate: String
    public var status: PaymentStatus
    /// How many times its message was handed to the transport.
    public var attempts: Int
    /// The last error an operator should see (transport or bank).
    public var lastError: String?
    /// The bank's last status code (`ACSC`…), reason code and text.
    public var bankStatus: String?
    public var reasonCode: String?
    public var reasonText: String?
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    /// Purpose, priority, category purpose, charge bearer, same bank.
    public var details: TransferDetails
    /// Why the payment waits: still queued, for a usable signing key (the key reported lost,
    /// revoked, not bound to its account), or `held` as a suspected duplicate; nil otherwise.
    public var holdReason: String?
    /// The payment this one resembles, when it was held at intake as a suspected duplicate.
    public var suspectedDuplicateOf: String?
    /// The approvals it needed (`[[approval_rules]]`), `nil` when it needed none.
    public var approval: PaymentApproval?

    public init(id: String, batchId: String?, submissionId: String, debtorAccountId: String, bankId: String,
                amount: Money, creditor: Party, remittanceInfo: String?, endToEndId: String, instructionId: String,
                messageId: String, paymentInfoId: String, requestedExecutionDate: String, status: PaymentStatus,
                attempts: Int, lastError: String?, bankStatus: String?, reasonCode: String?, reasonText: String?,
                createdAt: Timestamp, updatedAt: Timestamp, details: TransferDetails = TransferDetails()) {
        self.details = details
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
        self.messageId = messageId
        self.paymentInfoId = paymentInfoId
        self.requestedExecutionDate = requestedExecutionDate
        self.status = status
        self.attempts = attempts
        self.lastError = lastError
        self.bankStatus = bankStatus
        self.reasonCode = reasonCode
        self.reasonText = reasonText
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// One recorded status change of a payment: the audit trail.
public struct PaymentTransition: Sendable, Hashable {
    public var from: PaymentStatus?
    public var to: PaymentStatus
    public var at: Timestamp
    public var cause: TransitionCause
    /// Why, in words (an error, the bank's reason, the operator's name).
    public var reason: String?
    /// The send attempt it belongs to.
    public var attempt: Int
    public var bankStatus: String?
    public var reasonCode: String?

    public init(from: PaymentStatus?, to: PaymentStatus, at: Timestamp, cause: TransitionCause, reason: String?,
                attempt: Int, bankStatus: String?, reasonCode: String?) {
        self.from = from
        self.to = to
        self.at = at
        self.cause = cause
        self.reason = reason
        self.attempt = attempt
        self.bankStatus = bankStatus
        self.reasonCode = reasonCode
    }
}

/// Which way a bank message went.
public enum MessageDirection: String, Sendable, Hashable {
    case outbound, inbound
}

/// Which exchange with a bank an archived message belongs to.
public enum BankExchange: String, Sendable, Hashable, CaseIterable {
    /// A payment message (pain.001) sent, and the bank's immediate answer to it.
    case payment, paymentAnswer = "payment_answer"
    /// A status query about a submission (pacs.028-shaped), and its answer.
    case statusQuery = "status_query", statusAnswer = "status_answer"
    /// A statement or report request (camt.060), and the statements it brought (or an empty answer).
    case statementRequest = "statement_request", statementAnswer = "statement_answer"
    /// A live balance refresh (an intraday camt.060), and its answer.
    case balanceRequest = "balance_request", balanceAnswer = "balance_answer"
    /// A file picked up from the bank's inbox folder (statements, status reports).
    case inboxFile = "inbox_file"
    /// An electronic-receipt query or a receipt document request, and its answer.
    case receiptRequest = "receipt_request", receiptAnswer = "receipt_answer"
}

/// A message sent to or received from a bank, archived byte for byte: in the row (`bytes`), or,
/// for an inbox file too large to hold in memory, copied to `storedFile` (then `bytes` is empty).
public struct ArchivedMessage: Sendable, Hashable {
    public var id: Int64
    public var direction: MessageDirection
    public var bankId: String
    /// `pain.001.001.09`, `pain.002`, `pacs.028.001.03`, `camt.060.001.05`, `camt.053.001.08`,
    /// `MT940`, `empty`, `http-error`…
    public var kind: String
    /// The exchange it belongs to; `nil` for messages archived before migration 004 that it could
    /// not tell.
    public var exchange: BankExchange?
    /// The account it concerns, when known.
    public var accountId: String?
    /// The submission it belongs to, when known.
    public var submissionId: String?
    /// Send attempt number for outbound messages.
    public var attempt: Int?
    /// HTTP status of an answer, when it came over HTTP.
    public var httpStatus: Int?
    public var at: Timestamp
    /// The message's size in bytes.
    public var size: Int64
    /// SHA-256 of the message, 64 lowercase hexadecimal digits.
    public var sha256: String
    /// Where the message was copied, relative to the data directory, when it is not held in `bytes`.
    public var storedFile: String?
    /// For an answer to a statement or balance request: the archive id of that request.
    public var requestId: Int64?
    /// The message, or only its beginning when ``isPrefix`` (``size`` and ``sha256`` are the whole's).
    public var bytes: [UInt8]

    /// Whether only the beginning of the message was kept (a refused answer over the archive's
    /// prefix limit); ``size`` and ``sha256`` describe the whole message as received.
    public var isPrefix: Bool { storedFile == nil && Int64(bytes.count) < size }

    public init(id: Int64, direction: MessageDirection, bankId: String, kind: String, exchange: BankExchange? = nil,
                accountId: String? = nil, submissionId: String?, attempt: Int?, httpStatus: Int?, at: Timestamp,
                size: Int64? = nil, sha256: String? = nil, storedFile: String? = nil, requestId: Int64? = nil,
                bytes: [UInt8]) {
        self.id = id
        self.direction = direction
        self.bankId = bankId
        self.kind = kind
        self.exchange = exchange
        self.accountId = accountId
        self.submissionId = submissionId
        self.attempt = attempt
        self.httpStatus = httpStatus
        self.at = at
        self.size = size ?? Int64(bytes.count)
        self.sha256 = sha256 ?? SHA256.hex(bytes)
        self.storedFile = storedFile
        self.requestId = requestId
        self.bytes = bytes
    }
}

/// An event of the transactional outbox, written in the same transaction as its cause.
public struct OutboxEvent: Sendable, Hashable {
    /// Monotonically increasing sequence number; the feed's cursor.
    public var sequence: Int64
    /// `payment.accepted`, `payment.completed`…
    public var type: String
    public var paymentId: String?
    public var at: Timestamp
    /// The event's payload as a JSON object, encoded.
    public var payloadJSON: String

    public init(sequence: Int64, type: String, paymentId: String?, at: Timestamp, payloadJSON: String) {
        self.sequence = sequence
        self.type = type
        self.paymentId = paymentId
        self.at = at
        self.payloadJSON = payloadJSON
    }

    /// The tenant of the event's account (`nil`: about no account, or no tenants configured).
    public var tenant: String?

    /// A stable id for consumers' de-duplication.
    public var id: String { "evt_\(sequence)" }

    /// The event from a row of `seq, type, payment_id, at, payload, tenant`.
    init(row: StoreRow) throws {
        self.init(sequence: try row.int("seq"), type: try row.text("type"), paymentId: try row.optionalText("payment_id"),
                  at: Timestamp(milliseconds: try row.int("at")), payloadJSON: try row.text("payload"))
        tenant = try row.optionalText("tenant")
    }
}

/// Counts and ages of the queue for operators.
public struct QueueOverview: Sendable, Hashable {
    /// Per bank.
    public struct Bank: Sendable, Hashable {
        public var bankId: String
        public var countsByStatus: [PaymentStatus: Int]
        /// Age in milliseconds of the oldest payment waiting in `queued`, if any.
        public var oldestQueuedAgeMilliseconds: Int64?
        /// `closed`, `open` or `half_open`.
        public var circuit: String
        /// Messages being sent right now.
        public var inFlight: Int
        /// What the archive holds of this bank's exchanges.
        public var archive: ArchiveTotals
        // Issue 12, what operators see: the circuit's story, the bank's last outcomes, the oldest in doubt.
        /// When the circuit took its state (nil: closed since the start), and why.
        public var circuitSince: Timestamp? = nil
        public var circuitWhy: String? = nil
        /// When the oldest `queued` payment was accepted.
        public var oldestQueuedAt: Timestamp? = nil
        /// When the oldest payment now `unknown` became so.
        public var oldestUnknownAt: Timestamp? = nil
        /// The last call the bank answered, since this process started.
        public var lastSuccessAt: Timestamp? = nil
        /// The last error of a call to the bank since this process started: when, its code, its words.
        public var lastErrorAt: Timestamp? = nil
        public var lastErrorCode: String? = nil
        public var lastErrorMessage: String? = nil

        public init(bankId: String, countsByStatus: [PaymentStatus: Int], oldestQueuedAgeMilliseconds: Int64?,
                    circuit: String, inFlight: Int, archive: ArchiveTotals = ArchiveTotals()) {
            self.bankId = bankId
            self.countsByStatus = countsByStatus
            self.oldestQueuedAgeMilliseconds = oldestQueuedAgeMilliseconds
            self.circuit = circuit
            self.inFlight = inFlight
            self.archive = archive
        }
    }

    public var countsByStatus: [PaymentStatus: Int]
    public var banks: [Bank]
    /// When the overview was taken, for the ages it shows (issue 12).
    public var generatedAt: Timestamp? = nil

    public init(countsByStatus: [PaymentStatus: Int], banks: [Bank]) {
        self.countsByStatus = countsByStatus
        self.banks = banks
    }
}

/// What the archive holds of one bank's exchanges: messages, bytes held (in rows or copied
/// files), and how many messages are only the prefix of a refused answer.
public struct ArchiveTotals: Sendable, Hashable {
    /// Messages archived.
    public var messages: Int64
    /// Bytes the archive holds for them: rows' bodies, copied inbox files' sizes.
    public var bytes: Int64
    /// Refused answers held only as their beginning.
    public var prefixes: Int64

    public init(messages: Int64 = 0, bytes: Int64 = 0, prefixes: Int64 = 0) {
        self.messages = messages
        self.bytes = bytes
        self.prefixes = prefixes
    }
}

/// A filter and page request for listing payments.
public struct PaymentFilter: Sendable, Hashable {
    public var status: PaymentStatus?
    public var debtorAccountId: String?
    /// Only payments from these accounts (a token's tenant or `read_accounts`); `nil`: any.
    public var debtorAccountIds: [String]?
    public var limit: Int
    /// An opaque cursor from the previous page.
    public var cursor: String?

    public init(status: PaymentStatus? = nil, debtorAccountId: String? = nil, limit: Int = 50, cursor: String? = nil) {
        self.status = status
        self.debtorAccountId = debtorAccountId
        self.limit = limit
        self.cursor = cursor
    }
}

/// One page of payments.
public struct PaymentPage: Sendable, Hashable {
    public var payments: [PaymentRecord]
    /// The cursor for the next page; `nil` on the last page.
    public var nextCursor: String?

    public init(payments: [PaymentRecord], nextCursor: String?) {
        self.payments = payments
        self.nextCursor = nextCursor
    }
}

extension JSONWriter {
    /// An outbox event as the event feed and webhook deliveries show it: `id`, `sequence`, `type`,
    /// `payment_id`, `at` and the event's own `data`.
    public mutating func event(_ event: OutboxEvent) {
        beginObject()
        field("id", event.id)
        field("sequence", event.sequence)
        field("type", event.type)
        field("payment_id", event.paymentId)
        field("at", event.at.iso8601)
        key("data")
        if event.payloadJSON.isEmpty { null() } else { raw(event.payloadJSON) }
        endObject()
    }
}

extension PaymentRecord {
    /// The payment as intake accepted it: `queued` (or `held`, a suspected duplicate; `pending_approval`;
    /// `scheduled`, waiting for its execution day, a cut-off or a release plan), never tried,
    /// as old as it is. Intake answers with this, and an idempotent replay answers with it again, so
    /// a replay is exactly the first answer whatever happened since; the current state is what
    /// `GET /v1/payments/{id}` shows.
    public var asAccepted: PaymentRecord {
        var record = self
        record.status = status == .held && holdReason != nil ? .held
            : approval != nil ? .pendingApproval
            : status == .scheduled ? .scheduled : .queued
        record.attempts = 0
        record.lastError = nil
        record.bankStatus = nil
        record.reasonCode = nil
        record.reasonText = nil
        record.updatedAt = createdAt
        return record
    }
}

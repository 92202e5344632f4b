/// A message encoded for a bank, ready for a transport.
public struct EncodedMessage: Hashable, Sendable {
    /// The message type, e.g. `pain.001.001.09`.
    public var kind: String
    /// The MIME type to send it with.
    public var contentType: String
    /// A file name for host-to-host exchange and for the archive.
    public var fileName: String
    /// The exact bytes that go to the bank.
    public var bytes: [UInt8]
    /// A query an HTTP transport appends to the URL (ICBC: `userID=…&PackageID=…&SendTime=…`), without `?`.
    public var urlQuery: String?
    /// The debtor account the message acts for, set by the dispatcher on what it hands to a
    /// ``MessageSigner`` (a key signs only for the accounts it is bound to); nil elsewhere, and
    /// never part of the bytes.
    public var debtorAccountId: String?

    public init(kind: String, contentType: String, fileName: String, bytes: [UInt8], urlQuery: String? = nil) {
        self.kind = kind
        self.contentType = contentType
        self.fileName = fileName
        self.bytes = bytes
        self.urlQuery = urlQuery
    }
}

/// What a bank adapter can do.
public enum AdapterCapability: String, Hashable, Sendable, Codable {
    case payment, batchPayment, payroll, statusQuery, balance, statement, receipts
}

/// How the engine must treat an answer or a failure of one send. Each adapter decides this from a table.
public enum SendDisposition: Hashable, Sendable {
    /// The bank answered with a status report: apply it.
    case report
    /// The bank refused the message before processing it (busy, maintenance, throttled): send again later.
    case retryLater(String)
    /// The bank refused the message for good (malformed, not authorised): fail the payments.
    case fatal(String)
    /// The answer proves nothing either way: the payment is `unknown` until a status query settles it.
    case unknown(String)
}

/// A bank's wire format as a pure codec: payments to bytes, bytes to outcomes. No I/O here.
public protocol BankAdapter: Sendable {
    /// The adapter's name as configured (`adapter = "iso20022"`).
    var name: String { get }
    /// What the adapter can do.
    var capabilities: Set<AdapterCapability> { get }
    /// At most this many transfers in one message.
    var maxTransfersPerMessage: Int { get }
    /// The most digits one amount may have in the bank's message, counted in minor units (ISO
    /// 20022: 18 total digits).
    var maxAmountDigits: Int { get }
    /// The most digits a message's control sum (the total of its transfers) may have.
    var maxControlSumDigits: Int { get }
    /// How long the bank remembers a message id for its own duplicate check, in milliseconds.
    /// A payment whose outcome has been unknown for longer than this is never resent automatically.
    var duplicateCheckWindowMilliseconds: Int64 { get }
    /// Reason codes with which the bank refuses a message id it has already received. Such a refusal
    /// says the bank has the original, so the engine asks for its status instead of failing the payment.
    var duplicateRefusalReasonCodes: Set<String> { get }
    /// Which optional payment fields the bank's format requires or cannot carry; checked at intake.
    var paymentFieldRequirements: PaymentFieldRequirements { get }
    /// Whether the payment message carries the requested execution date in a field the bank acts on
    /// (ISO 20022 `ReqdExctnDt`): with `honours_execution_date`, a later-dated payment is sent at once.
    var carriesExecutionDate: Bool { get }

    /// The form of the client reference (the transfer's instruction id) the bank's field takes.
    var clientReferenceFormat: ClientReferenceFormat { get }
    /// The kind of the payment messages it writes (`pain.001.001.09`, `CMB.DCPAYMNT` …), stored with each submission.
    var paymentMessageKind: String { get }
    /// What the bank's format cannot carry in one transfer as given (a character outside the
    /// bank's encoding, a text over its byte limit, a field its format needs in this case), checked
    /// at intake so that it is refused before anything is queued; `nil` when it can be sent.
    func intakeProblem(_ transfer: CreditTransfer, debtor: DebtorAccount) -> TransferFieldProblem?

    /// Whether `message` must be signed before it is sealed and sent (ICBC: documents with `<SignTime>`).
    func needsSignature(_ message: EncodedMessage) -> Bool
    /// What the signer signs for `message`: the message itself (ICBC's sign port takes the whole
    /// document), or the form the bank's format defines (an XML signature's canonical `SignedInfo`,
    /// a canonical JSON text). ``seal(_:signature:at:)`` receives the signature of these bytes.
    func signable(_ message: EncodedMessage) throws(AdapterError) -> EncodedMessage
    /// Puts an encoded (and, when needed, signed) message into the bank's transport envelope: ICBC's
    /// form fields, a TCP frame. What it returns are the bytes that are archived and sent.
    func seal(_ message: EncodedMessage, signature: [UInt8]?, at time: Timestamp) throws(AdapterError) -> EncodedMessage
    /// ``seal(_:signature:at:)`` without the payload encryption a bank may add (CMB's cloud API:
    /// SM4): the signed message as a person reads it, what `bankgate messages render` writes.
    func sealedBeforeEncryption(_ message: EncodedMessage, signature: [UInt8]?, at time: Timestamp) throws(AdapterError) -> EncodedMessage

    /// The bytes of a sealed message as archived: the bytes sent, with what must never be stored
    /// blanked (CCB's `PASSWORD`, which its format carries in every message).
    func archivableBytes(_ message: EncodedMessage) -> [UInt8]

    /// Encodes a payment message.
    func encodePayment(_ message: PaymentMessage) throws(AdapterError) -> EncodedMessage
    /// Whether a status query names a whole message or one transfer (``StatusQueryScope``).
    var statusQueryScope: StatusQueryScope { get }
    /// Where each kind of message is POSTed when the bank's transport is HTTP.
    var httpPaths: HTTPPaths { get }
    /// The archive's name for the bank's answers (`pain.002`, `CMB.answer` …).
    var answerKind: String { get }
    /// Over TCP: whether the bytes read are the whole answer (ABC's frame header gives its length);
    /// `false` reads until the bank closes the connection.
    func isCompleteAnswer(_ bytes: [UInt8]) -> Bool

    /// Encodes a status query: for the whole message, or for the one transfer in `query.transfers`
    /// when ``statusQueryScope`` is `.transfer`.
    func encodeStatusQuery(_ query: StatusQuery) throws(AdapterError) -> EncodedMessage
    /// Decides what a synchronous answer to a payment message means (status code and body).
    func disposition(httpStatus: Int, body: [UInt8]) -> SendDisposition
    /// Decodes a status report (a synchronous answer, a status query answer or a file from the inbox).
    func decodeStatusReport(_ bytes: [UInt8]) throws(AdapterError) -> StatusReport
    /// Decodes the synchronous answer to the payment message `sentMessageId`. Formats whose answers
    /// do not repeat our message id (they name each transfer by its client reference) fill it in.
    func decodePaymentAnswer(_ bytes: [UInt8], sentMessageId: String) throws(AdapterError) -> StatusReport
    /// Interprets the answer to a status query.
    func interpretStatusQueryAnswer(httpStatus: Int, body: [UInt8], query: StatusQuery) -> StatusQueryAnswer
}

extension BankAdapter {
    /// ISO 20022's `ActiveOrHistoricCurrencyAndAmount`: 18 total digits.
    public var maxAmountDigits: Int { 18 }
    /// ISO 20022's `CtrlSum` (`DecimalNumber`): 18 total digits.
    public var maxControlSumDigits: Int { 18 }
    /// Nothing required, everything carried.
    public var paymentFieldRequirements: PaymentFieldRequirements { .none }
    /// Not unless the adapter says so: a later-dated payment waits in `scheduled` until its day.
    public var carriesExecutionDate: Bool { false }
    /// `BGI` and 20 letters and digits.
    public var clientReferenceFormat: ClientReferenceFormat { .standard }
    /// The bytes as sent.
    public func archivableBytes(_ message: EncodedMessage) -> [UInt8] { message.bytes }
    /// ``seal(_:signature:at:)``: no payload encryption.
    public func sealedBeforeEncryption(_ message: EncodedMessage, signature: [UInt8]?,
                                       at time: Timestamp) throws(AdapterError) -> EncodedMessage {
        try seal(message, signature: signature, at: time)
    }
    /// Nothing is signed.
    public func needsSignature(_ message: EncodedMessage) -> Bool { false }
    /// The message as encoded.
    public func signable(_ message: EncodedMessage) throws(AdapterError) -> EncodedMessage { message }
    /// The message as encoded: no envelope.
    public func seal(_ message: EncodedMessage, signature: [UInt8]?, at time: Timestamp) throws(AdapterError) -> EncodedMessage {
        message
    }
    /// Nothing beyond the field requirements.
    public func intakeProblem(_ transfer: CreditTransfer, debtor: DebtorAccount) -> TransferFieldProblem? { nil }
    /// One query per message.
    public var statusQueryScope: StatusQueryScope { .message }
    /// `/payments`, `/status`, `/reports`.
    public var httpPaths: HTTPPaths { .separate }
    /// `pain.002`.
    public var answerKind: String { "pain.002" }
    /// Read until the bank closes the connection.
    public func isCompleteAnswer(_ bytes: [UInt8]) -> Bool { false }
    /// The answer is a status report that names our message.
    public func decodePaymentAnswer(_ bytes: [UInt8], sentMessageId: String) throws(AdapterError) -> StatusReport {
        try decodeStatusReport(bytes)
    }
}

/// The form of a bank's client-reference field, which carries each transfer's instruction id.
public enum ClientReferenceFormat: Hashable, Sendable {
    /// `BGI` and 20 upper-case letters and digits (23 characters).
    case standard
    /// 16 digits (CCB `REQUEST_SN`: digits only, at most 16).
    case digits
}

/// A transfer field the bank's format cannot carry as given.
public struct TransferFieldProblem: Hashable, Sendable {
    /// The API field at fault: `creditor.name`, `purpose`, `remittance_info`, `creditor.bank_name` …
    public var field: String
    /// Why, for the client.
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

/// What one status query asks about.
public enum StatusQueryScope: Hashable, Sendable {
    /// The whole message, by its message id (ISO 20022).
    case message
    /// One transfer, by its client reference (CMB `NTQRYSTY` by `YURREF`): the engine asks once per
    /// transfer still open, and the bank's silence about one transfer is about that transfer only.
    case transfer
}

/// Where an HTTP transport POSTs each kind of message, relative to the bank's URL.
public struct HTTPPaths: Hashable, Sendable {
    public var payment: String
    public var statusQuery: String
    public var report: String

    public init(payment: String, statusQuery: String, report: String) {
        self.payment = payment
        self.statusQuery = statusQuery
        self.report = report
    }

    /// A path per kind: `/payments`, `/status`, `/reports` (bankgate's ISO 20022 convention).
    public static let separate = HTTPPaths(payment: "/payments", statusQuery: "/status", report: "/reports")
    /// Everything to the bank's URL itself (a front-end program that reads the function from the message).
    public static let single = HTTPPaths(payment: "", statusQuery: "", report: "")
}

/// One transfer of a message we sent, as a status query names it.
public struct SentTransfer: Hashable, Sendable {
    /// Our stable client reference (the bank's reference field: CMB `YURREF`, BOC `insid` …).
    public var instructionId: String
    /// The client's end-to-end id.
    public var endToEndId: String

    public init(instructionId: String, endToEndId: String) {
        self.instructionId = instructionId
        self.endToEndId = endToEndId
    }
}

/// What the engine knows when it asks the bank about a message it sent.
public struct StatusQuery: Hashable, Sendable {
    /// Our message id (ISO `MsgId`).
    public var originalMessageId: String
    /// The message type sent (`pain.001.001.09`, `CMB.DCPAYMNT` …).
    public var originalKind: String
    /// A fresh id for the query itself.
    public var queryId: String
    /// When the query is made.
    public var createdAt: Timestamp
    /// When the message was first sent: banks that search by date need it.
    public var firstSentAt: Timestamp
    /// The account the message pays from, when known.
    public var debtor: DebtorAccount?
    /// The transfers asked about: all of the message's, or the one a `.transfer`-scope query names.
    public var transfers: [SentTransfer]

    public init(originalMessageId: String, originalKind: String, queryId: String, createdAt: Timestamp,
                firstSentAt: Timestamp, debtor: DebtorAccount? = nil, transfers: [SentTransfer] = []) {
        self.originalMessageId = originalMessageId
        self.originalKind = originalKind
        self.queryId = queryId
        self.createdAt = createdAt
        self.firstSentAt = firstSentAt
        self.debtor = debtor
        self.transfers = transfers
    }
}

/// An adapter could not encode or decode a message.
public struct AdapterError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, for operators. Never contains account numbers.
    public var message: String
    /// The element, field or line at fault, when known.
    public var location: String?

    public init(_ message: String, location: String? = nil) {
        self.message = message
        self.location = location
    }

    public var description: String { location.map { "\(message) (at \($0))" } ?? message }
}

/// What an account report request asks the bank for.
public enum AccountReportKind: String, Hashable, Sendable {
    /// End-of-day statements, one per day of the period (camt.053, MT940).
    case endOfDay = "end_of_day"
    /// The day's intraday report so far, with interim balances (camt.052).
    case intraday
}

/// An adapter whose bank answers statement and balance requests (capabilities `statement`, `balance`).
public protocol AccountReportingAdapter: BankAdapter {
    /// Encodes a request for `kind` reports of `account` for the days `fromDate`…`toDate`
    /// (`YYYY-MM-DD`); `messageName` is the report message the bank should answer with
    /// (`camt.053.001.08`, `camt.052.001.08`, `MT940` …).
    func encodeReportRequest(account: DebtorAccount, kind: AccountReportKind, messageName: String, fromDate: String,
                             toDate: String, requestId: String, createdAt: Timestamp) throws(AdapterError) -> EncodedMessage
    /// Throws when a report answer (a non-empty body of a 2xx answer) must not be trusted: a bank
    /// that signs its reports, and this one's signature is missing or wrong.
    func checkReportAnswer(_ body: [UInt8]) throws(AdapterError)
}

extension AccountReportingAdapter {
    /// Every answer is taken as it is.
    public func checkReportAnswer(_ body: [UInt8]) throws(AdapterError) {}
}

/// Signs bank messages: the signing service of the bank's client (ICBC's NetSafe Client sign port)
/// or a key of ours. What it returns is what the bank's envelope carries (``BankAdapter/seal(_:signature:at:)``).
public protocol MessageSigner: Sendable {
    func sign(_ message: EncodedMessage) async throws(SigningFailure) -> [UInt8]
}

/// A message could not be signed: nothing was sent.
public struct SigningFailure: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    /// The failure comes from the state of our keys (reported lost, revoked, not bound to the
    /// account, no key in force), not from a passing fault: the payments wait, queued and held,
    /// until an operator makes a key usable, instead of being retried until they fail.
    public var holdsPayments: Bool

    public init(_ message: String, holdsPayments: Bool = false) {
        self.message = message
        self.holdsPayments = holdsPayments
    }

    public var description: String { message }
}

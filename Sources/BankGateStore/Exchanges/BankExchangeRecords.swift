public import BankGateCore

/// What an exchange with a bank was about, as the exchange log (银企日志) files it.
public enum BankExchangeKind: String, Sendable, Hashable, CaseIterable {
    /// A payment message sent (and the bank's immediate answer).
    case payment
    /// A status query about a submission.
    case statusQuery = "status_query"
    /// A statement or report request (a pull), its answer and any detail file.
    case statement
    /// A live balance refresh.
    case balance
    /// An electronic-receipt query or document request.
    case receipt
    /// A file picked up from the bank's inbox folder, with no request of bankgate's.
    case inboxFile = "inbox_file"

    /// The archive's exchange values (`bank_messages.exchange`) of the message that opens an
    /// exchange of this kind.
    var openingExchanges: [BankExchange] {
        switch self {
        case .payment: [.payment]
        case .statusQuery: [.statusQuery]
        case .statement: [.statementRequest]
        case .balance: [.balanceRequest]
        case .receipt: [.receiptRequest]
        case .inboxFile: [.inboxFile]
        }
    }

    /// The kind of the exchange a message opening it belongs to (`nil`: an answer).
    init?(opening exchange: BankExchange?, direction: MessageDirection) {
        switch exchange {
        case .payment?: self = .payment
        case .statusQuery?: self = .statusQuery
        case .statementRequest?: self = .statement
        case .balanceRequest?: self = .balance
        case .receiptRequest?: self = .receipt
        case .inboxFile?: self = .inboxFile
        case nil where direction == .outbound: self = .payment
        default: return nil
        }
    }
}

/// How an exchange ended.
public enum BankExchangeOutcome: String, Sendable, Hashable, CaseIterable {
    /// The bank answered (2xx), or an inbox file arrived.
    case ok
    /// The bank answered and its answer rejected payments of the message.
    case rejected
    /// The bank answered with an error (`error_code` `http_<status>`), or nothing could be sent
    /// (`encoding-error`, `signing-error`).
    case error
    /// No answer is archived: a timeout, a connection failure, a message handed over to a file
    /// transport, or an answer still awaited. `error_code` `no_answer`.
    case unknown
}

/// One exchange with a bank: the message that opened it and the answer to it, if any.
public struct BankExchangeEntry: Sendable, Hashable {
    /// `bx_<n>`, `n` the archive id of the message that opened the exchange.
    public var id: String
    public var bankId: String
    public var accountId: String?
    public var kind: BankExchangeKind
    public var outcome: BankExchangeOutcome
    /// `http_<status>`, `encoding-error`, `signing-error`, `no_answer`; `nil` when ok.
    public var errorCode: String?
    public var startedAt: Timestamp
    /// When the answer was archived; `nil` without one (an inbox file: its arrival).
    public var endedAt: Timestamp?
    public var submissionId: String?
    public var attempt: Int?
    /// The payments the exchange was about (a submission's).
    public var paymentIds: [String]
    /// The statements the answer brought (`stm_<n>`).
    public var statementIds: [String]
    /// The opening message (a request, or the inbox file itself).
    public var request: ArchivedMessageSummary
    /// The answer, when one is archived.
    public var answer: ArchivedMessageSummary?

    public init(id: String, bankId: String, accountId: String?, kind: BankExchangeKind, outcome: BankExchangeOutcome,
                errorCode: String?, startedAt: Timestamp, endedAt: Timestamp?, submissionId: String?, attempt: Int?,
                paymentIds: [String], statementIds: [String], request: ArchivedMessageSummary, answer: ArchivedMessageSummary?) {
        self.id = id
        self.bankId = bankId
        self.accountId = accountId
        self.kind = kind
        self.outcome = outcome
        self.errorCode = errorCode
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.submissionId = submissionId
        self.attempt = attempt
        self.paymentIds = paymentIds
        self.statementIds = statementIds
        self.request = request
        self.answer = answer
    }

    /// The archive row of `bx_<n>`, or `nil` for another text.
    public static func row(of id: String) -> Int64? {
        guard id.hasPrefix("bx_"), let row = Int64(id.dropFirst(3)), row > 0 else { return nil }
        return row
    }
}

/// An archived message without its bytes: what the exchange log lists.
public struct ArchivedMessageSummary: Sendable, Hashable {
    public var id: Int64
    public var direction: MessageDirection
    /// `pain.001.001.09`, `camt.053.001.08`, `http-error`…
    public var kind: String
    public var httpStatus: Int?
    public var at: Timestamp
    /// The whole message's size in bytes.
    public var size: Int64

    public init(id: Int64, direction: MessageDirection, kind: String, httpStatus: Int?, at: Timestamp, size: Int64) {
        self.id = id
        self.direction = direction
        self.kind = kind
        self.httpStatus = httpStatus
        self.at = at
        self.size = size
    }
}

/// What the exchange log is asked for. Every filter is optional; `accountIds` narrows to a token's
/// readable accounts (exchanges about no account are then left out).
public struct BankExchangeFilter: Sendable, Hashable {
    public var bankId: String?
    public var accountId: String?
    /// `nil`: every account; otherwise only exchanges about these accounts.
    public var accountIds: [String]?
    public var kind: BankExchangeKind?
    public var outcome: BankExchangeOutcome?
    /// Started at or after.
    public var from: Timestamp?
    /// Started before.
    public var until: Timestamp?
    /// The `next_cursor` of the previous page (newest first).
    public var cursor: String?
    public var limit: Int

    public init(bankId: String? = nil, accountId: String? = nil, accountIds: [String]? = nil, kind: BankExchangeKind? = nil,
                outcome: BankExchangeOutcome? = nil, from: Timestamp? = nil, until: Timestamp? = nil, cursor: String? = nil,
                limit: Int = 50) {
        self.bankId = bankId
        self.accountId = accountId
        self.accountIds = accountIds
        self.kind = kind
        self.outcome = outcome
        self.from = from
        self.until = until
        self.cursor = cursor
        self.limit = limit
    }
}

/// One page of the exchange log, newest first.
public struct BankExchangePage: Sendable, Hashable {
    public var exchanges: [BankExchangeEntry]
    /// `nil` on the last page. A page may hold fewer than `limit` exchanges and still have a next
    /// one when an outcome filter skipped many (the scan per page is bounded).
    public var nextCursor: String?

    public init(exchanges: [BankExchangeEntry], nextCursor: String?) {
        self.exchanges = exchanges
        self.nextCursor = nextCursor
    }
}

/// One exchange with the archived bytes both ways.
public struct BankExchangeDetail: Sendable, Hashable {
    public var exchange: BankExchangeEntry
    /// The opening message, the answer and any further message of the exchange (a detail file),
    /// oldest first, with their bytes.
    public var messages: [ArchivedMessage]

    public init(exchange: BankExchangeEntry, messages: [ArchivedMessage]) {
        self.exchange = exchange
        self.messages = messages
    }
}

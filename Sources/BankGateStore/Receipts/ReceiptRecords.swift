public import BankGateCore

/// Where a kept receipt file comes from.
public enum ReceiptOrigin: String, Sendable, Hashable, CaseIterable {
    /// The bank's own document (PDF, image, OFD …), kept as the bank sent it.
    case bankDocument = "bank_document"
    /// A PDF bankgate rendered from the receipt's data with a receipt template.
    case rendered
}

/// How a receipt was tied to what it proves, strongest first.
public enum ReceiptLinkMethod: String, Sendable, Hashable, CaseIterable {
    /// The receipt's bank serial is the bank transaction's reference.
    case bankSerial = "bank_serial"
    /// The receipt names the payment's client reference (its instruction id).
    case clientReference = "client_reference"
    /// The receipt names the payment's end-to-end id.
    case endToEndId = "end_to_end_id"
    /// Same amount, date and counterparty: confirmed only when it was the one candidate.
    case amountDateCounterparty = "amount_date_counterparty"
}

/// A receipt about to be stored: what the bank said about it and the file kept for it.
public struct ReceiptDraft: Sendable, Hashable {
    public var bankId: String
    public var accountId: String
    /// `YYYY-MM-DD`, the day the bank booked it.
    public var bookingDate: String
    /// Always positive; ``direction`` says which way it went.
    public var amount: Money
    /// `debit` or `credit`.
    public var direction: String
    public var counterpartyName: String?
    public var counterpartyAccount: String?
    public var counterpartyBank: String?
    public var receiptNumber: String?
    public var bankSerial: String?
    public var clientReference: String?
    public var kind: String?
    public var purpose: String?
    /// The kept file's content type, SHA-256 (lowercase hex) and size in bytes.
    public var contentType: String
    public var sha256: String
    public var size: Int64
    public var origin: ReceiptOrigin
    /// The template a rendered receipt was made with.
    public var template: String?
    /// The archived bank message (`bank_messages.id`) the receipt came from.
    public var sourceMessageId: Int64?

    public init(bankId: String, accountId: String, bookingDate: String, amount: Money, direction: String,
                counterpartyName: String? = nil, counterpartyAccount: String? = nil, counterpartyBank: String? = nil,
                receiptNumber: String? = nil, bankSerial: String? = nil, clientReference: String? = nil, kind: String? = nil,
                purpose: String? = nil, contentType: String, sha256: String, size: Int64, origin: ReceiptOrigin,
                template: String? = nil, sourceMessageId: Int64? = nil) {
        self.bankId = bankId
        self.accountId = accountId
        self.bookingDate = bookingDate
        self.amount = amount
        self.direction = direction
        self.counterpartyName = counterpartyName
        self.counterpartyAccount = counterpartyAccount
        self.counterpartyBank = counterpartyBank
        self.receiptNumber = receiptNumber
        self.bankSerial = bankSerial
        self.clientReference = clientReference
        self.kind = kind
        self.purpose = purpose
        self.contentType = contentType
        self.sha256 = sha256
        self.size = size
        self.origin = origin
        self.template = template
        self.sourceMessageId = sourceMessageId
    }

    /// The bank's identity of the receipt within its account: its receipt number, else its serial,
    /// else the kept file's hash.
    public var identity: String {
        if let receiptNumber, !receiptNumber.isEmpty { return "number:\(receiptNumber)" }
        if let bankSerial, !bankSerial.isEmpty { return "serial:\(bankSerial)" }
        return "sha256:\(sha256)"
    }
}

/// A link to store with a receipt: a payment and/or a bank transaction (`btx_<n>`) it proves.
public struct ReceiptLinkDraft: Sendable, Hashable {
    public var paymentId: String?
    public var transactionId: String?
    public var method: ReceiptLinkMethod
    public var confirmed: Bool

    public init(paymentId: String? = nil, transactionId: String? = nil, method: ReceiptLinkMethod, confirmed: Bool) {
        self.paymentId = paymentId
        self.transactionId = transactionId
        self.method = method
        self.confirmed = confirmed
    }
}

/// A stored link of a receipt.
public struct ReceiptLink: Sendable, Hashable {
    public var receiptId: String
    public var paymentId: String?
    /// `btx_<n>`.
    public var transactionId: String?
    public var method: ReceiptLinkMethod
    public var confirmed: Bool
    public var createdAt: Timestamp
}

/// A stored receipt: its id (`rcp_<n>`), what was stored with it, and its links.
public struct ReceiptRecord: Sendable, Hashable {
    public var id: String
    public var draft: ReceiptDraft
    public var createdAt: Timestamp
    public var links: [ReceiptLink]

    /// The row of `id` (`rcp_<n>`), or `nil` when it is not a receipt id.
    public static func rowId(_ id: String) -> Int64? {
        guard id.hasPrefix("rcp_"), let row = Int64(id.dropFirst(4)), row > 0 else { return nil }
        return row
    }
}

/// Which receipts a listing returns; `nil` fields do not filter.
public struct ReceiptFilter: Sendable, Hashable {
    public var accountId: String?
    /// Booking dates `YYYY-MM-DD`, inclusive.
    public var fromDate: String?
    public var toDate: String?
    public var paymentId: String?
    /// `btx_<n>`.
    public var transactionId: String?
    /// `true`: only receipts with a confirmed link; `false`: only those without one.
    public var linked: Bool?
    /// Only receipts of these accounts (a token's tenant or `read_accounts`); `nil`: any.
    public var accountIds: [String]?

    public init(accountId: String? = nil, fromDate: String? = nil, toDate: String? = nil, paymentId: String? = nil,
                transactionId: String? = nil, linked: Bool? = nil) {
        self.accountId = accountId
        self.fromDate = fromDate
        self.toDate = toDate
        self.paymentId = paymentId
        self.transactionId = transactionId
        self.linked = linked
    }
}

/// What ``ReceiptStore/insert(_:links:at:)`` did.
public struct ReceiptInsertResult: Sendable, Hashable {
    /// The stored receipt (the one stored before, for a duplicate), with all its links.
    public var receipt: ReceiptRecord
    /// `false` when the account already had a receipt with the same identity.
    public var inserted: Bool
    /// Links this call added (to a duplicate too, when it found new ones).
    public var addedLinks: Int
}

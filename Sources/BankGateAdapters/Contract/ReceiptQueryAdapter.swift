public import BankGateCore
public import BankGateStatements

/// A receipt document as the bank hands it over: a PDF, an image, or the bank's own data file.
public struct ReceiptDocument: Sendable, Hashable {
    /// `application/pdf`, `image/png`, `image/jpeg`, `application/ofd` …, as the bytes are.
    public var contentType: String
    public var bytes: [UInt8]

    public init(contentType: String, bytes: [UInt8]) {
        self.contentType = contentType
        self.bytes = bytes
    }

    /// A document whose content type is read from its first bytes (for answers that do not state
    /// one): `%PDF-` PDF, the PNG and JPEG signatures, a ZIP (`PK\u{3}\u{4}`) as
    /// `zipContentType` (an OFD is a ZIP), UTF-8 text without control characters other than tab
    /// and line ends as `text/plain; charset=utf-8`, anything else `application/octet-stream`.
    public init(sniffing bytes: [UInt8], zipContentType: String = "application/zip") {
        self.init(contentType: Self.contentType(sniffing: bytes, zipContentType: zipContentType), bytes: bytes)
    }

    /// The content type ``init(sniffing:zipContentType:)`` gives `bytes`.
    public static func contentType(sniffing bytes: [UInt8], zipContentType: String = "application/zip") -> String {
        if bytes.starts(with: Array("%PDF-".utf8)) { return "application/pdf" }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return zipContentType }
        let isText = !bytes.isEmpty && String(validating: bytes, as: UTF8.self) != nil
            && bytes.allSatisfy { $0 >= 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        return isText ? "text/plain; charset=utf-8" : "application/octet-stream"
    }
}

/// One electronic receipt (电子回单) as a bank's receipt query answers it: the structured fields
/// finance needs to file it, and the bank's document when the answer carries one.
///
/// Fields the bank does not give are `nil`; nothing is made up. ``bankSerial`` and
/// ``clientReference`` are what links a receipt to a bank transaction and to a payment.
public struct BankReceipt: Sendable, Hashable {
    /// The bank's receipt number (回单编号), when it gives one.
    public var receiptNumber: String?
    /// The bank's serial of the booking (流水号), as its transaction details give it.
    public var bankSerial: String?
    /// The client reference the payment carried (CMB `YURREF`, ICBC `fSeqno`/`iSeqno` …), when the
    /// receipt names it.
    public var clientReference: String?
    /// The account the receipt is for, as the bank writes it.
    public var accountNumber: String
    /// `YYYY-MM-DD`, the day the bank booked it.
    public var bookingDate: String
    /// The amount, always positive; ``direction`` says which way it went.
    public var amount: Money
    public var direction: CreditDebit
    /// The other party (the creditor of a debit, the debtor of a credit).
    public var counterparty: Counterparty
    /// The counterparty's bank name, as printed on the receipt.
    public var counterpartyBankName: String?
    /// Purpose or remittance text (用途/摘要).
    public var purpose: String?
    /// The bank's kind of receipt (转账回单, 代发回单, 收费回单 …), in its own words or code.
    public var kind: String?
    /// Fields the bank gives beyond these, under its own names, for a receipt template.
    public var extraFields: [String: String]
    /// The document, when the answer carries it; otherwise ``ReceiptQueryAdapter/encodeReceiptDocumentRequest(for:account:queryId:createdAt:)``
    /// asks for it, or the receipt is data only (rendered by bankgate).
    public var document: ReceiptDocument?
    /// What the bank needs to hand over the document of this receipt (a receipt key, a file
    /// name …), opaque to the engine; `nil` when no document is to be asked for.
    public var documentKey: String?

    public init(receiptNumber: String? = nil, bankSerial: String? = nil, clientReference: String? = nil,
                accountNumber: String, bookingDate: String, amount: Money, direction: CreditDebit,
                counterparty: Counterparty = Counterparty(), counterpartyBankName: String? = nil, purpose: String? = nil,
                kind: String? = nil, extraFields: [String: String] = [:], document: ReceiptDocument? = nil,
                documentKey: String? = nil) {
        self.receiptNumber = receiptNumber
        self.bankSerial = bankSerial
        self.clientReference = clientReference
        self.accountNumber = accountNumber
        self.bookingDate = bookingDate
        self.amount = amount
        self.direction = direction
        self.counterparty = counterparty
        self.counterpartyBankName = counterpartyBankName
        self.purpose = purpose
        self.kind = kind
        self.extraFields = extraFields
        self.document = document
        self.documentKey = documentKey
    }
}

/// One page of a receipt query's answer.
public struct ReceiptQueryPage: Sendable, Hashable {
    public var receipts: [BankReceipt]
    /// The key to ask for the next page with, when the bank says there is more.
    public var continuation: String?

    public init(receipts: [BankReceipt], continuation: String? = nil) {
        self.receipts = receipts
        self.continuation = continuation
    }
}

/// An adapter whose bank answers electronic-receipt queries (CMB `SDKCSFDFBRT`, CMB cloud
/// `DCSIGREC`, ICBC `QEBILL`/`DownEBill` …): the receipts of an account for a day, then, where the
/// list does not carry them, each receipt's document.
///
/// A pure codec like the rest of the contract: the engine (the receipts puller) sends what these
/// encode and hands back what the bank answered.
public protocol ReceiptQueryAdapter: BankAdapter {
    /// The most days one receipt query may span.
    var maxReceiptQueryDays: Int { get }
    /// How far the bank's booking day is ahead of UTC, in minutes: a payment the bank executes at
    /// 17:00 UTC is booked on the next day by a bank in China (480). The engine asks for the
    /// receipts of a payment's booking day, and dates its reports, in the bank's days.
    var bookingDayUTCOffsetMinutes: Int { get }
    /// Asks for the receipts of `account` booked from `fromDate` to `toDate` (`YYYY-MM-DD`,
    /// inclusive); `continuation` is the previous page's key.
    func encodeReceiptQuery(account: DebtorAccount, fromDate: String, toDate: String, continuation: String?,
                            queryId: String, createdAt: Timestamp) throws(AdapterError) -> EncodedMessage
    /// Reads a receipt query's answer. A business refusal (no such account, not signed up for
    /// receipts) is an ``AdapterError``; no receipts is an empty page.
    func decodeReceiptQueryPage(_ bytes: [UInt8], account: DebtorAccount) throws(AdapterError) -> ReceiptQueryPage
    /// Asks for the document of `receipt` (its ``BankReceipt/documentKey``); `nil` when the bank has
    /// no document request, or the receipt needs none.
    func encodeReceiptDocumentRequest(for receipt: BankReceipt, account: DebtorAccount, queryId: String,
                                      createdAt: Timestamp) throws(AdapterError) -> EncodedMessage?
    /// Reads the answer to ``encodeReceiptDocumentRequest(for:account:queryId:createdAt:)``.
    func decodeReceiptDocument(_ bytes: [UInt8]) throws(AdapterError) -> ReceiptDocument
}

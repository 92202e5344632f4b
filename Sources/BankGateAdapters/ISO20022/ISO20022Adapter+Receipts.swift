public import BankGateCore
import BankGateStatements

/// Receipts from ISO 20022 banks: the debit and credit notifications of a day (camt.054), asked for
/// with the same account reporting request (camt.060) as statements. Each booked entry is one
/// receipt given as data (bankgate renders its PDF); the bank's own receipt documents are not part
/// of the ISO 20022 messages (a profile that delivers them would add a document request).
extension ISO20022Adapter: ReceiptQueryAdapter {
    /// The notification message asked for.
    public static let receiptMessageName = "camt.054.001.08"

    /// A month, as for statements.
    public var maxReceiptQueryDays: Int { 31 }
    /// UTC days (assumed: the booking date of a camt entry is the bank's own day; a bank keeping
    /// its books in another zone would state it here).
    public var bookingDayUTCOffsetMinutes: Int { 0 }

    /// A camt.060 asking for the camt.054 notifications of `fromDate`…`toDate`. No pages: `continuation`
    /// is not used.
    public func encodeReceiptQuery(account: DebtorAccount, fromDate: String, toDate: String, continuation: String?,
                                   queryId: String, createdAt: Timestamp) throws(AdapterError) -> EncodedMessage {
        try encodeReportRequest(account: account, kind: .endOfDay, messageName: Self.receiptMessageName, fromDate: fromDate,
                                toDate: toDate, requestId: queryId, createdAt: createdAt)
    }

    /// The booked entries of the camt.054 answer about `account`, one receipt each: the account
    /// servicer's reference as the bank serial (and as the receipt number: camt.054 has none of
    /// its own), the instruction id as our reference (bankgate's own, unique per transfer; else the
    /// end-to-end id, kept under `EndToEndId` too), the counterparty,
    /// remittance text as the purpose, the bank transaction code as the kind. An empty body (the
    /// bank's 204: nothing booked) is no receipts; pending and information entries are no receipts.
    /// - Throws: ``AdapterError`` for a document that is not camt.054, is about another account, or
    ///   cannot be read (with `bank_certificate`: not signed by the bank).
    public func decodeReceiptQueryPage(_ bytes: [UInt8], account: DebtorAccount) throws(AdapterError) -> ReceiptQueryPage {
        guard !bytes.isEmpty else { return ReceiptQueryPage(receipts: []) }
        try checkAnswerSignature(bytes)
        var collector = NotificationCollector()
        do {
            try StatementParser.parse(bytes: bytes, format: .camt, visitor: &collector)
        } catch let error as StatementError {
            throw AdapterError("the notification cannot be read: \(error)", location: error.line.map { "line \($0)" })
        } catch {
            throw AdapterError("the notification cannot be read: \(error)")
        }
        guard collector.formats.allSatisfy({ $0 == .camt054 }) else {
            throw AdapterError("not a camt.054 notification (\(collector.formats.map(\.rawValue).joined(separator: ", ")))",
                               location: "Document")
        }
        var receipts: [BankReceipt] = []
        for entry in collector.entries where entry.status == .booked {
            guard entry.account.identifier == account.number else {
                throw AdapterError("the notification is about account \(entry.account.identifier), not \(account.number)",
                                   location: "Ntfctn/Acct")
            }
            guard let bookingDate = entry.bookingDate else {
                throw AdapterError("a booked entry without a booking date", location: "Ntry (line \(entry.source.line))")
            }
            var extra: [String: String] = [:]
            if let reference = entry.bankReference { extra["NtryRef"] = reference }
            if let valueDate = entry.valueDate { extra["ValDt"] = valueDate }
            if let message = entry.messageId { extra["MsgId"] = message }
            if let endToEnd = entry.endToEndId { extra["EndToEndId"] = endToEnd }
            if entry.isReversal { extra["RvslInd"] = "true" }
            receipts.append(BankReceipt(
                receiptNumber: entry.accountServicerReference, bankSerial: entry.accountServicerReference,
                clientReference: entry.instructionId ?? entry.endToEndId, accountNumber: account.number,
                bookingDate: bookingDate, amount: entry.amount, direction: entry.creditDebit,
                counterparty: entry.counterparty, purpose: entry.remittanceInformation ?? entry.additionalInformation,
                kind: Self.kind(of: entry.transactionCode, direction: entry.creditDebit), extraFields: extra))
        }
        return ReceiptQueryPage(receipts: receipts)
    }

    /// No document request: camt.054 receipts are data.
    public func encodeReceiptDocumentRequest(for receipt: BankReceipt, account: DebtorAccount, queryId: String,
                                             createdAt: Timestamp) throws(AdapterError) -> EncodedMessage? {
        nil
    }

    public func decodeReceiptDocument(_ bytes: [UInt8]) throws(AdapterError) -> ReceiptDocument {
        throw AdapterError("ISO 20022 banks deliver receipts as camt.054 data, not documents")
    }

    /// `Debit notification (PMNT/ICDT/ESCT)`, from the entry's bank transaction code.
    static func kind(of code: BankTransactionCode, direction: CreditDebit) -> String {
        let name = direction == .debit ? "Debit notification" : "Credit notification"
        let parts = [code.domain, code.family, code.subFamily].compactMap { $0 }
        if !parts.isEmpty { return "\(name) (\(parts.joined(separator: "/")))" }
        return code.proprietary.map { "\(name) (\($0))" } ?? name
    }
}

/// Collects what a camt document holds: its statements' formats and their entries.
struct NotificationCollector: StatementVisitor {
    var formats: [StatementFormat] = []
    var entries: [StatementTransaction] = []

    mutating func beginStatement(_ header: StatementHeader) throws { formats.append(header.format) }
    mutating func transaction(_ transaction: StatementTransaction) throws { entries.append(transaction) }
    mutating func endStatement(_ header: StatementHeader, summary: StatementSummary) throws {}
}

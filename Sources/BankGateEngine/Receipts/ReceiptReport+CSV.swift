import BankGateCore
import BankGateStore

extension ReceiptReport {
    /// The report as CSV (RFC 4180: a header, CRLF line ends, fields with a comma, quote or line
    /// break quoted; UTF-8), one row per item, `kind` saying which: `payment` and `transaction`
    /// (expected: state `linked`, `pending` or `missing`, with the reason), `receipt` (received:
    /// state `linked` or `unlinked`) and `pull` (state `ok` or `failed`, the reason its error).
    /// Text a spreadsheet would take for a formula gets a leading `'` (names come from bank data).
    public var csv: String {
        var rows: [[String]] = [Self.csvHeader]
        for status in expected {
            let item = status.item
            rows.append([item.kind.rawValue, item.id, date, item.amount.decimalString, item.amount.currency.code,
                         item.counterpartyName ?? "", item.reference ?? "", status.state.rawValue,
                         status.reason?.rawValue ?? "", status.reasonText ?? "", item.receiptId ?? "", item.since.iso8601Seconds])
        }
        for receipt in received {
            let draft = receipt.draft
            let signed = draft.direction == "debit" ? -draft.amount.minorUnits : draft.amount.minorUnits
            let linked = receipt.links.filter(\.confirmed).map { $0.paymentId ?? $0.transactionId ?? "" }
            rows.append(["receipt", receipt.id, draft.bookingDate, Money(minorUnits: signed, currency: draft.amount.currency).decimalString,
                         draft.amount.currency.code, draft.counterpartyName ?? "", draft.receiptNumber ?? draft.bankSerial ?? "",
                         linked.isEmpty ? "unlinked" : "linked", "", linked.joined(separator: " "), receipt.id,
                         receipt.createdAt.iso8601Seconds])
        }
        for pull in pulls {
            rows.append(["pull", pull.id, pull.bookingDate, "", "", "", pull.trigger.rawValue, pull.outcome, pull.errorCode ?? "",
                         pull.succeeded ? "\(pull.listed) listed, \(pull.newReceipts) new" : (pull.errorMessage ?? ""), "",
                         pull.startedAt.iso8601Seconds])
        }
        var text = ""
        for row in rows {
            text += row.enumerated().map { column, field in Self.csvField(field, isAmount: column == 3) }.joined(separator: ",")
            text += "\r\n"
        }
        return text
    }

    /// The CSV columns.
    public static let csvHeader = ["kind", "id", "booking_date", "amount", "currency", "counterparty", "reference", "state",
                                   "reason", "detail", "receipt_id", "at"]

    /// One field, neutralised and quoted as needed.
    static func csvField(_ field: String, isAmount: Bool) -> String {
        CSVField.escape(field, neutralizingFormulas: !isAmount)
    }
}

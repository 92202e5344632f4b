public import BankGateCore

/// The output of `bankgate statements parse`: a ``StatementVisitor`` that writes each statement and
/// entry as it is read, as JSON lines or as readable text, and a summary at the end.
///
/// Nothing is buffered beyond the current line: `write` is called with one complete line (ending
/// in `\n`) per entry, so a 500 MB statement prints in constant memory. Call ``finish()`` after the
/// parse to write the summary. ``utf8(mode:write:)`` hands over each line as UTF-8 bytes instead
/// of a `String`: the CLI's path, where an entry's JSON line is written without allocating.
///
/// **JSON lines.** Every line is one object with a `"type"`:
/// - `"transaction"`: every normalized field in snake case; `amount` is a signed decimal string
///   (negative for debits), `credit_debit` is `CRDT`/`DBIT`, `status` `booked`/`pending`/`info`,
///   `bank_transaction_code` an object `{domain, family, sub_family, proprietary, proprietary_issuer}`.
/// - `"statement"`: written at the statement's *end* (after its transactions), when the closing
///   balance and the integrity check are known: `id`, `account`, `currency`, `opening_balance`,
///   `closing_balance` (signed decimal strings or null), `integrity` (`consistent`, `inconsistent`,
///   `not_applicable`) with `expected_closing_balance`/`stated_closing_balance` (null unless
///   inconsistent), `format`, `message_id`, `electronic_sequence`, `legal_sequence`, `entries` and more,
///   and `warnings`: what the reader accepted beyond the standard, each `{code, message, line, count}`.
/// - `"summary"`, the last line: `statements`, `entries`, `sums` per currency (`credits`, `debits`,
///   `credit_count`, `debit_count`, over entries of every status), `inconsistent_statements` (a
///   count, with `inconsistent_statement_ids`), and `accounts`: per account the first statement's
///   opening and the last statement's closing balance; `warnings`, the number of warnings.
///
/// ``inconsistencies`` lists the statements whose balances do not add up, for the caller's exit status.
public struct StatementLinePrinter: StatementVisitor {
    /// Text for people or JSON lines for programs.
    public enum Mode: String, Sendable, Hashable {
        case text
        case jsonLines = "json"
    }

    private struct Sums {
        var currency: Currency
        var credits: Int64 = 0
        var debits: Int64 = 0
        var creditCount = 0
        var debitCount = 0
    }

    private struct AccountBalances {
        var account: String
        var currency: Currency?
        var opening: StatementBalance?
        var closing: StatementBalance?
    }

    /// Where the lines go: as `String`s, or as bytes valid during the call.
    private enum Sink {
        case lines((String) -> Void)
        case bytes((UnsafeBufferPointer<UInt8>) -> Void)
    }

    public let mode: Mode
    private let sink: Sink
    /// The entry line being written, reused from entry to entry.
    private let line = StatementJSONLine(capacity: 2048)
    private var statements = 0
    private var entries = 0
    private var sums: [Sums] = []
    private var inconsistent: [String] = []
    private var warnings = 0
    /// The statements read so far whose balances (or MT942 totals) do not add up, in file order.
    public private(set) var inconsistencies: [StatementInconsistency] = []
    private var accounts: [AccountBalances] = []
    /// The currency of the current statement's first entry, for statements that state none.
    private var entryCurrency: Currency?

    /// - Parameters:
    ///   - mode: text or JSON lines.
    ///   - write: receives each output line, ending in `\n`.
    public init(mode: Mode, write: @escaping (String) -> Void) {
        self.mode = mode
        self.sink = .lines(write)
    }

    private init(mode: Mode, sink: Sink) {
        self.mode = mode
        self.sink = sink
    }

    /// A printer that hands over each line as UTF-8 bytes rather than a `String`.
    /// - Parameters:
    ///   - mode: text or JSON lines.
    ///   - write: receives each output line as UTF-8, ending in `\n`; the bytes are valid only
    ///     during the call (copy them, or write them out).
    public static func utf8(mode: Mode, write: @escaping (UnsafeBufferPointer<UInt8>) -> Void) -> StatementLinePrinter {
        StatementLinePrinter(mode: mode, sink: .bytes(write))
    }

    /// Hands one line to the sink.
    private func write(_ text: String) {
        switch sink {
        case .lines(let write): write(text)
        case .bytes(let write):
            var text = text
            text.withUTF8 { write($0) }
        }
    }

    /// Hands one line, already UTF-8, to the sink.
    private func write(bytes: UnsafeBufferPointer<UInt8>) {
        switch sink {
        case .lines(let write): write(String(decoding: bytes, as: UTF8.self))
        case .bytes(let write): write(bytes)
        }
    }

    public mutating func beginStatement(_ header: StatementHeader) throws {
        entryCurrency = nil
        guard mode == .text else { return }
        var line = "Statement \(header.statementId) (\(header.formatVersion ?? header.format.rawValue)), account "
            + header.account.identifier
        if let currency = header.account.currency { line += " \(currency)" }
        line += ", message \(header.messageId)"
        if let opening = header.openingBalance { line += ", opening \(opening.amount) on \(opening.date)" }
        write(line + "\n")
    }

    public mutating func transaction(_ transaction: StatementTransaction) throws {
        entries += 1
        if entryCurrency == nil { entryCurrency = transaction.amount.currency }
        let currency = transaction.amount.currency
        var index = sums.firstIndex { $0.currency == currency }
        if index == nil {
            sums.append(Sums(currency: currency))
            index = sums.count - 1
        }
        if transaction.creditDebit == .credit {
            sums[index!].credits &+= transaction.amount.minorUnits
            sums[index!].creditCount += 1
        } else {
            sums[index!].debits &+= transaction.amount.minorUnits
            sums[index!].debitCount += 1
        }
        switch mode {
        case .jsonLines:
            line.reset()
            Self.writeJSON(transaction, into: line)
            write(bytes: line.bytes)
        case .text: write(Self.text(transaction) + "\n")
        }
    }

    public mutating func endStatement(_ header: StatementHeader, summary: StatementSummary) throws {
        statements += 1
        let currency = header.account.currency.flatMap(Currency.init(code:)) ?? header.openingBalance?.amount.currency
            ?? header.closingBalance?.amount.currency ?? entryCurrency
        if case .inconsistent(let expected, let stated) = summary.integrity {
            inconsistent.append(header.statementId)
            inconsistencies.append(StatementInconsistency(statementId: header.statementId, format: header.format,
                                                          expected: expected, stated: stated, currency: currency))
        }
        warnings += header.warnings.reduce(0) { $0 + $1.count }
        if let index = accounts.firstIndex(where: { $0.account == header.account.identifier }) {
            accounts[index].closing = header.closingBalance
            if accounts[index].currency == nil { accounts[index].currency = currency }
        } else {
            accounts.append(AccountBalances(account: header.account.identifier, currency: currency,
                                            opening: header.openingBalance, closing: header.closingBalance))
        }
        switch mode {
        case .jsonLines: write(Self.json(header, summary: summary, currency: currency) + "\n")
        case .text: write(Self.text(header, summary: summary, currency: currency) + "\n")
        }
    }

    /// Writes the summary line; call once after the parse.
    public mutating func finish() {
        switch mode {
        case .jsonLines: write(jsonSummary() + "\n")
        case .text: write(textSummary() + "\n")
        }
    }

    // MARK: - JSON

    /// One transaction's JSON object, without the newline.
    static func json(_ transaction: StatementTransaction) -> String {
        let line = StatementJSONLine(capacity: 1024)
        writeJSON(transaction, into: line)
        return String(decoding: line.bytes.dropLast(), as: UTF8.self)
    }

    /// Writes `transaction` as one JSON line, ending in `\n`, into `line`: the fields listed in the
    /// type's documentation, always all of them and in this order, so the keys (with their commas) are
    /// literals and only the values are escaped.
    static func writeJSON(_ transaction: StatementTransaction, into line: StatementJSONLine) {
        line.literal(#"{"type":"transaction","account":"#)
        line.string(transaction.account.identifier)
        line.literal(#","statement_id":"#)
        line.string(transaction.statementId)
        line.literal(#","sequence":"#)
        line.integer(transaction.sequence)
        line.literal(#","booking_date":"#)
        line.string(transaction.bookingDate)
        line.literal(#","value_date":"#)
        line.string(transaction.valueDate)
        line.literal(#","amount":"#)
        line.amount(transaction.signedMinorUnits, exponent: transaction.amount.currency.exponent)
        line.literal(#","currency":"#)
        line.string(transaction.amount.currency.code)
        line.literal(#","credit_debit":"#)
        line.string(transaction.creditDebit.rawValue)
        line.literal(#","reversal":"#)
        line.bool(transaction.isReversal)
        line.literal(#","status":"#)
        line.string(transaction.status.rawValue)
        line.literal(#","bank_reference":"#)
        line.string(transaction.bankReference)
        line.literal(#","account_servicer_reference":"#)
        line.string(transaction.accountServicerReference)
        line.literal(#","end_to_end_id":"#)
        line.string(transaction.endToEndId)
        line.literal(#","instruction_id":"#)
        line.string(transaction.instructionId)
        line.literal(#","message_id":"#)
        line.string(transaction.messageId)
        line.literal(#","payment_information_id":"#)
        line.string(transaction.paymentInformationId)
        line.literal(#","uetr":"#)
        line.string(transaction.uetr)
        line.literal(#","counterparty_name":"#)
        line.string(transaction.counterparty.name)
        line.literal(#","counterparty_account":"#)
        line.string(transaction.counterparty.account)
        line.literal(#","counterparty_bank":"#)
        line.string(transaction.counterparty.bankCode)
        line.literal(#","remittance_information":"#)
        line.string(transaction.remittanceInformation)
        line.literal(#","structured_reference":"#)
        line.string(transaction.structuredReference)
        line.literal(#","bank_transaction_code":{"domain":"#)
        line.string(transaction.transactionCode.domain)
        line.literal(#","family":"#)
        line.string(transaction.transactionCode.family)
        line.literal(#","sub_family":"#)
        line.string(transaction.transactionCode.subFamily)
        line.literal(#","proprietary":"#)
        line.string(transaction.transactionCode.proprietary)
        line.literal(#","proprietary_issuer":"#)
        line.string(transaction.transactionCode.proprietaryIssuer)
        line.literal(#"},"balance_after":"#)
        if let balance = transaction.balanceAfter {
            line.amount(balance.minorUnits, exponent: balance.currency.exponent)
        } else {
            line.literal("null")
        }
        line.literal(#","additional_information":"#)
        line.string(transaction.additionalInformation)
        line.literal(#","supplementary_details":"#)
        line.string(transaction.supplementaryDetails)
        line.literal(#","source_line":"#)
        line.integer(transaction.source.line)
        line.literal(#","source_path":"#)
        line.string(transaction.source.path)
        line.literal("}\n")
    }

    static func json(_ header: StatementHeader, summary: StatementSummary, currency: Currency?) -> String {
        let decimal: (Int64) -> String? = { minor in
            currency.map { Money(minorUnits: minor, currency: $0).decimalString }
        }
        var json = JSONWriter(capacity: 1024)
        json.beginObject()
        json.field("type", "statement")
        json.field("format", header.format.rawValue)
        json.field("format_version", header.formatVersion)
        json.field("message_id", header.messageId)
        json.field("id", header.statementId)
        json.field("account", header.account.identifier)
        json.field("servicer_bic", header.account.servicerBIC)
        json.field("currency", currency?.code)
        json.field("electronic_sequence", header.electronicSequence)
        json.field("legal_sequence", header.legalSequence)
        json.field("page", header.page)
        json.field("created_at", header.createdAt)
        json.field("from_date", header.fromDate)
        json.field("to_date", header.toDate)
        json.field("opening_balance", header.openingBalance?.amount.decimalString)
        json.field("opening_date", header.openingBalance?.date)
        json.field("closing_balance", header.closingBalance?.amount.decimalString)
        json.field("closing_date", header.closingBalance?.date)
        json.key("balances")
        json.beginArray()
        for balance in header.balances {
            json.beginObject()
            json.field("type", balance.type)
            json.field("amount", balance.amount.decimalString)
            json.field("currency", balance.amount.currency.code)
            json.field("date", balance.date)
            json.key("intermediate")
            json.bool(balance.isIntermediate)
            json.endObject()
        }
        json.endArray()
        json.field("entries", summary.entries)
        json.field("booked_credits", decimal(summary.bookedCredits))
        json.field("booked_debits", decimal(summary.bookedDebits))
        json.field("pending_credits", decimal(summary.pendingCredits))
        json.field("pending_debits", decimal(summary.pendingDebits))
        json.field("integrity", summary.integrity.label)
        switch summary.integrity {
        case .consistent:
            json.field("integrity_reason", nil as String?)
            json.field("expected_closing_balance", nil as String?)
            json.field("stated_closing_balance", nil as String?)
        case .inconsistent(let expected, let stated):
            json.field("integrity_reason", nil as String?)
            json.field("expected_closing_balance", decimal(expected))
            json.field("stated_closing_balance", decimal(stated))
        case .notApplicable(let reason):
            json.field("integrity_reason", reason)
            json.field("expected_closing_balance", nil as String?)
            json.field("stated_closing_balance", nil as String?)
        }
        json.key("warnings")
        json.beginArray()
        for warning in header.warnings {
            json.beginObject()
            json.field("code", warning.code.rawValue)
            json.field("message", warning.message)
            json.field("line", warning.line)
            json.field("count", warning.count)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json.text
    }

    private func jsonSummary() -> String {
        var json = JSONWriter(capacity: 512)
        json.beginObject()
        json.field("type", "summary")
        json.field("statements", statements)
        json.field("entries", entries)
        json.key("sums")
        json.beginArray()
        for sum in sums {
            json.beginObject()
            json.field("currency", sum.currency.code)
            json.field("credits", Money(minorUnits: sum.credits, currency: sum.currency).decimalString)
            json.field("debits", Money(minorUnits: sum.debits, currency: sum.currency).decimalString)
            json.field("credit_count", sum.creditCount)
            json.field("debit_count", sum.debitCount)
            json.endObject()
        }
        json.endArray()
        json.field("inconsistent_statements", inconsistent.count)
        json.field("warnings", warnings)
        json.key("inconsistent_statement_ids")
        json.beginArray()
        for id in inconsistent { json.string(id) }
        json.endArray()
        json.key("accounts")
        json.beginArray()
        for account in accounts {
            json.beginObject()
            json.field("account", account.account)
            json.field("currency", account.currency?.code)
            json.field("opening_balance", account.opening?.amount.decimalString)
            json.field("opening_date", account.opening?.date)
            json.field("closing_balance", account.closing?.amount.decimalString)
            json.field("closing_date", account.closing?.date)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json.text
    }

    // MARK: - Text

    static func text(_ transaction: StatementTransaction) -> String {
        let amount = Money(minorUnits: transaction.signedMinorUnits, currency: transaction.amount.currency)
        let signed = (transaction.signedMinorUnits > 0 ? "+" : "") + amount.decimalString
        let amountColumn = String(repeating: " ", count: max(0, 16 - signed.count)) + signed + " " + amount.currency.code
        var columns = ["  #\(transaction.sequence)".padded(6), (transaction.bookingDate ?? "-").padded(10),
                       (transaction.valueDate ?? "-").padded(10), amountColumn, transaction.status.rawValue.padded(7)]
        if transaction.isReversal { columns.append("reversal") }
        let details = [transaction.counterparty.name, transaction.endToEndId ?? transaction.instructionId,
                       transaction.remittanceInformation ?? transaction.structuredReference].compactMap { $0 }
        columns.append(contentsOf: details)
        return columns.joined(separator: "  ")
    }

    static func text(_ header: StatementHeader, summary: StatementSummary, currency: Currency?) -> String {
        var line = "  end of \(header.statementId): \(summary.entries) entries"
        if let closing = header.closingBalance { line += ", closing \(closing.amount) on \(closing.date)" }
        switch summary.integrity {
        case .consistent: line += ", balances consistent"
        case .inconsistent(let expected, let stated):
            line += ", INCONSISTENT: " + StatementInconsistency(statementId: header.statementId, format: header.format,
                                                                 expected: expected, stated: stated,
                                                                 currency: currency).difference
        case .notApplicable(let reason): line += ", balances not checked (\(reason))"
        }
        for warning in header.warnings { line += "\n  warning [\(warning.code)]: \(warning)" }
        return line
    }

    private func textSummary() -> String {
        var lines = ["Summary: \(statements) statement(s), \(entries) entries, \(inconsistent.count) inconsistent"
                     + (inconsistent.isEmpty ? "" : " (\(inconsistent.joined(separator: ", ")))")
                     + (warnings == 0 ? "" : ", \(warnings) warning(s)")]
        for sum in sums {
            let credits = Money(minorUnits: sum.credits, currency: sum.currency).decimalString
            let debits = Money(minorUnits: sum.debits, currency: sum.currency).decimalString
            lines.append("  \(sum.currency.code): credits \(credits) (\(sum.creditCount)), "
                         + "debits \(debits) (\(sum.debitCount))")
        }
        for account in accounts {
            let opening = account.opening.map { "\($0.amount) on \($0.date)" } ?? "-"
            let closing = account.closing.map { "\($0.amount) on \($0.date)" } ?? "-"
            lines.append("  \(account.account): opening \(opening), closing \(closing)")
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    /// Padded with spaces to `width` characters.
    fileprivate func padded(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}

/// A statement whose balances do not add up: opening + entries ≠ closing, or for an MT942 the entries
/// ≠ the `:90D:`/`:90C:` totals.
public struct StatementInconsistency: Sendable, Hashable {
    public var statementId: String
    public var format: StatementFormat
    /// Minor units: opening + entries (MT942: the entries' net sum).
    public var expected: Int64
    /// Minor units: the stated closing balance (MT942: the totals' net sum).
    public var stated: Int64
    /// The currency of the amounts, when known.
    public var currency: Currency?

    /// `opening + entries = 70.00, stated closing 75.00 (difference 5.00)`.
    public var difference: String {
        let format: (Int64) -> String = { minor in
            currency.map { Money(minorUnits: minor, currency: $0).decimalString } ?? String(minor)
        }
        let (delta, _) = stated.subtractingReportingOverflow(expected)
        if self.format == .mt942 {
            return "entries net \(format(expected)), :90C:/:90D: totals net \(format(stated))"
                + (delta == 0 ? " (the numbers of entries differ)" : " (difference \(format(delta)))")
        }
        return "opening + entries = \(format(expected)), stated closing \(format(stated)) (difference \(format(delta)))"
    }
}

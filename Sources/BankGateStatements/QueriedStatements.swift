public import BankGateCore

/// Statements assembled from a bank's answers to balance and transaction-detail queries (banks that
/// answer queries rather than deliver statement files: CMB, ICBC, CCB, BOC, ABC), written as camt so
/// they enter the same import as every other statement: one identity per entry, matching,
/// reconciliation, the ledger feed.
///
/// Balances come only from what the bank said, never from guesses:
/// - a day with entries that carry the running balance (余额) opens at the first entry's balance
///   before it and closes at the last entry's balance;
/// - the previous day's closing balance from a balance query (`PRCD`) anchors that day;
/// - a day without entries closes where its neighbour opens or the day before closes;
/// - from a known balance the day's booked entries lead to the other end.
/// A day whose balances cannot be derived so is left out (``Assembly/undetermined``), so that a
/// gap shows rather than a statement that merely looks complete.
public enum QueriedStatements {
    /// What was assembled.
    public struct Assembly: Sendable, Hashable {
        /// The camt document (UTF-8); empty when no statement could be written.
        public var document: [UInt8]
        /// The days written as statements (end of day) or the day of the report (intraday).
        public var days: [String]
        /// Days of the range whose balances could not be derived from the answers.
        public var undetermined: [String]
    }

    /// End-of-day statements (camt.053.001.08), one per day from `fromDate` to `toDate` whose
    /// opening and closing balances follow from the answers.
    /// - Parameters:
    ///   - transactions: the entries the bank gave for the range, in its order.
    ///   - balances: balances from a balance query (`PRCD` dated the day before the query).
    ///   - messageId: the document's message id (the pull's id: each pull is a new message).
    public static func endOfDay(account: DebtorAccount, fromDate: String, toDate: String,
                                transactions: [StatementTransaction], balances: [StatementBalance],
                                messageId: String, createdAt: Timestamp) throws(StatementError) -> Assembly {
        var days: [String] = []
        var day = fromDate
        while day <= toDate, days.count < 400 {
            days.append(day)
            guard let next = DateArithmetic.adding(days: 1, to: day) else { break }
            day = next
        }
        let entriesByDay = Dictionary(grouping: transactions) { $0.bookingDate ?? $0.valueDate ?? "" }
        let ledger = DayBalances(days: days, entries: entriesByDay, anchors: balances.filter { $0.type == "PRCD" })

        var writer = try CamtStatementWriter(format: .camt053)
        writer.beginDocument(messageId: messageId, createdAt: createdAt.iso8601Seconds)
        var written: [String] = []
        var undetermined: [String] = []
        for (index, day) in days.enumerated() {
            guard let opening = ledger.opening[index], let closing = ledger.closing[index] else {
                undetermined.append(day)
                continue
            }
            let compact = String(day.unicodeScalars.filter { $0 != "-" })
            let header = StatementHeader(
                format: .camt053, messageId: messageId, statementId: statementId(day: compact, account: account),
                account: StatementAccount(identifier: account.number, currency: account.currency.code),
                createdAt: createdAt.iso8601Seconds, fromDate: day, toDate: day,
                balances: [StatementBalance(type: "OPBD", amount: Money(minorUnits: opening, currency: account.currency), date: day),
                           StatementBalance(type: "CLBD", amount: Money(minorUnits: closing, currency: account.currency), date: day)])
            try writer.beginStatement(header)
            for entry in entriesByDay[day] ?? [] { try writer.entry(entry) }
            writer.endStatement()
            written.append(day)
        }
        writer.endDocument()
        return Assembly(document: written.isEmpty ? [] : writer.takeOutput(), days: written, undetermined: undetermined)
    }

    /// Today's intraday report (camt.052.001.08): the entries booked so far, the current booked and
    /// available balances (`ITBD`, `ITAV`) and, when known, the opening balance (`OPBD`).
    public static func intraday(account: DebtorAccount, date: String, transactions: [StatementTransaction],
                                balances: [StatementBalance], messageId: String,
                                createdAt: Timestamp) throws(StatementError) -> Assembly {
        let entries = transactions.filter { ($0.bookingDate ?? $0.valueDate ?? date) == date }
        let ledger = DayBalances(days: [date], entries: [date: entries], anchors: balances.filter { $0.type == "PRCD" })
        var reported = balances.filter { ($0.type == "ITBD" || $0.type == "ITAV") && $0.date == date }
        if let opening = ledger.opening[0] {
            reported.insert(StatementBalance(type: "OPBD", amount: Money(minorUnits: opening, currency: account.currency), date: date), at: 0)
        }
        guard !reported.isEmpty else {
            return Assembly(document: [], days: [], undetermined: [date])
        }
        let compact = String(date.unicodeScalars.filter { $0 != "-" })
        let header = StatementHeader(
            format: .camt052, messageId: messageId, statementId: "ID" + compact + "-" + String(createdAt.milliseconds % 86_400_000),
            account: StatementAccount(identifier: account.number, currency: account.currency.code),
            createdAt: createdAt.iso8601Seconds, fromDate: date, toDate: date, balances: reported)
        let document = try CamtStatementWriter.document(header: header, transactions: entries, createdAt: createdAt.iso8601Seconds)
        return Assembly(document: document, days: [date], undetermined: [])
    }

    /// `<YYYYMMDD>-<account>`, at most 35 characters (`Stmt/Id`): the same day of the same account
    /// has the same id in every pull.
    static func statementId(day compact: String, account: DebtorAccount) -> String {
        String(("QS" + compact + "-" + account.number).prefix(35))
    }
}

/// Opening and closing balances per day, derived from running balances and anchors.
struct DayBalances {
    var opening: [Int64?]
    var closing: [Int64?]

    init(days: [String], entries: [String: [StatementTransaction]], anchors: [StatementBalance]) {
        opening = Array(repeating: nil, count: days.count)
        closing = Array(repeating: nil, count: days.count)
        var net: [Int64] = []
        for (index, day) in days.enumerated() {
            let dayEntries = (entries[day] ?? []).filter { $0.status == .booked }
            net.append(dayEntries.reduce(0) { $0 + $1.signedMinorUnits })
            if let first = dayEntries.first, let after = first.balanceAfter {
                opening[index] = after.minorUnits - first.signedMinorUnits
            }
            if let last = dayEntries.last, let after = last.balanceAfter {
                closing[index] = after.minorUnits
            }
            if closing[index] == nil, let anchor = anchors.first(where: { $0.date == day }) {
                closing[index] = anchor.amount.minorUnits
            }
        }
        // Whatever one end and the day's entries, or a neighbouring day, determine; until nothing moves.
        var changed = true
        while changed {
            changed = false
            for index in days.indices {
                if opening[index] == nil, let close = closing[index] { opening[index] = close - net[index]; changed = true }
                if closing[index] == nil, let open = opening[index] { closing[index] = open + net[index]; changed = true }
                if index > 0, opening[index] == nil, let previous = closing[index - 1] { opening[index] = previous; changed = true }
                if index + 1 < days.count, closing[index] == nil, let next = opening[index + 1] { closing[index] = next; changed = true }
            }
        }
    }
}

import BankGateCore
import BankGateStatements

/// Writes daily statements as one answer document: camt.053 (several `Stmt`), camt.052 (one `Rpt`) or
/// MT940 (several messages one after another), with the writers of BankGateStatements.
enum StatementDocument {
    /// Everything an answer needs besides the statements.
    struct Context: Sendable {
        var account: SimulatedAccount
        /// `GrpHdr/MsgId`, unique per answer.
        var messageId: String
        var now: Timestamp
    }

    /// The answer's bytes and content type.
    static func write(_ statements: [DailyStatement], message: StatementMessage,
                      context: Context) throws(StatementError) -> (body: [UInt8], contentType: String) {
        switch message {
        case .camt053v08: return (try camt(statements, format: .camt053, version: .v08, context: context), "application/xml")
        case .camt053v02: return (try camt(statements, format: .camt053, version: .v02, context: context), "application/xml")
        case .camt052v08: return (try camt(statements, format: .camt052, version: .v08, context: context), "application/xml")
        case .mt940: return (try mt940(statements, context: context), "text/plain")
        case .camt054v08: return (try camt(statements, format: .camt054, version: .v08, context: context), "application/xml")
        }
    }

    /// `STMT-<last 8 of the account>-<YYYYMMDD>` (camt.052: `RPT-…`).
    static func statementId(account: String, day: Int64, intraday: Bool = false) -> String {
        (intraday ? "RPT-" : "STMT-") + String(account.suffix(8)) + "-" + SimulatorDay.compactDate(day)
    }

    private static func camt(_ statements: [DailyStatement], format: StatementFormat, version: CamtStatementWriter.Version,
                             context: Context) throws(StatementError) -> [UInt8] {
        var writer = try CamtStatementWriter(format: format, version: version)
        writer.beginDocument(messageId: context.messageId, createdAt: context.now.iso8601Seconds)
        var body = writer.takeOutput()
        for statement in statements {
            let header = header(statement, format: format, messageId: context.messageId, context: context)
            try writer.beginStatement(header)
            for (index, entry) in statement.entries.enumerated() {
                try writer.entry(transaction(entry, header: header, index: index, mt940: false))
            }
            writer.endStatement()
            body += writer.takeOutput()
        }
        writer.endDocument()
        return body + writer.takeOutput()
    }

    private static func mt940(_ statements: [DailyStatement], context: Context) throws(StatementError) -> [UInt8] {
        var writer = MT940Writer(narrative: .subfields)
        var body: [UInt8] = []
        for statement in statements {
            // :20: takes 16 characters: the statement's date names it, :28C: numbers it.
            let header = header(statement, format: .mt940, messageId: "STMT-" + SimulatorDay.compactDate(statement.day),
                                context: context)
            try writer.beginStatement(header)
            for (index, entry) in statement.entries.enumerated() {
                try writer.entry(transaction(entry, header: header, index: index, mt940: true))
            }
            try writer.endStatement(header.balances)
            body += writer.takeOutput()
        }
        return body
    }

    private static func header(_ statement: DailyStatement, format: StatementFormat, messageId: String,
                               context: Context) -> StatementHeader {
        let currency = context.account.currency
        let date = SimulatorDay.date(statement.day)
        let intraday = format == .camt052
        // A notification (camt.054) carries entries only.
        let balances = format == .camt054 ? [] : intraday
            ? [StatementBalance(type: "ITBD", amount: Money(minorUnits: statement.closing, currency: currency), date: date)]
            : [StatementBalance(type: "OPBD", amount: Money(minorUnits: statement.opening, currency: currency), date: date),
               StatementBalance(type: "CLBD", amount: Money(minorUnits: statement.closing, currency: currency), date: date)]
        // A past day's statement was made at its end; today's is made now.
        let endOfDay = Timestamp(milliseconds: (statement.day + 1) * SimulatorDay.milliseconds - 1000)
        return StatementHeader(
            format: format, messageId: messageId,
            statementId: format == .camt054 ? "NTF-" + String(context.account.number.suffix(8)) + "-" + SimulatorDay.compactDate(statement.day)
                : statementId(account: context.account.number, day: statement.day, intraday: intraday),
            electronicSequence: intraday ? nil : statement.sequence,
            account: StatementAccount(identifier: context.account.number, currency: currency.code),
            createdAt: min(endOfDay, context.now).iso8601Seconds, fromDate: date, toDate: date, balances: balances)
    }

    private static func transaction(_ entry: SimulatedEntry, header: StatementHeader, index: Int,
                                    mt940: Bool) -> StatementTransaction {
        let debit = entry.creditDebit == .debit
        let code = mt940
            ? BankTransactionCode(proprietary: debit ? "NTRF+116" : "NTRF+166")
            : BankTransactionCode(domain: "PMNT", family: debit ? "ICDT" : "RCDT", subFamily: "ESCT")
        // MT940 carries the instruction id as the :61: customer reference (16x) and its :86: subfields
        // are separated by `?`; values that do not fit are left out or mended there.
        let instructionId = mt940 ? entry.instructionId.flatMap { $0.count <= 16 && !$0.contains("/") ? $0 : nil }
                                  : entry.instructionId
        let mend: (String?) -> String? = { value in
            mt940 ? value.map { String($0.map { $0 == "?" ? "." : $0 }) } : value
        }
        return StatementTransaction(
            account: header.account, statementId: header.statementId, sequence: index + 1,
            bookingDate: SimulatorDay.date(entry.bookingDay), valueDate: SimulatorDay.date(entry.valueDay),
            amount: entry.amount, creditDebit: entry.creditDebit, status: .booked,
            bankReference: mt940 ? entry.reference : nil, accountServicerReference: entry.reference,
            endToEndId: mend(entry.endToEndId), instructionId: instructionId, messageId: entry.messageId,
            paymentInformationId: entry.paymentInformationId,
            counterparty: Counterparty(name: mend(entry.counterpartyName), account: mend(entry.counterpartyAccount)),
            remittanceInformation: mend(entry.remittanceInformation), structuredReference: entry.creditorReference,
            transactionCode: code, source: SourcePosition(line: 0, path: ""))
    }
}

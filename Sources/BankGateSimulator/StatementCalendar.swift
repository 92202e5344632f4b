import BankGateCore
import BankGateStatements

/// One entry of a simulated statement, before it is written in camt or MT940.
struct SimulatedEntry: Hashable, Sendable {
    /// Where the entry comes from.
    enum Origin: Int, Hashable, Sendable, Comparable {
        /// A transfer this account paid (an executed pain.001 transfer).
        case debit
        /// A transfer another account at the simulated bank paid to this one.
        case transferIn
        /// A simulated customer payment from outside the bank (statements only, no balance effect).
        case incoming

        static func < (lhs: Origin, rhs: Origin) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    var origin: Origin
    /// `AcctSvcrRef` (and the MT940 bank reference): at most 16 characters, stable.
    var reference: String
    var amount: Money
    var creditDebit: CreditDebit
    var bookingDay: Int64
    var valueDay: Int64
    /// When it happened, for the order within a day.
    var time: Timestamp
    var messageId: String?
    var paymentInformationId: String?
    var instructionId: String?
    var endToEndId: String?
    var counterpartyName: String?
    var counterpartyAccount: String?
    var remittanceInformation: String?
    /// An RF creditor reference (`RmtInf/Strd/CdtrRefInf/Ref`).
    var creditorReference: String?
}

/// One day's statement: its entries in order and its booked balances, in minor units.
struct DailyStatement: Hashable, Sendable {
    var day: Int64
    /// Days since the epoch day, plus one.
    var sequence: Int64
    var opening: Int64
    var closing: Int64
    /// The entries as reported; with the duplicate fault one of them twice (not in the balances).
    var entries: [SimulatedEntry]
}

/// An executed transfer with its row id (the stable part of its reference).
struct LedgerRow: Hashable, Sendable {
    var id: Int64
    var transfer: LedgerTransfer
}

/// What the ledger knows about one account, for statements.
struct AccountHistory: Hashable, Sendable {
    var account: SimulatedAccount
    /// The first day with a statement: the day the ledger was created.
    var epochDay: Int64
    /// The booked balance at the start of the epoch day, in minor units.
    var openingBalance: Int64
    /// Transfers debited to the account, in id order.
    var debits: [LedgerRow]
    /// Transfers credited to it by other accounts of the bank (same currency), in id order.
    var credits: [LedgerRow]
}

/// Turns an account's history into daily statements: pure, deterministic for (seed, history, now).
///
/// Every day from the epoch day on is computed, so that the balances chain: closing(D) = opening(D) +
/// credits(D) − debits(D) and opening(D) = closing(D − 1), whatever days a request covers.
enum StatementCalendar {
    /// The statements of `firstDay...lastDay` (both already clipped to the epoch and to today).
    ///
    /// - Parameters:
    ///   - endOfDay: whether these are end-of-day statements (the duplicate-entry fault applies to them only).
    ///   - now: today's simulated credits are those whose time has come.
    static func statements(history: AccountHistory, firstDay: Int64, lastDay: Int64, now: Timestamp,
                           settings: FaultSettings, draws: StatementDraws, endOfDay: Bool) -> [DailyStatement] {
        guard firstDay <= lastDay else { return [] }
        let account = history.account.number
        let epoch = history.epochDay
        var byDay: [Int64: [SimulatedEntry]] = [:]
        func book(_ entry: SimulatedEntry) {
            byDay[max(entry.bookingDay, epoch), default: []].append(entry)
        }
        let lateDebits = lateDebitIds(history.debits, account: account, settings: settings, draws: draws)
        for row in history.debits {
            var entry = ledgerEntry(row, origin: .debit)
            if lateDebits.contains(row.id) { entry.bookingDay += 1 }
            book(entry)
        }
        for row in history.credits { book(ledgerEntry(row, origin: .transferIn)) }
        let today = SimulatorDay.of(now)
        var statements: [DailyStatement] = []
        var balance = history.openingBalance
        for day in epoch...lastDay {
            var entries = byDay[day] ?? []
            entries += incomingCredits(account: history.account, day: day, settings: settings, draws: draws)
                .filter { day < today || $0.time <= now }
            entries.sort { ($0.time, $0.origin, $0.reference) < ($1.time, $1.origin, $1.reference) }
            let opening = balance
            for entry in entries {
                balance += entry.creditDebit == .credit ? entry.amount.minorUnits : -entry.amount.minorUnits
            }
            guard day >= firstDay else { continue }
            if endOfDay, !entries.isEmpty, draws.hits("duplicate-entry", rate: settings.duplicateEntryRate,
                                                      account: account, day: day) {
                let index = Int(draws.integer("duplicate-pick", account: account, day: day,
                                              in: 0...Int64(entries.count - 1)))
                entries.insert(entries[index], at: index + 1)
            }
            statements.append(DailyStatement(day: day, sequence: day - epoch + 1, opening: opening, closing: balance,
                                             entries: entries))
        }
        return statements
    }

    /// The debits reported a day late: per (account, day) hit by the late-entry fault, the day's last debit.
    private static func lateDebitIds(_ debits: [LedgerRow], account: String, settings: FaultSettings,
                                     draws: StatementDraws) -> Set<Int64> {
        guard settings.lateEntryRate > 0 else { return [] }
        var lastOfDay: [Int64: Int64] = [:]
        for row in debits { lastOfDay[SimulatorDay.of(row.transfer.executedAt)] = row.id }
        return Set(lastOfDay.compactMap { day, id in
            draws.hits("late-entry", rate: settings.lateEntryRate, account: account, day: day) ? id : nil
        })
    }

    private static func ledgerEntry(_ row: LedgerRow, origin: SimulatedEntry.Origin) -> SimulatedEntry {
        let transfer = row.transfer
        let day = SimulatorDay.of(transfer.executedAt)
        let debit = origin == .debit
        return SimulatedEntry(
            origin: origin, reference: "SIM-\(row.id)", amount: transfer.amount, creditDebit: debit ? .debit : .credit,
            bookingDay: day, valueDay: day, time: transfer.executedAt, messageId: transfer.messageId,
            paymentInformationId: transfer.paymentInformationId, instructionId: transfer.instructionId,
            endToEndId: transfer.endToEndId, counterpartyName: nil,
            counterpartyAccount: debit ? transfer.creditorAccount : transfer.debtorAccount,
            remittanceInformation: nil, creditorReference: nil)
    }

    // MARK: - Simulated incoming credits

    /// Payers of the simulated incoming credits (valid example IBANs).
    static let payers: [(name: String, account: String)] = [
        ("Nordwind Handels AG", "DE75512108001245126199"),
        ("Boulangerie Martin SARL", "FR7630006000011234567890189"),
        ("Thames Components Ltd", "GB29NWBK60161331926819"),
        ("Officine Rossi S.p.A.", "IT60X0542811101000000123456"),
        ("Ferreteria Garcia S.L.", "ES9121000418450200051332"),
        ("Alpen Logistik GmbH", "AT611904300234573201"),
        ("Brasserie Dubois SA", "BE68539007547034"),
        ("Van Dijk Techniek BV", "NL02ABNA0123456789"),
    ]

    /// The simulated customer payments of (account, day): 0 to `incomingCreditsPerDay` of them, between
    /// 06:00 and 22:00 UTC, each with an RF creditor reference and an invoice text.
    static func incomingCredits(account: SimulatedAccount, day: Int64, settings: FaultSettings,
                                draws: StatementDraws) -> [SimulatedEntry] {
        let maximum = Int64(settings.incomingCreditsPerDay)
        guard maximum > 0 else { return [] }
        let number = account.number
        let count = draws.integer("incoming-count", account: number, day: day, in: 0...maximum)
        guard count > 0 else { return [] }
        let currency = account.currency
        let tag = StatementDraws.accountTag(number)
        let date = String(SimulatorDay.compactDate(day).dropFirst(2))
        return (1...Int(count)).map { index in
            // 10.00 to 5,000.00 in units of 0.01, scaled to the currency's decimals.
            let hundredths = draws.integer("incoming-amount", account: number, day: day, index: index, in: 1_000...500_000)
            let minor = currency.exponent >= 2 ? hundredths * Money.scale(currency) / 100 : hundredths / (100 / Money.scale(currency))
            let payer = payers[Int(draws.integer("incoming-payer", account: number, day: day, index: index,
                                                 in: 0...Int64(payers.count - 1)))]
            let invoice = draws.integer("incoming-ref", account: number, day: day, index: index, in: 0...9_999_999_999)
            let digits = String(invoice)
            let padded = String(repeating: "0", count: 10 - digits.count) + digits
            let offset = draws.integer("incoming-time", account: number, day: day, index: index,
                                       in: 0...(16 * 3_600_000 - 1))
            let sequence = index < 10 ? "0\(index)" : "\(index)"
            return SimulatedEntry(
                origin: .incoming, reference: "SIMC\(tag)\(date)\(sequence)", amount: Money(minorUnits: minor, currency: currency),
                creditDebit: .credit, bookingDay: day, valueDay: day,
                time: Timestamp(milliseconds: day * SimulatorDay.milliseconds + 6 * 3_600_000 + offset),
                messageId: nil, paymentInformationId: nil, instructionId: nil, endToEndId: nil,
                counterpartyName: payer.name, counterpartyAccount: payer.account,
                remittanceInformation: "Invoice \(padded.suffix(6)) \(payer.name)",
                creditorReference: creditorReference(padded))
        }
    }

    /// An ISO 11649 creditor reference: `RF`, two check digits, then `reference` (digits and letters).
    static func creditorReference(_ reference: String) -> String {
        var remainder = 0
        for character in (reference + "RF00").uppercased() {
            let value = character.isNumber ? Int(String(character))! : Int(character.asciiValue! - 55)
            for digit in String(value) { remainder = (remainder * 10 + Int(String(digit))!) % 97 }
        }
        let check = 98 - remainder
        return "RF" + (check < 10 ? "0\(check)" : "\(check)") + reference
    }
}

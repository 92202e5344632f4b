import BankGateCore
@testable import BankGateStatements

/// A small, seeded random source (SplitMix64): the same seed gives the same statements on every run.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random statements within what each format can carry, for write-then-read property tests.
struct StatementGenerator {
    /// What the statements will be written as.
    enum Target: Equatable {
        case camt(StatementFormat, CamtStatementWriter.Version)
        case mt(StatementFormat, MT940Writer.NarrativeStyle)
    }

    var random: SeededRandom
    let target: Target

    init(seed: UInt64, target: Target) {
        random = SeededRandom(seed: seed)
        self.target = target
    }

    private var isCamt: Bool { if case .camt = target { true } else { false } }
    private var format: StatementFormat {
        switch target {
        case .camt(let format, _), .mt(let format, _): format
        }
    }
    private var isV08: Bool { target == .camt(format, .v08) }

    // MARK: - Primitives

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
    mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }
    mutating func maybe<T>(_ percent: Int = 60, _ make: (inout StatementGenerator) -> T) -> T? {
        chance(percent) ? make(&self) : nil
    }

    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }

    mutating func chars(_ alphabet: String, _ count: Int) -> String {
        let letters = Array(alphabet)
        return String((0..<count).map { _ in letters[int(0...(letters.count - 1))] })
    }

    /// A reference: letters, digits and `-` inside, no spaces.
    mutating func reference(_ maxLength: Int) -> String {
        let alnum = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
        let length = int(1...maxLength)
        guard length > 1 else { return chars(alnum, 1) }
        return chars(alnum, 1) + chars(alnum + "-", length - 2) + chars(alnum, 1)
    }

    /// Words joined by single spaces, at most `maxLength` characters, no blank at either end.
    mutating func text(_ maxLength: Int) -> String {
        let camtWords = ["Müller", "&", "<tag>", "\"quoted\"", "l'été", "中文", "Straße"]
        var words = ["invoice", "Rent", "payment", "ACME", "Ltd.", "No.", "(April)", "2024", "4711", "salary", "refund", "x"]
        if isCamt { words += camtWords }
        var result = pick(words)
        let target = int(1...maxLength)
        while result.count < target {
            let word = pick(words)
            guard result.count + 1 + word.count <= maxLength else { break }
            result += " " + word
        }
        return String(result.prefix(maxLength))
    }

    mutating func bic() -> String {
        let letters = "ABCDEFGHIJKLMNPQRSTUVWXYZ"
        return chars(letters, 6) + chars(letters + "23456789", 2) + (chance(50) ? chars(letters + "0123456789", 3) : "")
    }

    mutating func iban() -> String {
        pick(["DE", "FR", "NL", "GB", "CH"]) + chars("0123456789", 2) + chars("ABCDEFGHIJ0123456789", int(10...(isCamt ? 26 : 18)))
    }

    mutating func account() -> String { chance(70) ? iban() : chars("0123456789", int(6...12)) }

    mutating func uetr() -> String {
        let hex = "0123456789abcdef"
        return chars(hex, 8) + "-" + chars(hex, 4) + "-4" + chars(hex, 3) + "-" + chars("89ab", 1) + chars(hex, 3) + "-"
            + chars(hex, 12)
    }

    /// A day as (year, month, day).
    mutating func day() -> (Int, Int, Int) { (int(2001...2070), int(1...12), int(1...28)) }

    static func date(_ day: (Int, Int, Int), plus offset: Int) -> String {
        var (year, month, dayOfMonth) = day
        dayOfMonth += offset
        let length: (Int, Int) -> Int = { year, month in
            [31, (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        }
        while dayOfMonth < 1 {
            month -= 1
            if month == 0 { month = 12; year -= 1 }
            dayOfMonth += length(year, month)
        }
        while dayOfMonth > length(year, month) {
            dayOfMonth -= length(year, month)
            month += 1
            if month == 13 { month = 1; year += 1 }
        }
        return StatementText.format(year: year, month: month, day: dayOfMonth)
    }

    mutating func dateTime(_ day: (Int, Int, Int)) -> String {
        Self.date(day, plus: 0) + "T\(StatementText.pad2(int(0...23))):\(StatementText.pad2(int(0...59))):00"
            + pick(["+01:00", "+02:00", "-05:00", "+00:00"])
    }

    // MARK: - Statements

    /// A statement header (with every balance) and its entries.
    mutating func statement() -> (StatementHeader, [StatementTransaction]) {
        let currency = Currency(code: pick(["EUR", "USD", "JPY", "BHD", "CHF", "GBP"]))!
        let base = day()
        let accountId = account()
        var header = StatementHeader(
            format: format, messageId: reference(16), statementId: reference(35),
            account: StatementAccount(identifier: accountId, currency: nil, servicerBIC: maybe(50) { $0.bic() }))
        if isCamt {
            header.account.currency = chance(70) ? currency.code : nil
            header.electronicSequence = maybe { Int64($0.int(0...999_999)) }
            header.legalSequence = maybe { Int64($0.int(0...999_999)) }
            header.page = isV08 ? maybe(30) { $0.int(1...99) } : nil
            header.createdAt = !isV08 ? dateTime(base) : maybe(70) { $0.dateTime(base) }
            if chance(50) {
                header.fromDate = Self.date(base, plus: -1) + "T00:00:00"
                header.toDate = Self.date(base, plus: 0) + "T23:59:59+01:00"
            }
        } else {
            header.electronicSequence = maybe(80) { Int64($0.int(0...99_999)) }
            header.page = header.electronicSequence == nil ? nil : maybe(50) { $0.int(1...999) }
            if format == .mt942 {
                header.account.currency = currency.code
                header.createdAt = maybe(70) { $0.dateTime(base) }
            }
        }
        let count = int(0...12)
        var transactions: [StatementTransaction] = []
        var booked: Int64 = 0
        for sequence in 1...max(1, count) where count > 0 {
            let entry = transaction(header: header, sequence: sequence, currency: currency, base: base)
            if entry.status == .booked { booked += entry.signedMinorUnits }
            transactions.append(entry)
        }
        let opening = Int64(int(-5_000_000...50_000_000))
        let wantsBalances = format == .camt053 || format == .mt940 || (format == .camt052 && chance(60))
        if wantsBalances {
            let intermediate = !isCamt && chance(20)
            header.balances.append(StatementBalance(type: "OPBD", amount: Money(minorUnits: opening, currency: currency),
                                                    date: Self.date(base, plus: -1), isIntermediate: intermediate))
            let closing = chance(90) ? opening + booked : opening + booked + Int64(int(1...1000))
            header.balances.append(StatementBalance(type: "CLBD", amount: Money(minorUnits: closing, currency: currency),
                                                    date: Self.date(base, plus: 0), isIntermediate: intermediate))
            if chance(40) {
                header.balances.append(StatementBalance(type: "CLAV", amount: Money(minorUnits: closing, currency: currency),
                                                        date: Self.date(base, plus: 0)))
            }
            if chance(30) {
                header.balances.append(StatementBalance(type: "FWAV", amount: Money(minorUnits: closing, currency: currency),
                                                        date: Self.date(base, plus: 2)))
            }
        } else if format == .camt052 {
            header.balances.append(StatementBalance(type: "ITBD", amount: Money(minorUnits: opening, currency: currency),
                                                    date: Self.date(base, plus: 0)))
        }
        return (header, transactions)
    }

    private mutating func transaction(header: StatementHeader, sequence: Int, currency: Currency,
                                      base: (Int, Int, Int)) -> StatementTransaction {
        let creditDebit: CreditDebit = chance(50) ? .credit : .debit
        let valueDay = int(-3...3)
        var entry = StatementTransaction(
            account: header.account, statementId: header.statementId, sequence: sequence,
            bookingDate: maybe(80) { Self.date(base, plus: valueDay + $0.int(-20...20)) },
            valueDate: Self.date(base, plus: valueDay), amount: Money(minorUnits: Int64(int(0...2_000_000_000)), currency: currency),
            creditDebit: creditDebit, isReversal: chance(10), status: .booked, source: SourcePosition(line: 0, path: ""))
        let name: Int
        switch target {
        case .camt:
            entry.valueDate = chance(85) ? entry.valueDate : nil
            entry.status = pick([.booked, .booked, .booked, .pending, .info])
            entry.bankReference = maybe(50) { $0.reference(35) }
            entry.accountServicerReference = maybe(50) { $0.reference(35) }
            entry.endToEndId = maybe(70) { $0.reference(35) }
            entry.instructionId = maybe(40) { $0.reference(35) }
            entry.messageId = maybe(30) { $0.reference(35) }
            entry.paymentInformationId = maybe(30) { $0.reference(35) }
            entry.uetr = isV08 ? maybe(30) { $0.uetr() } : nil
            entry.structuredReference = maybe(20) { "RF" + $0.chars("0123456789", 2) + $0.reference(20) }
            entry.remittanceInformation = maybe(70) { $0.text($0.chance(20) ? 400 : 140) }
            entry.additionalInformation = maybe(30) { $0.text(200) }
            if chance(60) {
                entry.transactionCode.domain = pick(["PMNT", "ACMT", "CAMT"])
                entry.transactionCode.family = pick(["RCDT", "ICDT", "RDDT", "CCRD"])
                entry.transactionCode.subFamily = pick(["ESCT", "DMCT", "SALA", "OTHR"])
            }
            if chance(40) {
                entry.transactionCode.proprietary = reference(35)
                entry.transactionCode.proprietaryIssuer = maybe(50) { $0.reference(10) }
            }
            name = 140
            entry.counterparty.bankCode = maybe(50) { $0.chance(70) ? $0.bic() : $0.chars("0123456789", 8) }
        case .mt(let format, let style):
            entry.status = format == .mt942 ? .pending : .booked
            entry.bankReference = maybe(50) { $0.reference(16) }
            entry.instructionId = maybe(60) { $0.reference(16) }
            entry.endToEndId = maybe(60) { $0.reference(35) }
            entry.uetr = style == .slashCodes ? maybe(30) { $0.uetr() } : nil
            entry.remittanceInformation = maybe(70) { $0.text(140) }
            entry.supplementaryDetails = maybe(20) { $0.text(34) }
            let type = pick(["NTRF", "NMSC", "NCHG", "NDDT", "S103", "FCHK"])
            entry.transactionCode.proprietary = style == .subfields ? "\(type)+\(chars("0123456789", 3))" : type
            name = style == .subfields ? 54 : 70
            entry.counterparty.bankCode = maybe(50) { $0.bic() }
            entry.amount = Money(minorUnits: Int64(int(0...9_999_999_999)), currency: currency)
        }
        entry.counterparty.name = maybe(70) { $0.text(name) }
        entry.counterparty.account = maybe(60) { $0.account() }
        return entry
    }
}

import BankGateCore

/// Writes MT940 statements and MT942 interim reports, bare or in a SWIFT envelope, one piece at a
/// time, with every line at most 65 characters.
///
/// ```swift
/// var writer = MT940Writer(narrative: .subfields)
/// try writer.beginStatement(header)          // :20: :25: :28C: and :60F: (MT942: :34F: :13D:)
/// for entry in entries { try writer.entry(entry) }   // :61: [supplementary line] :86:
/// try writer.endStatement(closing)           // :62F: :64: :65: (MT942: :90D: :90C:), then - or -}
/// let bytes = writer.takeOutput()
/// ```
///
/// The inverse of ``MT940Reader``: `:20:` is ``StatementHeader/messageId`` (so a statement read back
/// has the id `:20:/:28C:`), `:28C:` is the electronic sequence and page, the customer reference is
/// ``StatementTransaction/instructionId`` (else `NONREF`), the bank reference
/// ``StatementTransaction/bankReference``. `:86:` carries the end-to-end id, counterparty and
/// remittance text either as German `?` subfields (GVC from a `type+GVC` proprietary code, else
/// `999`) or as slash codes. Values the format cannot carry (a reference over 16 characters, a `?`
/// inside a subfield) throw ``StatementError/Code/unwritable``.
public struct MT940Writer: Sendable {
    /// How `:86:` is structured.
    public enum NarrativeStyle: Sendable, Hashable {
        /// `GVC?20EREF+…SVWZ+…?30bank?31account?32name?33name`.
        case subfields
        /// `/EREF/…/ORDP|BENM/name/CNTP/account/bank///UETR/…/REMI/…`.
        case slashCodes
    }

    /// The SWIFT envelope around each message.
    public struct Envelope: Sendable, Hashable {
        /// BIC of the sending bank (block 1) and of the receiver (block 2).
        public var sender: String
        public var receiver: String

        public init(sender: String, receiver: String) {
            self.sender = sender
            self.receiver = receiver
        }
    }

    public let narrative: NarrativeStyle
    public let envelope: Envelope?
    public let lineEnding: String
    private var output: [UInt8] = []
    private var format = StatementFormat.mt940
    private var currency: Currency?
    private var credits: (count: Int, sum: Int64) = (0, 0)
    private var debits: (count: Int, sum: Int64) = (0, 0)

    public init(narrative: NarrativeStyle = .subfields, envelope: Envelope? = nil, lineEnding: String = "\r\n") {
        self.narrative = narrative
        self.envelope = envelope
        self.lineEnding = lineEnding
    }

    /// Hands over the bytes written since the last call.
    public mutating func takeOutput() -> [UInt8] {
        defer { output = [] }
        return output
    }

    /// Starts a message: envelope, `:20:`, `:25:`, `:28C:`, then `:60F:`/`:60M:` (MT940) or `:34F:`
    /// and `:13D:` (MT942, for ``StatementHeader/format`` `.mt942`).
    public mutating func beginStatement(_ header: StatementHeader) throws(StatementError) {
        format = header.format == .mt942 ? .mt942 : .mt940
        credits = (0, 0)
        debits = (0, 0)
        if let envelope {
            let type = format == .mt942 ? "942" : "940"
            line("{1:F01\(Self.terminal(envelope.sender))0000000000}"
                 + "{2:I\(type)\(Self.terminal(envelope.receiver))N}{4:")
        }
        try field("20", header.messageId, max: 16)
        let identifier = header.account.identifier
        let account = header.account.servicerBIC.map { "\($0)/\(identifier)" } ?? identifier
        try field("25", account, max: 35)
        if let number = header.electronicSequence {
            guard (0...99_999).contains(number), (0...99_999).contains(header.page ?? 0) else {
                throw StatementError(.unwritable, ":28C: takes at most five digits per number")
            }
            line(":28C:\(number)" + (header.page.map { "/\($0)" } ?? ""))
        }
        if format == .mt940 {
            guard let opening = header.openingBalance else {
                throw StatementError(.unwritable, "an MT940 statement needs an opening balance (OPBD)")
            }
            currency = opening.amount.currency
            line(":60\(opening.isIntermediate ? "M" : "F"):" + Self.balance(opening))
        } else {
            guard let code = header.account.currency, let floor = Currency(code: code) else {
                throw StatementError(.unwritable, "an MT942 report needs the account currency for :34F:")
            }
            currency = floor
            line(":34F:\(floor.code)0,")
            if let created = header.createdAt { line(":13D:" + (try Self.dateTime(created))) }
        }
    }

    /// Writes `:61:`, its supplementary line and `:86:`.
    public mutating func entry(_ transaction: StatementTransaction) throws(StatementError) {
        guard let currency, transaction.amount.currency == currency else {
            throw StatementError(.unwritable, "an MT940 entry must be in the statement's currency")
        }
        guard let valueDate = transaction.valueDate ?? transaction.bookingDate else {
            throw StatementError(.unwritable, "an MT940 entry needs a value date")
        }
        var text = ":61:" + (try Self.swiftDate(valueDate))
        if let booking = transaction.bookingDate { text += String(try Self.swiftDate(booking).suffix(4)) }
        let credit = transaction.creditDebit == .credit
        text += transaction.isReversal ? (credit ? "RD" : "RC") : (credit ? "C" : "D")
        text += Self.amount(transaction.amount)
        let type = transaction.transactionCode.proprietary.map { String($0.prefix(4)) } ?? ""
        text += Self.isTypeCode(type) ? type : "NMSC"
        let customer = transaction.instructionId ?? "NONREF"
        guard customer.count <= 16, !customer.contains("//") else {
            throw StatementError(.unwritable,
                                 "customer reference \(StatementText.quoted(customer)) does not fit :61: (16x)")
        }
        text += customer
        if let bank = transaction.bankReference {
            guard bank.count <= 16 else {
                throw StatementError(.unwritable,
                                     "bank reference \(StatementText.quoted(bank)) does not fit :61: (16x)")
            }
            text += "//" + bank
        }
        guard text.count <= 65 else { throw StatementError(.unwritable, "the :61: line would exceed 65 characters") }
        line(text)
        if let details = transaction.supplementaryDetails {
            guard details.count <= 34, !details.hasPrefix(":"), !details.hasPrefix("-") else {
                throw StatementError(.unwritable,
                                     "supplementary details \(StatementText.quoted(details)) do not fit (34x)")
            }
            line(details)
        }
        let narrativeText = try narrative == .subfields ? Self.subfields(transaction) : Self.slashCodes(transaction)
        if !narrativeText.isEmpty { wrap(":86:" + narrativeText) }
        if credit {
            credits.count += 1
            credits.sum += transaction.amount.minorUnits
        } else {
            debits.count += 1
            debits.sum += transaction.amount.minorUnits
        }
    }

    /// Ends the message with the closing balances of `balances` (`CLBD` → `:62F:`/`:62M:`, `CLAV` →
    /// `:64:`, `FWAV` → `:65:`; MT942: `:90D:`/`:90C:` with the entries written) and `-` or `-}`.
    public mutating func endStatement(_ balances: [StatementBalance]) throws(StatementError) {
        if format == .mt940 {
            guard let closing = balances.first(where: { $0.type == "CLBD" }) else {
                throw StatementError(.unwritable, "an MT940 statement needs a closing balance (CLBD)")
            }
            line(":62\(closing.isIntermediate ? "M" : "F"):" + Self.balance(closing))
            if let available = balances.first(where: { $0.type == "CLAV" }) { line(":64:" + Self.balance(available)) }
            for forward in balances where forward.type == "FWAV" { line(":65:" + Self.balance(forward)) }
        } else if let currency {
            let debitSum = Money(minorUnits: debits.sum, currency: currency)
            let creditSum = Money(minorUnits: credits.sum, currency: currency)
            line(":90D:\(debits.count)\(currency.code)" + Self.amount(debitSum))
            line(":90C:\(credits.count)\(currency.code)" + Self.amount(creditSum))
        }
        line(envelope == nil ? "-" : "-}")
    }

    /// A whole message with one statement.
    public static func document(header: StatementHeader, transactions: [StatementTransaction],
                                narrative: NarrativeStyle = .subfields,
                                envelope: Envelope? = nil) throws(StatementError) -> [UInt8] {
        var writer = MT940Writer(narrative: narrative, envelope: envelope)
        try writer.beginStatement(header)
        for transaction in transactions { try writer.entry(transaction) }
        try writer.endStatement(header.balances)
        return writer.takeOutput()
    }

    // MARK: - Lines

    private mutating func line(_ text: String) {
        output.append(contentsOf: text.utf8)
        output.append(contentsOf: lineEnding.utf8)
    }

    private mutating func field(_ tag: String, _ value: String, max: Int) throws(StatementError) {
        guard !value.isEmpty, value.count <= max else {
            throw StatementError(.unwritable,
                                 ":\(tag): \(StatementText.quoted(value)) must have 1 to \(max) characters")
        }
        line(":\(tag):\(value)")
    }

    /// Writes `text` in lines of at most 65 characters. A line never ends in a space (readers drop
    /// trailing blanks): the break moves before it, and the next line starts with the space.
    private mutating func wrap(_ text: String) {
        var rest = Substring(text)
        while !rest.isEmpty {
            var piece = rest.prefix(65)
            if piece.count < rest.count {
                while piece.count > 1, piece.last == " " { piece = piece.dropLast() }
            }
            line(String(piece))
            rest = rest.dropFirst(piece.count)
        }
    }

    // MARK: - Narrative

    static func subfields(_ transaction: StatementTransaction) throws(StatementError) -> String {
        let proprietary = transaction.transactionCode.proprietary ?? ""
        let gvc = proprietary.split(separator: "+").dropFirst().first.map(String.init) ?? "999"
        guard gvc.count == 3, gvc.allSatisfy(\.isNumber) else {
            throw StatementError(.unwritable, "GVC \(StatementText.quoted(gvc)) is not three digits")
        }
        let party = transaction.counterparty
        let values = [transaction.endToEndId, transaction.remittanceInformation, party.name, party.account,
                      party.bankCode]
        for value in values {
            if let value, value.contains("?") {
                throw StatementError(.unwritable,
                                     "\(StatementText.quoted(value)) contains a ?, the :86: subfield separator")
            }
        }
        var purpose = ""
        if let id = transaction.endToEndId { purpose += "EREF+" + id }
        if let text = transaction.remittanceInformation { purpose += "SVWZ+" + text }
        var pieces: [String] = []
        var rest = Substring(purpose)
        while !rest.isEmpty {
            pieces.append(String(rest.prefix(27)))
            rest = rest.dropFirst(27)
        }
        let codes = Array(20...29) + Array(60...63)
        guard pieces.count <= codes.count else {
            throw StatementError(.unwritable, "end-to-end id and remittance text exceed the 14 purpose lines of :86:")
        }
        var text = gvc
        for (index, piece) in pieces.enumerated() { text += "?\(codes[index])" + piece }
        if let bank = party.bankCode { text += "?30" + (try fit(bank, 11, "?30")) }
        if let account = party.account { text += "?31" + (try fit(account, 34, "?31")) }
        if let name = party.name {
            guard name.count <= 54 else {
                throw StatementError(.unwritable, "counterparty name over 54 characters for ?32/?33")
            }
            text += "?32" + String(name.prefix(27))
            if name.count > 27 { text += "?33" + String(name.dropFirst(27)) }
        }
        // A bare GVC would read back as free text: an empty posting text keeps the layout recognisable.
        return text.count == 3 ? text + "?00" : text
    }

    private static func fit(_ value: String, _ max: Int, _ code: String) throws(StatementError) -> String {
        guard value.count <= max else {
            throw StatementError(.unwritable, "\(code) \(StatementText.quoted(value)) over \(max) characters")
        }
        return value
    }

    static func slashCodes(_ transaction: StatementTransaction) throws(StatementError) -> String {
        var text = ""
        if let id = transaction.endToEndId { text += "/EREF/" + id }
        let party = transaction.counterparty
        if let name = party.name { text += (transaction.creditDebit == .debit ? "/BENM/" : "/ORDP/") + name }
        if party.account != nil || party.bankCode != nil {
            text += "/CNTP/\(party.account ?? "")/\(party.bankCode ?? "")//"
        }
        if let uetr = transaction.uetr { text += "/UETR/" + uetr }
        if let remittance = transaction.remittanceInformation { text += "/REMI/" + remittance }
        return text
    }

    // MARK: - Values

    /// `C240301EUR1000,00`: mark, date, currency, amount.
    private static func balance(_ balance: StatementBalance) -> String {
        let magnitude = Money(minorUnits: abs(balance.amount.minorUnits), currency: balance.amount.currency)
        let date = (try? swiftDate(balance.date)) ?? "000000"
        return (balance.amount.minorUnits < 0 ? "D" : "C") + date + balance.amount.currency.code + amount(magnitude)
    }

    /// `1250,00`; `15000,` for a currency without decimals.
    private static func amount(_ money: Money) -> String {
        let text = money.decimalString
        return text.contains(".") ? text.replacingDots() : text + ","
    }

    /// `YYMMDD` from `YYYY-MM-DD`.
    static func swiftDate(_ date: String) throws(StatementError) -> String {
        let iso = try StatementText.isoDate(date)
        let bytes = Array(iso.utf8)
        return String(decoding: bytes[2..<4] + bytes[5..<7] + bytes[8..<10], as: UTF8.self)
    }

    /// `:13D:` `YYMMDDhhmm±hhmm` from ISO 8601 `YYYY-MM-DDThh:mm[:ss]±hh:mm`.
    static func dateTime(_ text: String) throws(StatementError) -> String {
        let bytes = Array(text.utf8)
        let date = try swiftDate(text)
        guard bytes.count >= 22, bytes[10] == UInt8(ascii: "T"),
              let sign = bytes.last(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }),
              let signIndex = bytes.lastIndex(of: sign), signIndex > 10, bytes.count - signIndex == 6 else {
            throw StatementError(.unwritable,
                                 "\(StatementText.quoted(text)) is not a date-time with a UTC offset for :13D:")
        }
        let time = String(decoding: bytes[11..<13] + bytes[14..<16], as: UTF8.self)
        let offset = bytes[(signIndex + 1)..<(signIndex + 3)] + bytes[(signIndex + 4)..<(signIndex + 6)]
        return date + time + String(UnicodeScalar(sign)) + String(decoding: offset, as: UTF8.self)
    }

    private static func isTypeCode(_ code: String) -> Bool {
        let bytes = Array(code.utf8)
        return bytes.count == 4 && [UInt8(ascii: "N"), UInt8(ascii: "F"), UInt8(ascii: "S")].contains(bytes[0])
            && bytes[1...].allSatisfy { MT940Fields.isDigit($0) || MT940Fields.isLetter($0) && $0 < UInt8(ascii: "a") }
    }

    /// A 12-character logical terminal address from a BIC: `COBADEFF` → `COBADEFFAXXX`.
    private static func terminal(_ bic: String) -> String {
        let padded = bic.count == 8 ? bic + "XXX" : bic
        return String(padded.prefix(8)) + "A" + String(padded.dropFirst(8).prefix(3))
    }
}

extension StringProtocol {
    /// With `.` replaced by `,`.
    fileprivate func replacingDots() -> String {
        String(map { $0 == "." ? "," : $0 })
    }
}

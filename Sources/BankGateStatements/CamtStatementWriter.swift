import BankGateCore
import BankGateXML

/// Writes camt.053 statements, camt.052 reports and camt.054 notifications, versions .001.08 and
/// .001.02, valid against the ISO 20022 schemas, one piece at a time.
///
/// ```swift
/// var writer = try CamtStatementWriter(format: .camt053)
/// writer.beginDocument(messageId: "MSG-1", createdAt: "2024-03-02T06:00:00")
/// try writer.beginStatement(header)          // header.balances: all of them (they precede the entries)
/// for entry in entries { try writer.entry(entry); file.write(writer.takeOutput()) }
/// writer.endStatement()
/// writer.endDocument()
/// file.write(writer.takeOutput())
/// ```
///
/// Output is UTF-8, one `Ntry` per line. ``takeOutput()`` hands over what was written so far, so a
/// generator can stream a file of any size. The writer is the inverse of ``CamtReader``: a debit's
/// counterparty goes to `Cdtr`/`CdtrAcct`/`CdtrAgt`, a credit's to the debtor side; remittance
/// information longer than 140 characters is split at spaces into several `Ustrd`. Values a schema
/// cannot carry (a reference over 35 characters, an ISO domain without family) throw
/// ``StatementError/Code/unwritable`` rather than being cut.
public struct CamtStatementWriter: Sendable {
    /// The schema version.
    public enum Version: String, Sendable, Hashable, CaseIterable {
        case v02 = "001.02"
        case v08 = "001.08"
    }

    public let format: StatementFormat
    public let version: Version
    private var output: [UInt8] = []
    private let message: CamtMessage

    /// - Throws: ``StatementError/Code/unwritable`` for a format that is not camt.
    public init(format: StatementFormat = .camt053, version: Version = .v08) throws(StatementError) {
        let number: String
        switch format {
        case .camt052: number = "052"
        case .camt053: number = "053"
        case .camt054: number = "054"
        case .mt940, .mt942:
            throw StatementError(.unwritable, "CamtStatementWriter writes camt, not \(format.rawValue)")
        }
        self.format = format
        self.version = version
        message = try CamtMessage.detect(namespace: "urn:iso:std:iso:20022:tech:xsd:camt.\(number).\(version.rawValue)",
                                         line: 0)
    }

    /// The namespace of the documents written.
    public var namespace: String { "urn:iso:std:iso:20022:tech:xsd:\(message.version)" }

    /// Hands over the bytes written since the last call.
    public mutating func takeOutput() -> [UInt8] {
        defer { output = [] }
        return output
    }

    /// Writes the XML declaration, `Document`, the message element and the group header.
    public mutating func beginDocument(messageId: String, createdAt: String) {
        var xml = XMLWriter()
        xml.declaration()
        xml.raw("\n")
        xml.open("Document", attributes: ["xmlns": namespace])
        xml.open(message.rootElement)
        xml.open("GrpHdr")
        xml.element("MsgId", messageId)
        xml.element("CreDtTm", createdAt)
        xml.close("GrpHdr")
        append(xml)
    }

    /// Writes the statement's header and every balance of `header`.
    public mutating func beginStatement(_ header: StatementHeader) throws(StatementError) {
        var xml = XMLWriter()
        let element = message.statementElement
        xml.open(element)
        try xml.element("Id", header.statementId, max: 35)
        if version == .v08, let page = header.page {
            xml.open(element + "Pgntn")
            xml.element("PgNb", String(page))
            xml.element("LastPgInd", "true")
            xml.close(element + "Pgntn")
        }
        if let sequence = header.electronicSequence { xml.element("ElctrncSeqNb", String(sequence)) }
        if let sequence = header.legalSequence { xml.element("LglSeqNb", String(sequence)) }
        if let created = header.createdAt {
            xml.element("CreDtTm", created)
        } else if version == .v02 {
            throw StatementError(.unwritable, "camt .001.02 needs the statement's creation time (createdAt)")
        }
        if let from = header.fromDate, let to = header.toDate {
            xml.open("FrToDt")
            xml.element("FrDtTm", from.count == 10 ? from + "T00:00:00" : from)
            xml.element("ToDtTm", to.count == 10 ? to + "T23:59:59" : to)
            xml.close("FrToDt")
        }
        xml.open("Acct")
        try writeAccount(&xml, header.account.identifier)
        if let currency = header.account.currency { xml.element("Ccy", currency) }
        if let bic = header.account.servicerBIC {
            xml.open("Svcr")
            xml.open("FinInstnId")
            guard isBIC(bic) else {
                throw StatementError(.unwritable, "servicer BIC \(StatementText.quoted(bic)) is not a BIC")
            }
            xml.element(version == .v08 ? "BICFI" : "BIC", bic)
            xml.close("FinInstnId")
            xml.close("Svcr")
        }
        xml.close("Acct")
        if format == .camt054 && !header.balances.isEmpty {
            throw StatementError(.unwritable, "camt.054 notifications carry no balances")
        }
        if format == .camt053 && header.balances.isEmpty {
            throw StatementError(.unwritable, "a camt.053 statement needs at least one balance")
        }
        for balance in header.balances { try writeBalance(&xml, balance) }
        append(xml)
    }

    /// Writes one `Ntry`.
    public mutating func entry(_ transaction: StatementTransaction) throws(StatementError) {
        var xml = XMLWriter(capacity: 2048)
        xml.open("Ntry")
        if let reference = transaction.bankReference { try xml.element("NtryRef", reference, max: 35) }
        writeAmount(&xml, "Amt", transaction.amount)
        xml.element("CdtDbtInd", transaction.creditDebit.rawValue)
        if transaction.isReversal { xml.element("RvslInd", "true") }
        let status = switch transaction.status {
        case .booked: "BOOK"
        case .pending: "PDNG"
        case .info: "INFO"
        }
        if version == .v08 {
            xml.open("Sts")
            xml.element("Cd", status)
            xml.close("Sts")
        } else {
            xml.element("Sts", status)
        }
        if let date = transaction.bookingDate { writeDate(&xml, "BookgDt", date) }
        if let date = transaction.valueDate { writeDate(&xml, "ValDt", date) }
        if let reference = transaction.accountServicerReference { try xml.element("AcctSvcrRef", reference, max: 35) }
        try writeCode(&xml, transaction.transactionCode)
        try writeDetails(&xml, transaction)
        if let information = transaction.additionalInformation {
            try xml.element("AddtlNtryInf", information, max: 500)
        }
        xml.close("Ntry")
        append(xml)
    }

    /// Closes the statement.
    public mutating func endStatement() {
        var xml = XMLWriter()
        xml.close(message.statementElement)
        append(xml)
    }

    /// Closes the message element and `Document`.
    public mutating func endDocument() {
        var xml = XMLWriter()
        xml.close(message.rootElement)
        xml.close("Document")
        append(xml)
    }

    /// A whole document with one statement.
    public static func document(header: StatementHeader, transactions: [StatementTransaction],
                                version: Version = .v08, createdAt: String? = nil) throws(StatementError) -> [UInt8] {
        var writer = try CamtStatementWriter(format: header.format, version: version)
        writer.beginDocument(messageId: header.messageId,
                             createdAt: createdAt ?? header.createdAt ?? "2000-01-01T00:00:00")
        try writer.beginStatement(header)
        for transaction in transactions { try writer.entry(transaction) }
        writer.endStatement()
        writer.endDocument()
        return writer.takeOutput()
    }

    // MARK: - Pieces

    private mutating func append(_ xml: XMLWriter) {
        output.append(contentsOf: xml.bytes)
        output.append(0x0A)
    }

    private func writeAccount(_ xml: inout XMLWriter, _ identifier: String) throws(StatementError) {
        xml.open("Id")
        if isIBAN(identifier) {
            xml.element("IBAN", identifier)
        } else {
            xml.open("Othr")
            try xml.element("Id", identifier, max: 34)
            xml.close("Othr")
        }
        xml.close("Id")
    }

    private func writeBalance(_ xml: inout XMLWriter, _ balance: StatementBalance) throws(StatementError) {
        xml.open("Bal")
        xml.open("Tp")
        xml.open("CdOrPrtry")
        if Self.balanceCodes.contains(balance.type) || (version == .v08 && isCode(balance.type)) {
            xml.element("Cd", balance.type)
        } else {
            try xml.element("Prtry", balance.type, max: 35)
        }
        xml.close("CdOrPrtry")
        xml.close("Tp")
        let magnitude = Money(minorUnits: abs(balance.amount.minorUnits), currency: balance.amount.currency)
        writeAmount(&xml, "Amt", magnitude)
        xml.element("CdtDbtInd", balance.amount.minorUnits < 0 ? "DBIT" : "CRDT")
        writeDate(&xml, "Dt", balance.date)
        xml.close("Bal")
    }

    /// The .02 balance type codes (the .08 list is external and open).
    private static let balanceCodes: Set<String> = ["XPCD", "OPAV", "ITAV", "CLAV", "FWAV", "CLBD", "ITBD", "OPBD",
                                                    "PRCD", "INFO"]

    private func writeAmount(_ xml: inout XMLWriter, _ name: String, _ amount: Money) {
        xml.element(name, amount.decimalString, attributes: ["Ccy": amount.currency.code])
    }

    private func writeDate(_ xml: inout XMLWriter, _ name: String, _ date: String) {
        xml.open(name)
        xml.element("Dt", date)
        xml.close(name)
    }

    private func writeCode(_ xml: inout XMLWriter, _ code: BankTransactionCode) throws(StatementError) {
        xml.open("BkTxCd")
        if let domain = code.domain {
            guard let family = code.family, let subFamily = code.subFamily else {
                throw StatementError(.unwritable, "bank transaction code \(domain) has no family and sub-family")
            }
            xml.open("Domn")
            xml.element("Cd", domain)
            xml.open("Fmly")
            xml.element("Cd", family)
            xml.element("SubFmlyCd", subFamily)
            xml.close("Fmly")
            xml.close("Domn")
        }
        if let proprietary = code.proprietary {
            xml.open("Prtry")
            try xml.element("Cd", proprietary, max: 35)
            if let issuer = code.proprietaryIssuer { try xml.element("Issr", issuer, max: 35) }
            xml.close("Prtry")
        }
        xml.close("BkTxCd")
    }

    private func writeDetails(_ xml: inout XMLWriter, _ transaction: StatementTransaction) throws(StatementError) {
        let references: [(String, String?)] = [
            ("MsgId", transaction.messageId), ("PmtInfId", transaction.paymentInformationId),
            ("InstrId", transaction.instructionId), ("EndToEndId", transaction.endToEndId),
            ("UETR", version == .v08 ? transaction.uetr : nil),
        ]
        let hasReferences = references.contains { $0.1 != nil }
        let party = transaction.counterparty
        let hasRemittance = transaction.remittanceInformation != nil || transaction.structuredReference != nil
        guard hasReferences || !party.isEmpty || hasRemittance else { return }
        if version == .v02, transaction.uetr != nil {
            throw StatementError(.unwritable, "camt .001.02 has no UETR element")
        }
        xml.open("NtryDtls")
        xml.open("TxDtls")
        if hasReferences {
            xml.open("Refs")
            for (name, value) in references {
                if let value { try xml.element(name, value, max: name == "UETR" ? 36 : 35) }
            }
            xml.close("Refs")
        }
        let side = transaction.creditDebit == .debit ? "Cdtr" : "Dbtr"
        if party.name != nil || party.account != nil {
            xml.open("RltdPties")
            if let name = party.name {
                xml.open(side)
                if version == .v08 { xml.open("Pty") }
                try xml.element("Nm", name, max: 140)
                if version == .v08 { xml.close("Pty") }
                xml.close(side)
            }
            if let account = party.account {
                xml.open("\(side)Acct")
                try writeAccount(&xml, account)
                xml.close("\(side)Acct")
            }
            xml.close("RltdPties")
        }
        if let bank = party.bankCode {
            xml.open("RltdAgts")
            xml.open("\(side)Agt")
            xml.open("FinInstnId")
            if isBIC(bank) {
                xml.element(version == .v08 ? "BICFI" : "BIC", bank)
            } else {
                xml.open("ClrSysMmbId")
                try xml.element("MmbId", bank, max: 35)
                xml.close("ClrSysMmbId")
            }
            xml.close("FinInstnId")
            xml.close("\(side)Agt")
            xml.close("RltdAgts")
        }
        if hasRemittance {
            xml.open("RmtInf")
            if let text = transaction.remittanceInformation {
                for line in Self.remittanceLines(text) { xml.element("Ustrd", line) }
            }
            if let reference = transaction.structuredReference {
                xml.open("Strd")
                xml.open("CdtrRefInf")
                try xml.element("Ref", reference, max: 35)
                xml.close("CdtrRefInf")
                xml.close("Strd")
            }
            xml.close("RmtInf")
        }
        xml.close("TxDtls")
        xml.close("NtryDtls")
    }

    /// `text` in pieces of at most 140 characters, split at spaces (which the reader puts back).
    static func remittanceLines(_ text: String) -> [String] {
        var lines: [String] = []
        var rest = Substring(text)
        while rest.count > 140 {
            let window = rest.prefix(141)
            if let space = window.lastIndex(of: " "), space > rest.startIndex {
                lines.append(String(rest[..<space]))
                rest = rest[rest.index(after: space)...]
            } else {
                lines.append(String(rest.prefix(140)))
                rest = rest.dropFirst(140)
            }
        }
        if !rest.isEmpty { lines.append(String(rest)) }
        return lines
    }

    // MARK: - Identifier shapes

    private func isIBAN(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 5, bytes.count <= 34 else { return false }
        return bytes[0..<2].allSatisfy(isUpper) && bytes[2..<4].allSatisfy(MT940Fields.isDigit)
            && bytes[4...].allSatisfy { isUpper($0) || MT940Fields.isDigit($0) || ($0 >= 0x61 && $0 <= 0x7A) }
    }

    /// A BIC as this version's schema accepts it.
    private func isBIC(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 8 || bytes.count == 11 else { return false }
        let alnum: (UInt8) -> Bool = { isUpper($0) || MT940Fields.isDigit($0) }
        switch version {
        case .v08:
            return bytes[0..<4].allSatisfy(alnum) && bytes[4..<6].allSatisfy(isUpper) && bytes[6...].allSatisfy(alnum)
        case .v02:
            let locationFirst = isUpper(bytes[6]) || (bytes[6] >= UInt8(ascii: "2") && bytes[6] <= UInt8(ascii: "9"))
            return bytes[0..<6].allSatisfy(isUpper) && locationFirst && alnum(bytes[7]) && bytes[7] != UInt8(ascii: "O")
                && bytes[8...].allSatisfy(alnum)
        }
    }

    private func isCode(_ text: String) -> Bool {
        (1...4).contains(text.utf8.count) && text.utf8.allSatisfy(isUpper)
    }
}

private func isUpper(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }

extension XMLWriter {
    /// `<name>text</name>`, refusing text longer than the schema's `max` characters.
    fileprivate mutating func element(_ name: String, _ text: String, max: Int) throws(StatementError) {
        guard !text.isEmpty, text.count <= max else {
            throw StatementError(.unwritable, "\(name) \(StatementText.quoted(text)) must have 1 to \(max) characters")
        }
        element(name, text)
    }
}

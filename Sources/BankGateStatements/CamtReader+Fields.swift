import BankGateCore

/// A camt statement's header elements as they are read (paths relative to `Stmt`/`Rpt`/`Ntfctn`).
struct CamtHeaderFields {
    var line = 0
    var id: String?
    var electronicSequence: Int64?
    var legalSequence: Int64?
    var page: Int?
    var createdAt: String?
    var fromDate: String?
    var toDate: String?
    var iban: String?
    var otherAccount: String?
    var currency: String?
    var servicerBIC: String?
    var balances: [StatementBalance] = []

    /// A header element the reader keeps.
    enum Field {
        case id, electronicSequence, legalSequence, page, createdAt, fromDate, toDate, iban, otherAccount, currency
        case servicerBIC
    }

    /// Where each field is, relative to the statement element.
    static let paths: [(path: String, field: Field)] = [
        ("Id", .id), ("ElctrncSeqNb", .electronicSequence), ("LglSeqNb", .legalSequence),
        ("StmtPgntn/PgNb", .page), ("RptPgntn/PgNb", .page), ("NtfctnPgntn/PgNb", .page),
        ("CreDtTm", .createdAt), ("FrToDt/FrDtTm", .fromDate), ("FrToDt/ToDtTm", .toDate),
        ("Acct/Id/IBAN", .iban), ("Acct/Id/Othr/Id", .otherAccount), ("Acct/Ccy", .currency),
        ("Acct/Svcr/FinInstnId/BIC", .servicerBIC), ("Acct/Svcr/FinInstnId/BICFI", .servicerBIC),
    ]

    mutating func set(_ field: Field, _ value: String) throws(StatementError) {
        switch field {
        case .id: id = value
        case .electronicSequence: electronicSequence = try Self.number(value)
        case .legalSequence: legalSequence = try Self.number(value)
        case .page: page = try Self.number(value).map { Int($0) }
        case .createdAt: createdAt = value
        case .fromDate: fromDate = value
        case .toDate: toDate = value
        case .iban: iban = value
        case .otherAccount: otherAccount = value
        case .currency: currency = try StatementText.currency(value).code
        case .servicerBIC: servicerBIC = value
        }
    }

    static func number(_ value: String) throws(StatementError) -> Int64? {
        guard let number = Int64(value), number >= 0 else {
            throw StatementError(.invalidValue, "\(StatementText.quoted(value)) is not a sequence number")
        }
        return number
    }

    func build(message: CamtMessage, messageId: String,
               groupCreatedAt: String?) throws(StatementError) -> StatementHeader {
        let element = message.statementElement
        guard let id else {
            throw StatementError(.missingField, "the \(element) has no Id", line: line, location: "\(element)/Id")
        }
        guard let account = iban ?? otherAccount else {
            throw StatementError(.missingField, "the \(element) has no account id (IBAN or Othr/Id)", line: line,
                                 location: "\(element)/Acct/Id")
        }
        return StatementHeader(format: message.format, messageId: messageId, statementId: id,
                               electronicSequence: electronicSequence, legalSequence: legalSequence, page: page,
                               account: StatementAccount(identifier: account, currency: currency,
                                                         servicerBIC: servicerBIC),
                               createdAt: createdAt ?? groupCreatedAt, fromDate: fromDate, toDate: toDate,
                               balances: balances, formatVersion: message.version)
    }
}

/// One `Bal` element as it is read.
struct CamtBalanceFields {
    var line = 0
    var type: String?
    var amount: Money?
    var creditDebit: CreditDebit?
    var date: String?

    /// A balance element the reader keeps.
    enum Field { case type, amount, creditDebit, date }

    /// Where each field is, relative to `Bal`.
    static let paths: [(path: String, field: Field)] = [
        ("Tp/CdOrPrtry/Cd", .type), ("Tp/CdOrPrtry/Prtry", .type), ("Amt", .amount), ("CdtDbtInd", .creditDebit),
        ("Dt/Dt", .date), ("Dt/DtTm", .date),
    ]

    mutating func set(_ field: Field, _ value: String, currency: String?) throws(StatementError) {
        switch field {
        case .type: type = value
        case .amount: amount = try CamtEntryFields.amount(value, currency: currency)
        case .creditDebit: creditDebit = try CamtEntryFields.creditDebit(value)
        case .date: date = try StatementText.isoDate(value)
        }
    }

    func build(location: String) throws(StatementError) -> StatementBalance {
        guard let type, let amount, let creditDebit, let date else {
            let missing = [type == nil ? "Tp" : nil, amount == nil ? "Amt" : nil,
                           creditDebit == nil ? "CdtDbtInd" : nil, date == nil ? "Dt" : nil]
                .compactMap { $0 }.joined(separator: ", ")
            throw StatementError(.missingField, "the balance lacks \(missing)", line: line, location: location)
        }
        let signed = creditDebit == .debit ? -amount.minorUnits : amount.minorUnits
        return StatementBalance(type: type, amount: Money(minorUnits: signed, currency: amount.currency), date: date)
    }
}

/// One `Ntry` as it is read: entry-level elements, and those of its first `TxDtls`.
struct CamtEntryFields {
    var line = 0
    var amount: Money?
    var creditDebit: CreditDebit?
    var isReversal = false
    var status: EntryStatus?
    var bookingDate: String?
    var valueDate: String?
    var entryReference: String?
    var accountServicerReference: String?
    var transactionAccountServicerReference: String?
    var code = BankTransactionCode()
    var transactionCode = BankTransactionCode()
    var messageId: String?
    var paymentInformationId: String?
    var instructionId: String?
    var endToEndId: String?
    var uetr: String?
    var debtor = Counterparty()
    var creditor = Counterparty()
    var remittance: String?
    var structuredReference: String?
    var entryInformation: String?
    var transactionInformation: String?

    /// An entry element the reader keeps.
    enum Field {
        case reference, amount, creditDebit, reversal, status, bookingDate, valueDate, accountServicerReference
        case information
        case code(CodeField)
    }

    /// Where each entry field is, relative to `Ntry`.
    static let paths: [(path: String, field: Field)] = [
        ("NtryRef", .reference), ("Amt", .amount), ("CdtDbtInd", .creditDebit), ("RvslInd", .reversal),
        ("Sts", .status), ("Sts/Cd", .status), ("Sts/Prtry", .status),
        ("BookgDt/Dt", .bookingDate), ("BookgDt/DtTm", .bookingDate), ("ValDt/Dt", .valueDate),
        ("ValDt/DtTm", .valueDate), ("AcctSvcrRef", .accountServicerReference), ("AddtlNtryInf", .information),
    ] + codePaths.map { ($0.path, .code($0.field)) }

    /// An element of the first `TxDtls` the reader keeps.
    enum DetailField {
        case messageId, accountServicerReference, paymentInformationId, instructionId, endToEndId, uetr
        case debtorName, creditorName, debtorAccount, creditorAccount, debtorBIC, creditorBIC
        case debtorBankCode, creditorBankCode, remittance, structuredReference, information
        case code(CodeField)
    }

    /// Where each detail field is, relative to `TxDtls`.
    static let detailPaths: [(path: String, field: DetailField)] = [
        ("Refs/MsgId", .messageId), ("Refs/AcctSvcrRef", .accountServicerReference),
        ("Refs/PmtInfId", .paymentInformationId), ("Refs/InstrId", .instructionId),
        ("Refs/EndToEndId", .endToEndId), ("Refs/UETR", .uetr),
        ("RltdPties/Dbtr/Nm", .debtorName), ("RltdPties/Dbtr/Pty/Nm", .debtorName),
        ("RltdPties/Cdtr/Nm", .creditorName), ("RltdPties/Cdtr/Pty/Nm", .creditorName),
        ("RltdPties/DbtrAcct/Id/IBAN", .debtorAccount), ("RltdPties/DbtrAcct/Id/Othr/Id", .debtorAccount),
        ("RltdPties/CdtrAcct/Id/IBAN", .creditorAccount), ("RltdPties/CdtrAcct/Id/Othr/Id", .creditorAccount),
        ("RltdAgts/DbtrAgt/FinInstnId/BIC", .debtorBIC), ("RltdAgts/DbtrAgt/FinInstnId/BICFI", .debtorBIC),
        ("RltdAgts/CdtrAgt/FinInstnId/BIC", .creditorBIC), ("RltdAgts/CdtrAgt/FinInstnId/BICFI", .creditorBIC),
        ("RltdAgts/DbtrAgt/FinInstnId/ClrSysMmbId/MmbId", .debtorBankCode),
        ("RltdAgts/DbtrAgt/FinInstnId/Othr/Id", .debtorBankCode),
        ("RltdAgts/CdtrAgt/FinInstnId/ClrSysMmbId/MmbId", .creditorBankCode),
        ("RltdAgts/CdtrAgt/FinInstnId/Othr/Id", .creditorBankCode),
        ("RmtInf/Ustrd", .remittance), ("RmtInf/Strd/CdtrRefInf/Ref", .structuredReference),
        ("AddtlTxInf", .information),
    ] + codePaths.map { ($0.path, .code($0.field)) }

    /// A part of the bank transaction code (`BkTxCd`), in the entry or its transaction details.
    enum CodeField { case domain, family, subFamily, proprietary, issuer }

    static let codePaths: [(path: String, field: CodeField)] = [
        ("BkTxCd/Domn/Cd", .domain), ("BkTxCd/Domn/Fmly/Cd", .family), ("BkTxCd/Domn/Fmly/SubFmlyCd", .subFamily),
        ("BkTxCd/Prtry/Cd", .proprietary), ("BkTxCd/Prtry/Issr", .issuer),
    ]

    mutating func set(_ field: Field, _ value: String, currency: String?) throws(StatementError) {
        switch field {
        case .reference: entryReference = value
        case .amount: amount = try Self.amount(value, currency: currency)
        case .creditDebit: creditDebit = try Self.creditDebit(value)
        case .reversal:
            switch value {
            case "true", "1": isReversal = true
            case "false", "0": isReversal = false
            default: throw StatementError(.invalidValue, "\(StatementText.quoted(value)) is not true or false")
            }
        case .status: status = try Self.status(value)
        case .bookingDate: bookingDate = try StatementText.isoDate(value)
        case .valueDate: valueDate = try StatementText.isoDate(value)
        case .accountServicerReference: accountServicerReference = value
        case .information: entryInformation = value
        case .code(let part): Self.set(part, of: &code, value)
        }
    }

    mutating func set(_ field: DetailField, _ value: String, maxRemittance: Int) throws(StatementError) {
        switch field {
        case .messageId: messageId = value
        case .accountServicerReference: transactionAccountServicerReference = value
        case .paymentInformationId: paymentInformationId = value
        case .instructionId: instructionId = value
        case .endToEndId: endToEndId = value
        case .uetr: uetr = value
        case .debtorName: debtor.name = value
        case .creditorName: creditor.name = value
        case .debtorAccount: debtor.account = value
        case .creditorAccount: creditor.account = value
        case .debtorBIC: debtor.bankCode = value
        case .creditorBIC: creditor.bankCode = value
        case .debtorBankCode: if debtor.bankCode == nil { debtor.bankCode = value }
        case .creditorBankCode: if creditor.bankCode == nil { creditor.bankCode = value }
        case .remittance:
            let joined = remittance.map { "\($0) \(value)" } ?? value
            guard joined.utf8.count <= maxRemittance else {
                throw StatementError(.limitExceeded,
                                     "the remittance lines are over the limit of \(maxRemittance) bytes")
            }
            remittance = joined
        case .structuredReference: if structuredReference == nil { structuredReference = value }
        case .information: transactionInformation = value
        case .code(let part): Self.set(part, of: &transactionCode, value)
        }
    }

    static func set(_ part: CodeField, of code: inout BankTransactionCode, _ value: String) {
        switch part {
        case .domain: code.domain = value
        case .family: code.family = value
        case .subFamily: code.subFamily = value
        case .proprietary: code.proprietary = value
        case .issuer: code.proprietaryIssuer = value
        }
    }

    func build(header: StatementHeader, sequence: Int, path: String) throws(StatementError) -> StatementTransaction {
        guard let amount else {
            throw StatementError(.missingField, "the entry has no Amt", line: line, location: "Ntry")
        }
        guard let creditDebit else {
            throw StatementError(.missingField, "the entry has no CdtDbtInd", line: line, location: "Ntry")
        }
        guard let status else {
            throw StatementError(.missingField, "the entry has no Sts", line: line, location: "Ntry")
        }
        let information: String? = switch (entryInformation, transactionInformation) {
        case let (entry?, transaction?) where entry != transaction: "\(entry) \(transaction)"
        case let (entry, transaction): entry ?? transaction
        }
        return StatementTransaction(
            account: header.account, statementId: header.statementId, sequence: sequence, bookingDate: bookingDate,
            valueDate: valueDate, amount: amount, creditDebit: creditDebit, isReversal: isReversal, status: status,
            bankReference: entryReference,
            accountServicerReference: accountServicerReference ?? transactionAccountServicerReference,
            endToEndId: endToEndId, instructionId: instructionId, messageId: messageId,
            paymentInformationId: paymentInformationId, uetr: uetr,
            counterparty: creditDebit == .debit ? creditor : debtor, remittanceInformation: remittance,
            structuredReference: structuredReference,
            transactionCode: code == BankTransactionCode() ? transactionCode : code,
            additionalInformation: information, source: SourcePosition(line: line, path: path))
    }

    // MARK: - Values

    /// A camt amount (`.` decimals, never negative) in the currency of its `Ccy` attribute.
    static func amount(_ value: String, currency: String?) throws(StatementError) -> Money {
        guard let currency else { throw StatementError(.missingField, "the amount has no Ccy attribute") }
        return try StatementText.amount(value, currency: StatementText.currency(currency), separator: UInt8(ascii: "."))
    }

    static func creditDebit(_ value: String) throws(StatementError) -> CreditDebit {
        guard let side = CreditDebit(rawValue: value) else {
            throw StatementError(.invalidValue, "\(StatementText.quoted(value)) is not CRDT or DBIT")
        }
        return side
    }

    /// ExternalEntryStatus1Code: `BOOK`, `PDNG`, `INFO`, and `FUTR` (a future booking, so pending).
    static func status(_ value: String) throws(StatementError) -> EntryStatus {
        switch value {
        case "BOOK": .booked
        case "PDNG", "FUTR": .pending
        case "INFO": .info
        default:
            throw StatementError(.invalidValue,
                                 "\(StatementText.quoted(value)) is not an entry status (BOOK, PDNG, INFO, FUTR)")
        }
    }
}

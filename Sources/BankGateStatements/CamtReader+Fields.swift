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

    mutating func set(_ path: String, _ value: String) throws(StatementError) {
        switch path {
        case "Id": id = value
        case "ElctrncSeqNb": electronicSequence = try Self.number(value)
        case "LglSeqNb": legalSequence = try Self.number(value)
        case "StmtPgntn/PgNb", "RptPgntn/PgNb", "NtfctnPgntn/PgNb": page = try Self.number(value).map { Int($0) }
        case "CreDtTm": createdAt = value
        case "FrToDt/FrDtTm": fromDate = value
        case "FrToDt/ToDtTm": toDate = value
        case "Acct/Id/IBAN": iban = value
        case "Acct/Id/Othr/Id": otherAccount = value
        case "Acct/Ccy": currency = try StatementText.currency(value).code
        case "Acct/Svcr/FinInstnId/BIC", "Acct/Svcr/FinInstnId/BICFI": servicerBIC = value
        default: break
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

    mutating func set(_ path: String, _ value: String, currency: String?) throws(StatementError) {
        switch path {
        case "Tp/CdOrPrtry/Cd", "Tp/CdOrPrtry/Prtry": type = value
        case "Amt": amount = try CamtEntryFields.amount(value, currency: currency)
        case "CdtDbtInd": creditDebit = try CamtEntryFields.creditDebit(value)
        case "Dt/Dt", "Dt/DtTm": date = try StatementText.isoDate(value)
        default: break
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

    mutating func setEntryField(_ path: String, _ value: String, currency: String?) throws(StatementError) {
        switch path {
        case "NtryRef": entryReference = value
        case "Amt": amount = try Self.amount(value, currency: currency)
        case "CdtDbtInd": creditDebit = try Self.creditDebit(value)
        case "RvslInd":
            switch value {
            case "true", "1": isReversal = true
            case "false", "0": isReversal = false
            default: throw StatementError(.invalidValue, "\(StatementText.quoted(value)) is not true or false")
            }
        case "Sts", "Sts/Cd", "Sts/Prtry": status = try Self.status(value)
        case "BookgDt/Dt", "BookgDt/DtTm": bookingDate = try StatementText.isoDate(value)
        case "ValDt/Dt", "ValDt/DtTm": valueDate = try StatementText.isoDate(value)
        case "AcctSvcrRef": accountServicerReference = value
        case "AddtlNtryInf": entryInformation = value
        default:
            if path.hasPrefix("BkTxCd/") { Self.setCode(&code, path, value) }
        }
    }

    mutating func setTransactionDetail(_ path: String, _ value: String, currency: String?,
                                       maxRemittance: Int) throws(StatementError) {
        switch path {
        case "Refs/MsgId": messageId = value
        case "Refs/AcctSvcrRef": transactionAccountServicerReference = value
        case "Refs/PmtInfId": paymentInformationId = value
        case "Refs/InstrId": instructionId = value
        case "Refs/EndToEndId": endToEndId = value
        case "Refs/UETR": uetr = value
        case "RltdPties/Dbtr/Nm", "RltdPties/Dbtr/Pty/Nm": debtor.name = value
        case "RltdPties/Cdtr/Nm", "RltdPties/Cdtr/Pty/Nm": creditor.name = value
        case "RltdPties/DbtrAcct/Id/IBAN", "RltdPties/DbtrAcct/Id/Othr/Id": debtor.account = value
        case "RltdPties/CdtrAcct/Id/IBAN", "RltdPties/CdtrAcct/Id/Othr/Id": creditor.account = value
        case "RltdAgts/DbtrAgt/FinInstnId/BIC", "RltdAgts/DbtrAgt/FinInstnId/BICFI": debtor.bankCode = value
        case "RltdAgts/CdtrAgt/FinInstnId/BIC", "RltdAgts/CdtrAgt/FinInstnId/BICFI": creditor.bankCode = value
        case "RltdAgts/DbtrAgt/FinInstnId/ClrSysMmbId/MmbId", "RltdAgts/DbtrAgt/FinInstnId/Othr/Id":
            if debtor.bankCode == nil { debtor.bankCode = value }
        case "RltdAgts/CdtrAgt/FinInstnId/ClrSysMmbId/MmbId", "RltdAgts/CdtrAgt/FinInstnId/Othr/Id":
            if creditor.bankCode == nil { creditor.bankCode = value }
        case "RmtInf/Ustrd":
            let joined = remittance.map { "\($0) \(value)" } ?? value
            guard joined.utf8.count <= maxRemittance else {
                throw StatementError(.limitExceeded,
                                     "the remittance lines are over the limit of \(maxRemittance) bytes")
            }
            remittance = joined
        case "RmtInf/Strd/CdtrRefInf/Ref": if structuredReference == nil { structuredReference = value }
        case "AddtlTxInf": transactionInformation = value
        default:
            if path.hasPrefix("BkTxCd/") { Self.setCode(&transactionCode, path, value) }
        }
    }

    static func setCode(_ code: inout BankTransactionCode, _ path: String, _ value: String) {
        switch path {
        case "BkTxCd/Domn/Cd": code.domain = value
        case "BkTxCd/Domn/Fmly/Cd": code.family = value
        case "BkTxCd/Domn/Fmly/SubFmlyCd": code.subFamily = value
        case "BkTxCd/Prtry/Cd": code.proprietary = value
        case "BkTxCd/Prtry/Issr": code.proprietaryIssuer = value
        default: break
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

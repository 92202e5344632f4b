public import BankGateCore

/// The bank report formats bankgate reads.
public enum StatementFormat: String, Sendable, Hashable, CaseIterable {
    case camt052 = "camt.052"
    case camt053 = "camt.053"
    case camt054 = "camt.054"
    case mt940 = "MT940"
    case mt942 = "MT942"

    /// What kind of report the format carries.
    public var reportKind: ReportKind {
        switch self {
        case .camt052, .mt942: .intraday
        case .camt053, .mt940: .endOfDay
        case .camt054: .notification
        }
    }
}

/// Intraday (camt.052, MT942), end of day (camt.053, MT940) or debit/credit notification (camt.054).
public enum ReportKind: String, Sendable, Hashable {
    case intraday
    case endOfDay = "end_of_day"
    case notification
}

/// Whether an entry or a balance is on the credit or the debit side of the account.
public enum CreditDebit: String, Sendable, Hashable {
    case credit = "CRDT"
    case debit = "DBIT"
}

/// Booked, pending or information only (ISO 20022 ExternalEntryStatus1Code BOOK/PDNG/INFO; MT942
/// entries are pending unless the bank says otherwise).
public enum EntryStatus: String, Sendable, Hashable {
    case booked
    case pending
    case info
}

/// A balance of a statement, with its ISO 20022 type code.
///
/// MT940 balances map to the same codes: `:60F:` OPBD, `:60M:` intermediate opening (OPBD, with
/// ``isIntermediate``), `:62F:` CLBD, `:62M:` intermediate closing (CLBD, intermediate), `:64:` CLAV,
/// `:65:` FWAV. camt codes not listed here are kept as given (ITBD, PRCD, OPAV, INFO …).
public struct StatementBalance: Sendable, Hashable {
    /// ISO 20022 balance type code (`OPBD`, `CLBD`, `ITBD`, `CLAV`, `PRCD`, `FWAV` …).
    public var type: String
    /// Signed: negative for a debit (overdrawn) balance.
    public var amount: Money
    /// `YYYY-MM-DD`.
    public var date: String
    /// MT940 `M` balances (a statement split over several messages).
    public var isIntermediate: Bool

    public init(type: String, amount: Money, date: String, isIntermediate: Bool = false) {
        self.type = type
        self.amount = amount
        self.date = date
        self.isIntermediate = isIntermediate
    }
}

/// Where in its source a statement or an entry was read: for traceability from a transaction back to
/// the file, and for error messages.
public struct SourcePosition: Sendable, Hashable {
    /// 1-based line of the entry's first line (`:61:` in MT940, `<Ntry>` in camt).
    public var line: Int
    /// camt: the element path of the entry, e.g. `Document/BkToCstmrStmt/Stmt[2]/Ntry[17]`; MT940:
    /// the message and field, e.g. `message 3 :61: #5`.
    public var path: String

    public init(line: Int, path: String) {
        self.line = line
        self.path = path
    }
}

/// The account a statement reports on.
public struct StatementAccount: Sendable, Hashable {
    /// IBAN, or the bank's own account number (MT940 `:25:` may carry `BIC/account`: the account
    /// part is kept here, the BIC in ``servicerBIC``).
    public var identifier: String
    /// The account currency when the report states it (camt `Acct/Ccy`; MT940: the currency of the
    /// opening balance; MT942: the currency of the `:34F:` floor limit).
    public var currency: String?
    /// The account servicer's BIC when given.
    public var servicerBIC: String?

    public init(identifier: String, currency: String? = nil, servicerBIC: String? = nil) {
        self.identifier = identifier
        self.currency = currency
        self.servicerBIC = servicerBIC
    }
}

/// A statement's header: everything but its entries, which are streamed.
public struct StatementHeader: Sendable, Hashable {
    public var format: StatementFormat
    /// The exact schema or message type read, e.g. `camt.053.001.08` or `MT940`; nil when unknown.
    public var formatVersion: String?
    /// The message id (camt `GrpHdr/MsgId`; MT940 `:20:`).
    public var messageId: String
    /// The statement id (camt `Stmt/Id`, `Rpt/Id`, `Ntfctn/Id`; MT940 `:20:` plus `:28C:`).
    public var statementId: String
    /// camt `ElctrncSeqNb`; MT940 `:28C:` statement number.
    public var electronicSequence: Int64?
    /// camt `LglSeqNb`.
    public var legalSequence: Int64?
    /// MT940 `:28C:` page (sequence within the statement number).
    public var page: Int?
    public var account: StatementAccount
    /// `CreDtTm` as given (ISO 8601), or MT942 `:13D:`.
    public var createdAt: String?
    /// `FrToDt` as `YYYY-MM-DD` (or date-time as given), when present.
    public var fromDate: String?
    public var toDate: String?
    /// All balances, in document order. For MT940 the closing balances are known only at the end of
    /// the statement: see ``StatementVisitor/endStatement(_:summary:)``.
    public var balances: [StatementBalance]
    /// What the reader accepted beyond the standard (a bank's header lines, 30 February, an amount
    /// without decimal comma …), in the order first met. For MT940 the warnings of the entries are
    /// known only at the end of the statement: see ``StatementVisitor/endStatement(_:summary:)``.
    public var warnings: [StatementWarning]

    public init(format: StatementFormat, messageId: String, statementId: String, electronicSequence: Int64? = nil,
                legalSequence: Int64? = nil, page: Int? = nil, account: StatementAccount, createdAt: String? = nil,
                fromDate: String? = nil, toDate: String? = nil, balances: [StatementBalance] = [],
                formatVersion: String? = nil, warnings: [StatementWarning] = []) {
        self.format = format
        self.formatVersion = formatVersion
        self.messageId = messageId
        self.statementId = statementId
        self.electronicSequence = electronicSequence
        self.legalSequence = legalSequence
        self.page = page
        self.account = account
        self.createdAt = createdAt
        self.fromDate = fromDate
        self.toDate = toDate
        self.balances = balances
        self.warnings = warnings
    }

    /// The first balance of `type` that is not intermediate, else the first of `type`.
    public func balance(_ type: String) -> StatementBalance? {
        balances.first { $0.type == type && !$0.isIntermediate } ?? balances.first { $0.type == type }
    }

    /// Opening booked balance (`OPBD`, MT940 `:60F:`/`:60M:`).
    public var openingBalance: StatementBalance? { balance("OPBD") }
    /// Closing booked balance (`CLBD`, MT940 `:62F:`/`:62M:`).
    public var closingBalance: StatementBalance? { balance("CLBD") }
}

/// Bank transaction code: ISO domain/family/sub-family and/or the bank's proprietary code (MT940:
/// the `:61:` transaction type such as `NTRF`, and a `?` structured `:86:` GVC such as `166`).
public struct BankTransactionCode: Sendable, Hashable {
    public var domain: String?
    public var family: String?
    public var subFamily: String?
    public var proprietary: String?
    public var proprietaryIssuer: String?

    public init(domain: String? = nil, family: String? = nil, subFamily: String? = nil,
                proprietary: String? = nil, proprietaryIssuer: String? = nil) {
        self.domain = domain
        self.family = family
        self.subFamily = subFamily
        self.proprietary = proprietary
        self.proprietaryIssuer = proprietaryIssuer
    }
}

/// The other party of a transaction: the creditor of a debit, the debtor of a credit.
public struct Counterparty: Sendable, Hashable {
    public var name: String?
    /// IBAN or other account id.
    public var account: String?
    /// BIC or a domestic bank code.
    public var bankCode: String?

    public init(name: String? = nil, account: String? = nil, bankCode: String? = nil) {
        self.name = name
        self.account = account
        self.bankCode = bankCode
    }

    public var isEmpty: Bool { name == nil && account == nil && bankCode == nil }
}

/// One booked or pending transaction on an account, whatever format reported it.
public struct StatementTransaction: Sendable, Hashable {
    /// The account (from the statement).
    public var account: StatementAccount
    /// The statement it was read from and its 1-based position in that statement.
    public var statementId: String
    public var sequence: Int
    /// `YYYY-MM-DD`; nil when the bank gives none (pending entries).
    public var bookingDate: String?
    public var valueDate: String?
    /// Positive minor units: the direction is ``creditDebit``.
    public var amount: Money
    public var creditDebit: CreditDebit
    /// A reversal (camt `RvslInd`, MT940 `RC`/`RD`).
    public var isReversal: Bool
    public var status: EntryStatus
    /// The bank's reference for the entry (camt `NtryRef`; MT940 `:61:` reference after `//`).
    public var bankReference: String?
    /// camt `AcctSvcrRef` (entry, else transaction details).
    public var accountServicerReference: String?
    /// camt `Refs/EndToEndId`; MT940 `:86:` `EREF+` or `?20`–`?29` `EREF+`, or `/EREF/`.
    public var endToEndId: String?
    /// camt `Refs/InstrId`; MT940: the `:61:` customer reference when it is not `NONREF`.
    public var instructionId: String?
    /// camt `Refs/MsgId` and `PmtInfId`, when given.
    public var messageId: String?
    public var paymentInformationId: String?
    /// camt `Refs/UETR`.
    public var uetr: String?
    public var counterparty: Counterparty
    /// Unstructured remittance lines joined with a space (camt `RmtInf/Ustrd`; MT940 `:86:` free
    /// text or `?20`–`?29` `SVWZ+`).
    public var remittanceInformation: String?
    /// Structured creditor reference (camt `RmtInf/Strd/CdtrRefInf/Ref`, e.g. an RF reference).
    public var structuredReference: String?
    public var transactionCode: BankTransactionCode
    /// Balance after this entry, when the bank states it (some Chinese banks do; MT940 never).
    public var balanceAfter: Money?
    /// The whole `:86:` text or the entry's additional information, as given.
    public var additionalInformation: String?
    /// MT940 `:61:` supplementary details (the optional `34x` line after the references).
    public var supplementaryDetails: String?
    public var source: SourcePosition

    public init(account: StatementAccount, statementId: String, sequence: Int, bookingDate: String?, valueDate: String?,
                amount: Money, creditDebit: CreditDebit, isReversal: Bool = false, status: EntryStatus,
                bankReference: String? = nil, accountServicerReference: String? = nil, endToEndId: String? = nil,
                instructionId: String? = nil, messageId: String? = nil, paymentInformationId: String? = nil,
                uetr: String? = nil, counterparty: Counterparty = Counterparty(), remittanceInformation: String? = nil,
                structuredReference: String? = nil, transactionCode: BankTransactionCode = BankTransactionCode(),
                balanceAfter: Money? = nil, additionalInformation: String? = nil, supplementaryDetails: String? = nil,
                source: SourcePosition) {
        self.account = account
        self.statementId = statementId
        self.sequence = sequence
        self.bookingDate = bookingDate
        self.valueDate = valueDate
        self.amount = amount
        self.creditDebit = creditDebit
        self.isReversal = isReversal
        self.status = status
        self.bankReference = bankReference
        self.accountServicerReference = accountServicerReference
        self.endToEndId = endToEndId
        self.instructionId = instructionId
        self.messageId = messageId
        self.paymentInformationId = paymentInformationId
        self.uetr = uetr
        self.counterparty = counterparty
        self.remittanceInformation = remittanceInformation
        self.structuredReference = structuredReference
        self.transactionCode = transactionCode
        self.balanceAfter = balanceAfter
        self.additionalInformation = additionalInformation
        self.supplementaryDetails = supplementaryDetails
        self.source = source
    }

    /// The amount with its sign: negative for a debit (a reversal keeps the sign of its side).
    public var signedMinorUnits: Int64 { creditDebit == .credit ? amount.minorUnits : -amount.minorUnits }
}

/// What one statement added up to, given to ``StatementVisitor/endStatement(_:summary:)``.
public struct StatementSummary: Sendable, Hashable {
    public var entries: Int
    /// Sums of booked entries, positive minor units.
    public var bookedCredits: Int64
    public var bookedDebits: Int64
    /// Sums of pending and information entries.
    public var pendingCredits: Int64
    public var pendingDebits: Int64
    public var integrity: StatementIntegrity

    public init(entries: Int, bookedCredits: Int64, bookedDebits: Int64, pendingCredits: Int64, pendingDebits: Int64,
                integrity: StatementIntegrity) {
        self.entries = entries
        self.bookedCredits = bookedCredits
        self.bookedDebits = bookedDebits
        self.pendingCredits = pendingCredits
        self.pendingDebits = pendingDebits
        self.integrity = integrity
    }
}

/// Opening balance + booked entries = closing balance, for one statement.
public enum StatementIntegrity: Sendable, Hashable {
    /// The sum agrees.
    case consistent
    /// It does not: `expected` is opening + entries, `stated` the closing balance (minor units). For an
    /// MT942 with `:90D:`/`:90C:` totals, `expected` is the entries' net sum (credits − debits) and
    /// `stated` the totals' net sum; a difference in the number of entries alone is inconsistent too
    /// (the two numbers are then equal, and a ``StatementWarning/Code/totalsMismatch`` warning says why).
    case inconsistent(expectedClosing: Int64, statedClosing: Int64)
    /// Not checkable: an opening or closing booked balance is missing (camt.052/054, MT942 without
    /// `:90D:`/`:90C:`), or
    /// the balances are in another currency than the entries.
    case notApplicable(reason: String)

    /// `consistent`, `inconsistent` or `not_applicable`.
    public var label: String {
        switch self {
        case .consistent: "consistent"
        case .inconsistent: "inconsistent"
        case .notApplicable: "not_applicable"
        }
    }
}

/// Receives a statement file as it is read: header, then each entry, then the end with its sums.
/// Whatever the file's size, a parser holds one statement header and one entry at a time.
public protocol StatementVisitor {
    /// A statement begins. For camt the header carries every balance; for MT940 only the opening.
    mutating func beginStatement(_ header: StatementHeader) throws
    /// One entry of the current statement, in document order.
    mutating func transaction(_ transaction: StatementTransaction) throws
    /// The current statement ends: `header` now carries every balance, `summary` the sums and the
    /// integrity check.
    mutating func endStatement(_ header: StatementHeader, summary: StatementSummary) throws
}

public import BankGateCore

/// Where a statement came into bankgate from.
public enum StatementSource: String, Sendable, Hashable {
    /// Pulled from the bank by the scheduler (or a gap re-pull).
    case pull
    /// Picked up from a host-to-host inbox folder.
    case folder
    /// Uploaded through `POST /v1/statements`.
    case upload
}

/// Intraday (camt.052, MT942), end of day (camt.053, MT940) or debit/credit notification (camt.054);
/// the raw values are the spellings in the database and the API.
public enum StatementReportKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case intraday
    case endOfDay = "end_of_day"
    case notification

    public var description: String { rawValue }
}

/// Whether a statement's opening balance and booked entries add up to its closing balance.
public enum StatementIntegrityCheck: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case consistent
    case inconsistent
    /// An opening or closing booked balance is missing (intraday reports, notifications).
    case notApplicable = "not_applicable"

    public var description: String { rawValue }
}

/// How a statement follows the account's previous end-of-day statement.
public enum StatementContinuity: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// It follows on: the next number, and its opening balance is the previous closing balance.
    case ok
    /// The account's first statement.
    case first
    /// Statements are missing in between (recorded as an open gap).
    case gap
    /// Its opening balance is not the previous closing balance.
    case openingMismatch = "opening_mismatch"
    /// Its numbering and its date disagree on which statement comes first.
    case sequenceDateConflict = "sequence_date_conflict"
    /// Not an end-of-day statement, or it does not add up.
    case notChecked = "not_checked"
    /// Not finished importing.
    case pending

    public var description: String { rawValue }
}

/// A statement's header as the store keeps it: the parser's view reduced to what bankgate uses.
public struct StatementDraft: Sendable, Hashable {
    public var accountId: String
    /// `camt.053`, `MT940` …
    public var format: String
    public var reportKind: StatementReportKind
    public var messageId: String
    public var statementId: String
    public var electronicSequence: Int64?
    public var legalSequence: Int64?
    public var page: Int?
    public var bankCreatedAt: String?
    public var fromDate: String?
    public var toDate: String?
    /// The business date the statement reports (closing balance date, else to-date, else creation date).
    public var statementDate: String
    public var currency: Currency
    public var source: StatementSource
    public var sourceName: String?

    public init(accountId: String, format: String, reportKind: StatementReportKind, messageId: String, statementId: String,
                electronicSequence: Int64?, legalSequence: Int64?, page: Int?, bankCreatedAt: String?,
                fromDate: String?, toDate: String?, statementDate: String, currency: Currency,
                source: StatementSource, sourceName: String?) {
        self.accountId = accountId
        self.format = format
        self.reportKind = reportKind
        self.messageId = messageId
        self.statementId = statementId
        self.electronicSequence = electronicSequence
        self.legalSequence = legalSequence
        self.page = page
        self.bankCreatedAt = bankCreatedAt
        self.fromDate = fromDate
        self.toDate = toDate
        self.statementDate = statementDate
        self.currency = currency
        self.source = source
        self.sourceName = sourceName
    }

    /// The sequence used for completeness: the electronic sequence, else the legal one.
    public var sequenceNumber: Int64? { electronicSequence ?? legalSequence }
}

/// A balance as reported, signed minor units.
public struct BalanceDraft: Sendable, Hashable {
    /// ISO 20022 balance type code (`OPBD`, `CLBD`, `ITBD`, `CLAV` …).
    public var type: String
    public var date: String
    public var amount: Money

    public init(type: String, date: String, amount: Money) {
        self.type = type
        self.date = date
        self.amount = amount
    }
}

/// The sums and checks of a statement, known once all its entries were read.
public struct StatementCompletion: Sendable, Hashable {
    public var entries: Int
    public var bookedCredits: Int64
    public var bookedDebits: Int64
    public var openingBalance: Int64?
    public var closingBalance: Int64?
    public var closingAvailable: Int64?
    public var integrity: StatementIntegrityCheck
    public var expectedClosing: Int64?
    public var balances: [BalanceDraft]
    /// What the reader had to tolerate in the file (one line each), kept with the statement.
    public var warnings: [String] = []

    public init(entries: Int, bookedCredits: Int64, bookedDebits: Int64, openingBalance: Int64?, closingBalance: Int64?,
                closingAvailable: Int64?, integrity: StatementIntegrityCheck, expectedClosing: Int64?, balances: [BalanceDraft],
                warnings: [String] = []) {
        self.warnings = warnings
        self.entries = entries
        self.bookedCredits = bookedCredits
        self.bookedDebits = bookedDebits
        self.openingBalance = openingBalance
        self.closingBalance = closingBalance
        self.closingAvailable = closingAvailable
        self.integrity = integrity
        self.expectedClosing = expectedClosing
        self.balances = balances
    }
}

/// One bank transaction to store, with the identity that makes a second report of it a duplicate.
public struct BankTransactionDraft: Sendable, Hashable {
    /// See ``TransactionIdentity``.
    public var identity: String
    public var statementId: String
    public var sequence: Int
    public var bookingDate: String?
    public var valueDate: String?
    /// Signed: negative for a debit.
    public var amount: Money
    /// `booked`, `pending` or `info`.
    public var status: String
    public var reversal: Bool
    public var bankReference: String?
    public var accountServicerReference: String?
    public var endToEndId: String?
    public var instructionId: String?
    public var messageId: String?
    public var paymentInfoId: String?
    public var uetr: String?
    public var counterpartyName: String?
    public var counterpartyAccount: String?
    public var counterpartyBank: String?
    public var remittanceInfo: String?
    public var structuredReference: String?
    public var codeDomain: String?
    public var codeFamily: String?
    public var codeSubFamily: String?
    public var codeProprietary: String?
    public var balanceAfter: Int64?
    public var additionalInfo: String?
    public var sourceLine: Int
    public var sourcePath: String

    public init(identity: String, statementId: String, sequence: Int, bookingDate: String?, valueDate: String?,
                amount: Money, status: String, reversal: Bool, bankReference: String?, accountServicerReference: String?,
                endToEndId: String?, instructionId: String?, messageId: String?, paymentInfoId: String?, uetr: String?,
                counterpartyName: String?, counterpartyAccount: String?, counterpartyBank: String?,
                remittanceInfo: String?, structuredReference: String?, codeDomain: String?, codeFamily: String?,
                codeSubFamily: String?, codeProprietary: String?, balanceAfter: Int64?, additionalInfo: String?,
                sourceLine: Int, sourcePath: String) {
        self.identity = identity
        self.statementId = statementId
        self.sequence = sequence
        self.bookingDate = bookingDate
        self.valueDate = valueDate
        self.amount = amount
        self.status = status
        self.reversal = reversal
        self.bankReference = bankReference
        self.accountServicerReference = accountServicerReference
        self.endToEndId = endToEndId
        self.instructionId = instructionId
        self.messageId = messageId
        self.paymentInfoId = paymentInfoId
        self.uetr = uetr
        self.counterpartyName = counterpartyName
        self.counterpartyAccount = counterpartyAccount
        self.counterpartyBank = counterpartyBank
        self.remittanceInfo = remittanceInfo
        self.structuredReference = structuredReference
        self.codeDomain = codeDomain
        self.codeFamily = codeFamily
        self.codeSubFamily = codeSubFamily
        self.codeProprietary = codeProprietary
        self.balanceAfter = balanceAfter
        self.additionalInfo = additionalInfo
        self.sourceLine = sourceLine
        self.sourcePath = sourcePath
    }
}

/// Whether a bank transaction is matched; the raw values are the spellings in the database and the API.
public enum TransactionMatchState: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case unmatched
    /// Only suggestions wait for an operator.
    case suggested
    /// A confirmed match.
    case matched

    public var description: String { rawValue }
}

/// A stored bank transaction.
public struct BankTransactionRecord: Sendable, Hashable {
    /// `btx_<n>`.
    public var id: String
    public var accountId: String
    public var statementRow: Int64
    public var draft: BankTransactionDraft
    public var matchState: TransactionMatchState
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    /// No complete, consistent statement (nor an operator) vouches for the entry yet: it is left
    /// out of matching and the balance reconciliation.
    public var quarantined: Bool

    public init(id: String, accountId: String, statementRow: Int64, draft: BankTransactionDraft, matchState: TransactionMatchState,
                createdAt: Timestamp, updatedAt: Timestamp, quarantined: Bool = false) {
        self.id = id
        self.accountId = accountId
        self.statementRow = statementRow
        self.draft = draft
        self.matchState = matchState
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.quarantined = quarantined
    }

    /// The integer row id behind ``id``.
    public static func rowId(_ id: String) -> Int64? {
        guard id.hasPrefix("btx_") else { return nil }
        return Int64(id.dropFirst(4))
    }
}

/// A stored statement with its checks.
public struct StatementRecord: Sendable, Hashable {
    /// `stm_<n>`.
    public var id: String
    public var draft: StatementDraft
    public var completion: StatementCompletion?
    /// `new_entries`: entries not seen before in another report.
    public var newEntries: Int
    public var continuity: StatementContinuity
    /// `importing`, `complete` or `failed`.
    public var state: String
    public var receivedAt: Timestamp
    /// Whether an operator must look at the statement before its entries count.
    public var review: StatementReview
    /// Why it is quarantined, accepted or replaced.
    public var reviewReason: String?
    /// What the reader had to tolerate in the file (one line each).
    public var warnings: [String]

    public init(id: String, draft: StatementDraft, completion: StatementCompletion?, newEntries: Int, continuity: StatementContinuity,
                state: String, receivedAt: Timestamp, review: StatementReview = .none, reviewReason: String? = nil,
                warnings: [String] = []) {
        self.id = id
        self.draft = draft
        self.completion = completion
        self.newEntries = newEntries
        self.continuity = continuity
        self.state = state
        self.receivedAt = receivedAt
        self.review = review
        self.reviewReason = reviewReason
        self.warnings = warnings
    }
}

/// Where a statement stands with the operators.
public enum StatementReview: String, Sendable, Hashable, CaseIterable {
    /// Nothing to look at: its entries count.
    case none
    /// Its balances do not add up with the entries kept for it: its new entries and balances are
    /// held out of matching and the balance reconciliation.
    case quarantined
    /// An operator accepted it as it is (audited).
    case accepted
    /// A consistent statement of the same account, kind and date arrived after it.
    case replaced
}

/// The latest balances of an account, by type.
public struct AccountBalance: Sendable, Hashable {
    public var type: String
    public var date: String
    public var amount: Money
    /// The statement that reported it.
    public var statementId: String
    public var recordedAt: Timestamp

    public init(type: String, date: String, amount: Money, statementId: String, recordedAt: Timestamp) {
        self.type = type
        self.date = date
        self.amount = amount
        self.statementId = statementId
        self.recordedAt = recordedAt
    }
}

/// A hole in an account's run of statements, to be pulled again.
public struct StatementGap: Sendable, Hashable {
    public var id: Int64
    public var accountId: String
    public var reportKind: StatementReportKind
    public var fromSequence: Int64?
    public var toSequence: Int64?
    public var fromDate: String
    public var toDate: String
    /// `sequence_gap` or `opening_mismatch`.
    public var reason: String
    /// `open` or `closed`.
    public var state: String
    public var pulls: Int

    public init(id: Int64, accountId: String, reportKind: StatementReportKind, fromSequence: Int64?, toSequence: Int64?,
                fromDate: String, toDate: String, reason: String, state: String, pulls: Int) {
        self.id = id
        self.accountId = accountId
        self.reportKind = reportKind
        self.fromSequence = fromSequence
        self.toSequence = toSequence
        self.fromDate = fromDate
        self.toDate = toDate
        self.reason = reason
        self.state = state
        self.pulls = pulls
    }
}

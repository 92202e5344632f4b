public import BankGateCore

/// A booked bank transaction that no payment or expected payment has claimed yet, as the engine
/// loads it from the store. Dates are `YYYY-MM-DD`; a date that does not parse never falls inside
/// a date window, so such a transaction can still match exactly by identifier but is never suggested.
public struct BankTransactionCandidate: Hashable, Sendable {
    /// The store id of the transaction; ids are unique and order ties between equal booking dates.
    public var id: String
    /// The bankgate account the statement belongs to.
    public var accountId: String
    /// The booking date, `YYYY-MM-DD`.
    public var bookingDate: String
    /// The value date, `YYYY-MM-DD`, when the bank gave one.
    public var valueDate: String?
    /// The signed amount: negative for a debit (money out), positive for a credit.
    public var amount: Money
    /// The end-to-end id the bank reported; the ISO placeholder `NOTPROVIDED` counts as absent.
    public var endToEndId: String?
    /// The instruction id the bank reported.
    public var instructionId: String?
    /// The bank's own reference (account servicer reference, bank serial).
    public var bankReference: String?
    /// The other party's name.
    public var counterpartyName: String?
    /// The other party's account (IBAN or domestic number).
    public var counterpartyAccount: String?
    /// Unstructured remittance text.
    public var remittanceInformation: String?
    /// A structured creditor reference (ISO 11649 `RF…` or a national scheme).
    public var structuredReference: String?

    public init(id: String, accountId: String, bookingDate: String, valueDate: String? = nil, amount: Money,
                endToEndId: String? = nil, instructionId: String? = nil, bankReference: String? = nil,
                counterpartyName: String? = nil, counterpartyAccount: String? = nil,
                remittanceInformation: String? = nil, structuredReference: String? = nil) {
        self.id = id
        self.accountId = accountId
        self.bookingDate = bookingDate
        self.valueDate = valueDate
        self.amount = amount
        self.endToEndId = endToEndId
        self.instructionId = instructionId
        self.bankReference = bankReference
        self.counterpartyName = counterpartyName
        self.counterpartyAccount = counterpartyAccount
        self.remittanceInformation = remittanceInformation
        self.structuredReference = structuredReference
    }
}

/// One of our outgoing payments that no bank transaction has claimed yet. It appears on the
/// statement as a debit of `amount`.
public struct PaymentCandidate: Hashable, Sendable {
    /// The store id of the payment.
    public var id: String
    /// The bankgate account debited.
    public var accountId: String
    /// The amount sent, positive minor units.
    public var amount: Money
    /// The end-to-end id we sent.
    public var endToEndId: String
    /// The instruction id we sent.
    public var instructionId: String
    /// The message id of the pain.001 that carried the payment.
    public var messageId: String?
    /// A bank reference the bank gave us for this payment in a status report, if any.
    public var bankReference: String?
    /// The requested execution date, `YYYY-MM-DD`.
    public var executionDate: String
    /// The creditor's name.
    public var creditorName: String
    /// The creditor's account.
    public var creditorAccount: String
    /// The remittance text we sent.
    public var remittanceInformation: String?

    public init(id: String, accountId: String, amount: Money, endToEndId: String, instructionId: String,
                messageId: String? = nil, bankReference: String? = nil, executionDate: String,
                creditorName: String, creditorAccount: String, remittanceInformation: String? = nil) {
        self.id = id
        self.accountId = accountId
        self.amount = amount
        self.endToEndId = endToEndId
        self.instructionId = instructionId
        self.messageId = messageId
        self.bankReference = bankReference
        self.executionDate = executionDate
        self.creditorName = creditorName
        self.creditorAccount = creditorAccount
        self.remittanceInformation = remittanceInformation
    }
}

/// The amount an expected payment may arrive with, in minor units of its currency.
public enum ExpectedAmount: Hashable, Sendable {
    /// Exactly this many minor units.
    case exact(Int64)
    /// Any amount from the lower to the upper bound, both included.
    case range(ClosedRange<Int64>)

    /// Whether `minorUnits` satisfies the expectation.
    public func contains(_ minorUnits: Int64) -> Bool {
        switch self {
        case .exact(let value): minorUnits == value
        case .range(let range): range.contains(minorUnits)
        }
    }
}

/// Money the business expects to receive on one of its accounts (a credit on the statement).
public struct ExpectedPaymentCandidate: Hashable, Sendable {
    /// The store id of the expectation.
    public var id: String
    /// The bankgate account to be credited.
    public var accountId: String
    /// The currency of the amount.
    public var currency: Currency
    /// The amount, exact or a range.
    public var amount: ExpectedAmount
    /// The payer's name, when known.
    public var counterpartyName: String?
    /// The payer's account, when known.
    public var counterpartyAccount: String?
    /// A reference the payer was asked to quote (invoice number, `RF…` reference). Searched for,
    /// ignoring case and whitespace, in the transaction's end-to-end id, structured reference and
    /// remittance text.
    public var reference: String?
    /// The first booking date on which the money may arrive, `YYYY-MM-DD`.
    public var from: String
    /// The last booking date on which the money may arrive, `YYYY-MM-DD`.
    public var to: String

    public init(id: String, accountId: String, currency: Currency, amount: ExpectedAmount,
                counterpartyName: String? = nil, counterpartyAccount: String? = nil, reference: String? = nil,
                from: String, to: String) {
        self.id = id
        self.accountId = accountId
        self.currency = currency
        self.amount = amount
        self.counterpartyName = counterpartyName
        self.counterpartyAccount = counterpartyAccount
        self.reference = reference
        self.from = from
        self.to = to
    }
}

/// The creditor of a credit transfer: who receives the money.
public struct Party: Hashable, Sendable, Codable {
    /// The creditor's name (ISO 20022 Max140Text; banks often take fewer).
    public var name: String
    /// The creditor's account: an IBAN or a domestic account number.
    public var account: String
    /// The creditor's bank: a BIC, or a CNAPS code for Chinese domestic accounts. Optional for IBAN-only schemes.
    public var bankCode: String?
    /// The creditor's bank's name (CMB `CRTBNK`, ICBC `RecBankName`, BOC `tobknm`; ISO `CdtrAgt/FinInstnId/Nm`).
    public var bankName: String?
    /// The creditor's bank's branch (开户网点; ISO `CdtrAgt/BrnchId/Nm`).
    public var bankBranch: String?
    /// The creditor's postal address.
    public var address: PostalAddress?

    public init(name: String, account: String, bankCode: String?, bankName: String? = nil, bankBranch: String? = nil,
                address: PostalAddress? = nil) {
        self.name = name
        self.account = account
        self.bankCode = bankCode
        self.bankName = bankName
        self.bankBranch = bankBranch
        self.address = address
    }
}

/// A configured account of ours at a bank, the debtor of our payments.
public struct DebtorAccount: Hashable, Sendable {
    public var id: String
    public var bankId: String
    public var number: String
    public var bankCode: String
    public var name: String
    public var currency: Currency

    public init(id: String, bankId: String, number: String, bankCode: String, name: String, currency: Currency) {
        self.id = id
        self.bankId = bankId
        self.number = number
        self.bankCode = bankCode
        self.name = name
        self.currency = currency
    }

    /// Whether `number` is an IBAN (two letters then two digits) rather than a domestic account number.
    public var isIBAN: Bool { IBAN.looksLikeIBAN(number) }
}

/// One credit transfer inside a bank message, with the identifiers fixed before its first send.
public struct CreditTransfer: Hashable, Sendable {
    /// bankgate's own payment id.
    public var paymentId: String
    /// `InstrId`: unique per transfer, reused on every resend.
    public var instructionId: String
    /// `EndToEndId`: the client's reference, passed through the banks unchanged.
    public var endToEndId: String
    public var amount: Money
    public var creditor: Party
    /// Unstructured remittance information (Max140Text).
    public var remittanceInfo: String?
    /// Purpose, priority, category purpose, charge bearer, same bank.
    public var details: TransferDetails

    public init(paymentId: String, instructionId: String, endToEndId: String, amount: Money,
                creditor: Party, remittanceInfo: String?, details: TransferDetails = TransferDetails()) {
        self.paymentId = paymentId
        self.instructionId = instructionId
        self.endToEndId = endToEndId
        self.amount = amount
        self.creditor = creditor
        self.remittanceInfo = remittanceInfo
        self.details = details
    }
}

/// Everything an adapter needs to encode one payment message: one debtor account, one or more transfers.
public struct PaymentMessage: Hashable, Sendable {
    /// `MsgId`: assigned and stored before the first send, reused on every resend.
    public var messageId: String
    /// `PmtInfId`: likewise.
    public var paymentInfoId: String
    /// The message's creation time, fixed with the identifiers so a resend is byte-identical.
    public var createdAt: Timestamp
    /// Requested execution date, `YYYY-MM-DD`.
    public var requestedExecutionDate: String
    public var debtor: DebtorAccount
    /// The initiating party's name (usually the debtor's name).
    public var initiatingPartyName: String
    public var transfers: [CreditTransfer]

    public init(messageId: String, paymentInfoId: String, createdAt: Timestamp, requestedExecutionDate: String,
                debtor: DebtorAccount, initiatingPartyName: String, transfers: [CreditTransfer]) {
        self.messageId = messageId
        self.paymentInfoId = paymentInfoId
        self.createdAt = createdAt
        self.requestedExecutionDate = requestedExecutionDate
        self.debtor = debtor
        self.initiatingPartyName = initiatingPartyName
        self.transfers = transfers
    }

    /// The sum of all transfers in minor units.
    public var controlSum: Int64 { transfers.reduce(0) { $0 + $1.amount.minorUnits } }
}

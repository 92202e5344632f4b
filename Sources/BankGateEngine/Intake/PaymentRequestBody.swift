/// A payment exactly as the client sent it in JSON: raw strings, not yet validated.
///
/// Every field is optional here so that a missing field is reported by
/// ``PaymentRequestValidator`` as `missing_field` (422) with its path, while malformed JSON, a
/// value of the wrong JSON type and a field nobody knows are refused while decoding (400).
public struct PaymentRequestBody: Sendable, Hashable {
    /// `debtor_account`: the id of one of our configured accounts.
    public var debtorAccount: String?
    /// `amount`: a decimal string such as `"1250.00"` (a JSON number is refused).
    public var amount: String?
    /// `currency`: ISO 4217 code.
    public var currency: String?
    public var creditor: CreditorBody?
    /// `remittance_info`
    public var remittanceInfo: String?
    /// `end_to_end_id`
    public var endToEndId: String?
    /// `requested_execution_date`: `YYYY-MM-DD`.
    public var requestedExecutionDate: String?

    public init(debtorAccount: String?, amount: String?, currency: String?, creditor: CreditorBody?,
                remittanceInfo: String? = nil, endToEndId: String? = nil, requestedExecutionDate: String? = nil) {
        self.debtorAccount = debtorAccount
        self.amount = amount
        self.currency = currency
        self.creditor = creditor
        self.remittanceInfo = remittanceInfo
        self.endToEndId = endToEndId
        self.requestedExecutionDate = requestedExecutionDate
    }
}

/// The `creditor` object of a payment request, raw.
public struct CreditorBody: Sendable, Hashable {
    public var name: String?
    public var account: String?
    /// `bank_code`: a BIC or a CNAPS code.
    public var bankCode: String?

    public init(name: String?, account: String?, bankCode: String?) {
        self.name = name
        self.account = account
        self.bankCode = bankCode
    }
}

/// The body of `POST /v1/payment-batches`: `{"payments": [ … ]}`.
public struct PaymentBatchBody: Sendable, Hashable {
    public var payments: [PaymentRequestBody]?

    public init(payments: [PaymentRequestBody]?) {
        self.payments = payments
    }
}

extension PaymentRequestBody: Decodable {
    static let knownKeys = [
        "debtor_account", "amount", "currency", "creditor", "remittance_info", "end_to_end_id",
        "requested_execution_date",
    ]

    public init(from decoder: any Decoder) throws {
        let container = try StrictJSONObject(decoder, knownKeys: Self.knownKeys)
        debtorAccount = try container.string("debtor_account")
        amount = try container.string("amount")
        currency = try container.string("currency")
        creditor = try container.value(CreditorBody.self, "creditor")
        remittanceInfo = try container.string("remittance_info")
        endToEndId = try container.string("end_to_end_id")
        requestedExecutionDate = try container.string("requested_execution_date")
    }
}

extension CreditorBody: Decodable {
    static let knownKeys = ["name", "account", "bank_code"]

    public init(from decoder: any Decoder) throws {
        let container = try StrictJSONObject(decoder, knownKeys: Self.knownKeys)
        name = try container.string("name")
        account = try container.string("account")
        bankCode = try container.string("bank_code")
    }
}

extension PaymentBatchBody: Decodable {
    public init(from decoder: any Decoder) throws {
        let container = try StrictJSONObject(decoder, knownKeys: ["payments"])
        payments = try container.value([PaymentRequestBody].self, "payments")
    }
}

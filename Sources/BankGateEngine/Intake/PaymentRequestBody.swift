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
    /// `purpose`: free text (用途).
    public var purpose: String?
    /// `priority`: `normal` or `urgent`.
    public var priority: String?
    /// `category_purpose`: an ISO 20022 external category purpose code.
    public var categoryPurpose: String?
    /// `charge_bearer`: `SLEV`, `SHAR`, `DEBT` or `CRED`.
    public var chargeBearer: String?
    /// `same_bank`: whether the creditor's account is at the debtor's bank.
    public var sameBank: Bool?
    /// `duplicate_intended`: the client knows a payment like this one was sent recently and means
    /// to pay again (no duplicate hold).
    public var duplicateIntended: Bool?

    public init(debtorAccount: String?, amount: String?, currency: String?, creditor: CreditorBody?,
                remittanceInfo: String? = nil, endToEndId: String? = nil, requestedExecutionDate: String? = nil,
                purpose: String? = nil, priority: String? = nil, categoryPurpose: String? = nil,
                chargeBearer: String? = nil, sameBank: Bool? = nil) {
        self.debtorAccount = debtorAccount
        self.amount = amount
        self.currency = currency
        self.creditor = creditor
        self.remittanceInfo = remittanceInfo
        self.endToEndId = endToEndId
        self.requestedExecutionDate = requestedExecutionDate
        self.purpose = purpose
        self.priority = priority
        self.categoryPurpose = categoryPurpose
        self.chargeBearer = chargeBearer
        self.sameBank = sameBank
        self.duplicateIntended = nil
    }
}

/// The `creditor` object of a payment request, raw.
public struct CreditorBody: Sendable, Hashable {
    public var name: String?
    public var account: String?
    /// `bank_code`: a BIC or a CNAPS code.
    public var bankCode: String?
    /// `bank_name`: the creditor's bank's name.
    public var bankName: String?
    /// `bank_branch`: the creditor's bank's branch.
    public var bankBranch: String?
    public var address: AddressBody?

    public init(name: String?, account: String?, bankCode: String?, bankName: String? = nil, bankBranch: String? = nil,
                address: AddressBody? = nil) {
        self.name = name
        self.account = account
        self.bankCode = bankCode
        self.bankName = bankName
        self.bankBranch = bankBranch
        self.address = address
    }
}

/// The `creditor.address` object of a payment request, raw.
public struct AddressBody: Sendable, Hashable {
    public var street: String?
    public var town: String?
    /// `postal_code`
    public var postalCode: String?
    /// `country`: ISO 3166 alpha-2.
    public var country: String?
    /// `lines`: up to two unstructured lines.
    public var lines: [String]?

    public init(street: String? = nil, town: String? = nil, postalCode: String? = nil, country: String?,
                lines: [String]? = nil) {
        self.street = street
        self.town = town
        self.postalCode = postalCode
        self.country = country
        self.lines = lines
    }
}

/// The body of `POST /v1/payment-batches`: `{"payments": [ … ]}`.
public struct PaymentBatchBody: Sendable, Hashable {
    /// `payments` (the default): transfers in one bank message; `payroll`: the bank's payroll batch (代发工资).
    public enum Kind: String, Sendable, Hashable {
        case payments, payroll
    }

    public var kind: Kind
    public var payments: [PaymentRequestBody]?

    public init(kind: Kind = .payments, payments: [PaymentRequestBody]?) {
        self.kind = kind
        self.payments = payments
    }
}

extension PaymentRequestBody: Decodable {
    static let knownKeys = [
        "debtor_account", "amount", "currency", "creditor", "remittance_info", "end_to_end_id",
        "requested_execution_date", "purpose", "priority", "category_purpose", "charge_bearer", "same_bank",
        "duplicate_intended",
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
        purpose = try container.string("purpose")
        priority = try container.string("priority")
        categoryPurpose = try container.string("category_purpose")
        chargeBearer = try container.string("charge_bearer")
        sameBank = try container.bool("same_bank")
        duplicateIntended = try container.bool("duplicate_intended")
    }
}

extension CreditorBody: Decodable {
    static let knownKeys = ["name", "account", "bank_code", "bank_name", "bank_branch", "address"]

    public init(from decoder: any Decoder) throws {
        let container = try StrictJSONObject(decoder, knownKeys: Self.knownKeys)
        name = try container.string("name")
        account = try container.string("account")
        bankCode = try container.string("bank_code")
        bankName = try container.string("bank_name")
        bankBranch = try container.string("bank_branch")
        address = try container.value(AddressBody.self, "address")
    }
}

extension AddressBody: Decodable {
    static let knownKeys = ["street", "town", "postal_code", "country", "lines"]

    public init(from decoder: any Decoder) throws {
        let container = try StrictJSONObject(decoder, knownKeys: Self.knownKeys)
        street = try container.string("street")
        town = try container.string("town")
        postalCode = try container.string("postal_code")
        country = try container.string("country")
        lines = try container.value([String].self, "lines")
    }
}

extension PaymentBatchBody: Decodable {
    public init(from decoder: any Decoder) throws {
        let container = try StrictJSONObject(decoder, knownKeys: ["kind", "payments"])
        let kindText = try container.string("kind")
        guard let kind = Kind(rawValue: kindText ?? Kind.payments.rawValue) else {
            throw GatewayError(.validation, code: .invalidValue, message: "kind must be \"payments\" or \"payroll\"", field: "kind")
        }
        self.kind = kind
        payments = try container.value([PaymentRequestBody].self, "payments")
    }
}

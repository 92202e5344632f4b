import BankGateCore
public import BankGateStore

/// The bodies of the account-side API requests, parsed strictly (unknown fields, wrong types and
/// duplicates refused) and validated, with the field at fault named in every error.
public enum AccountRequestBodies {
    /// `POST /v1/expected-payments`: `account`, `currency`, `amount` or `amount_min` + `amount_max`
    /// (decimal strings), `counterparty` {`name`, `account`}, `reference`, `from`, `to` (dates).
    public static func expectedPayment(json bytes: UnsafeRawBufferPointer) throws(GatewayError) -> ExpectedPaymentRequest {
        let object = try IntakeJSONObject(try IntakeJSONObject.document(bytes), path: "",
                                          knownKeys: ["account", "currency", "amount", "amount_min", "amount_max", "counterparty",
                                                      "reference", "from", "to"])
        let accountId = try required(object.string("account"), "account")
        let currencyCode = try required(object.string("currency"), "currency")
        guard let currency = Currency(code: currencyCode) else {
            throw GatewayError(.validation, code: .invalidCurrency, message: "currency must be an ISO 4217 code such as EUR", field: "currency")
        }
        let exact = try object.string("amount")
        let low = try object.string("amount_min")
        let high = try object.string("amount_max")
        let amountMin: Int64
        let amountMax: Int64
        switch (exact, low, high) {
        case (let exact?, nil, nil):
            amountMin = try amount(exact, currency, "amount")
            amountMax = amountMin
        case (nil, let low?, let high?):
            amountMin = try amount(low, currency, "amount_min")
            amountMax = try amount(high, currency, "amount_max")
            guard amountMin <= amountMax else {
                throw GatewayError(.validation, code: .invalidRange, message: "amount_min must not exceed amount_max", field: "amount_max")
            }
        default:
            throw GatewayError(.validation, code: .invalidAmount,
                               message: "give either amount, or amount_min and amount_max", field: "amount")
        }
        var counterpartyName: String?
        var counterpartyAccount: String?
        if let value = object.member("counterparty") {
            let counterparty = try IntakeJSONObject(value, path: "counterparty", knownKeys: ["name", "account"])
            counterpartyName = try counterparty.string("name")
            counterpartyAccount = try counterparty.string("account")
            if let name = counterpartyName, let problem = ISOText.problem(in: name, maxLength: 140) {
                throw GatewayError(.validation, code: .invalidText, message: "counterparty.name \(problem)", field: "counterparty.name")
            }
            if let account = counterpartyAccount, account.isEmpty || account.utf8.count > 34 {
                throw GatewayError(.validation, code: .invalidAccount, message: "counterparty.account must be 1 to 34 characters",
                                   field: "counterparty.account")
            }
        }
        let reference = try object.string("reference")
        if let reference, reference.isEmpty || reference.utf8.count > 140 {
            throw GatewayError(.validation, code: .invalidText, message: "reference must be 1 to 140 characters", field: "reference")
        }
        let from = try date(required(object.string("from"), "from"), "from")
        let to = try date(required(object.string("to"), "to"), "to")
        guard from <= to else {
            throw GatewayError(.validation, code: .invalidRange, message: "from must not be after to", field: "to")
        }
        return ExpectedPaymentRequest(accountId: accountId, currency: currency, amountMin: amountMin, amountMax: amountMax,
                                      counterpartyName: counterpartyName, counterpartyAccount: counterpartyAccount,
                                      reference: reference, windowFrom: from, windowTo: to)
    }

    /// `POST /v1/webhooks`: `url` and `event_types` (an array of strings).
    public static func webhook(json bytes: UnsafeRawBufferPointer) throws(GatewayError) -> (url: String, eventTypes: [String]) {
        let object = try IntakeJSONObject(try IntakeJSONObject.document(bytes), path: "", knownKeys: ["url", "event_types"])
        let url = try required(object.string("url"), "url")
        guard let list = object.member("event_types") else {
            throw GatewayError(.validation, code: .missingField, message: "event_types is required", field: "event_types")
        }
        guard case .array(let elements) = list else { throw IntakeJSONObject.wrongType("event_types", "an array of strings") }
        var types: [String] = []
        for (index, element) in elements.enumerated() {
            guard case .string(let type) = element else { throw IntakeJSONObject.wrongType("event_types[\(index)]", "a string") }
            types.append(type)
        }
        return (url, types)
    }

    /// `POST /v1/matches`: `transaction_id` and either `payment_id` or `expected_payment_id`.
    public static func manualMatch(json bytes: UnsafeRawBufferPointer) throws(GatewayError) -> (transactionId: String, target: MatchTarget) {
        let object = try IntakeJSONObject(try IntakeJSONObject.document(bytes), path: "",
                                          knownKeys: ["transaction_id", "payment_id", "expected_payment_id"])
        let transactionId = try required(object.string("transaction_id"), "transaction_id")
        switch (try object.string("payment_id"), try object.string("expected_payment_id")) {
        case (let payment?, nil): return (transactionId, .payment(payment))
        case (nil, let expected?): return (transactionId, .expectedPayment(expected))
        default:
            throw GatewayError(.validation, code: .invalidTarget, message: "give exactly one of payment_id and expected_payment_id",
                               field: "payment_id")
        }
    }

    /// An operator decision's body: `{"reason": "…"}` (at most 500 characters), or `{}`.
    public static func reason(json bytes: UnsafeRawBufferPointer) throws(GatewayError) -> String? {
        let object = try IntakeJSONObject(try IntakeJSONObject.document(bytes), path: "", knownKeys: ["reason"])
        guard let reason = try object.string("reason") else { return nil }
        guard reason.count <= 500 else {
            throw GatewayError(.validation, code: .tooLong, message: "reason must be at most 500 characters", field: "reason")
        }
        return reason
    }

    static func required(_ value: String?, _ field: String) throws(GatewayError) -> String {
        guard let value, !value.isEmpty else {
            throw GatewayError(.validation, code: .missingField, message: "\(field) is required", field: field)
        }
        return value
    }

    static func amount(_ text: String, _ currency: Currency, _ field: String) throws(GatewayError) -> Int64 {
        let money: Money
        do {
            money = try Money(parsing: text, currency: currency)
        } catch {
            throw GatewayError(.validation, code: .invalidAmount, message: "\(field) \(error)", field: field)
        }
        guard money.minorUnits > 0 else {
            throw GatewayError(.validation, code: .invalidAmount, message: "\(field) must be greater than zero", field: field)
        }
        return money.minorUnits
    }

    /// A `YYYY-MM-DD` calendar date.
    public static func date(_ text: String, _ field: String) throws(GatewayError) -> String {
        guard Timestamp.parseDate(text) != nil else {
            throw GatewayError(.validation, code: .invalidDate, message: "\(field) must be a date as YYYY-MM-DD", field: field)
        }
        return text
    }
}

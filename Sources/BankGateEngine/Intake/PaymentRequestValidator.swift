import BankGateCore

/// Turns what a client sent into a ``PaymentRequest``, or says precisely what is wrong with it.
///
/// Pure: the configured accounts and today's date come in, nothing is looked up. Every refusal is
/// a ``GatewayError`` of kind `validation` (HTTP 422) with a machine-readable code and the path
/// of the field at fault (`creditor.account`, or `payments[3].creditor.account` in a batch).
/// Messages never repeat account numbers or other values the client sent.
public struct PaymentRequestValidator: Sendable {
    /// The most payments one batch may hold.
    public static let maxBatchSize = 10_000
    /// ISO 20022 `Max140Text` for names and remittance information.
    static let maxTextLength = 140

    public var accounts: [String: AccountInfo]
    /// Midnight UTC of today, in milliseconds: execution dates before it are refused.
    let todayMilliseconds: Int64

    /// - Parameters:
    ///   - accounts: the configured debtor accounts by id.
    ///   - today: any instant of the current day (UTC).
    public init(accounts: [String: AccountInfo], today: Timestamp) {
        self.accounts = accounts
        let day: Int64 = 86_400_000
        let ms = today.milliseconds
        self.todayMilliseconds = (ms >= 0 ? ms / day : (ms - day + 1) / day) * day
    }

    /// Validates one payment. `fieldPrefix` (`payments[3]`) is put before every field path.
    public func validate(_ body: PaymentRequestBody, fieldPrefix: String = "") throws(GatewayError) -> PaymentRequest {
        func path(_ name: String) -> String { IntakeFieldPath.join(fieldPrefix, name) }

        let accountId = try required(body.debtorAccount, path("debtor_account"))
        guard let info = accounts[accountId] else {
            throw invalid("unknown_account", "debtor_account is not a configured account", path("debtor_account"))
        }
        guard info.active else {
            throw invalid("inactive_account", "debtor_account is not active", path("debtor_account"))
        }

        let currencyCode = try required(body.currency, path("currency"))
        guard let currency = Currency(code: currencyCode) else {
            throw invalid("invalid_currency", "currency is not an ISO 4217 currency code", path("currency"))
        }
        guard currency == info.account.currency else {
            throw invalid("currency_mismatch",
                          "currency must be \(info.account.currency.code), the currency of the debtor account",
                          path("currency"))
        }

        let amountText = try required(body.amount, path("amount"))
        let amount: Money
        do {
            amount = try Money(parsing: amountText, currency: currency)
        } catch {
            throw invalid("invalid_amount", "amount \(error)", path("amount"))
        }
        guard amount.minorUnits > 0 else {
            throw invalid("invalid_amount", "amount must be greater than zero", path("amount"))
        }

        let creditor = try validateCreditor(body.creditor, path("creditor"))

        if let remittance = body.remittanceInfo,
           let problem = ISOText.problem(in: remittance, maxLength: Self.maxTextLength) {
            throw invalid("invalid_text", "remittance_info \(problem)", path("remittance_info"))
        }
        if let endToEndId = body.endToEndId, let problem = ISOText.identifierProblem(in: endToEndId) {
            throw invalid("invalid_identifier", "end_to_end_id \(problem)", path("end_to_end_id"))
        }
        if let date = body.requestedExecutionDate {
            try checkExecutionDate(date, path("requested_execution_date"))
        }

        return PaymentRequest(debtorAccountId: accountId, amount: amount, creditor: creditor,
                              remittanceInfo: body.remittanceInfo, endToEndId: body.endToEndId,
                              requestedExecutionDate: body.requestedExecutionDate)
    }

    /// Validates a batch as a whole: 1…``maxBatchSize`` payments, each valid, all from the same
    /// debtor account, no `end_to_end_id` twice. The first fault found (by index) is reported.
    public func validateBatch(_ bodies: [PaymentRequestBody]?) throws(GatewayError) -> [PaymentRequest] {
        guard let bodies else { throw invalid("missing_field", "payments is required", "payments") }
        guard !bodies.isEmpty, bodies.count <= Self.maxBatchSize else {
            throw invalid("invalid_batch_size", "payments must hold 1 to \(Self.maxBatchSize) payments", "payments")
        }
        var requests: [PaymentRequest] = []
        requests.reserveCapacity(bodies.count)
        var endToEndIds: Set<String> = []
        for (index, body) in bodies.enumerated() {
            let prefix = "payments[\(index)]"
            let request = try validate(body, fieldPrefix: prefix)
            if let first = requests.first, first.debtorAccountId != request.debtorAccountId {
                throw invalid("mixed_debtor_accounts", "all payments of a batch must have the same debtor_account",
                              prefix + ".debtor_account")
            }
            if let endToEndId = request.endToEndId, !endToEndIds.insert(endToEndId).inserted {
                throw invalid("duplicate_end_to_end_id", "end_to_end_id appears more than once in the batch",
                              prefix + ".end_to_end_id")
            }
            requests.append(request)
        }
        return requests
    }

    private func validateCreditor(_ body: CreditorBody?, _ prefix: String) throws(GatewayError) -> Party {
        func path(_ name: String) -> String { IntakeFieldPath.join(prefix, name) }
        guard let body else { throw invalid("missing_field", "\(prefix) is required", prefix) }

        let name = try required(body.name, path("name"))
        if let problem = ISOText.problem(in: name, maxLength: Self.maxTextLength) {
            throw invalid("invalid_text", "creditor.name \(problem)", path("name"))
        }

        let account = try required(body.account, path("account"))
        let isIBAN = IBAN.looksLikeIBAN(account)
        if isIBAN {
            guard IBAN.isValid(account) else {
                throw invalid("invalid_iban", "creditor.account is not a valid IBAN (length, characters or check digits)",
                              path("account"))
            }
        } else {
            let utf8 = account.utf8
            guard (1...34).contains(utf8.count), utf8.allSatisfy(Self.isASCIIAlphanumeric) else {
                throw invalid("invalid_account", "creditor.account must be 1 to 34 letters and digits", path("account"))
            }
        }

        if let bankCode = body.bankCode {
            guard BIC.isValid(bankCode) || CNAPS.isValid(bankCode) else {
                throw invalid("invalid_bank_code", "creditor.bank_code must be a BIC or a 12-digit CNAPS code",
                              path("bank_code"))
            }
        } else if !isIBAN {
            throw invalid("missing_bank_code", "creditor.bank_code is required when the account is not an IBAN",
                          path("bank_code"))
        }
        return Party(name: name, account: account, bankCode: body.bankCode)
    }

    private func checkExecutionDate(_ text: String, _ field: String) throws(GatewayError) {
        let utf8 = Array(text.utf8)
        let shapeOK = utf8.count == 10 && utf8[4] == UInt8(ascii: "-") && utf8[7] == UInt8(ascii: "-")
            && utf8.enumerated().allSatisfy { index, byte in index == 4 || index == 7 || (byte >= 48 && byte <= 57) }
        guard shapeOK, let date = Timestamp.parseDate(text) else {
            throw invalid("invalid_date", "requested_execution_date must be a date written YYYY-MM-DD", field)
        }
        guard date.milliseconds >= todayMilliseconds else {
            throw invalid("invalid_date", "requested_execution_date must not be in the past", field)
        }
    }

    private func required(_ value: String?, _ field: String) throws(GatewayError) -> String {
        guard let value else { throw invalid("missing_field", "\(field) is required", field) }
        return value
    }

    private func invalid(_ code: String, _ message: String, _ field: String) -> GatewayError {
        GatewayError(.validation, code: code, message: message, field: field)
    }

    private static func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
    }
}

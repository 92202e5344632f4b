public import BankGateCore

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
    /// Today (UTC): execution dates before it are refused.
    let today: CalendarDay

    /// - Parameters:
    ///   - accounts: the configured debtor accounts by id.
    ///   - today: any instant of the current day (UTC).
    public init(accounts: [String: AccountInfo], today: Timestamp) {
        self.accounts = accounts
        self.today = CalendarDay(today)
    }

    /// Validates one payment. `fieldPrefix` (`payments[3]`) is put before every field path.
    public func validate(_ body: PaymentRequestBody, fieldPrefix: String = "") throws(GatewayError) -> PaymentRequest {
        // Field paths are built only when something is refused: this runs for every payment.
        let at = FieldPlace(prefix: fieldPrefix)

        let accountId = try at.required(body.debtorAccount, "debtor_account")
        guard let info = accounts[accountId] else {
            throw at.invalid(.unknownAccount, "debtor_account is not a configured account", "debtor_account")
        }
        guard info.active else {
            throw at.invalid(.inactiveAccount, "debtor_account is not active", "debtor_account")
        }

        let currencyCode = try at.required(body.currency, "currency")
        guard let currency = Currency(code: currencyCode) else {
            throw at.invalid(.invalidCurrency, "currency is not an ISO 4217 currency code", "currency")
        }
        guard currency == info.account.currency else {
            throw at.invalid(.currencyMismatch,
                             "currency must be \(info.account.currency.code), the currency of the debtor account",
                             "currency")
        }

        let amountText = try at.required(body.amount, "amount")
        let amount: Money
        do {
            amount = try Money(parsing: amountText, currency: currency)
        } catch {
            throw at.invalid(.invalidAmount, "amount \(error)", "amount")
        }
        guard amount.minorUnits > 0 else {
            throw at.invalid(.invalidAmount, "amount must be greater than zero", "amount")
        }

        var creditor = try validateCreditor(body.creditor, at)

        if let remittance = body.remittanceInfo,
           let problem = ISOText.problem(in: remittance, maxLength: Self.maxTextLength) {
            throw at.invalid(.invalidText, "remittance_info \(problem)", "remittance_info")
        }
        if let endToEndId = body.endToEndId, let problem = ISOText.identifierProblem(in: endToEndId) {
            throw at.invalid(.invalidIdentifier, "end_to_end_id \(problem)", "end_to_end_id")
        }
        if let date = body.requestedExecutionDate {
            try checkExecutionDate(date, at)
        }

        let details = try validateDetails(body, creditor: creditor, debtor: info.account, currency: currency, at)
        if let address = body.creditor?.address {
            creditor.address = try validateAddress(address, FieldPlace(prefix: at.prefix, parent: "creditor.address"))
        }
        return PaymentRequest(debtorAccountId: accountId, amount: amount, creditor: creditor,
                              remittanceInfo: body.remittanceInfo, endToEndId: body.endToEndId,
                              requestedExecutionDate: body.requestedExecutionDate, details: details,
                              duplicateIntended: body.duplicateIntended ?? false)
    }

    /// `purpose`, `priority`, `category_purpose`, `charge_bearer` (defaulted) and `same_bank`
    /// (derived from the bank codes when not given and they tell).
    private func validateDetails(_ body: PaymentRequestBody, creditor: Party, debtor: DebtorAccount, currency: Currency,
                                 _ at: FieldPlace) throws(GatewayError) -> TransferDetails {
        var details = TransferDetails()
        if let purpose = body.purpose {
            if let problem = ISOText.problem(in: purpose, maxLength: Self.maxTextLength) {
                throw at.invalid(.invalidText, "purpose \(problem)", "purpose")
            }
            details.purpose = purpose
        }
        if let text = body.priority {
            guard let priority = PaymentPriority(rawValue: text) else {
                throw at.invalid(.invalidValue, "priority must be normal or urgent", "priority")
            }
            details.priority = priority
        }
        if let text = body.categoryPurpose {
            let code = text.uppercased()
            guard code.utf8.count == 4, code.utf8.allSatisfy(Self.isUpperAlphanumeric) else {
                throw at.invalid(.invalidValue, "category_purpose must be an ISO 20022 category purpose code: 4 letters or digits (SALA, SUPP, TREA…)",
                                 "category_purpose")
            }
            details.categoryPurpose = code
        }
        if let text = body.chargeBearer {
            guard let bearer = ChargeBearer(rawValue: text.uppercased()) else {
                throw at.invalid(.invalidValue, "charge_bearer must be SLEV, SHAR, DEBT or CRED", "charge_bearer")
            }
            details.chargeBearer = bearer
        } else {
            details.chargeBearer = .default(currency: currency, creditorAccount: creditor.account)
        }
        details.sameBank = body.sameBank ?? SameBank.derive(debtorBankCode: debtor.bankCode, creditorBankCode: creditor.bankCode)
        return details
    }

    /// Limits of the address parts: ISO 20022's `StrtNm` (70), `TwnNm` (35), `PstCd` (16), `AdrLine` (70).
    static let addressLimits = (street: 70, town: 35, postalCode: 16, line: 70, lines: 2)

    /// `creditor.address`: `country` (ISO 3166 alpha-2) and `town` or `lines` required; `street`,
    /// `postal_code`, up to two `lines`, each ISO text within its element's limit.
    private func validateAddress(_ body: AddressBody, _ at: FieldPlace) throws(GatewayError) -> PostalAddress {
        let limits = Self.addressLimits
        func text(_ value: String?, _ name: String, _ max: Int) throws(GatewayError) -> String? {
            guard let value else { return nil }
            if let problem = ISOText.problem(in: value, maxLength: max) {
                throw at.invalid(.invalidText, "\(at.path(name)) \(problem)", name)
            }
            return value
        }
        let street = try text(body.street, "street", limits.street)
        let town = try text(body.town, "town", limits.town)
        let postalCode = try text(body.postalCode, "postal_code", limits.postalCode)
        let lines = body.lines ?? []
        guard lines.count <= limits.lines else {
            throw at.invalid(.invalidValue, "\(at.path("lines")) holds at most \(limits.lines) lines", "lines")
        }
        for (index, line) in lines.enumerated() {
            _ = try text(line, "lines[\(index)]", limits.line)
        }
        let country = try at.required(body.country, "country").uppercased()
        guard CountryCode.isValid(country) else {
            throw at.invalid(.invalidCountry, "\(at.path("country")) is not an ISO 3166 alpha-2 country code", "country")
        }
        guard town != nil || !lines.isEmpty else {
            throw at.invalid(.missingField, "\(at.path("town")) is required when the address has no lines", "town")
        }
        return PostalAddress(street: street, town: town, postalCode: postalCode, country: country, lines: lines)
    }

    /// Validates a batch as a whole: 1…``maxBatchSize`` payments, each valid, all from the same
    /// debtor account, no `end_to_end_id` twice. The first fault found (by index) is reported.
    public func validateBatch(_ bodies: [PaymentRequestBody]?) throws(GatewayError) -> [PaymentRequest] {
        let top = FieldPlace(prefix: "")
        guard let bodies else { throw top.invalid(.missingField, "payments is required", "payments") }
        guard !bodies.isEmpty, bodies.count <= Self.maxBatchSize else {
            throw top.invalid(.invalidBatchSize, "payments must hold 1 to \(Self.maxBatchSize) payments", "payments")
        }
        var requests: [PaymentRequest] = []
        requests.reserveCapacity(bodies.count)
        var endToEndIds: Set<String> = []
        for (index, body) in bodies.enumerated() {
            let prefix = "payments[\(index)]"
            let request = try validate(body, fieldPrefix: prefix)
            if let first = requests.first, first.debtorAccountId != request.debtorAccountId {
                throw FieldPlace(prefix: prefix).invalid(.mixedDebtorAccounts,
                                                         "all payments of a batch must have the same debtor_account",
                                                         "debtor_account")
            }
            if let endToEndId = request.endToEndId, !endToEndIds.insert(endToEndId).inserted {
                throw FieldPlace(prefix: prefix).invalid(.duplicateEndToEndId,
                                                         "end_to_end_id appears more than once in the batch",
                                                         "end_to_end_id")
            }
            requests.append(request)
        }
        return requests
    }

    private func validateCreditor(_ body: CreditorBody?, _ outer: FieldPlace) throws(GatewayError) -> Party {
        guard let body else { throw outer.invalid(.missingField, "creditor is required", "creditor") }
        let at = FieldPlace(prefix: outer.prefix, parent: "creditor")

        let name = try at.required(body.name, "name")
        if let problem = ISOText.problem(in: name, maxLength: Self.maxTextLength) {
            throw at.invalid(.invalidText, "creditor.name \(problem)", "name")
        }

        let given = try at.required(body.account, "account")
        // An IBAN is checked and sent in its electronic form, whatever case and spacing it came in:
        // a lower-case IBAN must not slip past the mod-97 check as a "domestic" number.
        let normalized = IBAN.normalized(given)
        let isIBAN = IBAN.looksLikeIBAN(normalized)
        let account = isIBAN ? normalized : given
        if isIBAN {
            guard IBAN.isValid(account) else {
                throw at.invalid(.invalidIban, "creditor.account is not a valid IBAN (length, characters or check digits)",
                                 "account")
            }
        } else {
            let utf8 = account.utf8
            guard (1...34).contains(utf8.count), utf8.allSatisfy(Self.isASCIIAlphanumeric) else {
                throw at.invalid(.invalidAccount, "creditor.account must be 1 to 34 letters and digits", "account")
            }
        }

        let bankCode = body.bankCode.map { $0.uppercased() }
        if let bankCode {
            guard BIC.isValid(bankCode) || CNAPS.isValid(bankCode) else {
                throw at.invalid(.invalidBankCode, "creditor.bank_code must be a BIC or a 12-digit CNAPS code",
                                 "bank_code")
            }
        } else if !isIBAN {
            throw at.invalid(.missingBankCode, "creditor.bank_code is required when the account is not an IBAN",
                             "bank_code")
        }
        for (value, field) in [(body.bankName, "bank_name"), (body.bankBranch, "bank_branch")] {
            if let value, let problem = ISOText.problem(in: value, maxLength: Self.maxTextLength) {
                throw at.invalid(.invalidText, "creditor.\(field) \(problem)", field)
            }
        }
        // A branch is a branch of some bank: it comes with the bank's code or name.
        if body.bankBranch != nil && bankCode == nil && body.bankName == nil {
            throw at.invalid(.missingField, "creditor.bank_name is required with creditor.bank_branch when there is no bank_code",
                             "bank_name")
        }
        return Party(name: name, account: account, bankCode: bankCode, bankName: body.bankName, bankBranch: body.bankBranch)
    }

    /// `YYYY-MM-DD`, a real calendar date, today or later (UTC).
    private func checkExecutionDate(_ text: String, _ at: FieldPlace) throws(GatewayError) {
        let field = "requested_execution_date"
        guard Self.isDateShaped(text) else {
            throw at.invalid(.invalidDate, "requested_execution_date must be a date written YYYY-MM-DD", field)
        }
        guard let day = CalendarDay(text) else {
            throw at.invalid(.invalidDate, "requested_execution_date is not a calendar date", field)
        }
        guard day >= today else {
            throw at.invalid(.invalidDate, "requested_execution_date must not be in the past", field)
        }
    }

    /// Whether `text` is written `DDDD-DD-DD`, without judging the numbers.
    private static func isDateShaped(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard utf8.count == 10 else { return false }
        for (index, byte) in utf8.enumerated() {
            let expected = index == 4 || index == 7
            guard expected ? byte == UInt8(ascii: "-") : (byte >= 48 && byte <= 57) else { return false }
        }
        return true
    }

    private static func isUpperAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90)
    }

    private static func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
    }
}

/// Where in the request a field is (`payments[3]`, `creditor`), turned into a path only when a
/// refusal names it.
struct FieldPlace {
    var prefix: String
    var parent: String?

    init(prefix: String, parent: String? = nil) {
        self.prefix = prefix
        self.parent = parent
    }

    func path(_ name: String) -> String {
        IntakeFieldPath.join(prefix, parent.map { $0 + "." + name } ?? name)
    }

    func invalid(_ code: GatewayError.Code, _ message: String, _ name: String) -> GatewayError {
        GatewayError(.validation, code: code, message: message, field: path(name))
    }

    func required(_ value: String?, _ name: String) throws(GatewayError) -> String {
        guard let value else { throw invalid(.missingField, "\(path(name)) is required", name) }
        return value
    }
}

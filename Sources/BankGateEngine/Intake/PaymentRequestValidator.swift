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
    /// Days since 1970-01-01 of today (UTC): execution dates before it are refused.
    let today: Int64

    /// - Parameters:
    ///   - accounts: the configured debtor accounts by id.
    ///   - today: any instant of the current day (UTC).
    public init(accounts: [String: AccountInfo], today: Timestamp) {
        self.accounts = accounts
        let ms = today.milliseconds
        self.today = ms >= 0 ? ms / 86_400_000 : (ms + 1) / 86_400_000 - 1
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

        let creditor = try validateCreditor(body.creditor, at)

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

        return PaymentRequest(debtorAccountId: accountId, amount: amount, creditor: creditor,
                              remittanceInfo: body.remittanceInfo, endToEndId: body.endToEndId,
                              requestedExecutionDate: body.requestedExecutionDate)
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

        let account = try at.required(body.account, "account")
        let isIBAN = IBAN.looksLikeIBAN(account)
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

        if let bankCode = body.bankCode {
            guard BIC.isValid(bankCode) || CNAPS.isValid(bankCode) else {
                throw at.invalid(.invalidBankCode, "creditor.bank_code must be a BIC or a 12-digit CNAPS code",
                                 "bank_code")
            }
        } else if !isIBAN {
            throw at.invalid(.missingBankCode, "creditor.bank_code is required when the account is not an IBAN",
                             "bank_code")
        }
        return Party(name: name, account: account, bankCode: body.bankCode)
    }

    /// `YYYY-MM-DD`, a real calendar date, today or later (UTC).
    private func checkExecutionDate(_ text: String, _ at: FieldPlace) throws(GatewayError) {
        let field = "requested_execution_date"
        guard let (year, month, day) = Self.dateParts(text) else {
            throw at.invalid(.invalidDate, "requested_execution_date must be a date written YYYY-MM-DD", field)
        }
        guard (1...12).contains(month), day >= 1, day <= Self.daysInMonth(month, year: year) else {
            throw at.invalid(.invalidDate, "requested_execution_date is not a calendar date", field)
        }
        guard Self.daysSinceEpoch(year: year, month: month, day: day) >= today else {
            throw at.invalid(.invalidDate, "requested_execution_date must not be in the past", field)
        }
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date: whole 400-year eras of 146,097 days,
    /// then days within the era, counting years from March so the leap day comes last.
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int64 {
        let marchYear = Int64(month <= 2 ? year - 1 : year)
        let era = (marchYear >= 0 ? marchYear : marchYear - 399) / 400
        let yearOfEra = marchYear - era * 400
        let marchMonth = Int64(month > 2 ? month - 3 : month + 9)
        let dayOfYear = (153 * marchMonth + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The numbers of a `DDDD-DD-DD` text, without judging them.
    private static func dateParts(_ text: String) -> (year: Int, month: Int, day: Int)? {
        let utf8 = text.utf8
        guard utf8.count == 10 else { return nil }
        var year = 0, month = 0, day = 0
        for (index, byte) in utf8.enumerated() {
            if index == 4 || index == 7 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard byte >= 48, byte <= 57 else { return nil }
            let digit = Int(byte - 48)
            if index < 4 { year = year * 10 + digit } else if index < 7 { month = month * 10 + digit } else { day = day * 10 + digit }
        }
        return (year, month, day)
    }

    private static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
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

public import BankGateCore

/// `[[accounts]]`: a debtor account bankgate pays from.
public struct AccountConfig: Sendable {
    /// Unique id (`[A-Za-z0-9_-]`) that API clients name as the debtor account.
    public var id: String
    /// Id of the `[[banks]]` entry that holds the account.
    public var bank: String
    /// IBAN (checked with mod 97) or domestic account number (1–34 letters and digits).
    public var number: String
    /// `bank_code`: the servicing bank's BIC or 12-digit CNAPS code.
    public var bankCode: String
    /// Account holder's name as sent to the bank (ISO 20022 `Max140Text`).
    public var name: String
    /// Currency of the account (ISO 4217).
    public var currency: Currency
    /// Whether new payments may use the account (default `true`).
    public var active: Bool
    /// `tenant`: the tenant the account belongs to (`default` when no `[[tenants]]` are configured).
    public var tenant: String = TenantConfig.defaultId
    /// The bank adapter's own keys for the account (CMB `branch_code` …), as written.
    public var adapterOptions: [String: String] = [:]
    /// How bankgate pulls this account's statements from its bank (nothing scheduled by default).
    public var statementPulls: StatementPullConfig = StatementPullConfig()
    /// `receipt_template`: the template for this account's receipts given as data; `nil`: its
    /// bank's, else the default.
    public var receiptTemplate: ReceiptTemplateFile?
    /// When its receipts are pulled and count as missing: its own `receipt_*` keys over its bank's.
    public var receiptPulls = ReceiptPullConfig()
    /// The `receipt_*` keys written on this entry, before its bank's are applied.
    var receiptPullsGiven = ReceiptPullConfig.Given()

    /// An account as the configuration file would give it; no checks are made here.
    public init(id: String, bank: String, number: String, bankCode: String, name: String, currency: Currency, active: Bool = true) {
        self.id = id
        self.bank = bank
        self.number = number
        self.bankCode = bankCode
        self.name = name
        self.currency = currency
        self.active = active
    }

    /// The account as the core and the adapters see it.
    public func debtorAccount() -> DebtorAccount {
        DebtorAccount(id: id, bankId: bank, number: number, bankCode: bankCode, name: name, currency: currency)
    }

    /// The keys of an `[[accounts]]` entry.
    static let keys = ["id", "bank", "number", "bank_code", "name", "currency", "active", "end_of_day_pull_at",
                       "intraday_pull_minutes", "statement_message", "receipt_template", "tenant"] + ReceiptPullConfig.keys

    static func decode(_ reader: TableReader, ids: inout UniqueIdentifiers, bankIds: [String: Int],
                       adapterKeys: [AdapterVocabulary.Key], baseDirectory: String,
                       tenantIds: [String: Int] = [:]) -> AccountConfig {
        let id = reader.string("id", required: true)
        if let id { ids.check(id, key: "id", in: reader) }

        let bank = reader.string("bank", required: true)
        if let bank, bankIds[bank.value] == nil {
            let known = bankIds.keys.sorted().joined(separator: ", ")
            reader.report("bank", "no [[banks]] entry has id \"\(bank.value)\"" + (known.isEmpty ? "" : " (configured: \(known))"), line: bank.line)
        }

        let number = reader.string("number", required: true)
        if let number, let problem = accountNumberProblem(number.value) {
            reader.report("number", problem, line: number.line)
        }

        let bankCode = reader.string("bank_code", required: true)
        if let bankCode, !BIC.isValid(bankCode.value), !CNAPS.isValid(bankCode.value) {
            reader.report("bank_code", "must be a BIC (8 or 11 characters, such as COBADEFFXXX) or a 12-digit CNAPS code", line: bankCode.line)
        }

        let name = reader.string("name", required: true)
        if let name, let problem = ISOText.problem(in: name.value, maxLength: 140) {
            reader.report("name", problem.description, line: name.line)
        }

        var currency: Currency?
        if let code = reader.string("currency", required: true) {
            currency = Currency(code: code.value)
            if currency == nil {
                reader.report("currency", "\"\(code.value)\" is not an ISO 4217 currency code", line: code.line)
            }
        }

        var account = AccountConfig(id: id?.value ?? "", bank: bank?.value ?? "", number: number?.value ?? "",
                                    bankCode: bankCode?.value ?? "", name: name?.value ?? "", currency: currency ?? placeholderCurrency,
                                    active: reader.bool("active", default: true))
        account.statementPulls = StatementPullConfig.decode(reader)
        account.adapterOptions = reader.adapterOptions(adapterKeys)
        account.receiptTemplate = ReceiptTemplateFile.decode(reader, baseDirectory: baseDirectory)
        account.receiptPullsGiven = ReceiptPullConfig.decode(reader)
        account.tenant = TenantConfig.tenant(of: reader, tenantIds: tenantIds)
        return account
    }

    /// Stands in for a missing or unknown currency while the rest of the file is checked; such
    /// a configuration is refused, so the placeholder never escapes.
    private static let placeholderCurrency = Currency(code: "EUR")!

    /// Why `number` is not a usable account number (the number itself is not repeated, so that
    /// it does not end up in logs).
    static func accountNumberProblem(_ number: String) -> String? {
        if IBAN.looksLikeIBAN(number) {
            if IBAN.isValid(number) { return nil }
            let bytes = Array(number.utf8)
            let shapeOK = (15...34).contains(bytes.count) && bytes.allSatisfy { IBAN.isUpperOrDigit($0) }
            return shapeOK
                ? "is not a valid IBAN: the check digits do not match (mod 97)"
                : "looks like an IBAN but is not one: 15 to 34 capital letters and digits, without spaces"
        }
        let count = number.utf8.count
        guard (1...34).contains(count), number.utf8.allSatisfy({ ASCII.isBareKey($0) && $0 != UInt8(ascii: "_") && $0 != UInt8(ascii: "-") }) else {
            return "must be an IBAN or a domestic account number of 1 to 34 letters and digits, without spaces"
        }
        return nil
    }
}

private extension IBAN {
    static func isUpperOrDigit(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39)
    }
}

/// When and how an account's statements are pulled from its bank.
public struct StatementPullConfig: Sendable, Hashable {
    /// `end_of_day_pull_at`: the UTC time (`HH:MM`) of the daily pull of the previous days'
    /// end-of-day statements; nil: no scheduled end-of-day pull.
    public var endOfDayAtMinutes: Int?
    /// `intraday_pull_minutes`: the interval of intraday report pulls; 0: none.
    public var intradayIntervalMinutes: Int
    /// `statement_message`: the end-of-day message asked for: `camt.053.001.08` (default),
    /// `camt.053.001.02` or `MT940`.
    public var endOfDayMessage: String

    public init(endOfDayAtMinutes: Int? = nil, intradayIntervalMinutes: Int = 0, endOfDayMessage: String = "camt.053.001.08") {
        self.endOfDayAtMinutes = endOfDayAtMinutes
        self.intradayIntervalMinutes = intradayIntervalMinutes
        self.endOfDayMessage = endOfDayMessage
    }

    /// Whether anything is scheduled.
    public var isScheduled: Bool { endOfDayAtMinutes != nil || intradayIntervalMinutes > 0 }

    static let messages = ["camt.053.001.08", "camt.053.001.02", "MT940"]

    static func decode(_ reader: TableReader) -> StatementPullConfig {
        var config = StatementPullConfig()
        if let time = reader.string("end_of_day_pull_at", required: false) {
            let parts = time.value.split(separator: ":")
            if time.value.utf8.count == 5, parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
               (0..<24).contains(hour), (0..<60).contains(minute) {
                config.endOfDayAtMinutes = hour * 60 + minute
            } else {
                reader.report("end_of_day_pull_at", "must be a UTC time as HH:MM, such as \"06:30\"", line: time.line)
            }
        }
        config.intradayIntervalMinutes = reader.integer("intraday_pull_minutes", default: 0, range: 0...1440)
        if let message = reader.string("statement_message", required: false) {
            if messages.contains(message.value) {
                config.endOfDayMessage = message.value
            } else {
                reader.report("statement_message", "must be one of " + messages.joined(separator: ", "), line: message.line)
            }
        }
        return config
    }
}

public import BankGateCore

/// How bankgate reaches a bank.
public enum BankTransportConfig: Sendable, Hashable {
    /// `transport = "http"`: POST each message to `url` (http:// or https://).
    case http(url: String)
    /// `transport = "folder"`: host-to-host file exchange; bankgate writes messages to `outbox`
    /// and reads the bank's answers from `inbox` (both absolute paths).
    case folder(outbox: String, inbox: String)
    /// `transport = "tcp"`: write each message to `address` (`host:port`) and read the answer on
    /// the same connection (ABC's 银企通平台, CCB's 外联客户端 socket mode).
    case tcp(host: String, port: Int)
}

/// `[[banks]]`: one bank connection, its message format and its dispatch limits.
public struct BankConfig: Sendable {
    /// Unique id (`[A-Za-z0-9_-]`), referenced by accounts and stored with payments.
    public var id: String
    /// Adapter (message format family): `iso20022`, `cmb` … (see ``AdapterVocabulary``).
    public var adapter: String
    /// The adapter's own keys (CMB `login_name` …), as written.
    public var adapterOptions: [String: String] = [:]
    /// `receipt_template`: the template for receipts given as data of this bank's accounts that
    /// name none; `nil`: the default.
    public var receiptTemplate: ReceiptTemplateFile?
    /// `receipt_pull_at`, `receipt_pull_delay`, `receipt_missing_after` for this bank's accounts
    /// that do not give their own.
    public var receiptPulls = ReceiptPullConfig()
    /// `pain001_version`: `pain.001.001.09` (default) or `pain.001.001.03`.
    public var pain001Version: String
    /// Whether `pain001_version` was written (else an adapter profile may choose its own default).
    public var pain001VersionGiven = false
    /// `transport` with its keys: `url`, or `outbox_dir` and `inbox_dir`.
    public var transport: BankTransportConfig
    /// `max_in_flight`: messages sent to this bank concurrently, 1–256.
    public var maxInFlight: Int
    /// `max_attempts`: sends of one message that provably did not reach the bank before it fails.
    public var maxAttempts: Int
    /// `request_timeout_ms`: the whole request, connection included.
    public var requestTimeoutMilliseconds: Int
    /// `connect_timeout_ms`: establishing the connection.
    public var connectTimeoutMilliseconds: Int
    /// `backoff_base_ms`: the first retry delay, doubled on each further retry.
    public var backoffBaseMilliseconds: Int
    /// `backoff_max_ms`: the largest retry delay (at least `backoff_base_ms`).
    public var backoffMaxMilliseconds: Int
    /// `circuit_failure_threshold`: consecutive failures that open the circuit (sending pauses).
    public var circuitFailureThreshold: Int
    /// `circuit_cooldown_ms`: how long an open circuit waits before a trial send.
    public var circuitCooldownMilliseconds: Int
    /// `status_query_interval_ms`: time between status queries for submitted or unknown payments.
    public var statusQueryIntervalMilliseconds: Int
    /// `duplicate_check_window_hours`: overrides the adapter's default of how long the bank
    /// remembers message ids (its duplicate check), after which an unknown outcome is held for a
    /// person instead of being sent again; `nil` keeps the adapter's default. (Payments that look
    /// alike are held by `[payment_controls]`, not by this.)
    public var duplicateCheckWindowHours: Int?
    /// `account_status_codes`: reason codes with which this bank, rejecting a payment, says that
    /// the *debtor* account is frozen or closed (`["AC05=closed"]`); bankgate then sets the
    /// account's status as an operator would, so its other payments are held rather than sent.
    /// `nil`: the adapter's default (``defaultAccountStatusCodes``).
    public var accountStatusCodes: [String: String]?
    /// `calendar`, `calendars`, `cutoffs`, `maintenance`, `honours_execution_date`: when the bank
    /// executes and may be called (every day, any time, when none is given).
    public var timetable = BankTimetable()
    /// `max_transfers_per_message`: overrides the adapter's batch limit; `nil` keeps the default.
    public var maxTransfersPerMessage: Int?
    /// CA and client certificate for an `https://` bank (`tls_*` keys).
    public var tls: BankTLSConfig?
    /// `codes_file` and `code_overrides`: the code table the adapter reads the bank's answers
    /// with; the adapter's built-in table when neither is given.
    public var codeTable = CodeTableConfig()

    /// The statuses `account_status_codes` may name.
    public static let learnableAccountStatuses = ["frozen", "closed"]

    /// The reason codes in force: `account_status_codes`, or by default for the `iso20022`
    /// adapter `AC05` (ClosedDebtorAccountNumber, the one ISO 20022 code that names the debtor's
    /// account unambiguously) and nothing for the others, whose codes for a frozen or closed
    /// account do not say whose account it is.
    public var effectiveAccountStatusCodes: [String: String] {
        accountStatusCodes ?? (adapter == "iso20022" ? ["AC05": "closed"] : [:])
    }

    /// `pain.001` versions the `iso20022` adapter writes; the first is the default.
    public static let pain001Versions = ["pain.001.001.09", "pain.001.001.03"]

    /// Defaults of the optional keys.
    public enum Defaults {
        /// Default of `pain001_version`.
        public static let pain001Version = "pain.001.001.09"
        /// Default of `max_in_flight`.
        public static let maxInFlight = 8
        /// Default of `max_attempts`.
        public static let maxAttempts = 8
        /// Default of `request_timeout_ms`.
        public static let requestTimeoutMilliseconds = 30_000
        /// Default of `connect_timeout_ms`.
        public static let connectTimeoutMilliseconds = 5_000
        /// Default of `backoff_base_ms`.
        public static let backoffBaseMilliseconds = 500
        /// Default of `backoff_max_ms`.
        public static let backoffMaxMilliseconds = 60_000
        /// Default of `circuit_failure_threshold`.
        public static let circuitFailureThreshold = 5
        /// Default of `circuit_cooldown_ms`.
        public static let circuitCooldownMilliseconds = 10_000
        /// Default of `status_query_interval_ms`.
        public static let statusQueryIntervalMilliseconds = 2_000
    }

    /// A bank with the file's defaults for every key not given; no checks are made here.
    public init(id: String, adapter: String = "iso20022", pain001Version: String = Defaults.pain001Version,
                transport: BankTransportConfig, maxInFlight: Int = Defaults.maxInFlight,
                maxAttempts: Int = Defaults.maxAttempts,
                requestTimeoutMilliseconds: Int = Defaults.requestTimeoutMilliseconds,
                connectTimeoutMilliseconds: Int = Defaults.connectTimeoutMilliseconds,
                backoffBaseMilliseconds: Int = Defaults.backoffBaseMilliseconds,
                backoffMaxMilliseconds: Int = Defaults.backoffMaxMilliseconds,
                circuitFailureThreshold: Int = Defaults.circuitFailureThreshold,
                circuitCooldownMilliseconds: Int = Defaults.circuitCooldownMilliseconds,
                statusQueryIntervalMilliseconds: Int = Defaults.statusQueryIntervalMilliseconds,
                duplicateCheckWindowHours: Int? = nil, maxTransfersPerMessage: Int? = nil, tls: BankTLSConfig? = nil) {
        self.tls = tls
        self.id = id
        self.adapter = adapter
        self.pain001Version = pain001Version
        self.transport = transport
        self.maxInFlight = maxInFlight
        self.maxAttempts = maxAttempts
        self.requestTimeoutMilliseconds = requestTimeoutMilliseconds
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.backoffBaseMilliseconds = backoffBaseMilliseconds
        self.backoffMaxMilliseconds = backoffMaxMilliseconds
        self.circuitFailureThreshold = circuitFailureThreshold
        self.circuitCooldownMilliseconds = circuitCooldownMilliseconds
        self.statusQueryIntervalMilliseconds = statusQueryIntervalMilliseconds
        self.duplicateCheckWindowHours = duplicateCheckWindowHours
        self.maxTransfersPerMessage = maxTransfersPerMessage
    }
}

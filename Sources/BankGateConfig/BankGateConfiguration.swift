#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
public import BankGateCore

/// Everything bankgate reads from its TOML configuration file: the API server, the API tokens,
/// the banks it talks to, the debtor accounts it pays from, the keys it signs with, and the
/// dispatcher's tuning.
///
/// Built only through ``load(path:baseDirectory:)`` or ``parse(_:fileName:baseDirectory:)``,
/// which check the whole file and refuse it with every problem named (file, line, key path);
/// a value of this type is therefore always valid. See `config/README.md` for every key.
public struct BankGateConfiguration: Sendable {
    /// `[server]`.
    public var server: ServerConfig
    /// `[[tokens]]`: at least one.
    public var tokens: [TokenConfig]
    /// `[[banks]]`, in file order, ids unique.
    public var banks: [BankConfig]
    /// `[[accounts]]`, in file order, ids unique, each on a configured bank.
    public var accounts: [AccountConfig]
    /// `[[keys]]`: signing keys with their certificates, in file order, ids unique, each for a
    /// configured bank; none when absent.
    public var keys: [KeyConfig]
    /// `[dispatch]`, defaults when absent.
    public var dispatch: DispatchConfig
    /// `[payment_controls]`, defaults when absent.
    public var paymentControls: PaymentControlsConfig
    /// `[[limits]]`: per account or token and currency; none when absent.
    public var limits: [PaymentLimitConfig]
    /// `[[approval_rules]]`: which payments need approvals; none when absent (no payment does).
    public var approvalRules: [ApprovalRule] = []
    /// `[approvals]`, defaults when absent.
    public var approvals = ApprovalsConfig()
    /// `[[alerts]]`: alert rules, names unique; none when absent.
    public var alerts: [AlertRuleConfig] = []
    /// `[logging]`: the log lines' format and level (issue 12); defaults when absent.
    public var logging = LoggingConfig()
    /// `[[calendars]]`: business calendars, names unique; banks name them (``BankConfig/timetable``).
    public var calendars: [BusinessCalendar] = []
    /// `[[schedules]]`: plans run at set times (``ScheduleConfig``), names unique.
    public var schedules: [ScheduleConfig] = []
    /// `[[tenants]]`: none when absent (one implicit tenant, `default`, holds everything).
    public var tenants: [TenantConfig]
    /// Absolute path of the file read by `load`; `nil` for `parse`.
    public var sourcePath: String?

    /// Assembles a configuration from parts (for tests and tools); no checks are made here.
    public init(server: ServerConfig, tokens: [TokenConfig], banks: [BankConfig], accounts: [AccountConfig],
                keys: [KeyConfig] = [], dispatch: DispatchConfig = DispatchConfig(),
                paymentControls: PaymentControlsConfig = PaymentControlsConfig(), limits: [PaymentLimitConfig] = [],
                sourcePath: String? = nil, tenants: [TenantConfig] = []) {
        self.tenants = tenants
        self.paymentControls = paymentControls
        self.limits = limits
        self.server = server
        self.tokens = tokens
        self.banks = banks
        self.accounts = accounts
        self.keys = keys
        self.dispatch = dispatch
        self.sourcePath = sourcePath
    }

    /// The bank with `id`, if configured.
    public func bank(id: String) -> BankConfig? {
        banks.first { $0.id == id }
    }

    /// The account with `id`, if configured.
    public func account(id: String) -> AccountConfig? {
        accounts.first { $0.id == id }
    }

    /// Reads and checks the file at `path`.
    ///
    /// Relative paths inside the file (`data_dir`, `outbox_dir`, `inbox_dir`) are resolved
    /// against `baseDirectory`, by default the directory that holds the file, so the result does
    /// not depend on the working directory. Errors name the file as `path` was written.
    /// - Parameter adapters: the keys each adapter reads (`AdapterRegistry.vocabulary`).
    public static func load(path: String, baseDirectory: String? = nil,
                            adapters: AdapterVocabulary) throws(ConfigurationError) -> BankGateConfiguration {
        let text: String
        switch ConfigFile.read(path) {
        case .success(let contents): text = contents
        case .failure(let reason): throw ConfigurationError(file: path, line: nil, key: nil, problem: reason.message)
        }
        let absolute = ConfigPath.absolute(path)
        let base = baseDirectory.map(ConfigPath.absolute) ?? ConfigPath.directory(of: absolute)
        var configuration = try parse(text, fileName: path, baseDirectory: base, adapters: adapters)
        configuration.sourcePath = absolute
        return configuration
    }

    /// Checks `text` as the contents of a file named `fileName` (used in error messages);
    /// relative paths are resolved against `baseDirectory`.
    public static func parse(_ text: String, fileName: String, baseDirectory: String,
                             adapters: AdapterVocabulary) throws(ConfigurationError) -> BankGateConfiguration {
        let root: TOMLTable
        do {
            root = try TOMLParser.parse(text)
        } catch {
            throw ConfigurationError(file: fileName, line: error.line, key: nil, problem: error.message)
        }
        let problems = ProblemList(file: fileName)
        let configuration = ConfigurationDecoder(problems: problems, baseDirectory: baseDirectory, adapters: adapters).decode(root)
        if let error = problems.combined() { throw error }
        return configuration
    }
}

/// Reading the configuration file from disk.
enum ConfigFile {
    /// Why a file could not be read.
    struct ReadFailure: Error {
        var message: String
    }

    /// The file's contents as UTF-8 text.
    static func read(_ path: String) -> Result<String, ReadFailure> {
        guard let handle = fopen(path, "rb") else {
            return .failure(ReadFailure(message: "cannot open the file: \(String(cString: strerror(errno)))"))
        }
        defer { fclose(handle) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = fread(&chunk, 1, chunk.count, handle)
            bytes.append(contentsOf: chunk[0..<count])
            if count < chunk.count { break }
            if bytes.count > 16 * 1024 * 1024 {
                return .failure(ReadFailure(message: "the file is larger than 16 MiB; is it really a configuration file?"))
            }
        }
        if ferror(handle) != 0 {
            return .failure(ReadFailure(message: "cannot read the file: \(String(cString: strerror(errno)))"))
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .failure(ReadFailure(message: "the file is not valid UTF-8"))
        }
        return .success(text)
    }
}

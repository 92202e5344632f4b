import BankGateCore
import Hummingbird

/// A bank's wire format as the simulator speaks it (`bankgate bank-sim --profile NAME`).
///
/// The money is profile-independent: ``PaymentExecution`` applies the ledger rules, the duplicate check
/// on the key the profile chooses and the answer stored per key; the fault generator, the latency and the
/// maintenance window are ``SimulatedBank``'s. A profile reads its bank's requests into
/// ``LedgerInstruction``s and writes the answers in its bank's format, refusing in its bank's own forms
/// (busy, maintenance, unreadable). Its code lives in files of its own (`<Name>Profile.swift`,
/// `SimulatedBank+<Name>.swift`, a codec), and one line in ``SimulatorProfiles/all`` registers it.
protocol SimulatorProfile: Sendable {
    /// The `--profile` value: lower case, e.g. `iso20022`, `cmb`.
    var name: String { get }
    /// The accounts the simulator opens at start with money (kept when the ledger has them already),
    /// and that `--print-config` prints for the gateway.
    var accounts: [ProfileAccount] { get }
    /// Whether folder mode (`--inbox`, `--outbox`) is available.
    var supportsFolderMode: Bool { get }
    /// The kind of ledger its data directory holds: its name, or the profile it is a variant of.
    var ledgerFormat: String { get }
    /// Whether the bank is reached over raw TCP (ABC's client port, `--tcp-listen`) rather than HTTP.
    var usesTCP: Bool { get }
    /// Whether `--tcp-listen` may be given (CCB: the client's raw socket port beside its HTTP form);
    /// required when ``usesTCP``.
    var acceptsTCP: Bool { get }
    /// Adds the bank-facing HTTP routes; `/sim/ledger`, `/sim/accounts` and `/healthz` are common.
    func addRoutes(to router: Router<SimulatorRequestContext>, bank: SimulatedBank)
    /// What the raw TCP listener does with a connection's bytes, for a profile that ``usesTCP``.
    func tcpExchange(bank: SimulatedBank) -> SimulatorTCPExchange?
    /// The answer to a file of the inbox (folder mode, `supportsFolderMode`): the bank's message
    /// handling, with whatever the profile adds around it (ISO 20022: signatures checked and added).
    func folderAnswer(_ bytes: [UInt8], bank: SimulatedBank) async -> BankAnswer
    /// The `[[banks]]` and `[[accounts]]` TOML a gateway needs to reach this simulator at `endpoints`.
    func gatewayConfiguration(endpoints: SimulatorEndpoints) -> String
    /// The profile with the options that concern it applied (BOC: the session lifetime); itself by default.
    func configured(for options: BankSimulatorOptions) -> any SimulatorProfile
    /// For a bank whose client exchanges files with the company (ABC: detail files, payroll files):
    /// the user and password its FTP server (`--ftp-listen`) accepts; `nil` for the others, which
    /// take neither `--ftp-listen` nor `--file-directory`.
    var fileServerLogin: (user: String, password: String)? { get }
}

extension SimulatorProfile {
    func configured(for options: BankSimulatorOptions) -> any SimulatorProfile { self }
    /// Its own.
    var ledgerFormat: String { name }
    /// HTTP.
    var usesTCP: Bool { false }
    /// Only a profile reached over TCP.
    var acceptsTCP: Bool { usesTCP }
    /// None: the bank is reached over HTTP.
    func tcpExchange(bank: SimulatedBank) -> SimulatorTCPExchange? { nil }
    func folderAnswer(_ bytes: [UInt8], bank: SimulatedBank) async -> BankAnswer { await bank.receive(bytes) }
    /// None: no files beside the messages.
    var fileServerLogin: (user: String, password: String)? { nil }
}

/// Where a gateway reaches a simulator.
struct SimulatorEndpoints: Hashable, Sendable {
    /// `http://HOST:PORT` of `--listen`.
    var url: String
    /// `--tcp-listen`, for a profile that ``SimulatorProfile/usesTCP``.
    var tcpAddress: ListenAddress?
    /// `--ftp-listen`, for a profile with a ``SimulatorProfile/fileServerLogin``, when given.
    var ftpAddress: ListenAddress?
    /// The client's file folder (absolute), for a profile with a ``SimulatorProfile/fileServerLogin``.
    var fileDirectory: String?
}

/// An account a profile opens at start, with what a gateway's `[[accounts]]` entry needs.
struct ProfileAccount: Hashable, Sendable {
    /// The gateway's account id.
    var id: String
    var number: String
    /// The holder's name, as the gateway sends it.
    var name: String
    /// BIC or 12-digit CNAPS code of the simulated bank.
    var bankCode: String
    /// The bank's own branch code of the account, when the format has one (CMB: two digits, `BBKNBR`).
    var branchCode: String?
    /// The balance the account opens with.
    var openingBalance: Money

    /// The ledger row the simulator opens.
    var simulatedAccount: SimulatedAccount {
        SimulatedAccount(number: number, balance: openingBalance, status: .open)
    }
}

/// The profiles the simulator knows.
public enum SimulatorProfiles {
    /// Every profile, in `--help` order. Adding a profile adds one line here.
    static let all: [any SimulatorProfile] = [
        ISO20022Profile(),
        ISO20022Profile(variant: .hsbc),
        ISO20022Profile(variant: .bochk),
        CMBProfile(),
        CMBCloudProfile(),
        ICBCProfile(),
        CCBProfile(),
        BOCProfile(),
        ABCProfile(),
    ]

    /// The `--profile` values.
    public static var names: [String] { all.map(\.name) }

    /// The profile called `name`, or `nil`.
    static func named(_ name: String) -> (any SimulatorProfile)? {
        all.first { $0.name == name }
    }

    /// The profile called `name`.
    /// - Throws: ``BankSimulatorOptionsError`` listing the known names.
    static func require(_ name: String) throws(BankSimulatorOptionsError) -> any SimulatorProfile {
        guard let profile = named(name) else {
            throw BankSimulatorOptionsError(
                "--profile must be one of \(names.joined(separator: ", ")), not \"\(name)\"")
        }
        return profile
    }

    /// Whether the client of profile `name` exchanges files (abc: `--ftp-listen`, `--file-directory`);
    /// `false` for an unknown name.
    public static func exchangesFiles(profile name: String) -> Bool {
        named(name)?.fileServerLogin != nil
    }

    /// Whether the bank of profile `name` is reached over raw TCP (`abc`: `--tcp-listen` is required)
    /// rather than HTTP; `false` for an unknown name.
    public static func usesTCP(profile name: String) -> Bool {
        named(name)?.usesTCP ?? false
    }

    /// `--print-config`: the gateway configuration (`[[banks]]` and `[[accounts]]` TOML) for a simulator
    /// of profile `name` listening on `listen` (and, for a profile reached over TCP, on `tcpListen`),
    /// starting with a comment naming the command.
    /// - Throws: ``BankSimulatorOptionsError`` for an unknown profile, or a TCP profile without `tcpListen`.
    /// For a profile whose client exchanges files, `ftpListen` prints the FTP keys, else the folder
    /// (`fileDirectory`, by default under `dataDirectory`) is printed as `file_directory`.
    public static func gatewayConfiguration(profile name: String, listen: ListenAddress, tcpListen: ListenAddress? = nil,
                                            ftpListen: ListenAddress? = nil, fileDirectory: String? = nil,
                                            dataDirectory: String) throws(BankSimulatorOptionsError) -> String {
        try gatewayConfiguration(options: BankSimulatorOptions(listen: listen, tcpListen: tcpListen, dataDirectory: dataDirectory,
                                                               profile: name, ftpListen: ftpListen, fileDirectory: fileDirectory))
    }

    /// `--print-config` for the simulator `options` describe (with its `--listen`, and `--tcp-listen` for a
    /// profile reached over TCP): the profile with those options applied, so that what they change
    /// (signature files) shows.
    /// - Throws: ``BankSimulatorOptionsError`` for an unknown profile, or a TCP profile without `--tcp-listen`.
    public static func gatewayConfiguration(options: BankSimulatorOptions) throws(BankSimulatorOptionsError) -> String {
        guard let listen = options.listen else { throw BankSimulatorOptionsError("--print-config needs --listen HOST:PORT") }
        let dataDirectory = options.dataDirectory
        let tcpListen = options.tcpListen
        let profile = try require(options.profile).configured(for: options)
        if profile.usesTCP && tcpListen == nil {
            throw BankSimulatorOptionsError("--profile \(profile.name) is reached over TCP: give --tcp-listen HOST:PORT")
        }
        let tcp = profile.acceptsTCP ? tcpListen.map { " --tcp-listen \($0)" } ?? "" : ""
        let exchangesFiles = profile.fileServerLogin != nil
        let files = exchangesFiles ? (options.ftpListen.map { " --ftp-listen \($0)" } ?? "")
            + (options.fileDirectory.map { " --file-directory \($0)" } ?? "") : ""
        let header = "# For a gateway reaching `bankgate bank-sim --profile \(profile.name) --listen \(listen)\(tcp)\(files) "
            + "--data-dir \(dataDirectory)`.\n"
        return header + profile.gatewayConfiguration(endpoints: SimulatorEndpoints(
            url: "http://\(listen)", tcpAddress: profile.acceptsTCP ? tcpListen : nil,
            ftpAddress: exchangesFiles ? options.ftpListen : nil,
            fileDirectory: exchangesFiles ? options.clientFileDirectory : nil))
    }
}

/// Writes TOML tables of string values: keys in the order given, values as basic strings.
struct TOMLTables {
    private(set) var text = ""

    /// Appends `[[name]]` with `pairs`, a blank line before every table but the first.
    /// `lists` follow as arrays of strings.
    mutating func arrayTable(_ name: String, _ pairs: KeyValuePairs<String, String>, lists: KeyValuePairs<String, [String]> = [:]) {
        if !text.isEmpty { text += "\n" }
        text += "[[\(name)]]\n"
        for (key, value) in pairs { text += "\(key) = \(Self.quoted(value))\n" }
        for (key, values) in lists { text += "\(key) = [\(values.map(Self.quoted).joined(separator: ", "))]\n" }
    }

    /// Appends `key = "value"` to the table written last.
    mutating func pair(_ key: String, _ value: String) {
        text += "\(key) = \(Self.quoted(value))\n"
    }

    /// A TOML basic string: `"` and `\` escaped, control characters as `\uXXXX`.
    static func quoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

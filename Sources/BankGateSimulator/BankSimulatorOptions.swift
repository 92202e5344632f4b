import Foundation
/// Where the simulator's HTTP server listens: a host name or address and a TCP port (0 picks a free port).
public struct ListenAddress: Hashable, Sendable, CustomStringConvertible {
    /// Host name or IP address, without brackets for IPv6.
    public var host: String
    /// TCP port, 0 to let the system choose.
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`, `[IPv6]:PORT` or `:PORT` (meaning 127.0.0.1); errors name `option`.
    public init(parsing text: String, option: String = "--listen") throws(BankSimulatorOptionsError) {
        guard let colon = text.lastIndex(of: ":") else {
            throw BankSimulatorOptionsError("\(option) must be HOST:PORT, e.g. 127.0.0.1:8088, not \"\(text)\"")
        }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        if host.hasPrefix("["), host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        }
        if host.isEmpty { host = "127.0.0.1" }
        guard let port = Int(portText), (0...65_535).contains(port) else {
            throw BankSimulatorOptionsError("\(option) port must be a number from 0 to 65535, not \"\(portText)\"")
        }
        self.init(host: host, port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Everything `bankgate bank-sim` (and `bankgate serve --demo`) can set on the bank simulator.
public struct BankSimulatorOptions: Hashable, Sendable {
    /// HTTP listen address; `nil` when the simulator runs in folder mode only.
    public var listen: ListenAddress?
    /// Raw TCP listen address of a profile whose bank is reached over TCP (`--tcp-listen`, ABC's client
    /// port); required for such a profile, refused for the others. The HTTP side (`listen`) still
    /// serves `/sim/ledger`, `/sim/accounts` and `/healthz`.
    public var tcpListen: ListenAddress?
    /// Directory holding the durable ledger `sim.sqlite`; created when missing.
    public var dataDirectory: String
    /// A JSON accounts file loaded into the ledger at start; `nil` opens every valid account on first use.
    public var accountsFile: String?
    /// Fault injection: seed, latency, rates and maintenance window.
    public var faults: FaultSettings
    /// Accounts opened at start when the ledger does not have them yet, without an accounts file
    /// (other accounts still open on first use): `serve --demo` opens the configured accounts so
    /// that a statement pull before the first payment finds them.
    public var openAccounts: [SimulatedAccount]
    /// The bank's wire format (`--profile`): one of ``SimulatorProfiles/names``, `iso20022` by default.
    public var profile: String
    /// How long a session token of a profile with sessions (BOC's `b2e0001`) stays valid, in minutes.
    public var sessionMinutes: Int
    /// Folder mode: directory polled for `*.xml` messages.
    public var inbox: String?
    /// Folder mode: directory the answers are written to.
    public var outbox: String?
    /// `--profile iso20022`: the certificate our pain.001 must be signed with, and the bank's key
    /// and certificate that sign its XML answers.
    public var signatureFiles: SimulatorSignatureFiles
    /// A profile whose client exchanges files (abc): where its FTP server listens (`--ftp-listen`).
    public var ftpListen: ListenAddress?
    /// A profile whose client exchanges files (abc): the client's file folder (`--file-directory`),
    /// which the gateway writes to and reads from (`file_directory`) or reaches by FTP; by default
    /// `client-files` under the data directory.
    public var fileDirectory: String?

    public init(listen: ListenAddress? = nil, tcpListen: ListenAddress? = nil, dataDirectory: String = "var/bank-sim",
                accountsFile: String? = nil, faults: FaultSettings = FaultSettings(), inbox: String? = nil,
                outbox: String? = nil, openAccounts: [SimulatedAccount] = [], profile: String = "iso20022",
                sessionMinutes: Int = 30, signatureFiles: SimulatorSignatureFiles = SimulatorSignatureFiles(),
                ftpListen: ListenAddress? = nil, fileDirectory: String? = nil) {
        self.listen = listen
        self.tcpListen = tcpListen
        self.ftpListen = ftpListen
        self.fileDirectory = fileDirectory
        self.signatureFiles = signatureFiles
        self.sessionMinutes = sessionMinutes
        self.profile = profile
        self.dataDirectory = dataDirectory
        self.accountsFile = accountsFile
        self.openAccounts = openAccounts
        self.faults = faults
        self.inbox = inbox
        self.outbox = outbox
    }

    /// The client's file folder as an absolute path: ``fileDirectory``, else `client-files` under
    /// the data directory.
    public var clientFileDirectory: String {
        let path = fileDirectory ?? (dataDirectory + "/client-files")
        return path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// Whether folder mode is on (both `inbox` and `outbox` given).
    public var folderMode: Bool { inbox != nil && outbox != nil }

    /// Checks the options together; the first problem found is thrown with a message for the operator.
    public func validate() throws(BankSimulatorOptionsError) {
        let profile = try SimulatorProfiles.require(self.profile)
        if (inbox != nil || outbox != nil) && !profile.supportsFolderMode {
            throw BankSimulatorOptionsError("--profile \(profile.name) has no folder mode: give --listen, not --inbox and --outbox")
        }
        if (inbox == nil) != (outbox == nil) {
            throw BankSimulatorOptionsError("--inbox and --outbox go together: give both or neither")
        }
        if listen == nil && !folderMode {
            throw BankSimulatorOptionsError("give --listen HOST:PORT, or --inbox DIR and --outbox DIR for folder mode")
        }
        if profile.usesTCP && (tcpListen == nil || listen == nil) {
            throw BankSimulatorOptionsError(
                "--profile \(profile.name) is reached over TCP: give --tcp-listen HOST:PORT (the client's port) and --listen HOST:PORT (/sim/…)")
        }
        if !profile.acceptsTCP && tcpListen != nil {
            throw BankSimulatorOptionsError("--tcp-listen is only for a profile reached over TCP (abc, ccb), not \(profile.name)")
        }
        if let tcpListen, let listen, tcpListen == listen, listen.port != 0 {
            throw BankSimulatorOptionsError("--tcp-listen and --listen must be different ports")
        }
        if (ftpListen != nil || fileDirectory != nil) && profile.fileServerLogin == nil {
            throw BankSimulatorOptionsError("--ftp-listen and --file-directory are only for a profile whose client exchanges files (abc), not \(profile.name)")
        }
        if let ftpListen, ftpListen.port != 0, [listen, tcpListen].contains(ftpListen) {
            throw BankSimulatorOptionsError("--ftp-listen must be a port of its own")
        }
        if fileDirectory?.isEmpty == true {
            throw BankSimulatorOptionsError("--file-directory must not be empty")
        }
        if let inbox, let outbox, inbox == outbox {
            throw BankSimulatorOptionsError("--inbox and --outbox must be different directories")
        }
        guard (1...1440).contains(sessionMinutes) else {
            throw BankSimulatorOptionsError("--session-minutes must be from 1 to 1440, not \(sessionMinutes)")
        }
        if dataDirectory.isEmpty {
            throw BankSimulatorOptionsError("--data-dir must not be empty")
        }
        try faults.validate()
        try signatureFiles.validate(profile: profile.name)
    }
}

/// An invalid simulator option, with a message fit for the command line.
public struct BankSimulatorOptionsError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong and how to fix it.
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

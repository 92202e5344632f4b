import BankGateAdapters
public import BankGateConfig
public import BankGateCore
public import BankGateEngine
import BankGateCrypto
import BankGateTransport
import Foundation
import Logging

/// Builds each configured bank's adapter and transport: the one place that knows which adapter
/// and transport types exist.
public enum BankConnections {
    /// An error building a bank's connection (an unknown adapter, an unusable folder).
    public struct SetupError: Error, CustomStringConvertible {
        public var bankId: String
        public var problem: String
        public var description: String { "bank \(bankId): \(problem)" }
    }

    /// One connection per configured bank, with our accounts at it. `signingKeys` are the `[[keys]]`
    /// as inspected at start-up: a bank whose adapter signs with a key of ours gets a ``KeySigner``
    /// over its usable keys, and refuses to start without one; `keyStates` (the store) gives the
    /// keys' life cycle to it at each signature (nil: configuration alone, for `messages render`).
    public static func make(_ configuration: BankGateConfiguration, signingKeys: [SigningKeyStatus] = [],
                            clock: any WallClock = SystemClock(),
                            keyStates: (any SigningKeyStates)? = nil) throws(SetupError) -> [BankConnection] {
        var connections: [BankConnection] = []
        for bank in configuration.banks {
            let bankAccounts = configuration.accounts.filter { $0.bank == bank.id }
            let adapter: any BankAdapter
            do {
                adapter = try AdapterRegistry.make(bank: bank, accounts: bankAccounts,
                                                   environment: ProcessInfo.processInfo.environment)
            } catch {
                throw SetupError(bankId: bank.id, problem: error.problem)
            }
            let transport: any BankTransport
            switch bank.transport {
            case .http(let url):
                let paths = adapter.httpPaths
                transport = HTTPBankTransport(baseURL: url, submitPath: paths.payment, queryPath: paths.statusQuery,
                                              reportPath: paths.report, connectTimeoutMilliseconds: bank.connectTimeoutMilliseconds,
                                              requestTimeoutMilliseconds: bank.requestTimeoutMilliseconds,
                                              tls: try tlsOptions(bank), maximumConcurrentRequests: bank.maxInFlight)
            case .tcp(let host, let port):
                let framing = adapter
                transport = TCPBankTransport(host: host, port: port, connectTimeoutMilliseconds: bank.connectTimeoutMilliseconds,
                                             requestTimeoutMilliseconds: bank.requestTimeoutMilliseconds,
                                             maximumConcurrentRequests: bank.maxInFlight,
                                             isComplete: { framing.isCompleteAnswer($0) })
            case .folder(let outbox, let inbox):
                do {
                    transport = try FolderBankTransport(outboxDirectory: outbox, inboxDirectory: inbox)
                } catch {
                    throw SetupError(bankId: bank.id, problem: "\(error)")
                }
            }
            var accounts: [String: DebtorAccount] = [:]
            for account in bankAccounts {
                accounts[account.id] = account.debtorAccount()
            }
            var signer: (any MessageSigner)?
            if let signing = adapter as? any SigningServiceAdapter {
                guard let url = bank.adapterOptions["sign_url"] else {
                    throw SetupError(bankId: bank.id, problem: "sign_url is required: the bank's messages are signed by its client's signing service")
                }
                signer = SigningServiceSigner(url: url, adapter: signing, timeoutMilliseconds: bank.requestTimeoutMilliseconds)
            }
            if let keySigning = adapter as? any KeySigningAdapter, let wanted = keySigning.signingAlgorithm {
                let usable = signingKeys.filter { $0.config.bank == bank.id && $0.config.algorithm == wanted }
                guard let keySigner = KeySigner(bankId: bank.id, statuses: usable, clock: clock, states: keyStates) else {
                    throw SetupError(bankId: bank.id, problem: "its messages are signed with a key of ours: configure a [[keys]] entry "
                                     + "with bank = \"\(bank.id)\" and algorithm = \"\(wanted.rawValue)\"")
                }
                // SM2 binds the signer's user id into what is signed: a key configured with another
                // id signs what the bank cannot verify.
                if let required = keySigning.requiredSM2UserID,
                   let wrong = usable.first(where: { ($0.config.sm2UserID ?? String(decoding: SM2.defaultUserID, as: UTF8.self)) != required }) {
                    throw SetupError(bankId: bank.id, problem: "[[keys]] \(wrong.config.id): sm2_user_id must be \"\(required)\" for this bank")
                }
                signer = keySigner
            }
            var session: SessionKeeper?
            if let sessions = adapter as? any SessionAdapter {
                let password: String
                do {
                    password = try AdapterRegistry.secret("password_env", of: bank, in: ProcessInfo.processInfo.environment)
                } catch {
                    throw SetupError(bankId: bank.id, problem: error.problem)
                }
                session = SessionKeeper(adapter: sessions, transport: transport, password: password, clock: SystemClock(),
                                        logger: Logger(label: "bankgate.session"))
            }
            let fileTransfer = try BankFileTransfers.make(bank, environment: ProcessInfo.processInfo.environment)
            connections.append(BankConnection(config: bank, adapter: adapter, transport: transport, accounts: accounts,
                                              signer: signer, session: session, fileTransfer: fileTransfer))
        }
        return connections
    }

    /// The code table each bank's adapter reads codes with (`built-in`, `file …`, `… + 2 overrides`),
    /// for the start-up log; banks whose adapter has no configurable table are left out.
    public static func codeTables(_ connections: [BankConnection]) -> [(bank: String, table: String)] {
        connections.compactMap { connection in
            AdapterRegistry.codeTableOrigin(of: connection.adapter).map { (connection.config.id, "\($0)") }
        }
    }

    /// The transport's TLS options from the bank's `tls_*` keys; the key password from the environment.
    static func tlsOptions(_ bank: BankConfig) throws(SetupError) -> TLSOptions {
        var options = TLSOptions()
        guard let tls = bank.tls else { return options }
        // A file the transport would fail to use at the first send refuses the start (or the reload) now.
        for (key, path, holdsCertificates) in [("tls_ca_file", tls.caFile, true), ("tls_client_certificate", tls.clientCertificateFile, true),
                                               ("tls_client_key", tls.clientKeyFile, false)] {
            guard let path else { continue }
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw SetupError(bankId: bank.id, problem: "\(key) \(path) cannot be read (missing, or not readable by this user)")
            }
            if holdsCertificates {
                do {
                    _ = try Certificate.load(pem: [UInt8](contents))
                } catch {
                    throw SetupError(bankId: bank.id, problem: "\(key) \(path) holds no readable PEM certificate: \(error)")
                }
            } else if !String(decoding: contents, as: UTF8.self).contains("PRIVATE KEY-----") {
                throw SetupError(bankId: bank.id, problem: "\(key) \(path) holds no PEM private key")
            }
        }
        options.caFile = tls.caFile
        options.clientCertificateFile = tls.clientCertificateFile
        options.clientKeyFile = tls.clientKeyFile
        if let variable = tls.clientKeyPasswordEnvironmentVariable {
            guard let password = ProcessInfo.processInfo.environment[variable] else {
                throw SetupError(bankId: bank.id, problem: "tls_client_key_password_env names \(variable), which is not set")
            }
            options.clientKeyPassword = password
        }
        return options
    }
}

import BankGateAdapters
public import BankGateConfig
import BankGateCore
public import BankGateEngine
import BankGateTransport
import Foundation

/// Builds each configured bank's adapter and transport: the one place that knows which adapter
/// and transport types exist.
public enum BankConnections {
    /// An error building a bank's connection (an unknown adapter, an unusable folder).
    public struct SetupError: Error, CustomStringConvertible {
        public var bankId: String
        public var problem: String
        public var description: String { "bank \(bankId): \(problem)" }
    }

    /// One connection per configured bank, with our accounts at it.
    public static func make(_ configuration: BankGateConfiguration) throws(SetupError) -> [BankConnection] {
        var connections: [BankConnection] = []
        for bank in configuration.banks {
            let adapter: any BankAdapter
            switch bank.adapter {
            case "iso20022":
                guard let version = ISO20022Adapter.PainVersion(rawValue: bank.pain001Version) else {
                    throw SetupError(bankId: bank.id, problem: "unsupported pain001_version \(bank.pain001Version)")
                }
                adapter = ISO20022Adapter(painVersion: version)
            default:
                throw SetupError(bankId: bank.id, problem: "unknown adapter \(bank.adapter)")
            }
            let transport: any BankTransport
            switch bank.transport {
            case .http(let url):
                transport = HTTPBankTransport(baseURL: url, connectTimeoutMilliseconds: bank.connectTimeoutMilliseconds,
                                              requestTimeoutMilliseconds: bank.requestTimeoutMilliseconds,
                                              tls: try tlsOptions(bank), maximumConcurrentRequests: bank.maxInFlight)
            case .folder(let outbox, let inbox):
                do {
                    transport = try FolderBankTransport(outboxDirectory: outbox, inboxDirectory: inbox)
                } catch {
                    throw SetupError(bankId: bank.id, problem: "\(error)")
                }
            }
            var accounts: [String: DebtorAccount] = [:]
            for account in configuration.accounts where account.bank == bank.id {
                accounts[account.id] = account.debtorAccount()
            }
            connections.append(BankConnection(config: bank, adapter: adapter, transport: transport, accounts: accounts))
        }
        return connections
    }

    /// The transport's TLS options from the bank's `tls_*` keys; the key password from the environment.
    static func tlsOptions(_ bank: BankConfig) throws(SetupError) -> TLSOptions {
        var options = TLSOptions()
        guard let tls = bank.tls else { return options }
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

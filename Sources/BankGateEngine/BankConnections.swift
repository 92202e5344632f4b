import BankGateAdapters
import BankGateConfig
import BankGateCore
import BankGateTransport

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
                                              maximumConcurrentRequests: bank.maxInFlight)
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
}

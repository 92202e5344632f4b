import BankGateAdapters
import ArgumentParser
import BankGateConfig
import BankGateTransport
import Foundation

/// Where the daemon is and which token to use: the options every operator command shares.
///
/// Precedence: `--url`/`--token`, then `--config FILE` (the URL from `server.listen`, the first
/// plain token with the `operate` scope), then `BANKGATE_URL`/`BANKGATE_TOKEN`, then the default
/// URL `http://127.0.0.1:8080`. Over HTTPS, `--cacert` names the CAs to trust and `--cert`/`--key`
/// a client certificate (mutual TLS), which stands for a token when no token is given.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "The daemon's base URL (default http://127.0.0.1:8080, or $BANKGATE_URL).")
    var url: String?

    @Option(help: "The API token (or $BANKGATE_TOKEN).")
    var token: String?

    @Option(name: .customLong("config"), help: ArgumentHelp("Take the URL and an operator token from this configuration file.",
                                                            valueName: "file"))
    var configPath: String?

    @Option(help: ArgumentHelp("CAs to trust for an https:// URL (PEM; or $BANKGATE_CACERT; default: the system's).", valueName: "file"))
    var cacert: String?

    @Option(help: ArgumentHelp("Client certificate for mutual TLS (PEM; or $BANKGATE_CLIENT_CERT).", valueName: "file"))
    var cert: String?

    @Option(help: ArgumentHelp("Its private key (PEM; or $BANKGATE_CLIENT_KEY).", valueName: "file"))
    var key: String?

    static let defaultURL = "http://127.0.0.1:8080"

    /// Builds the client, preferring a configured token that also has `scopes` when one must be
    /// picked from the configuration file.
    func client(preferring scopes: Set<Scope> = []) throws(OperatorFailure) -> OperatorClient {
        let environment = ProcessInfo.processInfo.environment
        var configURL: String?
        var configToken: String?
        if let configPath {
            let configuration: BankGateConfiguration
            do {
                configuration = try BankGateConfiguration.load(path: configPath)
            } catch {
                throw OperatorFailure(message: "cannot use \(configPath): \(error)", exitCode: OperatorFailure.usage)
            }
            configURL = Self.url(host: configuration.server.host, port: configuration.server.port,
                                 https: configuration.server.tls != nil)
            configToken = Self.operatorToken(in: configuration.tokens, preferring: scopes)
        }
        let baseURL = url ?? configURL ?? environment["BANKGATE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultURL
        func setting(_ option: String?, _ variable: String) -> String? {
            option ?? environment[variable].flatMap { $0.isEmpty ? nil : $0 }
        }
        let tls = TLSOptions(caFile: setting(cacert, "BANKGATE_CACERT"), clientCertificateFile: setting(cert, "BANKGATE_CLIENT_CERT"),
                             clientKeyFile: setting(key, "BANKGATE_CLIENT_KEY"))
        if (tls.clientCertificateFile == nil) != (tls.clientKeyFile == nil) {
            throw OperatorFailure(message: "--cert and --key go together", exitCode: OperatorFailure.usage)
        }
        let token = token ?? configToken ?? environment["BANKGATE_TOKEN"].flatMap({ $0.isEmpty ? nil : $0 })
        if token == nil, tls.clientCertificateFile == nil {
            throw OperatorFailure(message: "no API token: give --token, set BANKGATE_TOKEN, use --config with a plain operate token, "
                                  + "or give a client certificate with --cert and --key", exitCode: OperatorFailure.usage)
        }
        guard baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") else {
            throw OperatorFailure(message: "--url must start with http:// or https://", exitCode: OperatorFailure.usage)
        }
        return OperatorClient(baseURL: baseURL, token: token, tls: tls)
    }

    /// The URL to reach a daemon listening on `host:port` (a wildcard address means this machine).
    static func url(host: String, port: Int, https: Bool = false) -> String {
        let reachable: String
        switch host {
        case "0.0.0.0", "": reachable = "127.0.0.1"
        case "::": reachable = "[::1]"
        default: reachable = host.contains(":") ? "[\(host)]" : host
        }
        return (https ? "https://" : "http://") + "\(reachable):\(port)"
    }

    /// The first plain token with `operate`, preferably one that also has `scopes`.
    static func operatorToken(in tokens: [TokenConfig], preferring scopes: Set<Scope>) -> String? {
        let candidates: [(secret: String, scopes: Set<Scope>)] = tokens.compactMap { token in
            guard token.scopes.contains(.operate), case .plain(let secret) = token.secret else { return nil }
            return (secret, token.scopes)
        }
        return (candidates.first { scopes.isSubset(of: $0.scopes) } ?? candidates.first)?.secret
    }
}

/// A failure of an operator command, with the exit status it ends with.
struct OperatorFailure: Error {
    /// The API answered with an error.
    static let apiError: Int32 = 1
    /// The command line or the configuration is wrong.
    static let usage: Int32 = 2
    /// The daemon could not be reached.
    static let unreachable: Int32 = 3
    /// The answer was read, and it says the books do not agree (a balance reconciliation that is
    /// not balanced).
    static let notBalanced: Int32 = 4
    /// The answer was read, and it says kept receipt files are missing or altered.
    static let receiptsAltered: Int32 = 5
    /// The audit trail's hash chain does not hold (`audit verify`).
    static let auditBroken: Int32 = 6
    /// The answer was read, and it says the job the command ran failed, whole or in part
    /// (`schedules run`). (7 is `doctor`'s.)
    static let jobFailed: Int32 = 8

    var message: String
    var exitCode: Int32
}

extension OperatorFailure {
    /// Prints `error: …` to standard error and ends the command with the failure's status.
    func exit() -> ExitCode {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        return ExitCode(exitCode)
    }
}

/// Runs an operator command body, turning an ``OperatorFailure`` into its message and status.
func runOperator(_ body: () async throws(OperatorFailure) -> Void) async throws {
    do {
        try await body()
    } catch {
        throw error.exit()
    }
}

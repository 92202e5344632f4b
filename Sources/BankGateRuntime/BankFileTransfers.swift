import BankGateAdapters
import BankGateConfig
import BankGateTransport

/// The file transfer of a bank whose adapter reads the keys (`file_transfer` with `file_user` and
/// `file_password_env`, or `file_directory`: ABC's client): the one place that knows the kinds.
enum BankFileTransfers {
    /// The shortest time one file transfer may take, whatever the bank's `request_timeout_ms`: a
    /// detail file of a busy month is megabytes.
    static let minimumTransferMilliseconds = 60_000

    /// The bank's file transfer, or `nil` when it has none configured.
    /// - Throws: ``BankConnections/SetupError`` for a URL that is not `ftp://…` without credentials,
    ///   or a `file_password_env` naming an unset variable.
    static func make(_ bank: BankConfig, environment: [String: String]) throws(BankConnections.SetupError) -> (any BankFileTransfer)? {
        let options = bank.adapterOptions
        if let directory = options["file_directory"] {
            return DirectoryFileTransfer(directory: directory)
        }
        guard let url = options["file_transfer"] else { return nil }
        var password: String?
        if options["file_password_env"] != nil {
            do {
                password = try AdapterRegistry.secret("file_password_env", of: bank, in: environment)
            } catch {
                throw BankConnections.SetupError(bankId: bank.id, problem: error.problem)
            }
        }
        do {
            return try FTPFileTransfer(url: url, user: options["file_user"], password: password,
                                       connectTimeoutMilliseconds: bank.connectTimeoutMilliseconds,
                                       transferTimeoutMilliseconds: max(bank.requestTimeoutMilliseconds, minimumTransferMilliseconds))
        } catch {
            throw BankConnections.SetupError(bankId: bank.id, problem: error.message)
        }
    }
}

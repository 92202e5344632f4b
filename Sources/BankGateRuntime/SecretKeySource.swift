public import BankGateConfig
public import BankGateCrypto
import Foundation

/// Finds the key that seals webhook secrets in the database: the environment variable named by
/// `[server] secret_key_env` when set, else the key file (`secret_key_file`), which is created with a
/// random key, mode 0600, the first time.
///
/// A key in the environment or in a file outside the data folder keeps the secrets safe even from
/// someone who copies the whole data folder; the default file beside the database protects them
/// from a copy of the database alone (a backup, a support dump).
public enum SecretKeySource {
    /// Why no key could be had.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Where the key came from, for the start-up log.
    public enum Origin: Equatable, Sendable {
        case environment(String)
        case file(String)
        case createdFile(String)
    }

    /// The box for `server`'s key, and where the key came from (`environment`: the process's when nil).
    public static func box(for server: ServerConfig, environment: [String: String]? = nil) throws(Failure) -> (SecretBox, Origin) {
        let environment = environment ?? ProcessInfo.processInfo.environment
        let variable = server.secretKeyEnvironmentVariable
        if let text = environment[variable] {
            do {
                return (try SecretBox(hexKey: text), .environment(variable))
            } catch {
                throw Failure(description: "\(variable): \(error)")
            }
        }
        let path = server.secretKeyFile
        if let text = try readKeyFile(path) {
            do {
                return (try SecretBox(hexKey: text), .file(path))
            } catch {
                throw Failure(description: "\(path): \(error)")
            }
        }
        let key = SecretBox.makeHexKey()
        do {
            try PrivateFiles.create([(path, Array((key + "\n").utf8))])
        } catch {
            throw Failure(description: "the secret key file: \(error)")
        }
        do {
            return (try SecretBox(hexKey: key), .createdFile(path))
        } catch {
            throw Failure(description: "\(path): \(error)")
        }
    }

    /// The file's text, or nil when it does not exist. Refuses a symbolic link and a file that
    /// others than its owner may read.
    static func readKeyFile(_ path: String) throws(Failure) -> String? {
        do {
            return String(decoding: try PrivateFiles.contents(of: path, what: "secret key file", ownerOnly: true, followLinks: false, limit: 256),
                          as: UTF8.self)
        } catch where error.isMissing {
            return nil
        } catch {
            throw Failure(description: error.description)
        }
    }
}

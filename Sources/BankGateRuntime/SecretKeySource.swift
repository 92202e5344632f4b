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
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        if descriptor < 0 {
            if errno == ENOENT { return nil }
            throw Failure(description: "cannot open the secret key file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            throw Failure(description: "the secret key file \(path) is not a regular file")
        }
        guard status.st_mode & 0o077 == 0 else {
            throw Failure(description: "the secret key file \(path) may be read by others (mode \(String(status.st_mode & 0o777, radix: 8))); make it 0600")
        }
        var bytes = [UInt8](repeating: 0, count: 256)
        let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count >= 0 else { throw Failure(description: "cannot read the secret key file \(path)") }
        return String(decoding: bytes[0..<count], as: UTF8.self)
    }
}

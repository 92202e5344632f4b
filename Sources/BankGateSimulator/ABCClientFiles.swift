import BankGateAdapters
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The simulated client's file folder (`--file-directory`, by default `client-files` under
/// `--data-dir`): where it leaves `CQRA10` detail files and finds `CFRT03` payroll files, whether
/// they came by its FTP server (`--ftp-listen`) or were written into the folder by the gateway.
struct ABCClientFiles: Sendable {
    /// The folder.
    let directory: String

    /// The largest file read (a payroll file of 1,000 lines is 139 KB).
    static let maximumReadBytes = 16 << 20

    /// Creates the folder when missing.
    func prepare() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// Writes `bytes` as `name`: a temporary file, then renamed, so no reader sees half of it.
    func write(_ name: String, _ bytes: [UInt8]) throws(BankCodecError) {
        guard SimulatorFTPServer.isPlainName(name) else { throw BankCodecError("not a plain file name: \(name)") }
        let temporary = directory + "/." + name + ".part"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes)),
              rename(temporary, directory + "/" + name) == 0 else {
            unlink(temporary)
            throw BankCodecError("cannot write \(name) in \(directory)")
        }
    }

    /// The regular file `name` (never through a link), or `nil` when there is none.
    /// - Throws: ``BankCodecError`` for a name that is not plain, or a file over ``maximumReadBytes``.
    func read(_ name: String) throws(BankCodecError) -> [UInt8]? {
        guard SimulatorFTPServer.isPlainName(name) else { throw BankCodecError("not a plain file name: \(name)") }
        let path = directory + "/" + name
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        guard info.st_size <= Self.maximumReadBytes else { throw BankCodecError("\(name) is larger than \(Self.maximumReadBytes) bytes") }
        return FileManager.default.contents(atPath: path).map { Array($0) }
    }
}

/// Moves whole files to and from a bank's client program, beside its message channel: ABC's
/// 银企通平台 leaves transaction-detail files for pickup and reads payroll files uploaded to it first.
///
/// Files are named by a plain name (``BankFileName``), never a path: the transfer decides where
/// that name lives (the FTP URL's directory, the shared folder).
public protocol BankFileTransfer: Sendable, CustomStringConvertible {
    /// The whole file `name`, at most `maximumBytes` long.
    /// - Throws: ``FileTransferError`` — `notFound`, `tooLarge`, `unreachable`, `refused` …
    func download(_ name: String, maximumBytes: Int) async throws(FileTransferError) -> [UInt8]
    /// Stores `bytes` as `name`, replacing a file of that name. When this returns, the file is
    /// complete at the other end; when it throws, the file may be missing or partial.
    func upload(_ name: String, bytes: [UInt8]) async throws(FileTransferError)
}

/// Why a file could not be moved. Messages never carry a password.
public struct FileTransferError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        /// The name is not a plain file name (``BankFileName``): nothing was tried.
        case invalidName = "invalid_name"
        /// The file is not there.
        case notFound = "not_found"
        /// The file is larger than the caller accepts.
        case tooLarge = "too_large"
        /// The other end could not be reached (connection refused or timed out, folder missing).
        case unreachable
        /// The other end refused (login denied, permission denied, upload refused).
        case refused
        /// Anything else (a broken transfer, a local I/O error).
        case failed
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind.rawValue): \(message)" }
}

/// The names a ``BankFileTransfer`` accepts: 1 to 200 ASCII letters, digits, `.`, `_` and `-`, not
/// starting with `.`. A name comes from the bank's answer (`Cmp/BatchFileName`) or from our codec;
/// anything that could climb out of the folder (`/`, `..`) or hide (a leading dot) is refused.
public enum BankFileName {
    /// The longest name accepted, in bytes.
    public static let maxLength = 200

    /// `nil` when `name` is acceptable, else why not.
    public static func problem(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= maxLength else { return "a file name has 1 to \(maxLength) characters" }
        guard bytes[0] != UInt8(ascii: ".") else { return "a file name must not start with a dot" }
        let allowed = bytes.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        return allowed ? nil : "a file name is made of ASCII letters, digits, '.', '_' and '-'"
    }

    /// Throws ``FileTransferError/Kind/invalidName`` for a name ``problem(_:)`` refuses.
    static func check(_ name: String) throws(FileTransferError) {
        if let problem = problem(name) { throw FileTransferError(.invalidName, "\(problem): \"\(printable(name))\"") }
    }

    /// `name` with every character outside printable ASCII shown as `?` (for messages).
    static func printable(_ name: String) -> String {
        String(String.UnicodeScalarView(name.unicodeScalars.prefix(maxLength).map { $0.value >= 0x20 && $0.value < 0x7F ? $0 : "?" }))
    }
}

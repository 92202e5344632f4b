import CCurlShim

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files to and from a bank's client over FTP (libcurl, passive mode: EPSV, then PASV), each
/// transfer on a connection of its own, on the transport's own threads.
///
/// `url` names the client's folder (`ftp://host:port/path/`); the user name and password log in.
/// The password is kept out of the URL, out of ``description`` and out of every error.
public struct FTPFileTransfer: BankFileTransfer {
    /// The folder's URL, ending in `/`.
    public let url: String
    let user: String?
    let password: String?
    public let connectTimeoutMilliseconds: Int
    /// The whole transfer, connection and login included.
    public let transferTimeoutMilliseconds: Int
    private let workers: BlockingWorkerPool<Void>

    /// - Throws: ``FileTransferError/Kind/invalidName`` when `url` is not `ftp://host[:port][/path]`
    ///   without credentials, query or fragment (the user and password are given apart).
    public init(url: String, user: String?, password: String?, connectTimeoutMilliseconds: Int,
                transferTimeoutMilliseconds: Int, maximumConcurrentTransfers: Int = 2) throws(FileTransferError) {
        if let problem = Self.urlProblem(url) { throw FileTransferError(.invalidName, problem) }
        self.url = url.hasSuffix("/") ? url : url + "/"
        self.user = user
        self.password = password
        self.connectTimeoutMilliseconds = max(1, connectTimeoutMilliseconds)
        self.transferTimeoutMilliseconds = max(1, transferTimeoutMilliseconds)
        workers = BlockingWorkerPool(name: "bankgate-ftp", maximumThreads: maximumConcurrentTransfers, makeContext: {})
    }

    /// Why `url` is not an FTP folder URL bankgate uses, or `nil`.
    public static func urlProblem(_ url: String) -> String? {
        guard url.hasPrefix("ftp://") else { return "file_transfer must be an ftp:// URL" }
        let rest = url.dropFirst("ftp://".count)
        let authority = rest.prefix { $0 != "/" }
        if authority.isEmpty { return "file_transfer has no host" }
        if authority.contains("@") { return "file_transfer must not carry credentials: give file_user and file_password_env" }
        if url.contains("?") || url.contains("#") { return "file_transfer must not have a query or fragment" }
        if url.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value >= 0x7F }) {
            return "file_transfer must be printable ASCII without spaces"
        }
        return nil
    }

    public var description: String { "FTP \(url)" + (user.map { " as \($0)" } ?? "") }

    public func download(_ name: String, maximumBytes: Int) async throws(FileTransferError) -> [UInt8] {
        try BankFileName.check(name)
        let report = await perform(name: name, upload: nil, maximumBytes: max(1, maximumBytes))
        if let error = Self.failure(report, name: name, upload: false) { throw error }
        return report.body
    }

    public func upload(_ name: String, bytes: [UInt8]) async throws(FileTransferError) {
        try BankFileName.check(name)
        let report = await perform(name: name, upload: bytes, maximumBytes: 1)
        if let error = Self.failure(report, name: name, upload: true) { throw error }
    }

    private func perform(name: String, upload: [UInt8]?, maximumBytes: Int) async -> FTPReport {
        let (target, user, password) = (url + name, user, password)
        let (connect, total) = (connectTimeoutMilliseconds, transferTimeoutMilliseconds)
        return await workers.run { _ in
            FTPReport.perform(url: target, user: user, password: password, upload: upload, connectTimeoutMilliseconds: connect,
                              totalTimeoutMilliseconds: total, maximumBytes: maximumBytes)
        }
    }

    /// The error `report` stands for, or `nil` when the transfer succeeded.
    static func failure(_ report: FTPReport, name: String, upload: Bool) -> FileTransferError? {
        let what = (upload ? "upload of " : "download of ") + name
        if report.tooLarge { return FileTransferError(.tooLarge, "\(what): the file is larger than accepted") }
        switch report.code {
        case CURLE_OK.rawValue: return nil
        case CURLE_REMOTE_FILE_NOT_FOUND.rawValue:
            return FileTransferError(.notFound, "\(what): no such file (FTP \(report.status))")
        case CURLE_FILESIZE_EXCEEDED.rawValue:
            return FileTransferError(.tooLarge, "\(what): the file is larger than accepted")
        case CURLE_LOGIN_DENIED.rawValue, CURLE_REMOTE_ACCESS_DENIED.rawValue, CURLE_UPLOAD_FAILED.rawValue,
             CURLE_QUOTE_ERROR.rawValue:
            return FileTransferError(.refused, "\(what): refused (FTP \(report.status)): \(report.message)")
        case CURLE_COULDNT_CONNECT.rawValue, CURLE_COULDNT_RESOLVE_HOST.rawValue, CURLE_OPERATION_TIMEDOUT.rawValue,
             CURLE_FTP_ACCEPT_TIMEOUT.rawValue, CURLE_WEIRD_SERVER_REPLY.rawValue, CURLE_GOT_NOTHING.rawValue:
            return FileTransferError(.unreachable, "\(what): \(report.message)")
        default:
            return FileTransferError(.failed, "\(what): \(report.message) (curl \(report.code), FTP \(report.status))")
        }
    }
}

/// What libcurl reported about one FTP transfer.
struct FTPReport: Sendable {
    var code: UInt32
    var message: String
    /// The last FTP reply code.
    var status: Int
    var body: [UInt8]
    var tooLarge: Bool

    /// Runs the transfer on the calling thread (a worker's, never the cooperative pool).
    static func perform(url: String, user: String?, password: String?, upload: [UInt8]?, connectTimeoutMilliseconds: Int,
                        totalTimeoutMilliseconds: Int, maximumBytes: Int) -> FTPReport {
        var owned: [UnsafeMutablePointer<CChar>] = []
        defer { owned.forEach { free($0) } }
        func cString(_ string: String?) -> UnsafePointer<CChar>? {
            guard let string, !string.utf8.contains(0), let copy = strdup(string) else { return nil }
            owned.append(copy)
            return UnsafePointer(copy)
        }
        var request = bg_ftp_request()
        request.url = cString(url)
        request.user = cString(user)
        request.password = cString(password)
        request.is_upload = upload == nil ? 0 : 1
        request.upload_length = upload?.count ?? 0
        request.connect_timeout_ms = Int(connectTimeoutMilliseconds)
        request.total_timeout_ms = Int(totalTimeoutMilliseconds)
        request.max_download_bytes = maximumBytes
        var response = bg_http_response()
        let bytes = upload ?? []
        bytes.withUnsafeBufferPointer { buffer in
            request.upload = buffer.baseAddress
            _ = bg_ftp_perform(&request, &response)
        }
        defer { bg_http_response_release(&response) }
        let message = withUnsafeBytes(of: &response.error_message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        return FTPReport(code: UInt32(bitPattern: response.curl_code), message: message, status: response.status,
                         body: response.body.map { Array(UnsafeBufferPointer(start: $0, count: response.body_length)) } ?? [],
                         tooLarge: response.response_too_large != 0)
    }
}

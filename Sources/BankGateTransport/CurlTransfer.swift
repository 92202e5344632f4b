import CCurlShim

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One HTTP request for libcurl, in Swift terms.
struct CurlRequest: Sendable {
    var url: String
    var method: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]?
    var connectTimeoutMilliseconds: Int
    var totalTimeoutMilliseconds: Int
    var tls: TLSOptions
    var maximumResponseBytes: Int
    /// Sends on a new connection and closes it afterwards (see `bg_http_perform` in CCurlShim.h).
    var freshConnection: Bool
    /// When set, the response body is written to this open descriptor as it arrives (not kept).
    var bodyFileDescriptor: Int32? = nil

    /// Why the request cannot be handed to libcurl, if it cannot. C strings end at the first NUL,
    /// and a CR or LF in a header would let a value smuggle in headers of its own.
    func invalidity() -> String? {
        if url.isEmpty || url.utf8.contains(0) { return "invalid URL" }
        let token = method.utf8
        if token.isEmpty || !token.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) { return "invalid method" }
        for (name, value) in headers {
            if name.isEmpty || name.utf8.contains(where: { $0 <= 0x20 || $0 == UInt8(ascii: ":") || $0 >= 0x7F }) {
                return "invalid header name"
            }
            if value.utf8.contains(where: { $0 == 0 || $0 == 0x0A || $0 == 0x0D }) {
                return "invalid value for header \(name)"
            }
        }
        let tlsStrings = [tls.caFile, tls.clientCertificateFile, tls.clientKeyFile, tls.clientKeyType,
                          tls.clientKeyPassword, tls.sslEngine]
        if tlsStrings.contains(where: { $0?.utf8.contains(0) ?? false }) { return "invalid TLS setting" }
        return nil
    }
}

/// What libcurl reported about one request: the answer, if any, and the facts that tell whether
/// the request may have reached the server.
struct CurlReport: Sendable {
    /// The raw `CURLcode`.
    var code: UInt32
    /// libcurl's detailed error message (empty on success).
    var message: String
    var status: Int
    var body: [UInt8]
    /// Header fields of the final response, in order, as sent.
    var headers: [(name: String, value: String)]
    /// A TCP connection was established.
    var connected: Bool
    /// libcurl had a ready connection and began to send: some request bytes may have been written.
    var requestStarted: Bool
    /// Some response byte arrived.
    var responseStarted: Bool
    /// The answer exceeded the size limit and the transfer was aborted.
    var responseTooLarge: Bool
    /// Why the request was refused before libcurl saw it, if it was.
    var rejection: String?

    var curlCode: CURLcode { CURLcode(rawValue: code) }

    /// A report for a request refused before libcurl saw it.
    static func rejected(_ reason: String) -> CurlReport {
        CurlReport(code: CURLE_BAD_FUNCTION_ARGUMENT.rawValue, message: reason, status: 0, body: [],
                   headers: [], connected: false, requestStarted: false, responseStarted: false,
                   responseTooLarge: false, rejection: reason)
    }
}

/// A libcurl easy handle kept by one worker thread, so that its connections can be reused.
final class CurlSession {
    let handle: OpaquePointer?

    init() { handle = bg_http_session_create() }

    deinit { bg_http_session_destroy(handle) }
}

extension CurlRequest {
    /// Performs the request on the calling thread, which blocks until it completes or times out.
    /// Never call this on Swift's cooperative pool: use a `BlockingWorkerPool`.
    func perform(session: CurlSession?) -> CurlReport {
        if let reason = invalidity() { return .rejected(reason) }
        var owned: [UnsafeMutablePointer<CChar>] = []
        defer { owned.forEach { free($0) } }
        func cString(_ string: String?) -> UnsafePointer<CChar>? {
            guard let string, let copy = strdup(string) else { return nil }
            owned.append(copy)
            return UnsafePointer(copy)
        }
        let headerLines = headers.map { cString("\($0.name): \($0.value)") }
        var request = bg_http_request()
        request.url = cString(url)
        request.method = cString(method)
        request.header_count = headerLines.count
        request.has_body = body == nil ? 0 : 1
        request.body_length = body?.count ?? 0
        request.connect_timeout_ms = Int(max(0, connectTimeoutMilliseconds))
        request.total_timeout_ms = Int(max(0, totalTimeoutMilliseconds))
        request.ca_file = cString(tls.caFile)
        request.client_cert_file = cString(tls.clientCertificateFile)
        request.client_key_file = cString(tls.clientKeyFile)
        request.client_key_type = cString(tls.clientKeyType)
        request.client_key_password = cString(tls.clientKeyPassword)
        request.ssl_engine = cString(tls.sslEngine)
        request.verify_peer = tls.verifyPeer ? 1 : 0
        request.verify_host = tls.verifyHost ? 1 : 0
        request.max_response_bytes = max(1, maximumResponseBytes)
        request.fresh_connection = freshConnection ? 1 : 0
        request.body_to_fd = bodyFileDescriptor == nil ? 0 : 1
        request.body_fd = bodyFileDescriptor ?? -1

        var response = bg_http_response()
        let bodyBytes = body ?? []
        headerLines.withUnsafeBufferPointer { lines in
            bodyBytes.withUnsafeBufferPointer { bytes in
                request.headers = lines.baseAddress
                request.body = bytes.baseAddress
                _ = bg_http_perform(session?.handle, &request, &response)
            }
        }
        defer { bg_http_response_release(&response) }
        return CurlReport(response)
    }
}

extension CurlReport {
    /// Copies what the C side filled in; the caller releases the C buffers.
    fileprivate init(_ response: bg_http_response) {
        var response = response
        code = UInt32(bitPattern: response.curl_code)
        message = withUnsafeBytes(of: &response.error_message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        status = response.status
        body = response.body.map { Array(UnsafeBufferPointer(start: $0, count: response.body_length)) } ?? []
        let block = response.header_block.map { pointer in
            pointer.withMemoryRebound(to: UInt8.self, capacity: response.header_block_length) {
                Array(UnsafeBufferPointer(start: $0, count: response.header_block_length))
            }
        } ?? []
        headers = Self.parseHeaderBlock(block)
        connected = response.connected != 0
        requestStarted = response.request_started != 0
        responseStarted = response.response_started != 0
        responseTooLarge = response.response_too_large != 0
        rejection = nil
    }

    /// Splits "HTTP/1.1 200 OK\r\nName: value\r\n…" into fields, skipping the status line.
    static func parseHeaderBlock(_ block: [UInt8]) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        let lines = block.split(separator: 0x0A, omittingEmptySubsequences: true)
        for rawLine in lines.dropFirst() {
            var line = rawLine[...]
            if line.last == 0x0D { line = line.dropLast() }
            if line.isEmpty { continue }
            if line.first == 0x20 || line.first == 0x09, let last = fields.indices.last {
                fields[last].value += " " + trimmed(line)   // obsolete line folding
                continue
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            fields.append((name: trimmed(line[..<colon]), value: trimmed(line[(colon + 1)...])))
        }
        return fields
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> String {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        guard let start = bytes.firstIndex(where: { !isSpace($0) }),
              let end = bytes.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(decoding: bytes[start...end], as: UTF8.self)
    }
}

import BankGateCore
import BankGateTransport
import Foundation

/// Talks to the daemon's HTTP API for the operator commands: sends one request, returns the JSON
/// body of a 2xx answer, and turns everything else into an ``OperatorFailure`` with the right
/// exit status.
struct OperatorClient {
    let baseURL: String
    /// `nil`: the client certificate of `tls` stands for a token.
    let token: String?
    let http: HTTPClient

    init(baseURL: String, token: String?, tls: TLSOptions = TLSOptions()) {
        self.baseURL = baseURL
        self.token = token
        http = HTTPClient(timeoutMilliseconds: 30_000, tls: tls)
    }

    /// The `Authorization` header, when there is a token.
    var authorization: [(String, String)] {
        token.map { [("Authorization", "Bearer \($0)")] } ?? []
    }

    /// `GET path` (path includes the query).
    func get(_ path: String) async throws(OperatorFailure) -> [UInt8] {
        try await send("GET", path)
    }

    /// `POST path`, without a body or with `body` (JSON, or another `contentType`).
    func post(_ path: String, body: [UInt8]? = nil, contentType: String = "application/json") async throws(OperatorFailure) -> [UInt8] {
        try await send("POST", path, body: body, contentType: contentType)
    }

    /// `POST path` with the object of `members` (in their order) written as JSON.
    func post(_ path: String, json members: [JSONMember]) async throws(OperatorFailure) -> [UInt8] {
        var writer = JSONWriter(capacity: 256)
        writer.value(.object(members))
        return try await send("POST", path, body: writer.bytes, contentType: "application/json")
    }

    /// `method path`; `extraHeaders` go after the authorization and content headers (`Idempotency-Key`).
    func send(_ method: String, _ path: String, body: [UInt8]? = nil,
                      contentType: String = "application/json",
                      extraHeaders: [(String, String)] = []) async throws(OperatorFailure) -> [UInt8] {
        try await exchange(method, path, body: body, contentType: contentType, extraHeaders: extraHeaders).body
    }

    /// As ``send(_:_:body:contentType:extraHeaders:)``, returning the whole 2xx answer (its headers too).
    func exchange(_ method: String, _ path: String, body: [UInt8]? = nil, contentType: String = "application/json",
                  extraHeaders: [(String, String)] = []) async throws(OperatorFailure) -> BankGateTransport.HTTPResponse {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        let answer: BankGateTransport.HTTPResponse
        var headers = authorization + [("Accept", "application/json")]
        if body != nil { headers.append(("Content-Type", contentType)) }
        headers += extraHeaders
        do {
            answer = try await http.send(method: method, url: base + path, headers: headers, body: body)
        } catch {
            throw OperatorFailure(message: "cannot reach bankgate at \(base): \(error.message)",
                                  exitCode: OperatorFailure.unreachable)
        }
        guard (200..<300).contains(answer.status) else {
            throw Self.failure(status: answer.status, body: answer.body)
        }
        return answer
    }

    /// The API's error document (`{"error": {"code", "message", "field"}}`) as a failure.
    static func failure(status: Int, body: [UInt8]) -> OperatorFailure {
        guard let detail = try? errorDetail(body) else {
            return OperatorFailure(message: "the daemon answered HTTP \(status)", exitCode: OperatorFailure.apiError)
        }
        let place = detail.field.map { "\(detail.code), field \($0)" } ?? detail.code
        return OperatorFailure(message: "\(detail.message) (\(place))", exitCode: OperatorFailure.apiError)
    }

    /// `code`, `message` and the optional `field` of an error document; other members are ignored.
    private static func errorDetail(_ body: [UInt8]) throws(JSONReadError) -> (code: String, message: String, field: String?)? {
        guard let error = try JSONObjectReader(try JSONObjectReader.document(body), path: "").object("error"),
              let code = try error.string("code"), let message = try error.string("message") else { return nil }
        return (code, message, try error.string("field"))
    }

    /// Reads an API document (snake_case keys; unknown members ignored).
    static func decode<T: APIDocument>(_ type: T.Type, _ body: [UInt8]) throws(OperatorFailure) -> T {
        do {
            return try T(JSONObjectReader(JSONObjectReader.document(body), path: ""))
        } catch {
            throw OperatorFailure(message: "the daemon's answer could not be read: \(error)", exitCode: OperatorFailure.apiError)
        }
    }

    /// Percent-encodes a path segment or query value.
    static func escape(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// Writes a JSON answer to standard output as it came, followed by a newline.
func printRaw(_ body: [UInt8]) {
    let text = String(decoding: body, as: UTF8.self)
    print(text.hasSuffix("\n") ? String(text.dropLast()) : text)
}

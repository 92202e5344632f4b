import BankGateCore
import BankGateEngine
import Hummingbird
import Logging
import NIOCore

/// Building the API's JSON answers, errors included.
enum APIResponse {
    /// A JSON answer with the bytes a ``JSONWriter`` produced.
    static func json(_ status: HTTPResponse.Status, _ writer: JSONWriter, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: writer.bytes)))
    }

    /// `{"<key>": [item, …]}`, each item written by `write`.
    static func list<Item>(_ status: HTTPResponse.Status, _ key: String, _ items: [Item], bytesPerItem: Int = 400,
                           _ write: (inout JSONWriter, Item) -> Void) -> Response {
        var writer = JSONWriter(capacity: 64 + items.count * bytesPerItem)
        writer.beginObject()
        writer.key(key)
        writer.beginArray()
        for item in items { write(&writer, item) }
        writer.endArray()
        writer.endObject()
        return json(status, writer)
    }

    /// A CSV answer (`text/csv; charset=utf-8`).
    static func csv(_ text: String) -> Response {
        var fields: HTTPFields = [:]
        fields[.contentType] = "text/csv; charset=utf-8"
        return Response(status: .ok, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// `{"error": {"code", "message", "field"}}` with the status of the error's kind; 401 answers
    /// carry `WWW-Authenticate: Bearer`.
    static func error(_ error: GatewayError) -> Response {
        var writer = JSONWriter(capacity: 128)
        writer.beginObject()
        writer.key("error")
        writer.beginObject()
        writer.field("code", error.code.rawValue)
        writer.field("message", error.message)
        writer.field("field", error.field)
        writer.endObject()
        writer.endObject()
        var headers: HTTPFields = [:]
        if error.kind == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        if let seconds = error.retryAfterSeconds { headers[.retryAfter] = String(seconds) }
        return json(status(of: error.kind), writer, headers: headers)
    }

    /// The HTTP status of each kind of ``GatewayError``.
    static func status(of kind: GatewayError.Kind) -> HTTPResponse.Status {
        switch kind {
        case .badRequest: .badRequest
        case .unauthorized: .unauthorized
        case .tooManyRequests: .tooManyRequests
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .payloadTooLarge: .contentTooLarge
        case .validation: .unprocessableContent
        case .unavailable: .serviceUnavailable
        case .internal: .internalServerError
        }
    }

    /// The answer to anything unexpected: no detail leaves the process.
    static let internalError = GatewayError(.internal, code: .internalError, message: "internal error")
}

/// Turns every error a route throws into the API's JSON error document. Added before all routes,
/// so unknown paths (Hummingbird's 404) get it too.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as GatewayError {
            // A receipt file found altered keeps its code: finance must see why it got no file.
            if error.kind == .internal && error.code != .receiptIntegrityFailed {
                // The gateway's own words may name internals: log them, answer generically.
                context.logger.error("internal error", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
                return APIResponse.error(APIResponse.internalError)
            }
            if error.kind == .internal {
                context.logger.error("internal error", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            }
            return APIResponse.error(error)
        } catch let error as any HTTPResponseError {
            return APIResponse.error(Self.gatewayError(for: error.status))
        } catch is CancellationError {
            return APIResponse.error(GatewayError(.unavailable, code: .unavailable, message: "the server is shutting down"))
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(String(reflecting: type(of: error)))",
                                                                "path": "\(request.uri.path)"])
            return APIResponse.error(APIResponse.internalError)
        }
    }

    /// Hummingbird's own errors (no route, a body too large for it) in the API's words.
    static func gatewayError(for status: HTTPResponse.Status) -> GatewayError {
        switch status {
        case .notFound: GatewayError(.notFound, code: .notFound, message: "no such resource")
        case .contentTooLarge: GatewayError(.payloadTooLarge, code: .payloadTooLarge, message: "the body is too large")
        case .methodNotAllowed: GatewayError(.notFound, code: .notFound, message: "no such resource")
        case .badRequest: GatewayError(.badRequest, code: .badRequest, message: "the request is malformed")
        default: APIResponse.internalError
        }
    }
}

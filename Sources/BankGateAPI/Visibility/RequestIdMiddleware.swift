import BankGateEngine
import HTTPTypes
import Hummingbird
import Logging

/// Issue 12: every request gets an id, the client's `X-Request-Id` when it is a sensible one
/// (``RequestTrace/isAcceptable(_:)``), else a generated `req_…`. The id is echoed in the answer's
/// `X-Request-Id` and set as ``RequestTrace/current`` for the handler, so intake stores it with the
/// submissions it creates and the log lines of their bank calls name it. Outermost: error answers
/// carry it too.
struct RequestIdMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        let requestId = request.headers[.requestId].flatMap { RequestTrace.isAcceptable($0) ? $0 : nil }
            ?? RequestTrace.generateRequestId()
        var context = context
        context.logger[metadataKey: "request_id"] = .string(requestId)
        var response = try await RequestTrace.$current.withValue(RequestTrace(requestId: requestId)) {
            try await next(request, context)
        }
        response.headers[.requestId] = requestId
        return response
    }
}

/// Issue 12: counts intake requests (`POST /v1/payments`, `POST /v1/payment-batches`) by outcome:
/// accepted, replayed (`Idempotent-Replayed`), or refused with the error's code. Inside the error
/// middleware, so it sees refusals as the errors they are.
struct IntakeMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: GatewayMetrics

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .post, request.uri.path == "/v1/payments" || request.uri.path == "/v1/payment-batches" else {
            return try await next(request, context)
        }
        do {
            let response = try await next(request, context)
            if response.headers[.idempotentReplayed] != nil {
                metrics.intakeRequest(.replayed)
            } else if response.status == .created {
                metrics.intakeRequest(.accepted)
            } else {
                metrics.intakeRequest(.refused, code: "http_\(response.status.code)")
            }
            return response
        } catch let error as GatewayError {
            metrics.intakeRequest(.refused, code: error.code.rawValue)
            throw error
        } catch {
            metrics.intakeRequest(.refused, code: GatewayError.Code.internalError.rawValue)
            throw error
        }
    }
}

extension HTTPField.Name {
    /// `X-Request-Id`: the request's id, taken from the client or generated, echoed in the answer.
    static let requestId = HTTPField.Name("X-Request-Id")!
}

import BankGateConfig
import BankGateCore
import BankGateEngine
import Hummingbird
import NIOCore

/// `GET /metrics` and `GET /readyz` (issue 12, "What operators see").
extension APIEndpoints {
    /// The Prometheus text format's content type.
    static let prometheusContentType = "text/plain; version=0.0.4; charset=utf-8"

    /// `GET /metrics`: every metric in the Prometheus text format. A token with `operate`, unless
    /// `[server] metrics_public = true`; 404 where no metrics are kept (in-process tests).
    func metrics(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        if visibility?.metricsPublic != true {
            _ = try auth.authorize(request, anyOf: [.operate])
        }
        guard let visibility else { throw GatewayError(.notFound, code: .notFound, message: "no metrics are kept here") }
        let bytes = await visibility.exposition()
        var headers = HTTPFields()
        headers[.contentType] = Self.prometheusContentType
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// Readiness: 200 when every check passes (the configuration is loaded, the store answers and
    /// writes, the dispatcher runs), else 503; the body names each check and whether it passed.
    /// Bank health is not a check: an open circuit leaves the instance ready to take payments.
    func readinessByCheck() async -> Response {
        let checks = await gateway.readinessChecks()
        let ready = checks.allSatisfy(\.passed)
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.field("status", ready ? "ready" : "not_ready")
        writer.field("failed", checks.first { !$0.passed }?.name)
        writer.key("checks")
        writer.beginObject()
        for check in checks {
            writer.key(check.name)
            writer.beginObject()
            writer.key("ok")
            writer.bool(check.passed)
            writer.field("detail", check.detail)
            writer.endObject()
        }
        writer.endObject()
        writer.endObject()
        return APIResponse.json(ready ? .ok : .serviceUnavailable, writer)
    }
}

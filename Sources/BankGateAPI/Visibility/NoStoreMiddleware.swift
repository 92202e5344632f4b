import HTTPTypes
import Hummingbird

/// Every `/v1` answer carries payment and account data: no cache may keep it
/// (`Cache-Control: no-store`), and no browser may read it as anything but what it says
/// (`X-Content-Type-Options: nosniff`). A route that sets its own `Cache-Control` keeps it. Over
/// TLS every answer, the console's too, also says to use HTTPS only (`Strict-Transport-Security`,
/// a year).
struct NoStoreMiddleware<Context: RequestContext>: RouterMiddleware {
    var strictTransportSecurity = false

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        let isAPI = request.uri.path.hasPrefix("/v1/")
        guard isAPI || strictTransportSecurity else { return try await next(request, context) }
        var response = try await next(request, context)
        if isAPI {
            if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
            response.headers[.xContentTypeOptions] = "nosniff"
        }
        if strictTransportSecurity { response.headers[.strictTransportSecurity] = "max-age=31536000" }
        return response
    }
}

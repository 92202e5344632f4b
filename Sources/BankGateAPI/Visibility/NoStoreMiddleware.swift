import HTTPTypes
import Hummingbird

/// Every `/v1` answer carries payment and account data: no cache may keep it
/// (`Cache-Control: no-store`), and no browser may read it as anything but what it says
/// (`X-Content-Type-Options: nosniff`). A route that sets its own `Cache-Control` keeps it.
struct NoStoreMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/v1/") else { return try await next(request, context) }
        var response = try await next(request, context)
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        response.headers[.xContentTypeOptions] = "nosniff"
        return response
    }
}

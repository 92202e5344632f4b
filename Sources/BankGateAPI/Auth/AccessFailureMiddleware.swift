import BankGateEngine
import Hummingbird

/// Hands every request refused with 401 or 403 to the ``AccessFailureLog`` before the error
/// middleware answers it.
struct AccessFailureMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let log: AccessFailureLog

    func handle(_ request: Request, context: APIRequestContext,
                next: (Request, APIRequestContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as GatewayError where error.code == .unauthorized || error.code == .forbidden {
            await log.note(AccessFailure(kind: error.code.rawValue, method: request.method.rawValue, path: request.uri.path,
                                         remoteAddress: context.remoteAddress, message: error.message, principal: error.principal))
            throw error
        }
    }
}

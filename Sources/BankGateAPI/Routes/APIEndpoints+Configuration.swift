import BankGateConfig
import BankGateCore
import BankGateEngine
import Hummingbird

extension APIEndpoints {
    /// `GET /v1/configuration` (operate): the configuration in force — file, SHA-256, when loaded —
    /// and the last reload's outcome: `last_reload_error` names why a reload was refused (the
    /// running configuration then stays whole), `restart_required` the sections that wait for a restart.
    func configurationState(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        _ = try auth.authorize(request, anyOf: [.operate])
        guard let state = access.state else {
            throw GatewayError(.notFound, code: .notFound, message: "no configuration state in this server")
        }
        var writer = JSONWriter(capacity: 512)
        writer.beginObject()
        writer.field("path", state.path)
        writer.field("sha256", state.sha256)
        writer.field("loaded_at", state.loadedAt.iso8601)
        writer.field("last_reload_at", state.lastReloadAt?.iso8601)
        writer.field("last_reload_error", state.lastReloadError)
        writer.field("restart_required", state.restartRequired)
        writer.field("switching_since", state.switchingSince?.iso8601)
        writer.endObject()
        return APIResponse.json(.ok, writer)
    }
}

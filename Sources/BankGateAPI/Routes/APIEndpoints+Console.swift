import BankGateConfig
import BankGateCore
import BankGateEngine
import BankGateStore
import Hummingbird
import NIOCore

/// The web console's pages (`/console`, static, no data in them) and the two answers only it needs:
/// `GET /v1/whoami` (the caller's token name, scopes and tenant, so the console shows the pages the
/// token may use) and `GET /v1/stats/throughput` (payments per interval, for its chart).
extension APIEndpoints {
    /// Longest window of `GET /v1/stats/throughput`, in hours.
    static let maxThroughputHours = 168

    func registerConsoleRoutes(on router: Router<APIRequestContext>) {
        router.get("/v1/whoami") { request, context in try whoami(request, context) }
        router.get("/v1/stats/throughput") { request, context in try await throughput(request, context) }
        router.get("/console") { _, _ in ConsoleAssets.response(.page) }
        router.get("/console/app.js") { _, _ in ConsoleAssets.response(.script) }
        router.get("/console/app.css") { _, _ in ConsoleAssets.response(.styles) }
    }

    /// `GET /v1/whoami`: any valid token; its name, scopes and tenant (never its secret).
    func whoami(_ request: Request, _ context: APIRequestContext) throws -> Response {
        let client = try auth.authorize(request, anyOf: Scope.allCases)
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.field("name", client.name)
        writer.field("scopes", client.scopes.map(\.rawValue).sorted())
        writer.field("tenant", client.access.tenant)
        writer.endObject()
        return APIResponse.json(.ok, writer)
    }

    /// `GET /v1/stats/throughput?hours=H&bucket_minutes=M` (scope `operate`): per interval, payments
    /// accepted, completed, rejected or failed, unknown and held. Installation-wide, like the queue.
    func throughput(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        _ = try auth.authorize(request, anyOf: [.operate])
        let query = QueryParameters(request)
        let hours = try query.integer("hours", in: 1...Self.maxThroughputHours, default: 24)
        let bucketMinutes = try query.integer("bucket_minutes", in: 1...1440, default: 60)
        guard hours * 60 / bucketMinutes <= 2000 else {
            throw GatewayError(.badRequest, code: .invalidParameter, message: "at most 2000 intervals: widen bucket_minutes",
                               field: "bucket_minutes")
        }
        let buckets = try await gateway.throughput(hours: hours, bucketMinutes: bucketMinutes)
        var writer = JSONWriter(capacity: 128 + buckets.count * 120)
        writer.beginObject()
        writer.field("hours", hours)
        writer.field("bucket_minutes", bucketMinutes)
        writer.key("buckets")
        writer.beginArray()
        for bucket in buckets {
            writer.beginObject()
            writer.field("start", bucket.start.iso8601)
            writer.field("accepted", bucket.accepted)
            writer.field("completed", bucket.completed)
            writer.field("rejected_or_failed", bucket.rejectedOrFailed)
            writer.field("unknown", bucket.unknown)
            writer.field("held", bucket.held)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return APIResponse.json(.ok, writer)
    }
}

import BankGateConfig
import BankGateCore
import BankGateCrypto
import BankGateEngine
import BankGateStore
import Foundation
import HTTPTypes
import Hummingbird

/// Receipt exports (scope `receipts:read` or `operate`): ask for the receipts of accounts and
/// dates as one ZIP with an index, poll it, download it when ready.
extension APIEndpoints {
    func registerReceiptExportRoutes(on router: Router<APIRequestContext>) {
        router.post("/v1/receipt-exports") { request, context in try await createReceiptExport(request, context) }
        router.get("/v1/receipt-exports") { request, context in try await listReceiptExports(request, context) }
        router.get("/v1/receipt-exports/:id") { request, context in try await showReceiptExport(request, context) }
        router.get("/v1/receipt-exports/:id/file") { request, context in try await receiptExportFile(request, context) }
    }

    func requireReceiptExports() throws(GatewayError) -> ReceiptExportService {
        guard let receiptExports else { throw GatewayError(.notFound, code: .notFound, message: "receipt exports are not enabled") }
        return receiptExports
    }

    /// `POST /v1/receipt-exports` `{"accounts": […], "from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}`: 202 with the
    /// export (queued) and its `Location`.
    func createReceiptExport(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.receiptsRead, .operate])
        let service = try requireReceiptExports()
        let body = try await RequestBodyReader.collect(request, maxBytes: maxBodyBytes)
        let parsed = try RequestBodyReader.parse(body, with: ReceiptExportRequest.parse(json:))
        // An account the token may not read is refused as one that is not configured.
        if let index = parsed.accountIds.firstIndex(where: { !client.access.mayRead($0) }) {
            throw GatewayError(.validation, code: .unknownAccount, message: "no account \(parsed.accountIds[index]) is configured",
                               field: "accounts[\(index)]")
        }
        let export = try await service.request(parsed, requestedBy: client.name)
        var writer = JSONWriter(capacity: 768)
        writer.receiptExport(export)
        return APIResponse.json(.accepted, writer, headers: [.location: "/v1/receipt-exports/\(export.id)"])
    }

    /// `GET /v1/receipt-exports?cursor=&limit=`: newest first.
    func listReceiptExports(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.receiptsRead, .operate])
        let query = QueryParameters(request)
        let limit = try query.integer("limit", in: 1...500, default: 50)
        var page = try await requireReceiptExports().list(cursor: query.string("cursor"), limit: limit)
        // Only exports of accounts the token may read (a page may then hold fewer than `limit`).
        page.exports = page.exports.filter { $0.accountIds.allSatisfy(client.access.mayRead) }
        var writer = JSONWriter(capacity: 256 + page.exports.count * 768)
        writer.beginObject()
        writer.key("exports")
        writer.beginArray()
        for export in page.exports { writer.receiptExport(export) }
        writer.endArray()
        writer.field("next_cursor", page.nextCursor)
        writer.endObject()
        return APIResponse.json(.ok, writer)
    }

    /// `GET /v1/receipt-exports/{id}`: its state, progress, counts, size, hash, and `download` when ready.
    func showReceiptExport(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.receiptsRead, .operate])
        let service = try requireReceiptExports()
        let export = try await service.export(id: try pathID(context))
        guard export.accountIds.allSatisfy(client.access.mayRead) else { try await missing { try await service.export(id: $0) } }
        var writer = JSONWriter(capacity: 768)
        writer.receiptExport(export)
        return APIResponse.json(.ok, writer)
    }

    /// `GET /v1/receipt-exports/{id}/file`: the ZIP streamed from disk in 128 KB pieces, with
    /// `Content-Length`, `Content-Disposition` and `Digest: sha-256=<base64>`; 409 `export_not_ready` before.
    func receiptExportFile(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.receiptsRead, .operate])
        let service = try requireReceiptExports()
        let id = try pathID(context)
        if !client.access.seesEverything, (try? await service.export(id: id)).map({ $0.accountIds.allSatisfy(client.access.mayRead) }) != true {
            try await missing { try await service.download(id: $0) }
        }
        let (export, path) = try await service.download(id: id)
        guard let size = export.bytes, let sha256 = export.sha256, let digest = SHA256.parseHex(sha256),
              FileManager.default.fileExists(atPath: path) else {
            throw GatewayError(.internal, code: .internalError, message: "the ZIP of receipt export \(export.id) is missing")
        }
        let body = try await FileIO().loadFile(path: path, context: context)
        var headers: HTTPFields = [:]
        headers[.contentType] = "application/zip"
        headers[.contentLength] = String(size)
        headers[.contentDisposition] = "attachment; filename=\"receipts-\(export.fromDate)-\(export.toDate)-\(export.id).zip\""
        headers[HTTPField.Name("Digest")!] = "sha-256=" + Data(digest).base64EncodedString()
        return Response(status: .ok, headers: headers, body: body)
    }
}

extension JSONWriter {
    /// One receipt export: what it covers, where it is, and what it wrote.
    mutating func receiptExport(_ export: ReceiptExportRecord) {
        beginObject()
        field("id", export.id)
        field("state", export.state.rawValue)
        field("requested_by", export.requestedBy)
        field("accounts", export.accountIds)
        field("from", export.fromDate)
        field("to", export.toDate)
        field("receipt_count", export.receiptCount)
        field("progress_percent", export.progressPermille / 10)
        field("bytes", export.bytes)
        field("sha256", export.sha256)
        key("error")
        if let code = export.errorCode {
            beginObject()
            field("code", code)
            field("message", export.errorMessage)
            endObject()
        } else {
            null()
        }
        field("created_at", export.createdAt.iso8601)
        field("started_at", export.startedAt?.iso8601)
        field("finished_at", export.finishedAt?.iso8601)
        field("url", "/v1/receipt-exports/\(export.id)")
        field("download", export.state == .ready ? "/v1/receipt-exports/\(export.id)/file" : nil)
        endObject()
    }
}

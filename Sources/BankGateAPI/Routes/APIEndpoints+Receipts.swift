import BankGateConfig
import BankGateCore
import BankGateCrypto
import BankGateEngine
import BankGateStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Electronic receipts (电子回单): pull an account's day now, list, show, and download the file
/// as kept, with its `Digest`.
extension APIEndpoints {
    func registerReceiptRoutes(on router: Router<APIRequestContext>) {
        router.post("/v1/accounts/:id/receipts/pull") { request, context in try await pullReceipts(request, context) }
        router.get("/v1/receipts") { request, context in try await listReceipts(request, context) }
        router.get("/v1/receipts/:id") { request, context in try await showReceipt(request, context) }
        router.get("/v1/receipts/:id/file") { request, context in try await receiptFile(request, context) }
        router.post("/v1/receipts/verify") { request, context in try await verifyReceipts(request, context) }
    }

    /// `POST /v1/receipts/verify`: re-hash every kept receipt file now; each one missing or altered is
    /// recorded (`receipt.integrity_failed`) and listed. 200 either way: the answer is the finding.
    func verifyReceipts(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        _ = try auth.authorize(request, anyOf: [.operate])
        let verification = try await requireReceipts().verify()
        var writer = JSONWriter(capacity: 128 + verification.failures.count * 200)
        writer.beginObject()
        writer.field("checked", verification.checked)
        writer.field("intact", verification.checked - verification.failures.count)
        writer.key("failed")
        writer.beginArray()
        for failure in verification.failures {
            writer.beginObject()
            writer.field("receipt_id", failure.receiptId)
            writer.field("sha256", failure.sha256)
            writer.field("problem", failure.problem)
            writer.field("found_sha256", failure.foundSHA256)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return APIResponse.json(.ok, writer)
    }

    func requireReceipts() throws(GatewayError) -> ReceiptDesk {
        guard let receipts else { throw GatewayError(.notFound, code: .notFound, message: "electronic receipts are not enabled") }
        return receipts
    }

    /// `POST /v1/accounts/{id}/receipts/pull?date=YYYY-MM-DD` (by default the bank's today: in China
    /// the day starts at 16:00 UTC): ask the bank now.
    func pullReceipts(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.operate])
        let desk = try requireReceipts()
        let accountId = try accountID(context, client)
        let date = try AccountRequestBodies.date(QueryParameters(request).string("date")
                                                 ?? desk.pulls.bookingDay(accountId: accountId, at: clock.now()), "date")
        let result = try await desk.pull(accountId: accountId, date: date)
        var writer = JSONWriter(capacity: 256 + result.stored.count * 900)
        writer.beginObject()
        writer.field("account", result.accountId)
        writer.field("date", result.date)
        writer.field("listed", result.listed)
        writer.field("new", result.stored.count)
        writer.field("known", result.known)
        writer.field("added_links", result.addedLinks)
        writer.key("receipts")
        writer.beginArray()
        for receipt in result.stored { writer.receipt(receipt) }
        writer.endArray()
        writer.endObject()
        return APIResponse.json(.ok, writer)
    }

    /// `GET /v1/receipts?account=&from=&to=&payment=&transaction=&linked=&cursor=&limit=`
    func listReceipts(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.receiptsRead, .operate])
        let desk = try requireReceipts()
        let query = QueryParameters(request)
        var filter = ReceiptFilter(accountId: accountParameter(query.string("account"), client), paymentId: query.string("payment"),
                                   transactionId: query.string("transaction"))
        if filter.accountId == nil { filter.accountIds = readableAccounts(client) }
        filter.fromDate = try query.string("from").map { (text: String) throws(GatewayError) -> String in try AccountRequestBodies.date(text, "from") }
        filter.toDate = try query.string("to").map { (text: String) throws(GatewayError) -> String in try AccountRequestBodies.date(text, "to") }
        switch query.string("linked") {
        case nil: break
        case "true": filter.linked = true
        case "false": filter.linked = false
        default: throw GatewayError(.badRequest, code: .invalidParameter, message: "linked must be true or false", field: "linked")
        }
        let limit = try query.integer("limit", in: 1...1000, default: 100)
        let page = try await desk.list(filter, cursor: query.string("cursor"), limit: limit)
        var writer = JSONWriter(capacity: 256 + page.receipts.count * 900)
        writer.beginObject()
        writer.key("receipts")
        writer.beginArray()
        for receipt in page.receipts { writer.receipt(receipt) }
        writer.endArray()
        writer.field("next_cursor", page.nextCursor)
        writer.endObject()
        return APIResponse.json(.ok, writer)
    }

    /// `GET /v1/receipts/{id}`: the receipt's metadata and links.
    func showReceipt(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.receiptsRead, .operate])
        let desk = try requireReceipts()
        let receipt = try await desk.receipt(id: try pathID(context))
        guard client.access.mayRead(receipt.draft.accountId) else { try await missing { try await desk.receipt(id: $0) } }
        var writer = JSONWriter(capacity: 1024)
        writer.receipt(receipt)
        return APIResponse.json(.ok, writer)
    }

    /// `GET /v1/receipts/{id}/file`: the bytes as kept, with their content type and
    /// `Digest: sha-256=<base64>`; a file found altered or missing answers 500
    /// `receipt_integrity_failed`, never the bytes.
    func receiptFile(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.receiptsRead, .operate])
        let desk = try requireReceipts()
        let id = try pathID(context)
        if !client.access.seesEverything, (try? await desk.receipt(id: id)).map({ client.access.mayRead($0.draft.accountId) }) != true {
            try await missing { try await desk.file(id: $0) }
        }
        let (receipt, bytes) = try await desk.file(id: id)
        var headers: HTTPFields = [:]
        headers[.contentType] = receipt.draft.contentType
        headers[HTTPField.Name("Digest")!] = "sha-256=" + Data(SHA256.digest(bytes)).base64EncodedString()
        headers[.contentDisposition] = "attachment; filename=\"\(receipt.id)\(receipt.draft.fileExtension)\""
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

extension JSONWriter {
    /// One receipt: its filing fields, its file and its links.
    mutating func receipt(_ receipt: ReceiptRecord) {
        let draft = receipt.draft
        beginObject()
        field("id", receipt.id)
        field("bank", draft.bankId)
        field("account", draft.accountId)
        field("booking_date", draft.bookingDate)
        field("amount", draft.amount.decimalString)
        field("currency", draft.amount.currency.code)
        field("direction", draft.direction)
        field("counterparty_name", draft.counterpartyName)
        field("counterparty_account", draft.counterpartyAccount)
        field("counterparty_bank", draft.counterpartyBank)
        field("receipt_number", draft.receiptNumber)
        field("bank_serial", draft.bankSerial)
        field("client_reference", draft.clientReference)
        field("kind", draft.kind)
        field("purpose", draft.purpose)
        field("content_type", draft.contentType)
        field("sha256", draft.sha256)
        field("size", draft.size)
        field("origin", draft.origin.rawValue)
        field("template", draft.template)
        field("source_message_id", draft.sourceMessageId)
        field("created_at", receipt.createdAt.iso8601)
        field("file_url", "/v1/receipts/\(receipt.id)/file")
        key("links")
        beginArray()
        for link in receipt.links {
            beginObject()
            field("payment_id", link.paymentId)
            field("transaction_id", link.transactionId)
            field("method", link.method.rawValue)
            key("confirmed")
            bool(link.confirmed)
            field("created_at", link.createdAt.iso8601)
            endObject()
        }
        endArray()
        endObject()
    }
}

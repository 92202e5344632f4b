import BankGateConfig
import BankGateCore
import BankGateEngine
import BankGateStore
import Hummingbird

/// The receipt execution report (电子回单执行报告) of an account and day, and the payments and
/// transactions still without a receipt.
extension APIEndpoints {
    func registerReceiptReportRoutes(on router: Router<APIRequestContext>) {
        router.get("/v1/accounts/:id/receipt-report") { request, context in try await receiptReport(request, context) }
        router.get("/v1/receipts/missing") { request, context in try await missingReceipts(request, context) }
    }

    /// `GET /v1/accounts/{id}/receipt-report?date=YYYY-MM-DD[&format=csv]`: what receipts the day
    /// should have, what came, what is linked, pending or missing (with the reason), the unlinked
    /// receipts, and the pulls made (failed ones with their reason). 404 for an account whose bank
    /// gives no receipts, 422 `invalid_date`.
    func receiptReport(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.receiptsRead, .operate])
        let desk = try requireReceipts()
        let accountId = try accountID(context, client)
        let query = QueryParameters(request)
        guard let date = query.string("date") else {
            throw GatewayError(.validation, code: .invalidDate, message: "date is required, as YYYY-MM-DD", field: "date")
        }
        let format = query.string("format") ?? "json"
        guard format == "json" || format == "csv" else {
            throw GatewayError(.badRequest, code: .invalidParameter, message: "format must be json or csv", field: "format")
        }
        let report = try await desk.report(accountId: accountId, date: try AccountRequestBodies.date(date, "date"))
        if format == "csv" { return APIResponse.csv(report.csv) }
        var writer = JSONWriter(capacity: 1024 + report.expected.count * 400 + report.received.count * 900 + report.pulls.count * 300)
        writer.beginObject()
        writer.field("account", report.accountId)
        writer.field("date", report.date)
        writer.field("generated_at", report.generatedAt.iso8601)
        writer.key("summary")
        writer.beginObject()
        writer.field("expected", report.expected.count)
        writer.field("received", report.received.count)
        writer.field("linked", report.linked.count)
        writer.field("pending", report.pending.count)
        writer.field("missing", report.missing.count)
        writer.field("unlinked_receipts", report.unlinked.count)
        writer.field("pulls", report.pulls.count)
        writer.field("failed_pulls", report.failedPulls.count)
        writer.endObject()
        writer.key("expected")
        writer.beginArray()
        for status in report.expected { writer.receiptItem(status) }
        writer.endArray()
        writer.key("missing")
        writer.beginArray()
        for status in report.missing { writer.receiptItem(status) }
        writer.endArray()
        writer.key("received")
        writer.beginArray()
        for receipt in report.received { writer.receipt(receipt) }
        writer.endArray()
        writer.key("unlinked_receipts")
        writer.beginArray()
        for receipt in report.unlinked { writer.string(receipt.id) }
        writer.endArray()
        writer.key("pulls")
        writer.beginArray()
        for pull in report.pulls { writer.receiptPull(pull) }
        writer.endArray()
        writer.key("failed_pulls")
        writer.beginArray()
        for pull in report.failedPulls { writer.receiptPull(pull) }
        writer.endArray()
        writer.endObject()
        return APIResponse.json(.ok, writer)
    }

    /// `GET /v1/receipts/missing?account=&from=&to=`: completed payments and booked transactions
    /// without a receipt (booked `from…to`, by default the last 31 days), each `pending` or
    /// `missing` (overdue), since when, why, and its day's last pull.
    func missingReceipts(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.receiptsRead, .operate])
        let desk = try requireReceipts()
        let query = QueryParameters(request)
        let to = try AccountRequestBodies.date(query.string("to") ?? clock.now().dateString, "to")
        let from = try AccountRequestBodies.date(query.string("from") ?? DateArithmetic.adding(days: -30, to: to) ?? to, "from")
        let limit = try query.integer("limit", in: 1...10_000, default: 1_000)
        let account = accountParameter(query.string("account"), client)
        var items: [ReceiptItemStatus] = []
        if account == nil, let readable = readableAccounts(client) {
            // A token limited to some accounts: each of them.
            for id in readable where items.count < limit {
                items += try await desk.missing(accountId: id, fromDate: from, toDate: to, limit: limit - items.count)
            }
        } else {
            items = try await desk.missing(accountId: account, fromDate: from, toDate: to, limit: limit)
        }
        var writer = JSONWriter(capacity: 256 + items.count * 500)
        writer.beginObject()
        writer.field("from", from)
        writer.field("to", to)
        writer.field("missing", items.filter { $0.state == .missing }.count)
        writer.field("pending", items.filter { $0.state == .pending }.count)
        writer.key("items")
        writer.beginArray()
        for status in items { writer.receiptItem(status) }
        writer.endArray()
        writer.endObject()
        return APIResponse.json(.ok, writer)
    }
}

extension JSONWriter {
    /// A payment or transaction a receipt should prove, and where it stands.
    mutating func receiptItem(_ status: ReceiptItemStatus) {
        let item = status.item
        beginObject()
        field("kind", item.kind.rawValue)
        field("id", item.id)
        field("account", item.accountId)
        field("booking_date", item.bookingDate)
        field("amount", item.amount.decimalString)
        field("currency", item.amount.currency.code)
        field("counterparty", item.counterpartyName)
        field("reference", item.reference)
        field("since", item.since.iso8601)
        field("state", status.state.rawValue)
        field("receipt_id", item.receiptId)
        field("missing_from", status.missingFrom.iso8601)
        field("reason", status.reason?.rawValue)
        field("reason_text", status.reasonText)
        if let pull = status.lastPull {
            key("last_pull")
            receiptPull(pull)
        }
        endObject()
    }

    /// One recorded receipt pull.
    mutating func receiptPull(_ pull: ReceiptPullRun) {
        beginObject()
        field("id", pull.id)
        field("booking_date", pull.bookingDate)
        field("trigger", pull.trigger.rawValue)
        field("attempt", pull.attempt)
        field("started_at", pull.startedAt.iso8601)
        field("finished_at", pull.finishedAt.iso8601)
        field("outcome", pull.outcome)
        field("listed", pull.listed)
        field("new", pull.newReceipts)
        field("error_code", pull.errorCode)
        field("error_message", pull.errorMessage)
        field("next_attempt_at", pull.nextAttemptAt?.iso8601)
        endObject()
    }
}

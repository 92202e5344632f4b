import BankGateConfig
import BankGateCore
import BankGateEngine
import BankGateStore
import Hummingbird

/// The bank exchange log (银企日志查询): every exchange with a bank, newest first, and one exchange
/// with the archived bytes both ways. Scope `operate`: the bytes name every counterparty. A token
/// limited to some accounts sees only their exchanges; another's answers as missing.
extension APIEndpoints {
    /// Largest page of `GET /v1/bank-exchanges`.
    static let maxExchangePage = 500

    /// `GET /v1/bank-exchanges?bank=&account=&kind=&outcome=&from=&to=&cursor=&limit=`.
    func listExchanges(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.operate])
        let desk = try requireOperatorDesk()
        let query = QueryParameters(request)
        let access = client.access
        try desk.checkFilter(bankId: query.string("bank"), accountId: query.string("account"), mayRead: { access.mayRead($0) },
                             kind: .badRequest)
        var filter = BankExchangeFilter()
        filter.bankId = query.string("bank")
        filter.accountId = accountParameter(query.string("account"), client)
        if filter.accountId == nil { filter.accountIds = readableAccounts(client) }
        if let text = query.string("kind") {
            guard let kind = BankExchangeKind(rawValue: text) else {
                throw GatewayError(.badRequest, code: .invalidParameter,
                                   message: "kind must be one of " + BankExchangeKind.allCases.map(\.rawValue).joined(separator: ", "),
                                   field: "kind")
            }
            filter.kind = kind
        }
        if let text = query.string("outcome") {
            guard let outcome = BankExchangeOutcome(rawValue: text) else {
                throw GatewayError(.badRequest, code: .invalidParameter,
                                   message: "outcome must be one of " + BankExchangeOutcome.allCases.map(\.rawValue).joined(separator: ", "),
                                   field: "outcome")
            }
            filter.outcome = outcome
        }
        (filter.from, filter.until) = try OperatorTimeRange.parse(from: query.string("from"), to: query.string("to"))
        filter.cursor = query.string("cursor")
        if let cursor = filter.cursor, BankExchangeEntry.row(of: cursor) == nil {
            throw GatewayError(.badRequest, code: .invalidParameter, message: "cursor is not one this list gave", field: "cursor")
        }
        filter.limit = try query.integer("limit", in: 1...Self.maxExchangePage, default: 50)
        let page = try await desk.exchanges(filter)
        var writer = JSONWriter(capacity: 256 + page.exchanges.count * 700)
        writer.beginObject()
        writer.key("exchanges")
        writer.beginArray()
        for exchange in page.exchanges { writer.exchange(exchange) }
        writer.endArray()
        writer.field("next_cursor", page.nextCursor)
        writer.endObject()
        return APIResponse.json(.ok, writer)
    }

    /// `GET /v1/bank-exchanges/{id}`: the exchange and its `messages` with their bytes (`body`
    /// when UTF-8, `body_base64` always).
    func showExchange(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.operate])
        let desk = try requireOperatorDesk()
        let detail = try await desk.exchange(id: try pathID(context), accountIds: readableAccounts(client))
        var writer = JSONWriter(capacity: 1024 + detail.messages.reduce(0) { $0 + $1.bytes.count * 3 })
        writer.beginObject()
        writer.key("exchange")
        writer.exchange(detail.exchange)
        writer.key("messages")
        writer.beginArray()
        for message in detail.messages { writer.message(message) }
        writer.endArray()
        writer.endObject()
        return APIResponse.json(.ok, writer)
    }

    func requireOperatorDesk() throws(GatewayError) -> OperatorDesk {
        guard let operatorDesk else { throw GatewayError(.notFound, code: .notFound, message: "not available here") }
        return operatorDesk
    }
}

extension JSONWriter {
    /// One entry of the exchange log.
    mutating func exchange(_ exchange: BankExchangeEntry) {
        beginObject()
        field("id", exchange.id)
        field("bank", exchange.bankId)
        field("account", exchange.accountId)
        field("kind", exchange.kind.rawValue)
        field("outcome", exchange.outcome.rawValue)
        field("error_code", exchange.errorCode)
        field("started_at", exchange.startedAt.iso8601)
        field("ended_at", exchange.endedAt?.iso8601)
        field("submission_id", exchange.submissionId)
        field("attempt", exchange.attempt)
        key("payment_ids")
        beginArray()
        for id in exchange.paymentIds { string(id) }
        endArray()
        key("statement_ids")
        beginArray()
        for id in exchange.statementIds { string(id) }
        endArray()
        key("request")
        messageSummary(exchange.request)
        key("answer")
        if let answer = exchange.answer { messageSummary(answer) } else { null() }
        endObject()
    }

    mutating func messageSummary(_ message: ArchivedMessageSummary) {
        beginObject()
        field("message_id", message.id)
        field("direction", message.direction.rawValue)
        field("kind", message.kind)
        field("http_status", message.httpStatus)
        field("at", message.at.iso8601)
        field("size", message.size)
        endObject()
    }
}

import BankGateCore
import BankGateEngine
import BankGateStore
import Hummingbird
import BankGateConfig

/// Reading payments, and the two actions on one payment: cancel and operator retry.
extension APIEndpoints {
    /// Largest page of `GET /v1/payments`.
    static let maxPageSize = 1000

    func showPayment(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.paymentsRead])
        let detail = try await gateway.payment(id: try pathID(context))
        guard client.access.mayRead(detail.payment.debtorAccountId) else { try await missing { try await gateway.payment(id: $0) } }
        var writer = JSONWriter(capacity: 2048)
        writer.paymentDetail(detail)
        return APIResponse.json(.ok, writer)
    }

    func showBatch(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.paymentsRead])
        let batch = try await gateway.batch(id: try pathID(context))
        guard batch.payments.allSatisfy({ client.access.mayRead($0.debtorAccountId) }) else {
            try await missing { try await gateway.batch(id: $0) }
        }
        var writer = JSONWriter(capacity: 256 + batch.payments.count * 1100)
        writer.paymentBatch(batch)
        return APIResponse.json(.ok, writer)
    }

    func listPayments(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.paymentsRead])
        let query = QueryParameters(request)
        var filter = PaymentFilter()
        if let statusText = query.string("status") {
            guard let status = PaymentStatus(rawValue: statusText) else {
                throw GatewayError(.badRequest, code: .invalidParameter,
                                   message: "status must be one of " + PaymentStatus.allCases.map(\.rawValue).joined(separator: ", "),
                                   field: "status")
            }
            filter.status = status
        }
        filter.debtorAccountId = accountParameter(query.string("account"), client)
        if filter.debtorAccountId == nil { filter.debtorAccountIds = readableAccounts(client) }
        filter.limit = try query.integer("limit", in: 1...Self.maxPageSize, default: filter.limit)
        filter.cursor = query.string("cursor")
        let page = try await gateway.payments(filter)
        var writer = JSONWriter(capacity: 128 + page.payments.count * 900)
        writer.beginObject()
        writer.key("payments")
        writer.payments(page.payments)
        writer.field("next_cursor", page.nextCursor)
        writer.endObject()
        return APIResponse.json(.ok, writer)
    }

    func cancelPayment(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.paymentsWrite, .operate])
        let id = try pathID(context), asOperator = client.scopes.contains(.operate)
        try await checkPayment(id, client) { try await gateway.cancel(id: $0, by: client.name, asOperator: asOperator) }
        let record = try await gateway.cancel(id: id, by: client.name, asOperator: asOperator)
        var writer = JSONWriter(capacity: 1024)
        writer.payment(record)
        return APIResponse.json(.ok, writer)
    }

    func retryPayment(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.operate])
        let id = try pathID(context)
        try await checkPayment(id, client) { try await gateway.retry(id: $0, by: client.name) }
        let record = try await gateway.retry(id: id, by: client.name)
        var writer = JSONWriter(capacity: 1024)
        writer.payment(record)
        return APIResponse.json(.ok, writer)
    }

    func paymentMessages(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.paymentsRead])
        let id = try pathID(context)
        try await checkPayment(id, client) { try await gateway.messages(paymentId: $0) }
        return Self.messagesAnswer(try await gateway.messages(paymentId: id))
    }

    /// `{"messages": […]}`: archived bank messages, for a payment or a statement.
    static func messagesAnswer(_ messages: [ArchivedMessage]) -> Response {
        var writer = JSONWriter(capacity: 256 + messages.reduce(0) { $0 + $1.bytes.count * 3 })
        writer.beginObject()
        writer.key("messages")
        writer.beginArray()
        for message in messages { writer.message(message) }
        writer.endArray()
        writer.endObject()
        return APIResponse.json(.ok, writer)
    }
}

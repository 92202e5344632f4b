import BankGateCore
import BankGateEngine
import BankGateStore
import Hummingbird
import BankGateConfig

/// Expected payments, the exceptions list and the operator's match decisions.
extension APIEndpoints {
    func registerReconciliationRoutes(on router: Router<APIRequestContext>) {
        router.post("/v1/expected-payments") { request, context in try await createExpectedPayment(request, context) }
        router.get("/v1/expected-payments") { request, context in try await listExpectedPayments(request, context) }
        router.get("/v1/expected-payments/:id") { request, context in try await showExpectedPayment(request, context) }
        router.post("/v1/expected-payments/:id/cancel") { request, context in try await cancelExpectedPayment(request, context) }
        router.get("/v1/reconciliation/exceptions") { request, context in try await reconciliationExceptions(request, context) }
        router.post("/v1/reconciliation/run") { request, context in try await runReconciliation(request, context) }
        router.post("/v1/matches") { request, context in try await createMatch(request, context) }
        router.post("/v1/matches/:id/confirm") { request, context in try await decideMatch(request, context, .confirm) }
        router.post("/v1/matches/:id/reject") { request, context in try await decideMatch(request, context, .reject) }
        router.post("/v1/matches/:id/unmatch") { request, context in try await decideMatch(request, context, .unmatch) }
    }

    func createExpectedPayment(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.accountsWrite])
        let reports = try requireReports()
        let body = try await RequestBodyReader.collect(request, maxBytes: maxBodyBytes)
        var parsed = try RequestBodyReader.parse(body, with: AccountRequestBodies.expectedPayment(json:))
        parsed.accountId = accountParameter(parsed.accountId, client) ?? parsed.accountId
        let record = try await reports.createExpectedPayment(parsed, client: client.name)
        var writer = JSONWriter(capacity: 512)
        writer.expectedPayment(record)
        return APIResponse.json(.created, writer)
    }

    func listExpectedPayments(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.accountsRead, .operate])
        let reports = try requireReports()
        let query = QueryParameters(request)
        let status = try query.string("status").map { text in
            guard let status = ExpectedPaymentStatus(rawValue: text) else {
                throw GatewayError(.badRequest, code: .invalidParameter, message: "status must be open, matched, overdue or cancelled",
                                   field: "status")
            }
            return status
        }
        let limit = try query.integer("limit", in: 1...1000, default: 100)
        let account = accountParameter(query.string("account"), client)
        var records: [ExpectedPaymentRecord] = []
        if account == nil, let readable = readableAccounts(client) {
            // A token limited to some accounts: each of them, merged in id order.
            for id in readable { records += try await reports.expectedPayments(accountId: id, status: status, limit: limit) }
            records = Array(records.sorted { ($0.id.count, $0.id) < ($1.id.count, $1.id) }.prefix(limit))
        } else {
            records = try await reports.expectedPayments(accountId: account, status: status, limit: limit)
        }
        return APIResponse.list(.ok, "expected_payments", records, bytesPerItem: 400) { $0.expectedPayment($1) }
    }

    func showExpectedPayment(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.accountsRead, .operate])
        let reports = try requireReports()
        let record = try await reports.expectedPayment(id: try pathID(context))
        guard client.access.mayRead(record.accountId) else { try await missing { try await reports.expectedPayment(id: $0) } }
        var writer = JSONWriter(capacity: 512)
        writer.expectedPayment(record)
        return APIResponse.json(.ok, writer)
    }

    func cancelExpectedPayment(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.accountsWrite, .operate])
        let reports = try requireReports()
        let id = try pathID(context)
        if !client.access.seesEverything {
            let account = try? await reports.expectedPayment(id: id).accountId
            if account.map(client.access.mayRead) != true {
                try await missing { try await reports.cancelExpectedPayment(id: $0, actor: client.name) }
            }
        }
        let record = try await reports.cancelExpectedPayment(id: id, actor: client.name)
        var writer = JSONWriter(capacity: 512)
        writer.expectedPayment(record)
        return APIResponse.json(.ok, writer)
    }

    /// `GET /v1/reconciliation/exceptions?account=`
    func reconciliationExceptions(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.accountsRead, .operate])
        let reports = try requireReports()
        let account = accountParameter(QueryParameters(request).string("account"), client)
        var exceptions = ReconciliationExceptions()
        if account == nil, let readable = readableAccounts(client) {
            // A token limited to some accounts: the exceptions of each of them.
            for id in readable {
                let part = try await reports.exceptions(accountId: id)
                exceptions.unmatchedTransactions += part.unmatchedTransactions
                exceptions.unmatchedPayments += part.unmatchedPayments
                exceptions.suggestions += part.suggestions
                exceptions.overdueExpectedPayments += part.overdueExpectedPayments
                exceptions.quarantinedStatements += part.quarantinedStatements
            }
        } else {
            exceptions = try await reports.exceptions(accountId: account)
        }
        var writer = JSONWriter(capacity: 4096)
        writer.beginObject()
        writer.key("unmatched_transactions")
        writer.beginArray()
        for transaction in exceptions.unmatchedTransactions { writer.bankTransaction(transaction) }
        writer.endArray()
        writer.key("unmatched_payments")
        writer.beginArray()
        for payment in exceptions.unmatchedPayments {
            writer.beginObject()
            writer.field("payment_id", payment.id)
            writer.field("account", payment.accountId)
            writer.field("amount", payment.amount.decimalString)
            writer.field("currency", payment.amount.currency.code)
            writer.field("end_to_end_id", payment.endToEndId)
            writer.field("execution_date", payment.executionDate)
            writer.field("creditor_name", payment.creditorName)
            writer.field("status", payment.status.rawValue)
            writer.endObject()
        }
        writer.endArray()
        writer.key("suggestions")
        writer.beginArray()
        for match in exceptions.suggestions { writer.match(match) }
        writer.endArray()
        writer.key("overdue_expected_payments")
        writer.beginArray()
        for record in exceptions.overdueExpectedPayments { writer.expectedPayment(record) }
        writer.endArray()
        writer.key("quarantined_statements")
        writer.beginArray()
        for record in exceptions.quarantinedStatements { writer.statement(record) }
        writer.endArray()
        writer.endObject()
        return APIResponse.json(.ok, writer)
    }

    func runReconciliation(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.operate])
        let account = accountParameter(QueryParameters(request).string("account"), client)
        if account == nil, !client.access.seesEverything {
            throw GatewayError(.badRequest, code: .missingParameter, message: "account is required for this token", field: "account")
        }
        let summary = try await requireReports().reconcile(accountId: account)
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.field("transactions_considered", summary.transactionsConsidered)
        writer.field("exact_matches", summary.exactMatches)
        writer.field("suggestions", summary.suggestions)
        writer.field("overdue_expected_payments", summary.overdueExpectedPayments)
        writer.endObject()
        return APIResponse.json(.ok, writer)
    }

    func createMatch(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.operate])
        let reports = try requireReports()
        let body = try await RequestBodyReader.collect(request, maxBytes: maxBodyBytes)
        let parsed = try RequestBodyReader.parse(body, with: AccountRequestBodies.manualMatch(json:))
        if !client.access.seesEverything {
            // The transaction and the target must both be the token's; otherwise as for a missing one.
            let transactionAccount = try? await reports.transaction(id: parsed.transactionId).0.accountId
            var targetAccount: String?
            switch parsed.target {
            case .payment(let id): targetAccount = try? await gateway.payment(id: id).payment.debtorAccountId
            case .expectedPayment(let id): targetAccount = try? await reports.expectedPayment(id: id).accountId
            }
            if transactionAccount.map(client.access.mayRead) != true {
                try await missing { try await reports.matchManually(transactionId: $0, target: parsed.target, actor: client.name) }
            }
            if targetAccount.map(client.access.mayRead) != true {
                let absent: MatchTarget = switch parsed.target {
                case .payment: .payment(Self.absentID)
                case .expectedPayment: .expectedPayment(Self.absentID)
                }
                _ = try await reports.matchManually(transactionId: parsed.transactionId, target: absent, actor: client.name)
                throw GatewayError(.notFound, code: .notFound, message: "not found")
            }
        }
        let match = try await reports.matchManually(transactionId: parsed.transactionId, target: parsed.target, actor: client.name)
        var writer = JSONWriter(capacity: 512)
        writer.match(match)
        return APIResponse.json(.created, writer)
    }

    enum MatchDecision { case confirm, reject, unmatch }

    func decideMatch(_ request: Request, _ context: APIRequestContext, _ decision: MatchDecision) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.operate])
        let reports = try requireReports()
        let id = try pathID(context)
        if !client.access.seesEverything, try await reports.ownerAccount(matchId: id).map(client.access.mayRead) != true {
            try await missing { try await reports.confirmMatch(id: $0, actor: client.name) }
        }
        let match = switch decision {
        case .confirm: try await reports.confirmMatch(id: id, actor: client.name)
        case .reject: try await reports.rejectMatch(id: id, actor: client.name)
        case .unmatch: try await reports.unmatch(id: id, actor: client.name)
        }
        var writer = JSONWriter(capacity: 512)
        writer.match(match)
        return APIResponse.json(.ok, writer)
    }
}

import BankGateCore
import BankGateEngine
import BankGateReconciliation
import BankGateStatements
import BankGateStore
import Hummingbird
import BankGateConfig

/// Balances, bank transactions, statements and the daily balance reconciliation of an account.
extension APIEndpoints {
    /// Largest statement upload accepted through the API (larger files go through the inbox folder).
    static let maxStatementUploadBytes = 64 * 1024 * 1024

    func registerAccountRoutes(on router: Router<APIRequestContext>) {
        router.post("/v1/statements") { request, context in try await uploadStatement(request, context) }
        router.post("/v1/statements/:id/accept") { request, context in try await acceptStatement(request, context) }
        router.get("/v1/accounts/:id/balances") { request, context in try await accountBalances(request, context) }
        router.get("/v1/accounts/:id/transactions") { request, context in try await accountTransactions(request, context) }
        router.get("/v1/accounts/:id/statements") { request, context in try await accountStatements(request, context) }
        router.get("/v1/statements/:id/messages") { request, context in try await statementMessages(request, context) }
        router.post("/v1/accounts/:id/statements/pull") { request, context in try await pullStatements(request, context) }
        router.get("/v1/accounts/:id/reconciliation") { request, context in try await accountReconciliation(request, context) }
        router.get("/v1/transactions/:id") { request, context in try await showTransaction(request, context) }
        registerAccountStatusRoutes(on: router)
        registerReconciliationRoutes(on: router)
        registerWebhookRoutes(on: router)
    }

    func requireReports() throws(GatewayError) -> any AccountReporting {
        guard let reports else {
            throw GatewayError(.notFound, code: .notFound, message: "account reporting is not enabled")
        }
        return reports
    }

    /// `POST /v1/statements?account=ID&format=auto|camt|mt940`: the body is the statement file.
    func uploadStatement(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.accountsWrite, .operate])
        let reports = try requireReports()
        let query = QueryParameters(request)
        let format = try Self.statementFormat(query.string("format"))
        let accountId = accountParameter(query.string("account"), client)
        if let accountId { _ = try reports.account(accountId) }
        // A token limited to some accounts names the account, so that a file of another cannot come in.
        if accountId == nil, !client.access.seesEverything {
            throw GatewayError(.badRequest, code: .missingParameter, message: "account is required for this token", field: "account")
        }
        let body = try await RequestBodyReader.collect(request, maxBytes: Self.maxStatementUploadBytes)
        guard body.readableBytes > 0 else {
            throw GatewayError(.badRequest, code: .emptyBody, message: "the body must be a statement file", field: "body")
        }
        let bytes = body.withUnsafeReadableBytes { Array($0) }
        let results = try await reports.importStatement(bytes: bytes, format: format, source: .upload,
                                                        sourceName: "upload by \(client.name)", expectedAccountId: accountId)
        return APIResponse.list(.created, "statements", results, bytesPerItem: 300) { $0.importResult($1) }
    }

    /// `POST /v1/statements/{id}/accept` with an optional `{"reason": "…"}`: an operator lets a
    /// quarantined statement count as it is.
    func acceptStatement(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.operate])
        let reports = try requireReports()
        let body = try await RequestBodyReader.collect(request, maxBytes: maxBodyBytes)
        let reason = body.readableBytes == 0 ? nil : try RequestBodyReader.parse(body, with: AccountRequestBodies.reason(json:))
        let id = try pathID(context)
        try await checkStatement(id, client, reports) { try await reports.acceptStatement(id: $0, actor: client.name, reason: reason) }
        let record = try await reports.acceptStatement(id: id, actor: client.name, reason: reason)
        var writer = JSONWriter(capacity: 1024)
        writer.statement(record)
        return APIResponse.json(.ok, writer)
    }

    static func statementFormat(_ text: String?) throws(GatewayError) -> StatementInputFormat {
        switch text ?? "auto" {
        case "auto": .auto
        case "camt": .camt
        case "mt940", "mt942": .mt940
        default:
            throw GatewayError(.badRequest, code: .invalidParameter, message: "format must be auto, camt or mt940", field: "format")
        }
    }

    /// `POST /v1/accounts/{id}/statements/pull?kind=end_of_day|intraday&from=&to=`: ask the bank now.
    func pullStatements(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.operate])
        guard let statementPulls else {
            throw GatewayError(.notFound, code: .notFound, message: "statement pulls are not enabled")
        }
        let accountId = try accountID(context, client)
        let query = QueryParameters(request)
        let kind: AccountReportKind
        switch query.string("kind") ?? "end_of_day" {
        case "end_of_day": kind = .endOfDay
        case "intraday": kind = .intraday
        default:
            throw GatewayError(.badRequest, code: .invalidParameter, message: "kind must be end_of_day or intraday", field: "kind")
        }
        let today = clock.now().dateString
        let defaultDay = kind == .intraday ? today : (DateArithmetic.adding(days: -1, to: today) ?? today)
        let from = try AccountRequestBodies.date(query.string("from") ?? defaultDay, "from")
        let to = try AccountRequestBodies.date(query.string("to") ?? from, "to")
        guard from <= to else {
            throw GatewayError(.badRequest, code: .invalidParameter, message: "from must not be after to", field: "to")
        }
        let results = try await statementPulls.pull(accountId: accountId, kind: kind, from: from, to: to)
        return APIResponse.list(.ok, "statements", results, bytesPerItem: 300) { $0.importResult($1) }
    }

    /// `GET /v1/accounts/{id}/balances[?refresh=true]`
    func accountBalances(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.accountsRead, .operate])
        let reports = try requireReports()
        let accountId = try accountID(context, client)
        // `?refresh=true`: ask the bank for today's intraday report first (a live balance query).
        if QueryParameters(request).string("refresh") == "true" {
            guard let statementPulls else {
                throw GatewayError(.notFound, code: .notFound, message: "statement pulls are not enabled")
            }
            _ = try await statementPulls.refreshBalances(accountId: accountId)
        }
        let balances = try await reports.balances(accountId: accountId)
        var writer = JSONWriter(capacity: 256 + balances.count * 160)
        writer.beginObject()
        writer.field("account", accountId)
        writer.key("balances")
        writer.beginArray()
        for balance in balances {
            writer.beginObject()
            writer.field("type", balance.type)
            writer.field("date", balance.date)
            writer.field("amount", balance.amount.decimalString)
            writer.field("currency", balance.amount.currency.code)
            writer.field("statement_id", balance.statementId)
            writer.field("recorded_at", balance.recordedAt.iso8601)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return APIResponse.json(.ok, writer)
    }

    /// `GET /v1/accounts/{id}/transactions?from=&to=&cursor=&limit=`
    func accountTransactions(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.accountsRead, .operate])
        let reports = try requireReports()
        let accountId = try accountID(context, client)
        let query = QueryParameters(request)
        let from = try query.string("from").map { (text: String) throws(GatewayError) -> String in try AccountRequestBodies.date(text, "from") }
        let to = try query.string("to").map { (text: String) throws(GatewayError) -> String in try AccountRequestBodies.date(text, "to") }
        let limit = try query.integer("limit", in: 1...1000, default: 100)
        let page = try await reports.transactions(accountId: accountId, from: from, to: to, cursor: query.string("cursor"), limit: limit)
        var writer = JSONWriter(capacity: 256 + page.transactions.count * 700)
        writer.beginObject()
        writer.key("transactions")
        writer.beginArray()
        for transaction in page.transactions { writer.bankTransaction(transaction) }
        writer.endArray()
        writer.field("next_cursor", page.nextCursor)
        writer.endObject()
        return APIResponse.json(.ok, writer)
    }

    func showTransaction(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.accountsRead, .operate])
        let reports = try requireReports()
        let (transaction, matches) = try await reports.transaction(id: try pathID(context))
        guard client.access.mayRead(transaction.accountId) else { try await missing { try await reports.transaction(id: $0) } }
        var writer = JSONWriter(capacity: 1024)
        writer.beginObject()
        writer.key("transaction")
        writer.bankTransaction(transaction)
        writer.key("matches")
        writer.beginArray()
        for match in matches { writer.match(match) }
        writer.endArray()
        writer.endObject()
        return APIResponse.json(.ok, writer)
    }

    func accountStatements(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.accountsRead, .operate])
        let reports = try requireReports()
        let limit = try QueryParameters(request).integer("limit", in: 1...500, default: 50)
        let statements = try await reports.statementList(accountId: try accountID(context, client), limit: limit)
        let archived = try await reports.archivedMessageIds(statementIds: statements.map(\.id))
        return APIResponse.list(.ok, "statements", statements, bytesPerItem: 600) {
            $0.statement($1, archivedMessageIds: archived[$1.id] ?? [])
        }
    }

    /// `GET /v1/statements/{id}/messages`: the archived exchange that brought the statement (the
    /// request and the answer of a pull, or the inbox file), bodies included.
    func statementMessages(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.accountsRead, .operate])
        let reports = try requireReports()
        let id = try pathID(context)
        try await checkStatement(id, client, reports) { try await reports.messages(statementId: $0) }
        return Self.messagesAnswer(try await reports.messages(statementId: id))
    }

    /// `GET /v1/accounts/{id}/reconciliation?date=YYYY-MM-DD[&format=csv]`
    func accountReconciliation(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.accountsRead, .operate])
        let reports = try requireReports()
        let query = QueryParameters(request)
        guard let dateText = query.string("date") else {
            throw GatewayError(.badRequest, code: .missingParameter, message: "date is required (YYYY-MM-DD)", field: "date")
        }
        let date = try AccountRequestBodies.date(dateText, "date")
        let report = try await reports.balanceReconciliation(accountId: try accountID(context, client), date: date)
        if query.string("format") == "csv" {
            return APIResponse.csv(report.csv)
        }
        var writer = JSONWriter(capacity: 2048)
        writer.balanceReconciliation(report)
        return APIResponse.json(.ok, writer)
    }
}

extension APIEndpoints {
    /// `GET /v1/payments/{id}/trace`
    func tracePayment(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let client = try auth.authorize(request, anyOf: [.paymentsRead, .accountsRead, .operate])
        let reports = try requireReports()
        let id = try pathID(context)
        try await checkPayment(id, client) { try await reports.trace(paymentId: $0) }
        let trace = try await reports.trace(paymentId: id)
        var writer = JSONWriter(capacity: 4096)
        writer.trace(trace)
        return APIResponse.json(.ok, writer)
    }
}

extension APIEndpoints {
    /// Answers as for a missing statement unless the token may read statement `id`'s account.
    func checkStatement<T>(_ id: String, _ client: TokenAuthenticator.Client, _ reports: any AccountReporting,
                           answeringAs lookup: (String) async throws -> T) async throws {
        guard !client.access.seesEverything else { return }
        if let account = try await reports.ownerAccount(statementId: id), client.access.mayRead(account) { return }
        try await missing(lookup)
    }
}

import BankGateConfig
import BankGateCore
import BankGateEngine
import Hummingbird
import HummingbirdCore

/// The handlers of the API and what they share. Each handler authorizes first (naming the
/// scopes it accepts), then reads its input, calls the gateway once and writes the JSON answer.
struct APIEndpoints: Sendable {
    let gateway: any PaymentGateway
    /// The account side (statements, reconciliation, webhooks); nil in tests of the payment side alone.
    let reports: (any AccountReporting)?
    /// The statement puller, for `POST /v1/accounts/{id}/statements/pull`.
    let statementPulls: StatementPullService?
    /// Electronic receipts, for `/v1/receipts` and `POST /v1/accounts/{id}/receipts/pull`; nil: 404.
    let receipts: ReceiptDesk?
    /// The signing keys' life cycle, for `/v1/keys`; nil: those routes answer 404.
    let keys: (any SigningKeyAdministration)?
    /// The tokens in force (replaced whole by a configuration reload) and the configuration's state.
    let access: LiveAccess
    /// The tokens in force for this request.
    var auth: TokenAuthenticator { access.authenticator }
    let maxBodyBytes: Int
    let clock: any WallClock
    /// Receipt exports, for `/v1/receipt-exports`; nil: 404.
    var receiptExports: ReceiptExportService? = nil
    /// The alert rules' firings, for `/v1/alerts`; nil: 404.
    var alerts: AlertService? = nil
    /// Issue 12: the metrics (`/metrics`, intake counters); nil: `/metrics` answers 404.
    var visibility: APIVisibility? = nil
    /// The `[[schedules]]` plans, for `/v1/schedules`; nil: 404.
    var schedules: ScheduleService? = nil
    /// The exchange log, `GET /v1/accounts` and the bulk payment actions; nil: 404.
    var operatorDesk: OperatorDesk? = nil

    /// Registers every route on `router`.
    func register(on router: Router<APIRequestContext>) {
        router.post("/v1/payments") { request, context in try await createPayment(request, context) }
        router.post("/v1/payment-batches") { request, context in try await createBatch(request, context) }
        router.get("/v1/payment-batches/:id") { request, context in try await showBatch(request, context) }
        router.get("/v1/payments") { request, context in try await listPayments(request, context) }
        router.get("/v1/payments/:id") { request, context in try await showPayment(request, context) }
        router.post("/v1/payments/:id/cancel") { request, context in try await cancelPayment(request, context) }
        router.post("/v1/payments/:id/retry") { request, context in try await retryPayment(request, context) }
        // A held payment (a suspected duplicate) is released like a held one is retried.
        router.post("/v1/payments/:id/release") { request, context in try await retryPayment(request, context) }
        router.get("/v1/payments/:id/messages") { request, context in try await paymentMessages(request, context) }
        router.get("/v1/queue") { request, context in try await queue(request, context) }
        router.get("/v1/events") { request, context in try await events(request, context) }
        router.get("/v1/payments/:id/trace") { request, context in try await tracePayment(request, context) }
        registerAccountRoutes(on: router)
        registerReceiptRoutes(on: router)
        registerReceiptExportRoutes(on: router)
        registerReceiptReportRoutes(on: router)
        registerKeyRoutes(on: router)
        router.get("/v1/alerts") { request, context in try await listAlerts(request, context) }
        registerApprovalRoutes(on: router)
        registerTenantRoutes(on: router)
        registerConsoleRoutes(on: router)
        router.get("/v1/configuration") { request, context in try await configurationState(request, context) }
        registerScheduleRoutes(on: router)
        registerOperatorRoutes(on: router)
        router.get("/healthz") { _, _ in health() }
        // Issue 12, what operators see: readiness by check, and the metrics.
        router.get("/readyz") { _, _ in await readinessByCheck() }
        router.get("/metrics") { request, context in try await metrics(request, context) }
    }

    /// The `{id}` path parameter.
    func pathID(_ context: APIRequestContext) throws(GatewayError) -> String {
        guard let id = context.parameters.get("id"), !id.isEmpty else {
            throw GatewayError(.notFound, code: .notFound, message: "no such payment")
        }
        return id
    }
}

/// Reading query parameters with the API's 400 answers.
struct QueryParameters {
    let values: FlatDictionary<Substring, Substring>

    init(_ request: Request) {
        values = request.uri.queryParameters
    }

    /// The parameter as a string, `nil` when absent or empty.
    func string(_ name: String) -> String? {
        guard let value = values[Substring(name)], !value.isEmpty else { return nil }
        return String(value)
    }

    /// An integer parameter in `range`, `defaultValue` when absent.
    func integer<T: FixedWidthInteger>(_ name: String, in range: ClosedRange<T>, default defaultValue: T) throws(GatewayError) -> T {
        guard let text = string(name) else { return defaultValue }
        guard let value = T(text), range.contains(value) else {
            throw GatewayError(.badRequest, code: .invalidParameter,
                               message: "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound)",
                               field: name)
        }
        return value
    }
}

public import BankGateConfig
public import BankGateCore
public import BankGateEngine
public import Hummingbird
public import HummingbirdCore
import Logging

/// The bankgate HTTP API: payment intake and queries, the event feed, operator actions, health.
///
/// Routes (JSON, snake_case; every error is `{"error": {"code", "message", "field"}}`):
/// - `POST /v1/payments`, `POST /v1/payment-batches` (scope `payments:write`, `Idempotency-Key`)
/// - `GET /v1/payments`, `GET /v1/payments/{id}`, `GET /v1/payments/{id}/messages` (`payments:read`)
/// - `POST /v1/payments/{id}/cancel` (`payments:write`), `POST /v1/payments/{id}/retry` (`operate`)
/// - `GET /v1/queue` (`operate` or `payments:read`), `GET /v1/events` (`events:read` or `payments:read`)
/// - `GET /v1/keys`, `GET /v1/keys/{id}`, `POST /v1/keys/{id}/report-lost` (`keys:admin` or `operate`),
///   `POST /v1/keys/{id}/bind|revoke|retire` (`keys:admin`)
/// - `POST /v1/accounts/{id}/receipts/pull` (`operate`), `GET /v1/receipts`, `GET /v1/receipts/{id}`,
///   `GET /v1/receipts/{id}/file` (`receipts:read` or `operate`)
/// - `POST /v1/receipt-exports`, `GET /v1/receipt-exports`, `GET /v1/receipt-exports/{id}`,
///   `GET /v1/receipt-exports/{id}/file` (`receipts:read` or `operate`)
/// - `GET /v1/alerts` (`operate`): the alert rules' firings
/// - `GET /v1/configuration` (`operate`): the configuration in force and the last reload's outcome
/// - `GET /v1/schedules`, `GET /v1/schedules/{name}/jobs`, `POST /v1/schedules/{name}/run`,
///   `GET /v1/schedule-jobs/{id}` (`operate`): plans, their jobs and tasks
/// - `GET /v1/bank-exchanges`, `GET /v1/bank-exchanges/{id}`, `POST /v1/payments/retry|release|cancel`
///   (`operate`); `GET /v1/accounts` (`operate`, `accounts:read`, `payments:read` or `admin`)
/// - `GET /healthz`, `GET /readyz` (no authentication); `GET /metrics` (`operate`, or none with
///   `[server] metrics_public = true`)
public enum APIServer {
    /// HTTP/1.1 with the connection policy enforced: idle, header and body deadlines, and at most
    /// `gate.maxConnections` connections at once (the next is answered 503 and closed); refusals
    /// and cuts are counted in `gate` and logged by it at a bounded rate.
    /// With `tls`, every connection is HTTPS (and shows a client certificate when `tls` asks for one).
    public static func httpServer(policy: APIConnectionPolicy, gate: ConnectionGate, tls: APITLS? = nil) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in GuardedHTTP1Channel(responder: responder, policy: policy, gate: gate, tls: tls) }
    }

    /// The router with every route, for the application and for in-process tests.
    ///
    /// - Parameters:
    ///   - gateway: what the routes call.
    ///   - keys: the signing keys' life cycle (`/v1/keys`); nil: those routes answer 404.
    ///   - accessFailures: where requests refused with 401 or 403 are recorded (audited in the daemon).
    ///   - tokens: the bearer tokens accepted, with their scopes.
    ///   - tenants: the tenants and their accounts; by default one implicit tenant holding everything.
    ///   - maxBodyBytes: the largest request body accepted (`413 payload_too_large` above).
    ///   - clock: today's date for validating requested execution dates.
    ///   - access: the tokens in force when a reload may replace them (`tokens` and `tenants` are then unused).
    ///   - strictTransportSecurity: the API answers over TLS: every answer tells browsers to use
    ///     HTTPS only (`Strict-Transport-Security`).
    public static func makeRouter(gateway: any PaymentGateway, reports: (any AccountReporting)? = nil,
                                  statementPulls: StatementPullService? = nil, receipts: ReceiptDesk? = nil,
                                  keys: (any SigningKeyAdministration)? = nil,
                                  receiptExports: ReceiptExportService? = nil,
                                  alerts: AlertService? = nil,
                                  schedules: ScheduleService? = nil,
                                  operatorDesk: OperatorDesk? = nil,
                                  accessFailures: AccessFailureLog? = nil,
                                  visibility: APIVisibility? = nil,
                                  tokens: [TokenConfig], tenants: TenantDirectory = TenantDirectory(),
                                  maxBodyBytes: Int, clock: any WallClock = SystemClock(),
                                  access: LiveAccess? = nil, strictTransportSecurity: Bool = false) -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        // Issue 12: outermost, so that every answer, errors too, echoes the request's id.
        router.add(middleware: RequestIdMiddleware<APIRequestContext>())
        // Outside the error middleware too, so that error answers are not cached either.
        router.add(middleware: NoStoreMiddleware<APIRequestContext>(strictTransportSecurity: strictTransportSecurity))
        // First, so that it wraps every route and the not-found answer.
        router.add(middleware: APIErrorMiddleware<APIRequestContext>())
        if let visibility { router.add(middleware: IntakeMetricsMiddleware<APIRequestContext>(metrics: visibility.metrics)) }
        // Inside it: sees a refusal (401, 403) before it becomes an answer.
        if let accessFailures { router.add(middleware: AccessFailureMiddleware(log: accessFailures)) }
        let endpoints = APIEndpoints(gateway: gateway, reports: reports, statementPulls: statementPulls, receipts: receipts, keys: keys,
                                     access: access ?? LiveAccess(tokens: tokens, tenants: tenants, clock: clock),
                                     maxBodyBytes: maxBodyBytes, clock: clock, receiptExports: receiptExports, alerts: alerts,
                                     visibility: visibility, schedules: schedules, operatorDesk: operatorDesk)
        endpoints.register(on: router)
        return router
    }
}

public import BankGateCore
public import BankGateReconciliation
public import BankGateStatements
public import BankGateStore

/// The account side as the API sees it: statements, transactions, balances, the balance
/// reconciliation, expected payments, match decisions, webhooks and the payment trace. Every
/// failure is a ``GatewayError`` the API can answer with. ``AccountReports`` is the real one; tests
/// of the routes put a fake in front of the router.
public protocol AccountReporting: Sendable {
    // Statements and transactions
    func account(_ id: String) throws(GatewayError) -> DebtorAccount
    func importStatement(bytes: [UInt8], format: StatementInputFormat, source: StatementSource, sourceName: String?,
                         expectedAccountId: String?) async throws(GatewayError) -> [StatementImportResult]
    func statementList(accountId: String, limit: Int) async throws(GatewayError) -> [StatementRecord]
    func acceptStatement(id: String, actor: String, reason: String?) async throws(GatewayError) -> StatementRecord
    func messages(statementId: String) async throws(GatewayError) -> [ArchivedMessage]
    func archivedMessageIds(statementIds: [String]) async throws(GatewayError) -> [String: [Int64]]
    func balances(accountId: String) async throws(GatewayError) -> [AccountBalance]
    func transactions(accountId: String, from: String?, to: String?, cursor: String?,
                      limit: Int) async throws(GatewayError) -> (transactions: [BankTransactionRecord], nextCursor: String?)
    func transaction(id: String) async throws(GatewayError) -> (BankTransactionRecord, [MatchRecord])

    // Reconciliation
    func balanceReconciliation(accountId: String, date: String) async throws(GatewayError) -> BalanceReconciliation
    func exceptions(accountId: String?) async throws(GatewayError) -> ReconciliationExceptions
    func reconcile(accountId: String?) async throws(GatewayError) -> ReconciliationPassSummary
    func createExpectedPayment(_ request: ExpectedPaymentRequest, client: String) async throws(GatewayError) -> ExpectedPaymentRecord
    func expectedPayment(id: String) async throws(GatewayError) -> ExpectedPaymentRecord
    func expectedPayments(accountId: String?, status: ExpectedPaymentStatus?, limit: Int) async throws(GatewayError) -> [ExpectedPaymentRecord]
    func cancelExpectedPayment(id: String, actor: String) async throws(GatewayError) -> ExpectedPaymentRecord
    func confirmMatch(id: String, actor: String) async throws(GatewayError) -> MatchRecord
    func rejectMatch(id: String, actor: String) async throws(GatewayError) -> MatchRecord
    func unmatch(id: String, actor: String) async throws(GatewayError) -> MatchRecord
    func matchManually(transactionId: String, target: MatchTarget, actor: String) async throws(GatewayError) -> MatchRecord
    func trace(paymentId: String) async throws(GatewayError) -> PaymentTrace

    // Webhooks
    func createWebhook(url: String, eventTypes: [String], fromSequence: Int64?, actor: String,
                       tenant: String?) async throws(GatewayError) -> WebhookSubscription
    func webhookList() async throws(GatewayError) -> [WebhookSubscription]
    func setWebhookEnabled(id: String, _ enabled: Bool, actor: String) async throws(GatewayError) -> WebhookSubscription
    func deleteWebhook(id: String, actor: String) async throws(GatewayError)
    func redeliver(from sequence: Int64, webhookId: String?, actor: String) async throws(GatewayError) -> [WebhookSubscription]

    // Tenants: the account an object belongs to (`nil`: no such object)
    func ownerAccount(statementId: String) async throws(GatewayError) -> String?
    func ownerAccount(matchId: String) async throws(GatewayError) -> String?
}

extension AccountReports: AccountReporting {}

import BankGateCore
import BankGateEngine
import BankGateReconciliation
import BankGateStatements
import BankGateStore
import Synchronization

/// The account side in memory, for router-level tests of its routes: one account (`acme-eur`) with
/// one quarantined statement (`stm_1`) that an operator can accept once. What a test does not need
/// answers `not_found`.
final class FakeAccountReports: AccountReporting {
    static let account = DebtorAccount(id: "acme-eur", bankId: "sim", number: "DE89370400440532013000", bankCode: "COBADEFFXXX",
                                       name: "ACME Trading GmbH", currency: Currency(code: "EUR")!)

    /// Who accepted `stm_1`, with the reason given.
    let acceptances = Mutex<[(actor: String, reason: String?)]>([])

    static func statement(review: StatementReview) -> StatementRecord {
        let draft = StatementDraft(accountId: "acme-eur", format: "camt.053", reportKind: .endOfDay, messageId: "M1",
                                   statementId: "S1", electronicSequence: 1, legalSequence: nil, page: nil, bankCreatedAt: nil,
                                   fromDate: "2026-11-20", toDate: "2026-11-20", statementDate: "2026-11-20",
                                   currency: account.currency, source: .pull, sourceName: nil)
        let completion = StatementCompletion(entries: 2, bookedCredits: 0, bookedDebits: 2468, openingBalance: 100_000,
                                             closingBalance: 98_766, closingAvailable: nil, integrity: .inconsistent,
                                             expectedClosing: 97_532, balances: [])
        return StatementRecord(id: "stm_1", draft: draft, completion: completion, newEntries: 2, continuity: .first, state: "complete",
                               receivedAt: Timestamp(milliseconds: 0), review: review,
                               reviewReason: review == .quarantined ? "entries do not add up" : "checked",
                               warnings: ["line 1: byte order mark skipped"])
    }

    private static func notHere() -> GatewayError {
        GatewayError(.notFound, code: .notFound, message: "not in this fake")
    }

    func account(_ id: String) throws(GatewayError) -> DebtorAccount {
        guard id == Self.account.id else { throw GatewayError(.notFound, code: .unknownAccount, message: "no account \(id)") }
        return Self.account
    }

    func acceptStatement(id: String, actor: String, reason: String?) async throws(GatewayError) -> StatementRecord {
        guard id == "stm_1" else { throw GatewayError(.notFound, code: .notFound, message: "statement not found") }
        let first = acceptances.withLock { list in
            defer { list.append((actor, reason)) }
            return list.isEmpty
        }
        guard first else { throw GatewayError(.conflict, code: .invalidState, message: "statement stm_1 is not quarantined") }
        return Self.statement(review: .accepted)
    }

    func statementList(accountId: String, limit: Int) async throws(GatewayError) -> [StatementRecord] {
        _ = try account(accountId)
        return [Self.statement(review: .quarantined)]
    }

    func archivedMessageIds(statementIds: [String]) async throws(GatewayError) -> [String: [Int64]] { [:] }

    func balanceReconciliation(accountId: String, date: String) async throws(GatewayError) -> BalanceReconciliation {
        _ = try account(accountId)
        let euros = { (minor: Int64) in Money(minorUnits: minor, currency: Self.account.currency) }
        do {
            var report = try BalanceReconciliation.compute(
                accountId: accountId, date: date, bankBalance: euros(100_000), anchorBalance: euros(100_000), ledgerMovements: [],
                outstandingPayments: [], receiptsInTransit: [], unmatchedBankCredits: [], unmatchedBankDebits: [])
            report.heldStatements = ["stm_1"]
            return report
        } catch {
            throw GatewayError(.validation, code: .reconciliationError, message: "\(error)")
        }
    }

    func exceptions(accountId: String?) async throws(GatewayError) -> ReconciliationExceptions {
        ReconciliationExceptions(quarantinedStatements: [Self.statement(review: .quarantined)])
    }

    // Not used by these tests.
    func importStatement(bytes: [UInt8], format: StatementInputFormat, source: StatementSource, sourceName: String?,
                         expectedAccountId: String?) async throws(GatewayError) -> [StatementImportResult] { throw Self.notHere() }
    func messages(statementId: String) async throws(GatewayError) -> [ArchivedMessage] { throw Self.notHere() }
    func balances(accountId: String) async throws(GatewayError) -> [AccountBalance] { throw Self.notHere() }
    func transactions(accountId: String, from: String?, to: String?, cursor: String?,
                      limit: Int) async throws(GatewayError) -> (transactions: [BankTransactionRecord], nextCursor: String?) {
        throw Self.notHere()
    }
    func transaction(id: String) async throws(GatewayError) -> (BankTransactionRecord, [MatchRecord]) { throw Self.notHere() }
    func reconcile(accountId: String?) async throws(GatewayError) -> ReconciliationPassSummary { throw Self.notHere() }
    func createExpectedPayment(_ request: ExpectedPaymentRequest, client: String) async throws(GatewayError) -> ExpectedPaymentRecord {
        throw Self.notHere()
    }
    func expectedPayment(id: String) async throws(GatewayError) -> ExpectedPaymentRecord { throw Self.notHere() }
    func expectedPayments(accountId: String?, status: ExpectedPaymentStatus?, limit: Int) async throws(GatewayError) -> [ExpectedPaymentRecord] {
        throw Self.notHere()
    }
    func cancelExpectedPayment(id: String, actor: String) async throws(GatewayError) -> ExpectedPaymentRecord { throw Self.notHere() }
    func confirmMatch(id: String, actor: String) async throws(GatewayError) -> MatchRecord { throw Self.notHere() }
    func rejectMatch(id: String, actor: String) async throws(GatewayError) -> MatchRecord { throw Self.notHere() }
    func unmatch(id: String, actor: String) async throws(GatewayError) -> MatchRecord { throw Self.notHere() }
    func matchManually(transactionId: String, target: MatchTarget, actor: String) async throws(GatewayError) -> MatchRecord {
        throw Self.notHere()
    }
    func trace(paymentId: String) async throws(GatewayError) -> PaymentTrace { throw Self.notHere() }
    func createWebhook(url: String, eventTypes: [String], fromSequence: Int64?, actor: String,
                       tenant: String?) async throws(GatewayError) -> WebhookSubscription {
        throw Self.notHere()
    }
    func webhookList() async throws(GatewayError) -> [WebhookSubscription] { throw Self.notHere() }
    func setWebhookEnabled(id: String, _ enabled: Bool, actor: String) async throws(GatewayError) -> WebhookSubscription {
        throw Self.notHere()
    }
    func deleteWebhook(id: String, actor: String) async throws(GatewayError) { throw Self.notHere() }
    func redeliver(from sequence: Int64, webhookId: String?, actor: String) async throws(GatewayError) -> [WebhookSubscription] {
        throw Self.notHere()
    }
    func ownerAccount(statementId: String) async throws(GatewayError) -> String? { nil }
    func ownerAccount(matchId: String) async throws(GatewayError) -> String? { nil }
}

import BankGateArchive
public import BankGateCore
public import BankGateCrypto
public import BankGateReconciliation
public import BankGateStatements
public import BankGateStore
public import Logging

/// Balances, bank transactions, statements, reconciliation and webhooks as the API and the
/// operator commands see them: the account side of the gateway, on top of the store.
public final class AccountReports: Sendable {
    public let statements: StatementStore
    public let reconciliation: ReconciliationStore
    public let webhooks: WebhookStore
    let payments: PaymentStore
    let ingestor: StatementIngestor
    let runner: ReconciliationRunner
    /// Configured accounts by id.
    public let accounts: [String: DebtorAccount]
    let clock: any WallClock
    let logger: Logger

    /// `webhookSecrets` seals the webhook signing secrets in the database. `maxArchiveUnpackedBytes` bounds
    /// what one ZIP upload may unpack to (`[server] max_archive_unpacked_bytes`; nil: ``ZipArchive/Limits``' default).
    public init(store: PaymentStore, accounts: [DebtorAccount], policy: MatchingPolicy = .standard, clock: any WallClock,
                logger: Logger, webhookSecrets: SecretBox, maxArchiveUnpackedBytes: Int? = nil) {
        payments = store
        statements = StatementStore(sharing: store)
        reconciliation = ReconciliationStore(sharing: store)
        webhooks = WebhookStore(sharing: store, secrets: webhookSecrets)
        var archiveLimits = ZipArchive.Limits()
        if let maxArchiveUnpackedBytes { archiveLimits.maxTotalBytes = maxArchiveUnpackedBytes }
        ingestor = StatementIngestor(store: statements, accounts: accounts, clock: clock, archiveLimits: archiveLimits)
        runner = ReconciliationRunner(store: reconciliation, policy: policy, clock: clock)
        self.accounts = Dictionary(accounts.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.clock = clock
        self.logger = logger
    }

    // MARK: - Statements

    /// Imports a statement file (upload, pull or inbox), then reconciles the accounts it touched
    /// and, for each end-of-day statement, records the day's balance reconciliation.
    public func importStatement(bytes: [UInt8], format: StatementInputFormat, source: StatementSource, sourceName: String?,
                                expectedAccountId: String? = nil) async throws(GatewayError) -> [StatementImportResult] {
        let results: [StatementImportResult]
        do {
            results = try await ingestor.importBytes(bytes, format: format, source: source, sourceName: sourceName,
                                                     expectedAccountId: expectedAccountId)
        } catch {
            throw Self.gatewayError(error)
        }
        await afterImport(results)
        return results
    }

    /// Imports a statement file from disk (host-to-host inbox, benchmarks).
    public func importStatementFile(at path: String, format: StatementInputFormat, source: StatementSource,
                                    sourceName: String? = nil) async throws(GatewayError) -> [StatementImportResult] {
        let results: [StatementImportResult]
        do {
            results = try await ingestor.importFile(at: path, format: format, source: source, sourceName: sourceName)
        } catch {
            throw Self.gatewayError(error)
        }
        await afterImport(results)
        return results
    }

    /// Start-up recovery of statement imports: rolls back every import a crash interrupted (its
    /// staged entries were never visible; the statement becomes `failed`, audited), once per
    /// process, before any import. Imports run it themselves if nothing did before; the runtime
    /// calls it at start so that it does not wait for the first file.
    public func recoverInterruptedImports() async throws(GatewayError) {
        do {
            if let rolledBack = try await ingestor.recoverInterruptedImports(), !rolledBack.isEmpty {
                logger.warning("rolled back statement imports interrupted by a stop; they are imported again when delivered again",
                               metadata: ["statements": "\(rolledBack.joined(separator: ","))"])
            }
        } catch {
            throw Self.gatewayError(error)
        }
    }

    /// Records that the statements of `results` came in the archived message `messageId`. A failure
    /// is logged, not thrown: the statements are stored, and the message is archived either way.
    func linkArchived(_ results: [StatementImportResult], to messageId: Int64) async {
        do {
            try await payments.linkStatements(results.map(\.statementId), toMessage: messageId)
        } catch {
            logger.error("cannot link statements to their archived message", metadata: ["message": "\(messageId)", "error": "\(error)"])
        }
    }

    /// The archived exchange that brought a statement (`stm_<n>`): the request, when it was pulled,
    /// and the answer or inbox file that carried it.
    public func messages(statementId: String) async throws(GatewayError) -> [ArchivedMessage] {
        do {
            return try await payments.messages(statementId: statementId)
        } catch {
            throw Self.gatewayError(error)
        }
    }

    /// The archive ids of the messages that brought each statement, by statement id.
    public func archivedMessageIds(statementIds: [String]) async throws(GatewayError) -> [String: [Int64]] {
        do {
            return try await payments.messageIds(statementIds: statementIds)
        } catch {
            throw Self.gatewayError(error)
        }
    }

    /// Reconciliation after an import. Failures here are logged, not thrown: the statement is stored,
    /// and the periodic pass will try again.
    private func afterImport(_ results: [StatementImportResult]) async {
        for accountId in Set(results.map(\.accountId)).sorted() {
            do {
                try await runner.run(accountId: accountId)
            } catch {
                logger.error("reconciliation after import failed", metadata: ["account": "\(accountId)", "error": "\(error)"])
            }
        }
        for result in results where result.reportKind == .endOfDay {
            await recordBalanceReconciliation(accountId: result.accountId, date: result.statementDate)
        }
    }

    /// Computes the balance reconciliation of a day and records it as `reconciliation.completed`.
    func recordBalanceReconciliation(accountId: String, date: String) async {
        do {
            guard let report = try await BalanceReconciliationBuilder.build(store: reconciliation, accountId: accountId, date: date) else {
                return
            }
            var json = JSONWriter(capacity: 512)
            json.beginObject()
            json.field("account", accountId)
            json.field("date", date)
            json.field("currency", report.currency.code)
            json.field("bank_balance", report.bankBalance.decimalString)
            json.field("ledger_balance", report.ledgerBalance.decimalString)
            json.field("adjusted_bank_balance", report.adjustedBankBalance.decimalString)
            json.field("adjusted_ledger_balance", report.adjustedLedgerBalance.decimalString)
            json.field("difference", report.difference.decimalString)
            json.key("balanced")
            json.bool(report.balanced)
            json.field("outstanding_payments", report.outstandingPayments.count)
            json.field("receipts_in_transit", report.receiptsInTransit.count)
            json.field("unmatched_bank_credits", report.unmatchedBankCredits.count)
            json.field("unmatched_bank_debits", report.unmatchedBankDebits.count)
            json.endObject()
            try await reconciliation.recordReconciliationCompleted(accountId: accountId, date: date, payloadJSON: json.text, at: clock.now())
        } catch {
            logger.error("balance reconciliation failed", metadata: ["account": "\(accountId)", "date": "\(date)", "error": "\(error)"])
        }
    }

    /// One reconciliation pass over every account (the periodic service calls this).
    @discardableResult
    public func reconcile(accountId: String? = nil) async throws(GatewayError) -> ReconciliationPassSummary {
        do { return try await runner.run(accountId: accountId) } catch { throw Self.gatewayError(error) }
    }

    // MARK: - Queries

    /// The configured account `id`, or 404.
    public func account(_ id: String) throws(GatewayError) -> DebtorAccount {
        guard let account = accounts[id] else {
            throw GatewayError(.notFound, code: .notFound, message: "no account with this id")
        }
        return account
    }

    public func balances(accountId: String) async throws(GatewayError) -> [AccountBalance] {
        _ = try account(accountId)
        do { return try await statements.balances(accountId: accountId) } catch { throw Self.gatewayError(error) }
    }

    public func transactions(accountId: String, from: String?, to: String?, cursor: String?,
                             limit: Int) async throws(GatewayError) -> (transactions: [BankTransactionRecord], nextCursor: String?) {
        _ = try account(accountId)
        var after: Int64?
        if let cursor {
            guard let row = BankTransactionRecord.rowId(cursor) else {
                throw GatewayError(.badRequest, code: .invalidParameter, message: "cursor is not a cursor this API gave", field: "cursor")
            }
            after = row
        }
        do {
            let page = try await statements.transactions(accountId: accountId, from: from, to: to, after: after, limit: limit + 1)
            let more = page.count > limit
            let transactions = Array(page.prefix(limit))
            return (transactions, more ? transactions.last?.id : nil)
        } catch {
            throw Self.gatewayError(error)
        }
    }

    public func transaction(id: String) async throws(GatewayError) -> (BankTransactionRecord, [MatchRecord]) {
        do {
            guard let transaction = try await statements.transaction(id: id) else {
                throw GatewayError(.notFound, code: .notFound, message: "no transaction with this id")
            }
            return (transaction, try await reconciliation.matches(transactionId: id))
        } catch {
            throw Self.gatewayError(error)
        }
    }

    public func statementList(accountId: String, limit: Int) async throws(GatewayError) -> [StatementRecord] {
        _ = try account(accountId)
        do { return try await statements.statements(accountId: accountId, limit: limit) } catch { throw Self.gatewayError(error) }
    }

    /// An operator accepts a quarantined statement as it is: its entries join matching and the
    /// balance reconciliation, its balances are recorded (audited, with `reason`).
    public func acceptStatement(id: String, actor: String, reason: String?) async throws(GatewayError) -> StatementRecord {
        let record: StatementRecord
        do {
            record = try await statements.acceptStatement(id: id, actor: actor, reason: reason, at: clock.now())
        } catch {
            throw Self.gatewayError(error)
        }
        // The released entries may match payments now; the periodic pass would find them too.
        _ = try? await reconcile(accountId: record.draft.accountId)
        return record
    }

    /// The balance reconciliation of an account on a date (422 when no statement covers it yet).
    public func balanceReconciliation(accountId: String, date: String) async throws(GatewayError) -> BalanceReconciliation {
        _ = try account(accountId)
        do {
            guard let report = try await BalanceReconciliationBuilder.build(store: reconciliation, accountId: accountId, date: date) else {
                let held = try await statements.quarantinedStatements(accountId: accountId).filter { $0.draft.statementDate <= date }
                if !held.isEmpty {
                    throw GatewayError(.validation, code: .statementHeld,
                                       message: "the end-of-day statements on or before \(date) are held for review: "
                                           + held.map(\.id).joined(separator: ", "), field: "date")
                }
                throw GatewayError(.validation, code: .noStatement,
                                   message: "there is no end-of-day statement of this account on or before \(date)", field: "date")
            }
            return report
        } catch {
            throw Self.gatewayError(error)
        }
    }

    // MARK: - Expected payments and matches

    /// Declares incoming money the business expects.
    public func createExpectedPayment(_ request: ExpectedPaymentRequest, client: String) async throws(GatewayError) -> ExpectedPaymentRecord {
        let account = try account(request.accountId)
        guard account.currency == request.currency else {
            throw GatewayError(.validation, code: .currencyMismatch, message: "currency must be the account's (\(account.currency.code))",
                               field: "currency")
        }
        let now = clock.now()
        let record = ExpectedPaymentRecord(
            id: IdentifierFactory.make("exp_"), accountId: request.accountId, currency: request.currency,
            amountMin: request.amountMin, amountMax: request.amountMax, counterpartyName: request.counterpartyName,
            counterpartyAccount: request.counterpartyAccount, reference: request.reference, windowFrom: request.windowFrom,
            windowTo: request.windowTo, status: .open, client: client, createdAt: now, updatedAt: now)
        do {
            let created = try await reconciliation.createExpectedPayment(record, at: now)
            // Money that already arrived is matched at once.
            _ = try? await runner.run(accountId: request.accountId)
            return try await reconciliation.expectedPayment(id: created.id) ?? created
        } catch {
            throw Self.gatewayError(error)
        }
    }

    public func expectedPayment(id: String) async throws(GatewayError) -> ExpectedPaymentRecord {
        do {
            guard let record = try await reconciliation.expectedPayment(id: id) else {
                throw GatewayError(.notFound, code: .notFound, message: "no expected payment with this id")
            }
            return record
        } catch {
            throw Self.gatewayError(error)
        }
    }

    public func expectedPayments(accountId: String?, status: ExpectedPaymentStatus?, limit: Int) async throws(GatewayError) -> [ExpectedPaymentRecord] {
        do { return try await reconciliation.expectedPayments(accountId: accountId, status: status, limit: limit) } catch {
            throw Self.gatewayError(error)
        }
    }

    public func cancelExpectedPayment(id: String, actor: String) async throws(GatewayError) -> ExpectedPaymentRecord {
        do { return try await reconciliation.cancelExpectedPayment(id: id, actor: actor, at: clock.now()) } catch {
            throw Self.gatewayError(error)
        }
    }

    /// The exceptions list: unmatched transactions, unmatched payments, pending suggestions and
    /// overdue expected payments.
    public func exceptions(accountId: String?) async throws(GatewayError) -> ReconciliationExceptions {
        if let accountId { _ = try account(accountId) }
        do {
            let transactions = try await reconciliation.unmatchedTransactions(accountId: accountId)
            let payments = try await reconciliation.unmatchedPayments(accountId: accountId)
            let suggestions = try await reconciliation.pendingSuggestions(accountId: accountId, limit: 1000)
            let overdue = try await reconciliation.expectedPayments(accountId: accountId, status: .overdue, limit: 1000)
            let held = try await statements.quarantinedStatements(accountId: accountId)
            return ReconciliationExceptions(unmatchedTransactions: transactions, unmatchedPayments: payments,
                                            suggestions: suggestions, overdueExpectedPayments: overdue, quarantinedStatements: held)
        } catch {
            throw Self.gatewayError(error)
        }
    }

    public func confirmMatch(id: String, actor: String) async throws(GatewayError) -> MatchRecord {
        do { return try await reconciliation.confirm(matchId: id, actor: actor, at: clock.now()) } catch { throw Self.gatewayError(error) }
    }

    public func rejectMatch(id: String, actor: String) async throws(GatewayError) -> MatchRecord {
        do { return try await reconciliation.reject(matchId: id, actor: actor, at: clock.now()) } catch { throw Self.gatewayError(error) }
    }

    public func unmatch(id: String, actor: String) async throws(GatewayError) -> MatchRecord {
        do { return try await reconciliation.unmatch(matchId: id, actor: actor, at: clock.now()) } catch { throw Self.gatewayError(error) }
    }

    public func matchManually(transactionId: String, target: MatchTarget, actor: String) async throws(GatewayError) -> MatchRecord {
        do {
            return try await reconciliation.matchManually(transactionId: transactionId, target: target, actor: actor, at: clock.now())
        } catch {
            throw Self.gatewayError(error)
        }
    }

    // MARK: - Webhooks

    /// Subscribes `url` to `eventTypes` (only `tenant`'s events when given); the answer carries
    /// the signing secret (shown only here).
    public func createWebhook(url: String, eventTypes: [String], fromSequence: Int64?, actor: String,
                              tenant: String? = nil) async throws(GatewayError) -> WebhookSubscription {
        guard url.hasPrefix("https://") || url.hasPrefix("http://"), url.utf8.count <= 2048 else {
            throw GatewayError(.validation, code: .invalidUrl, message: "url must be an http:// or https:// URL", field: "url")
        }
        guard !eventTypes.isEmpty, eventTypes.allSatisfy({ Self.isEventPattern($0) }) else {
            throw GatewayError(.validation, code: .invalidEventTypes,
                               message: "event_types must list event types such as \"payment.completed\", \"transaction.*\" or \"*\"",
                               field: "event_types")
        }
        let secret = "whsec_" + Hex.encode(SecureRandom.bytes(24))
        do {
            return try await webhooks.create(id: IdentifierFactory.make("whk_"), url: url, eventTypes: eventTypes, secret: secret,
                                             fromSequence: fromSequence, actor: actor, tenant: tenant, at: clock.now())
        } catch {
            throw Self.gatewayError(error)
        }
    }

    public func webhookList() async throws(GatewayError) -> [WebhookSubscription] {
        do { return try await webhooks.subscriptions() } catch { throw Self.gatewayError(error) }
    }

    public func setWebhookEnabled(id: String, _ enabled: Bool, actor: String) async throws(GatewayError) -> WebhookSubscription {
        do { return try await webhooks.setEnabled(id: id, enabled, actor: actor, at: clock.now()) } catch { throw Self.gatewayError(error) }
    }

    public func deleteWebhook(id: String, actor: String) async throws(GatewayError) {
        do { try await webhooks.delete(id: id, actor: actor, at: clock.now()) } catch { throw Self.gatewayError(error) }
    }

    public func redeliver(from sequence: Int64, webhookId: String?, actor: String) async throws(GatewayError) -> [WebhookSubscription] {
        do { return try await webhooks.redeliver(from: sequence, subscriptionId: webhookId, actor: actor, at: clock.now()) } catch {
            throw Self.gatewayError(error)
        }
    }

    static func isEventPattern(_ pattern: String) -> Bool {
        pattern == "*" || (!pattern.isEmpty && pattern.utf8.count <= 64
            && pattern.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2A })
    }

    // MARK: - Errors

    /// Account-side errors as API errors: import and reconciliation errors here, the store's through
    /// ``GatewayError/init(storeError:)``.
    static func gatewayError(_ error: any Error) -> GatewayError {
        switch error {
        case let error as StatementImportError:
            switch error.code {
            case .malformed: return GatewayError(.validation, code: .malformedStatement, message: error.message, field: "body")
            case .archiveRefused: return GatewayError(.validation, code: .archiveRefused, message: error.message, field: "body")
            case .unknownAccount: return GatewayError(.validation, code: .unknownAccount, message: error.message, field: "body")
            case .accountMismatch: return GatewayError(.validation, code: .accountMismatch, message: error.message, field: "account")
            case .store: return GatewayError(.unavailable, code: .storeUnavailable, message: "the store could not record the statement")
            }
        case let error as BalanceReconciliationError:
            return GatewayError(.validation, code: .reconciliationError, message: "\(error)")
        default:
            return GatewayError(storeError: error)
        }
    }
}

/// A request to expect incoming money.
public struct ExpectedPaymentRequest: Sendable, Hashable {
    public var accountId: String
    public var currency: Currency
    public var amountMin: Int64
    public var amountMax: Int64
    public var counterpartyName: String?
    public var counterpartyAccount: String?
    public var reference: String?
    public var windowFrom: String
    public var windowTo: String

    public init(accountId: String, currency: Currency, amountMin: Int64, amountMax: Int64, counterpartyName: String?,
                counterpartyAccount: String?, reference: String?, windowFrom: String, windowTo: String) {
        self.accountId = accountId
        self.currency = currency
        self.amountMin = amountMin
        self.amountMax = amountMax
        self.counterpartyName = counterpartyName
        self.counterpartyAccount = counterpartyAccount
        self.reference = reference
        self.windowFrom = windowFrom
        self.windowTo = windowTo
    }
}

/// What reconciliation could not settle on its own.
public struct ReconciliationExceptions: Sendable, Hashable {
    public var unmatchedTransactions: [BankTransactionRecord]
    public var unmatchedPayments: [PaymentMatchCandidate]
    public var suggestions: [MatchRecord]
    public var overdueExpectedPayments: [ExpectedPaymentRecord]
    /// Statements that do not add up, waiting for an operator to accept them or for a consistent one.
    public var quarantinedStatements: [StatementRecord]

    public init(unmatchedTransactions: [BankTransactionRecord] = [], unmatchedPayments: [PaymentMatchCandidate] = [],
                suggestions: [MatchRecord] = [], overdueExpectedPayments: [ExpectedPaymentRecord] = [],
                quarantinedStatements: [StatementRecord] = []) {
        self.unmatchedTransactions = unmatchedTransactions
        self.unmatchedPayments = unmatchedPayments
        self.suggestions = suggestions
        self.overdueExpectedPayments = overdueExpectedPayments
        self.quarantinedStatements = quarantinedStatements
    }
}

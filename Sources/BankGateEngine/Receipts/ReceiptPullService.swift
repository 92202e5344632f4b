import BankGateAdapters
public import BankGateConfig
public import BankGateCore
public import BankGateReceipts
public import BankGateStore
import BankGateStatements
public import BankGateTransport
public import Logging

/// Pulls an account's electronic receipts (电子回单) for a day from its bank, keeps each file by its
/// hash and stores each receipt once, linked to what it proves.
///
/// Per receipt the kept file is the bank's document when the answer carries one, else the
/// document the bank hands over on request, else a PDF bankgate renders from the receipt's data
/// with the account's receipt template. Every query and answer is archived byte for byte, like a
/// statement pull's; the receipt names the answer it came from.
public final class ReceiptPullService: Sendable {
    /// One account whose bank answers receipt queries, and how its receipts are rendered.
    struct Target: Sendable {
        var account: DebtorAccount
        var adapter: any ReceiptQueryAdapter
        var connection: BankConnection
        var template: ReceiptTemplate
        /// When its receipts are pulled on their own and count as missing.
        var schedule: ReceiptPullConfig
    }

    let targets: [String: Target]
    let receipts: ReceiptStore
    let payments: PaymentStore
    let files: ContentAddressedFiles
    let clock: any WallClock
    let logger: Logger

    /// The most pages of one receipt query followed, against a bank that never stops paging.
    static let maximumPages = 1_000

    /// Every account's receipt template is parsed here, so a template that cannot be read refuses
    /// start-up: the account's `receipt_template`, else its bank's, else ``ReceiptTemplate/default``.
    /// - Throws: ``ReceiptTemplateError`` naming the template file and line.
    public init(configuration: BankGateConfiguration, connections: [BankConnection], payments: PaymentStore,
                receipts: ReceiptStore, files: ContentAddressedFiles, clock: any WallClock,
                logger: Logger) throws(ReceiptTemplateError) {
        let byBank = Dictionary(connections.map { ($0.config.id, $0) }, uniquingKeysWith: { first, _ in first })
        let banks = Dictionary(configuration.banks.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var parsed: [String: ReceiptTemplate] = [:]
        var targets: [String: Target] = [:]
        for account in configuration.accounts {
            var template = ReceiptTemplate.default
            if let file = account.receiptTemplate ?? banks[account.bank]?.receiptTemplate {
                if let known = parsed[file.path] {
                    template = known
                } else {
                    template = try ReceiptTemplate.parse(file.text, name: file.name, source: file.path)
                    parsed[file.path] = template
                }
            }
            guard let connection = byBank[account.bank], let adapter = connection.adapter as? any ReceiptQueryAdapter else { continue }
            targets[account.id] = Target(account: account.debtorAccount(), adapter: adapter, connection: connection, template: template,
                                         schedule: account.receiptPulls)
        }
        self.targets = targets
        self.payments = payments
        self.receipts = receipts
        self.files = files
        self.clock = clock
        self.logger = logger
    }

    /// Whether `accountId`'s bank answers receipt queries.
    public func pullsReceipts(accountId: String) -> Bool { targets[accountId] != nil }

    /// Per account whose bank gives receipts: how far its bank's booking day is ahead of UTC, in minutes.
    public var bookingDayOffsets: [String: Int] { targets.mapValues { $0.adapter.bookingDayUTCOffsetMinutes } }

    /// The day (`YYYY-MM-DD`) `accountId`'s bank books what it executes at `instant`: its own
    /// calendar day (``ReceiptQueryAdapter/bookingDayUTCOffsetMinutes``), the UTC day for an account
    /// whose bank gives no receipts.
    public func bookingDay(accountId: String, at instant: Timestamp) -> String {
        let offset = Int64(targets[accountId]?.adapter.bookingDayUTCOffsetMinutes ?? 0) * 60_000
        return instant.adding(milliseconds: offset).dateString
    }

    /// Pulls the receipts `accountId`'s bank has for `date` (`YYYY-MM-DD`), keeps and links the new
    /// ones; a receipt stored before is not stored again (links it lacked are added).
    ///
    /// Every pull that reaches for the bank is recorded (``ReceiptStore/recordPull(_:)``, audited)
    /// with `trigger`, whatever its outcome, and what follows it: a failed pull is tried again with
    /// backoff (``failureRetry``, bounded attempts); a pull after payments that finds one of them
    /// still without its receipt is tried again (from ``ReceiptPullConfig/pullDelayMilliseconds``,
    /// doubling) until the payment's receipt counts as missing. `at` is the pull's start (the
    /// clock's now by default).
    public func pull(accountId: String, date: String, trigger: ReceiptPullTrigger = .onDemand,
                     at: Timestamp? = nil) async throws(GatewayError) -> ReceiptPullResult {
        guard Timestamp.parseDate(date) != nil else {
            throw GatewayError(.validation, code: .invalidDate, message: "date must be a YYYY-MM-DD date", field: "date")
        }
        guard let target = targets[accountId] else {
            throw GatewayError(.notFound, code: .notFound, message: "no account with this id whose bank gives electronic receipts")
        }
        let started = at ?? clock.now()
        let due = try? await receipts.duePull(accountId: accountId, date: date)
        let attempt = (due?.attempts ?? 0) + 1
        let outcome: Result<ReceiptPullResult, GatewayError>
        do {
            outcome = .success(try await fetch(target, date: date))
        } catch {
            outcome = .failure(error)
        }
        let finished = max(started, clock.now())
        var run = ReceiptPullRun(accountId: accountId, bookingDate: date, trigger: trigger, attempt: attempt, startedAt: started,
                                 finishedAt: finished, succeeded: false)
        switch outcome {
        case .success(let result):
            run.succeeded = true
            run.listed = result.listed
            run.newReceipts = result.stored.count
            run.nextAttemptAt = await nextAfterPayment(due, target: target, attempt: attempt, started: started)
        case .failure(let error):
            run.errorCode = error.code.rawValue
            run.errorMessage = error.message
            run.nextAttemptAt = Self.failureRetry.nextAttempt(after: attempt, now: finished)
            logger.warning("receipt pull failed", metadata: [
                "account": "\(accountId)", "date": "\(date)", "attempt": "\(attempt)", "error": "\(error)",
                "next_attempt": "\(run.nextAttemptAt?.iso8601Seconds ?? "none")",
            ])
        }
        let recorded: ReceiptPullRun
        do {
            recorded = try await receipts.recordPull(run)
        } catch {
            logger.error("a receipt pull cannot be recorded", metadata: ["account": "\(accountId)", "error": "\(error)"])
            throw GatewayError(storeError: error)
        }
        var result = try outcome.get()
        result.pull = recorded
        return result
    }

    /// A failed pull is tried again after 1, 2, 4 … minutes (at most an hour), six attempts in all.
    public static let failureRetry = RetryPolicy(baseMilliseconds: 60_000, maxMilliseconds: 3_600_000, maxAttempts: 6)

    /// After a pull that went through: when to pull again because a payment of the day (one the due
    /// pull was for) still has no receipt — the pull delay doubled per attempt (at least a minute,
    /// at most two hours), while before the payment's receipt counts as missing; else `nil`.
    private func nextAfterPayment(_ due: ReceiptPullDue?, target: Target, attempt: Int, started: Timestamp) async -> Timestamp? {
        guard let due, let completed = due.lastCompletedAt else { return nil }
        let waiting = (try? await receipts.expectations(accountId: target.account.id, fromDate: due.bookingDate, toDate: due.bookingDate,
                                                        unlinkedOnly: true, bookingDayOffsets: bookingDayOffsets, limit: 1_000)) ?? []
        guard waiting.contains(where: { $0.kind == .payment && $0.since <= started }) else { return nil }
        let delay = RetryPolicy.doubled(max(60_000, target.schedule.pullDelayMilliseconds), times: attempt - 1, cappedAt: 2 * 3_600_000)
        let next = started.adding(milliseconds: delay)
        return next <= completed.adding(milliseconds: target.schedule.missingAfterMilliseconds) ? next : nil
    }

    /// The pull itself: every page of the day's receipt list, each receipt kept.
    private func fetch(_ target: Target, date: String) async throws(GatewayError) -> ReceiptPullResult {
        let account = target.account
        let adapter = target.adapter
        let exchange = AccountQueryExchange(connection: target.connection, transport: target.connection.transport,
                                            bankId: target.connection.config.id, accountId: account.id, payments: payments,
                                            clock: clock, logger: logger)
        var result = ReceiptPullResult(accountId: account.id, date: date)
        var continuation: String?
        var pages = 0
        repeat {
            let request = try await prepare(target) { queryId, now in
                try adapter.encodeReceiptQuery(account: account, fromDate: date, toDate: date, continuation: continuation,
                                               queryId: queryId, createdAt: now)
            }
            let (body, answerId) = try await exchange.ask(request, exchange: (.receiptRequest, .receiptAnswer))
            let page: ReceiptQueryPage
            do {
                page = try adapter.decodeReceiptQueryPage(body, account: account)
            } catch {
                throw GatewayError(.unavailable, code: .bankRefused, message: "the receipt query's answer cannot be read: \(error)")
            }
            for receipt in page.receipts {
                try await keep(receipt, target: target, exchange: exchange, answerId: answerId, result: &result)
            }
            continuation = page.continuation
            pages += 1
        } while continuation != nil && pages < Self.maximumPages
        logger.info("receipts pulled", metadata: [
            "account": "\(account.id)", "date": "\(date)", "listed": "\(result.listed)", "new": "\(result.stored.count)",
        ])
        return result
    }

    /// Keeps one listed receipt: its file (fetched or rendered unless the receipt is stored
    /// already), its row and its links.
    private func keep(_ receipt: BankReceipt, target: Target, exchange: AccountQueryExchange, answerId: Int64,
                      result: inout ReceiptPullResult) async throws(GatewayError) {
        result.listed += 1
        let accountId = target.account.id
        var draft = Self.draft(receipt, bankId: target.connection.config.id, accountId: accountId, answerId: answerId)
        do {
            if !draft.identity.hasPrefix("sha256:"), let stored = try await receipts.receipt(accountId: accountId, identity: draft.identity) {
                // Known already: nothing fetched or rendered again; links found since are added.
                let links = try await receipts.findLinks(for: stored.draft)
                let outcome = try await receipts.insert(stored.draft, links: links, at: clock.now())
                result.known += 1
                result.addedLinks += outcome.addedLinks
                return
            }
        } catch {
            throw GatewayError(storeError: error)
        }
        let document = try await document(of: receipt, target: target, exchange: exchange)
        let bytes: [UInt8]
        if let document {
            bytes = document.bytes
            draft.contentType = document.contentType
            draft.origin = .bankDocument
            draft.sourceMessageId = document.answerId ?? answerId
        } else {
            do {
                bytes = try ReceiptPDF.render(receipt, account: ReceiptAccount(name: target.account.name), template: target.template)
            } catch {
                throw GatewayError(.internal, code: .internalError, message: "receipt \(receipt.receiptNumber ?? "-") cannot be rendered: \(error)")
            }
            draft.contentType = "application/pdf"
            draft.origin = .rendered
            draft.template = target.template.name
        }
        do {
            let kept = try files.store(bytes)
            draft.sha256 = kept.sha256
            draft.size = Int64(kept.size)
        } catch {
            logger.error("cannot keep a receipt file", metadata: ["account": "\(accountId)", "error": "\(error)"])
            throw GatewayError(.unavailable, code: .storeUnavailable, message: "the receipt file cannot be kept: \(error)")
        }
        do {
            let links = try await receipts.findLinks(for: draft)
            let outcome = try await receipts.insert(draft, links: links, at: clock.now())
            if outcome.inserted { result.stored.append(outcome.receipt) } else { result.known += 1 }
            result.addedLinks += outcome.addedLinks
        } catch {
            throw GatewayError(storeError: error)
        }
    }

    /// The bank's document of `receipt`: carried in the list, else asked for; `nil` when the bank
    /// has none (the receipt is data only). `answerId` is the archived answer that carried it, when
    /// asked for separately.
    private func document(of receipt: BankReceipt, target: Target,
                          exchange: AccountQueryExchange) async throws(GatewayError) -> (contentType: String, bytes: [UInt8], answerId: Int64?)? {
        if let document = receipt.document { return (document.contentType, document.bytes, nil) }
        let adapter = target.adapter
        let account = target.account
        let encoded: EncodedMessage?
        do {
            encoded = try adapter.encodeReceiptDocumentRequest(for: receipt, account: account,
                                                               queryId: IdentifierFactory.makeRequestId("BGR", adapter.clientReferenceFormat),
                                                               createdAt: clock.now())
        } catch {
            throw GatewayError(.validation, code: .invalidReportRequest, message: "\(error)")
        }
        guard let encoded else { return nil }
        let request = try await prepare(target) { _, _ in encoded }
        let (body, answerId) = try await exchange.ask(request, exchange: (.receiptRequest, .receiptAnswer))
        do {
            let document = try adapter.decodeReceiptDocument(body)
            return (document.contentType, document.bytes, answerId)
        } catch {
            throw GatewayError(.unavailable, code: .bankRefused,
                               message: "the document of receipt \(receipt.receiptNumber ?? receipt.bankSerial ?? "-") cannot be read: \(error)")
        }
    }

    /// Encodes a request with a fresh query id and signs and seals it as the bank wants.
    private func prepare(_ target: Target,
                         _ encode: (String, Timestamp) throws -> EncodedMessage) async throws(GatewayError) -> EncodedMessage {
        do {
            let encoded = try encode(IdentifierFactory.makeRequestId("BGR", target.adapter.clientReferenceFormat), clock.now())
            return try await target.connection.prepare(encoded, at: clock.now(), debtorAccountId: target.account.id)
        } catch {
            throw GatewayError(.validation, code: .invalidReportRequest, message: "\(error)")
        }
    }

    /// The stored form of `receipt`, before its file is known.
    static func draft(_ receipt: BankReceipt, bankId: String, accountId: String, answerId: Int64) -> ReceiptDraft {
        ReceiptDraft(bankId: bankId, accountId: accountId, bookingDate: receipt.bookingDate, amount: receipt.amount,
                     direction: receipt.direction == .debit ? "debit" : "credit", counterpartyName: receipt.counterparty.name,
                     counterpartyAccount: receipt.counterparty.account, counterpartyBank: receipt.counterpartyBankName,
                     receiptNumber: receipt.receiptNumber, bankSerial: receipt.bankSerial, clientReference: receipt.clientReference,
                     kind: receipt.kind, purpose: receipt.purpose, contentType: "", sha256: "", size: 0, origin: .rendered,
                     sourceMessageId: answerId)
    }
}

/// What one receipt pull found.
public struct ReceiptPullResult: Sendable, Hashable {
    public var accountId: String
    public var date: String
    /// Receipts the bank listed.
    public var listed = 0
    /// Receipts stored by this pull, with their links.
    public var stored: [ReceiptRecord] = []
    /// Listed receipts that were stored before.
    public var known = 0
    /// Links added to receipts stored before.
    public var addedLinks = 0
    /// The pull as recorded.
    public var pull: ReceiptPullRun?

    public init(accountId: String, date: String) {
        self.accountId = accountId
        self.date = date
    }
}

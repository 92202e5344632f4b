public import BankGateAdapters
public import BankGateConfig
public import BankGateCore
public import BankGateStore
public import Logging
import Synchronization

/// The gateway as the API sees it: intake, queries, operator actions and the event feed, on top of
/// the store and the dispatcher.
public final class GatewayEngine: PaymentGateway {
    public let accounts: [String: AccountInfo]
    let store: PaymentStore
    let dispatcher: DispatcherService
    let clock: any WallClock
    let logger: Logger
    /// Per bank: message kind, the most transfers one message may carry, and the largest amount and
    /// control sum (in minor units) its message can write.
    let bankProfiles: [String: BankMessageProfile]
    /// The intake's rules (`[payment_controls]`, `[[limits]]`, `[[approval_rules]]`, `[approvals]`),
    /// replaced whole by a configuration reload (``replaceIntakeRules(from:)``).
    let intakeRules: Mutex<IntakeRules>
    /// Metrics and the banks' health (issue 12).
    public let visibility: GatewayVisibility
    /// Shared by the engines a configuration reload replaces one with another (``IntakeFence``).
    let intakeFence: IntakeFence

    struct BankMessageProfile {
        var kind: String
        var maxTransfers: Int
        /// Amounts must stay below this (10 to the adapter's digit limit).
        var amountBound: Int64
        /// A message's total must stay below this.
        var controlSumBound: Int64
        /// The optional fields the bank's format requires or cannot carry.
        var requirements: PaymentFieldRequirements
        /// The bank's adapter, for what only it can check (its encoding, its byte limits).
        var adapter: any BankAdapter
        /// The bank's calendars, cut-offs and whether it honours execution dates.
        var timetable: BankTimetable

        /// The most lines one payroll message carries (a payroll's lines beyond it go to more messages).
        var payrollLines: Int { max(1, (adapter as? any PayrollAdapter)?.payrollLinesPerMessage ?? .max) }
    }

    /// What the payments of one bank message must share: one `PmtInf` carries one debtor account,
    /// execution date, charge bearer and payment type (priority, category purpose).
    struct MessageGroup: Hashable {
        var debtorAccountId: String
        var executionDate: String
        var chargeBearer: ChargeBearer?
        var priority: PaymentPriority?
        var categoryPurpose: String?
    }

    /// The submission being filled for one ``MessageGroup``.
    struct OpenSubmission {
        var draft: SubmissionDraft
        var count: Int
        var total: Int64
    }

    /// 10^digits, or Int64.max when that does not fit.
    static func bound(digits: Int) -> Int64 {
        var value: Int64 = 1
        for _ in 0..<max(0, digits) {
            let (next, overflow) = value.multipliedReportingOverflow(by: 10)
            if overflow { return .max }
            value = next
        }
        return value
    }

    public init(configuration: BankGateConfiguration, connections: [BankConnection], store: PaymentStore,
                dispatcher: DispatcherService, clock: any WallClock, logger: Logger,
                visibility: GatewayVisibility = GatewayVisibility(), intakeFence: IntakeFence = IntakeFence()) {
        self.visibility = visibility
        self.intakeFence = intakeFence
        var accounts: [String: AccountInfo] = [:]
        for account in configuration.accounts {
            accounts[account.id] = AccountInfo(account: account.debtorAccount(), active: account.active)
        }
        self.accounts = accounts
        var profiles: [String: BankMessageProfile] = [:]
        for connection in connections {
            let limit = connection.config.maxTransfersPerMessage ?? connection.adapter.maxTransfersPerMessage
            profiles[connection.config.id] = BankMessageProfile(
                kind: connection.adapter.paymentMessageKind, maxTransfers: max(1, limit),
                amountBound: Self.bound(digits: connection.adapter.maxAmountDigits),
                controlSumBound: Self.bound(digits: connection.adapter.maxControlSumDigits),
                requirements: connection.adapter.paymentFieldRequirements, adapter: connection.adapter,
                timetable: connection.config.timetable)
        }
        bankProfiles = profiles
        intakeRules = Mutex(IntakeRules(configuration))
        self.store = store
        self.dispatcher = dispatcher
        self.clock = clock
        self.logger = logger
    }

    public func submit(_ requests: [PaymentRequest], idempotencyKey: String, fingerprint: String,
                       client: String, asBatch: Bool, payroll: Bool) async throws(GatewayError) -> IntakeResult {
        switch await intakeFence.enter(self) {
        case .handedOver(let inForce):
            // A reload put another configuration in force since this engine took the request.
            return try await inForce.submit(requests, idempotencyKey: idempotencyKey, fingerprint: fingerprint, client: client,
                                            asBatch: asBatch, payroll: payroll)
        case .entered:
            defer { intakeFence.leave() }
            return try await accept(requests, idempotencyKey: idempotencyKey, fingerprint: fingerprint, client: client,
                                    asBatch: asBatch, payroll: payroll)
        }
    }

    /// Validates `requests` against this engine's configuration and rules and commits them (the
    /// body of ``submit(_:idempotencyKey:fingerprint:client:asBatch:payroll:)``, inside the fence).
    private func accept(_ requests: [PaymentRequest], idempotencyKey: String, fingerprint: String,
                        client: String, asBatch: Bool, payroll: Bool) async throws(GatewayError) -> IntakeResult {
        let now = clock.now()
        // One request sees one set of rules, whatever a reload does meanwhile.
        let rules = intakeRules.withLock { $0 }
        let payrollKind = payroll ? try payrollMessageKind(requests) : nil
        let batchId = asBatch ? IdentifierFactory.make("bat_") : nil
        let requestId = RequestTrace.current?.requestId
        let kind: PaymentKind = payrollKind != nil ? .payroll : asBatch ? .batch : .single
        var drafts: [PaymentDraft] = []
        var submissions: [SubmissionDraft] = []
        drafts.reserveCapacity(requests.count)
        // Payments that must share a PmtInf go to the same submission, up to the bank's limit per
        // message; a batch that mixes charge bearers or payment types becomes one message per kind.
        var open: [MessageGroup: OpenSubmission] = [:]
        for (index, request) in requests.enumerated() {
            /// The field path's prefix, built only for an error.
            func prefix() -> String { asBatch ? "payments[\(index)]." : "" }
            guard let account = accounts[request.debtorAccountId],
                  let profile = bankProfiles[account.account.bankId] else {
                throw GatewayError(.validation, code: .unknownAccount, message: "debtor_account is not a configured account",
                                   field: prefix() + "debtor_account")
            }
            // What the bank's message cannot carry is refused now, not accepted and failed at encoding.
            guard request.amount.minorUnits < profile.amountBound else {
                throw GatewayError(.validation, code: .amountTooLarge,
                                   message: "amount has more digits than the bank's message can carry", field: prefix() + "amount")
            }
            // A payroll's lines are checked as the payroll message carries them, below.
            if payrollKind == nil {
                try Self.checkPayment(request, adapter: profile.adapter, requirements: profile.requirements, debtor: account.account,
                                      prefix: prefix())
            }
            // The bank's calendar and cut-offs decide the execution day; a later day waits in
            // `scheduled` unless the bank's message carries the date and the bank honours it.
            let plan = profile.timetable.plan(requested: request.requestedExecutionDate.flatMap { CalendarDay($0) },
                                              currency: request.amount.currency.code, kind: kind, at: now,
                                              carriesDate: profile.adapter.carriesExecutionDate)
            // A batch or payroll from an account a batch_release plan names waits for the plan's
            // next run, and is executed on that run's day (or its planned day, if later) — unless
            // it waits for a later execution day anyway: then that day releases it.
            let releasePlan = kind == .single || plan.releaseAt != nil ? nil : rules.releasePlans[request.debtorAccountId]
            let planRun = releasePlan.flatMap { $0.times.next(after: now) }
            var executionDate = plan.day.description
            if let releasePlan, let planRun {
                executionDate = max(plan.day, releasePlan.times.calendar.day(of: planRun)).description
            }
            // A payroll is one message per account and day, whatever its lines' details (up to the
            // bank's lines per payroll message).
            let group = payrollKind != nil
                ? MessageGroup(debtorAccountId: request.debtorAccountId, executionDate: executionDate,
                               chargeBearer: nil, priority: nil, categoryPurpose: nil)
                : MessageGroup(debtorAccountId: request.debtorAccountId, executionDate: executionDate,
                               chargeBearer: request.details.chargeBearer, priority: request.details.priority,
                               categoryPurpose: request.details.categoryPurpose)
            var current: OpenSubmission
            if asBatch, let existing = open[group], existing.count < (payrollKind == nil ? profile.maxTransfers : profile.payrollLines) {
                current = existing
            } else {
                let messageId = IdentifierFactory.make("BGM")
                let submission = SubmissionDraft(
                    id: IdentifierFactory.make("sub_"), bankId: account.account.bankId, debtorAccountId: request.debtorAccountId,
                    messageId: messageId, paymentInfoId: messageId + "-1", messageKind: payrollKind ?? profile.kind,
                    requestedExecutionDate: executionDate, requestId: requestId, notBefore: planRun == nil ? plan.releaseAt : nil,
                    scheduleNote: planRun.map { "its next run at \($0.iso8601)" } ?? plan.note,
                    heldForPlan: planRun == nil ? nil : releasePlan?.name)
                submissions.append(submission)
                current = OpenSubmission(draft: submission, count: 0, total: 0)
            }
            current.count += 1
            let (total, overflow) = current.total.addingReportingOverflow(request.amount.minorUnits)
            guard !overflow, total < profile.controlSumBound else {
                throw GatewayError(.validation, code: .batchTotalTooLarge,
                                   message: "the payments of one bank message add up to more digits than its control sum can carry",
                                   field: "payments")
            }
            current.total = total
            if asBatch { open[group] = current }
            drafts.append(PaymentDraft(
                id: IdentifierFactory.make("pay_"), batchId: batchId, submissionId: current.draft.id,
                debtorAccountId: request.debtorAccountId, bankId: account.account.bankId, amount: request.amount,
                creditor: request.creditor, remittanceInfo: request.remittanceInfo,
                endToEndId: request.endToEndId ?? IdentifierFactory.make("BGE"),
                instructionId: IdentifierFactory.makeInstructionId(profile.adapter.clientReferenceFormat, now: now),
                requestedExecutionDate: executionDate,
                details: request.details, duplicateIntended: request.duplicateIntended))
        }
        let outcome: AcceptOutcome
        let commitStart = ContinuousClock.now
        defer { visibility.metrics.intakeCommit(duration: ContinuousClock.now - commitStart) }
        do {
            outcome = try await store.accept(drafts, submissions: submissions,
                                             claim: IdempotencyClaim(client: client, key: idempotencyKey, fingerprint: fingerprint),
                                             duplicateCheck: rules.duplicateCheck, limits: rules.limits, approvals: rules.approvalPolicy,
                                             kind: kind, at: now)
        } catch {
            throw mapStoreError(error)
        }
        switch outcome {
        case .created(let payments):
            for bankId in Set(submissions.map(\.bankId)) { dispatcher.wake(bankId: bankId) }
            logHeld(payments)
            visibility.metrics.intakePayments(.accepted, count: payments.count)
            return .created(payments)
        case .replayed(let payments):
            visibility.metrics.intakePayments(.replayed, count: payments.count)
            return .replayed(payments)
        case .idempotencyConflict:
            throw GatewayError(.conflict, code: .idempotencyConflict,
                               message: "this Idempotency-Key was used before with a different request body",
                               field: "Idempotency-Key")
        case .limitExceeded(let violation):
            throw GatewayError(.validation, code: .limitExceeded, message: violation.message,
                               field: asBatch ? "payments[\(violation.paymentIndex)].amount" : "amount")
        case .accountNotActive(let record):
            let index = drafts.firstIndex { $0.debtorAccountId == record.accountId } ?? 0
            throw GatewayError(.validation, code: record.status == .closed ? .accountClosed : .accountFrozen,
                               message: "debtor_account \(record.accountId) is \(record.status.rawValue)"
                                   + (record.reason.map { ": \($0)" } ?? "") + "; it accepts no payment",
                               field: asBatch ? "payments[\(index)].debtor_account" : "debtor_account")
        case .duplicateEndToEndId(let id):
            let index = drafts.firstIndex { $0.endToEndId == id } ?? 0
            throw GatewayError(.validation, code: .duplicateEndToEndId,
                               message: "end_to_end_id is already used for a payment from this debtor account",
                               field: asBatch ? "payments[\(index)].end_to_end_id" : "end_to_end_id")
        }
    }

    /// The payroll kind of the bank of `requests`' debtor account: `unsupported_kind` when the bank
    /// takes no payroll batches, `mixed_debtor_accounts` when the lines name several accounts,
    /// `invalid_batch_size` beyond the bank's lines per payroll.
    func payrollMessageKind(_ requests: [PaymentRequest]) throws(GatewayError) -> String {
        guard let first = requests.first, let account = accounts[first.debtorAccountId],
              let profile = bankProfiles[account.account.bankId] else {
            throw GatewayError(.validation, code: .unknownAccount, message: "debtor_account is not a configured account",
                               field: "payments[0].debtor_account")
        }
        if let index = requests.firstIndex(where: { $0.debtorAccountId != first.debtorAccountId }) {
            throw GatewayError(.validation, code: .mixedDebtorAccounts, message: "a payroll is paid from one debtor account",
                               field: "payments[\(index)].debtor_account")
        }
        guard let payrolls = profile.adapter as? any PayrollAdapter else {
            throw GatewayError(.validation, code: .unsupportedKind,
                               message: "bank \(account.account.bankId) takes no payroll batches through its adapter", field: "kind")
        }
        if let reason = payrolls.payrollUnavailableReason {
            throw GatewayError(.validation, code: .unsupportedKind,
                               message: "bank \(account.account.bankId) takes no payroll batches: \(reason)", field: "kind")
        }
        guard requests.count <= payrolls.maxTransfersPerPayroll else {
            throw GatewayError(.validation, code: .invalidBatchSize,
                               message: "a payroll at this bank has at most \(payrolls.maxTransfersPerPayroll) lines", field: "payments")
        }
        try Self.checkPayroll(requests, adapter: payrolls, debtor: account.account) { "payments[\($0)]." }
        return payrolls.payrollMessageKind
    }

    public func payment(id: String) async throws(GatewayError) -> PaymentDetail {
        do {
            guard var payment = try await store.payment(id: id) else { throw notFound() }
            if payment.approval != nil { payment.approval?.decisions = try await store.approvalDecisions(paymentId: id) }
            return PaymentDetail(payment: payment, history: try await store.history(paymentId: id))
        } catch let error as GatewayError {
            throw error
        } catch {
            throw mapStoreError(error)
        }
    }

    public func batch(id: String) async throws(GatewayError) -> PaymentBatchDetail {
        let payments: [PaymentRecord]
        do { payments = try await store.payments(batchId: id) } catch { throw mapStoreError(error) }
        guard !payments.isEmpty else { throw GatewayError(.notFound, code: .notFound, message: "no payment batch with this id") }
        return PaymentBatchDetail(id: id, payments: payments)
    }

    public func payments(_ filter: PaymentFilter) async throws(GatewayError) -> PaymentPage {
        do { return try await store.payments(filter) } catch { throw mapStoreError(error) }
    }

    public func cancel(id: String, by actor: String, asOperator: Bool) async throws(GatewayError) -> PaymentRecord {
        do {
            return try await store.cancel(paymentId: id, cause: asOperator ? .operator : .api, actor: actor, at: clock.now())
        } catch {
            throw mapStoreError(error)
        }
    }

    public func accountStatus(accountId: String) async throws(GatewayError) -> AccountStatusRecord {
        guard accounts[accountId] != nil else {
            throw GatewayError(.notFound, code: .notFound, message: "no account with this id")
        }
        do {
            return try await store.accountStatus(accountId)
                ?? AccountStatusRecord(accountId: accountId, status: .active, reason: nil, changedBy: "configuration",
                                       changedAt: Timestamp(milliseconds: 0))
        } catch {
            throw mapStoreError(error)
        }
    }

    public func setAccountStatus(accountId: String, to status: AccountStatus, reason: String?, by actor: String)
        async throws(GatewayError) -> AccountStatusRecord {
        guard let account = accounts[accountId] else {
            throw GatewayError(.notFound, code: .notFound, message: "no account with this id")
        }
        if status != .active, (reason ?? "").allSatisfy(\.isWhitespace) {
            throw GatewayError(.validation, code: .missingField, message: "a reason is required to freeze or close an account", field: "reason")
        }
        do {
            let record = try await store.setAccountStatus(accountId: accountId, to: status, reason: reason, actor: actor, at: clock.now())
            if status == .active { dispatcher.wake(bankId: account.account.bankId) }
            return record
        } catch {
            throw mapStoreError(error)
        }
    }

    public func retry(id: String, by actor: String) async throws(GatewayError) -> PaymentRecord {
        do {
            let payment = try await store.retry(paymentId: id, actor: actor, at: clock.now())
            dispatcher.wake(bankId: payment.bankId)
            return payment
        } catch {
            throw mapStoreError(error)
        }
    }

    public func messages(paymentId: String) async throws(GatewayError) -> [ArchivedMessage] {
        do { return try await store.messages(paymentId: paymentId) } catch { throw mapStoreError(error) }
    }

    public func throughput(hours: Int, bucketMinutes: Int) async throws(GatewayError) -> [ThroughputBucket] {
        let now = clock.now()
        let bucket = Int64(bucketMinutes) * 60_000
        // Whole intervals: the window starts at an interval boundary, the last one is the current.
        let since = (now.milliseconds - Int64(hours) * 3_600_000) / bucket * bucket + bucket
        do {
            return try await store.throughput(since: Timestamp(milliseconds: since), until: now, bucketMilliseconds: bucket)
        } catch {
            throw mapStoreError(error)
        }
    }

    public func queue(accountIds: [String]?) async throws(GatewayError) -> QueueOverview {
        let counts: (counts: [String: [PaymentStatus: Int]], oldestQueued: [String: Timestamp])
        let archived: [String: ArchiveTotals]
        let oldestUnknown: [String: Timestamp]
        do {
            counts = try await store.queueCounts(accountIds: accountIds)
            archived = accountIds == nil ? try await store.archiveTotals() : [:]
            oldestUnknown = try await store.oldestUnknown(accountIds: accountIds)
        } catch {
            throw mapStoreError(error)
        }
        let now = clock.now()
        var lanes = dispatcher.laneDetails()
        // A tenant's view: only the banks of its accounts.
        if let accountIds {
            let ownBanks = Set(accountIds.compactMap { accounts[$0]?.account.bankId })
            lanes = lanes.filter { ownBanks.contains($0.key) }
        }
        let health = visibility.health.snapshot()
        var total: [PaymentStatus: Int] = [:]
        var banks: [QueueOverview.Bank] = []
        for bankId in Set(lanes.keys).union(counts.counts.keys).union(archived.keys).sorted() {
            let perStatus = counts.counts[bankId] ?? [:]
            for (status, count) in perStatus { total[status, default: 0] += count }
            var bank = QueueOverview.Bank(
                bankId: bankId, countsByStatus: perStatus,
                oldestQueuedAgeMilliseconds: counts.oldestQueued[bankId].map { now.milliseconds - $0.milliseconds },
                circuit: lanes[bankId]?.circuit.rawValue ?? "closed", inFlight: lanes[bankId]?.inFlight ?? 0,
                archive: archived[bankId] ?? ArchiveTotals())
            bank.circuitSince = lanes[bankId]?.circuitSince
            bank.circuitWhy = lanes[bankId]?.circuitWhy
            bank.oldestQueuedAt = counts.oldestQueued[bankId]
            bank.oldestUnknownAt = oldestUnknown[bankId]
            bank.lastSuccessAt = health[bankId]?.lastSuccessAt
            bank.lastErrorAt = health[bankId]?.lastErrorAt
            bank.lastErrorCode = health[bankId]?.lastErrorCode
            // The error's text is the installation's (another tenant's call may have caused it).
            bank.lastErrorMessage = accountIds == nil ? health[bankId]?.lastErrorMessage : nil
            banks.append(bank)
        }
        var overview = QueueOverview(countsByStatus: total, banks: banks)
        overview.generatedAt = now
        return overview
    }

    public func events(after sequence: Int64, limit: Int, waitMilliseconds: Int) async throws(GatewayError) -> [OutboxEvent] {
        let deadline = clock.now().adding(milliseconds: Int64(waitMilliseconds))
        do {
            while true {
                let events = try await store.events(after: sequence, limit: limit)
                if !events.isEmpty || clock.now() >= deadline || Task.isCancelled { return events }
                try? await Task.sleep(for: .milliseconds(50))
            }
        } catch {
            throw mapStoreError(error)
        }
    }

    /// Ready when the store answers and can write (a full disk makes it 503 until writes succeed
    /// again) and the dispatcher runs.
    public func isReady() async -> Bool {
        guard dispatcher.isRunning, await store.ping() else { return false }
        return await store.canWrite(at: clock.now())
    }

    /// Issue 12: what readiness checks, each by name (`configuration`, `store`, `dispatcher`), so
    /// that `/readyz` says which failed. Bank health is not among them: an open circuit is shown by
    /// `GET /v1/queue`, and payments are still taken (they wait in the queue).
    public func readinessChecks() async -> [ReadinessCheck] {
        let answers = await store.ping()
        let writable = answers ? await store.canWrite(at: clock.now()) : false
        return [
            // The engine exists only from a configuration that was read and checked whole.
            ReadinessCheck(name: "configuration", passed: !accounts.isEmpty || !bankProfiles.isEmpty,
                           detail: "\(bankProfiles.count) banks, \(accounts.count) accounts"),
            ReadinessCheck(name: "store", passed: answers && writable,
                           detail: !answers ? "the database does not answer" : writable ? "writable" : "writes fail (disk full?)"),
            // During a reload's switch payments are taken, and sent once the new dispatcher starts.
            ReadinessCheck(name: "dispatcher", passed: dispatcher.isRunning || dispatcher.isWaitingForSwitch,
                           detail: dispatcher.isRunning ? "running"
                               : dispatcher.isWaitingForSwitch ? "starts once the previous configuration's sends in flight have their answer (reload)"
                               : "not running (starting or stopping)"),
        ]
    }

    /// Logs each payment held at intake (a suspected duplicate).
    private func logHeld(_ payments: [PaymentRecord]) {
        for payment in payments where payment.status == .held {
            var metadata: Logger.Metadata = ["bank": "\(payment.bankId)", "payment_id": "\(payment.id)",
                                             "code": "\(payment.suspectedDuplicateOf == nil ? "held" : "suspected_duplicate")",
                                             "reason": "\(payment.holdReason ?? "-")"]
            metadata.merge(RequestTrace.logMetadata(), uniquingKeysWith: { own, _ in own })
            logger.warning("payment held", metadata: metadata)
        }
    }

    /// Refuses a payment its bank's format requires more of, or cannot carry (422, the field named).
    /// Whether the debtor account's bank can take `request` as it is: the fields its format
    /// requires or cannot carry, then what only its adapter can tell (its encoding, its byte limits,
    /// its profile's character rules).
    public static func checkPayment(_ request: PaymentRequest, adapter: any BankAdapter, requirements: PaymentFieldRequirements,
                                    debtor: DebtorAccount, prefix: @autoclosure () -> String) throws(GatewayError) {
        try checkRequirements(requirements, request, prefix: prefix())
        if let problem = adapter.intakeProblem(request.transferForChecks, debtor: debtor) {
            throw GatewayError(.validation, code: .invalidText, message: problem.message, field: prefix() + problem.field)
        }
    }

    /// Checks a payroll's lines as the bank's payroll message carries them: `invalid_text` naming
    /// the line (`prefix(line)`) and the API field at fault.
    public static func checkPayroll(_ requests: [PaymentRequest], adapter: any PayrollAdapter, debtor: DebtorAccount,
                                    prefix: (Int) -> String) throws(GatewayError) {
        if let (line, problem) = adapter.payrollProblem(requests.map(\.transferForChecks), debtor: debtor) {
            throw GatewayError(.validation, code: .invalidText, message: problem.message, field: prefix(line) + problem.field)
        }
    }

    public static func checkRequirements(_ requirements: PaymentFieldRequirements, _ request: PaymentRequest,
                                  prefix: @autoclosure () -> String) throws(GatewayError) {
        guard let problem = requirements.problem(carries: request.carries, creditorBankCode: request.creditor.bankCode,
                                                 purpose: request.details.purpose) else { return }
        switch problem {
        case .missing(let field):
            let why = field == .creditorBankName && request.creditor.bankCode.map(CNAPS.isValid) == true
                ? " for a payment to a CNAPS bank code" : ""
            throw GatewayError(.validation, code: .missingField,
                               message: "\(field.rawValue) is required by the debtor account's bank\(why)", field: prefix() + field.rawValue)
        case .notCarried(let field):
            throw GatewayError(.validation, code: .unsupportedField,
                               message: "\(field.rawValue) cannot be carried by the debtor account's bank's format",
                               field: prefix() + field.rawValue)
        case .purposeTooLong(let max):
            throw GatewayError(.validation, code: .tooLong,
                               message: "purpose is longer than the \(max) characters the debtor account's bank's format carries",
                               field: prefix() + "purpose")
        }
    }

    private func notFound() -> GatewayError {
        GatewayError(.notFound, code: .notFound, message: "no payment with this id")
    }

    /// Store errors as API errors (``GatewayError/init(storeError:)``); unexpected ones are logged.
    private func mapStoreError(_ error: any Error) -> GatewayError {
        let mapped = GatewayError(storeError: error)
        if mapped.code == .storeUnavailable { logger.error("store error", metadata: ["error": "\(error)"]) }
        return mapped
    }
}

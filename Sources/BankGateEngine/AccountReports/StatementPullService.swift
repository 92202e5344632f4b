public import BankGateConfig
public import BankGateCore
import BankGateStore
public import Logging
public import ServiceLifecycle
import Synchronization
import BankGateStatements

/// Pulls statements from the banks: each account's end-of-day statements daily at its configured
/// time (every day since the last one stored, so a missed day is caught up), its intraday report
/// every few minutes, and again whatever range a detected gap left open. What comes back is
/// imported like any other statement, and only then counted as pulled.
public final class StatementPullService: Service, Sendable {
    /// One account's pull settings and how to reach its bank.
    struct PullTarget: Sendable {
        var account: DebtorAccount
        var config: StatementPullConfig
        var channel: ReportChannel
        /// Signs and seals requests as the bank wants them.
        var connection: BankConnection
        var transport: any BankTransport
        var bankId: String
    }

    let targets: [String: PullTarget]
    let reports: AccountReports
    let clock: any WallClock
    let logger: Logger
    let tickMilliseconds: Int
    /// Per account: when each kind of pull last ran (milliseconds), so that a bank that has nothing
    /// yet is not asked again on every tick.
    private let lastRun = Mutex<[String: Int64]>([:])
    /// Days fetched per end-of-day request at most.
    static let maximumCatchUpDays = 31
    /// A failed or empty end-of-day pull is tried again after this long.
    static let retryMilliseconds: Int64 = 15 * 60_000
    /// A gap is asked for again at most this often, and at most `maximumGapPulls` times.
    static let gapRetryMilliseconds: Int64 = 10 * 60_000
    static let maximumGapPulls = 5

    public init(configuration: BankGateConfiguration, connections: [BankConnection], reports: AccountReports,
                clock: any WallClock, logger: Logger, tickMilliseconds: Int = 30_000) {
        var targets: [String: PullTarget] = [:]
        let byBank = Dictionary(connections.map { ($0.config.id, $0) }, uniquingKeysWith: { first, _ in first })
        for account in configuration.accounts {
            guard let connection = byBank[account.bank], let channel = ReportChannel(connection.adapter) else { continue }
            targets[account.id] = PullTarget(account: account.debtorAccount(), config: account.statementPulls, channel: channel, connection: connection,
                                             transport: connection.transport, bankId: connection.config.id)
        }
        self.targets = targets
        self.reports = reports
        self.clock = clock
        self.logger = logger
        self.tickMilliseconds = max(100, tickMilliseconds)
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await tick()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(self.tickMilliseconds)) }
        }
    }

    /// One look at every account: due end-of-day pulls, intraday pulls and open gaps.
    public func tick() async {
        let now = clock.now()
        // A bank in a maintenance window is not asked; its pulls are due again after it.
        for target in targets.values.sorted(by: { $0.account.id < $1.account.id })
        where !target.connection.config.timetable.isInMaintenance(at: now) {
            await pullEndOfDayIfDue(target, now: now)
            await pullIntradayIfDue(target, now: now)
        }
        await pullOpenGaps(now: now)
    }

    /// Pulls `kind` reports of `accountId` for `from…to` now, and imports them (operators, tests).
    public func pull(accountId: String, kind: AccountReportKind, from: String, to: String) async throws(GatewayError) -> [StatementImportResult] {
        guard let target = targets[accountId] else {
            throw GatewayError(.notFound, code: .notFound, message: "no account with this id whose bank answers report requests")
        }
        return try await pull(target, kind: kind, from: from, to: to)
    }

    private func pullEndOfDayIfDue(_ target: PullTarget, now: Timestamp) async {
        guard let at = target.config.endOfDayAtMinutes else { return }
        let minuteOfDay = Int((now.milliseconds % 86_400_000) / 60_000)
        let key = "eod:\(target.account.id)"
        guard minuteOfDay >= at, claim(key, now: now, every: Self.retryMilliseconds) else { return }
        let today = now.dateString
        guard let yesterday = DateArithmetic.adding(days: -1, to: today) else { return }
        let last = (try? await reports.statements.lastStatementDate(accountId: target.account.id, reportKind: .endOfDay)) ?? nil
        guard last.map({ $0 < yesterday }) ?? true else { return }
        let earliest = DateArithmetic.adding(days: -(Self.maximumCatchUpDays - 1), to: yesterday) ?? yesterday
        let from = max(last.flatMap { DateArithmetic.adding(days: 1, to: $0) } ?? yesterday, earliest)
        do {
            _ = try await pull(target, kind: .endOfDay, from: from, to: yesterday)
        } catch {
            retrySoon(key, now: now, every: Self.retryMilliseconds)
        }
    }

    private func pullIntradayIfDue(_ target: PullTarget, now: Timestamp) async {
        let interval = target.config.intradayIntervalMinutes
        let key = "intraday:\(target.account.id)"
        guard interval > 0, claim(key, now: now, every: Int64(interval) * 60_000) else { return }
        let today = now.dateString
        do {
            _ = try await pull(target, kind: .intraday, from: today, to: today)
        } catch {
            retrySoon(key, now: now, every: Int64(interval) * 60_000)
        }
    }

    private func pullOpenGaps(now: Timestamp) async {
        guard let gaps = try? await reports.statements.openGaps() else { return }
        for gap in gaps where gap.pulls < Self.maximumGapPulls && gap.reportKind == .endOfDay {
            guard let target = targets[gap.accountId], !target.connection.config.timetable.isInMaintenance(at: now),
                  claim("gap:\(gap.id)", now: now, every: Self.gapRetryMilliseconds) else { continue }
            try? await reports.statements.recordGapPull(id: gap.id, at: now)
            logger.info("pulling a statement gap again", metadata: [
                "account": "\(gap.accountId)", "from": "\(gap.fromDate)", "to": "\(gap.toDate)", "reason": "\(gap.reason)",
            ])
            _ = try? await pull(target, kind: .endOfDay, from: gap.fromDate, to: gap.toDate)
        }
    }

    /// Asks the bank for today's intraday report now (a live balance query, `?refresh=true`) and
    /// imports it; archived as a balance request and answer.
    public func refreshBalances(accountId: String) async throws(GatewayError) -> [StatementImportResult] {
        guard let target = targets[accountId] else {
            throw GatewayError(.notFound, code: .notFound, message: "no account with this id whose bank answers report requests")
        }
        let today = clock.now().dateString
        return try await pull(target, kind: .intraday, from: today, to: today, exchange: (.balanceRequest, .balanceAnswer))
    }

    /// Sends one report request and imports the answer. Request and answer are archived byte for
    /// byte (the request before it leaves, an empty answer as a zero-byte record), and the
    /// statements the answer carried are linked to it.
    private func pull(_ target: PullTarget, kind: AccountReportKind, from: String, to: String,
                      exchange: (request: BankExchange, answer: BankExchange) = (.statementRequest, .statementAnswer))
        async throws(GatewayError) -> [StatementImportResult] {
        try queryExchange(target).checkNotInMaintenance()
        let adapter: any AccountReportingAdapter
        switch target.channel {
        case .accountQueries(let queries):
            return try await pullByQueries(target, adapter: queries, kind: kind, from: from, to: to, exchange: exchange)
        case .reportRequests(let reporting):
            adapter = reporting
        }
        let now = clock.now()
        let messageName = kind == .intraday ? "camt.052.001.08" : target.config.endOfDayMessage
        let request: EncodedMessage
        do {
            let encoded = try adapter.encodeReportRequest(account: target.account, kind: kind, messageName: messageName,
                                                          fromDate: from, toDate: to, requestId: IdentifierFactory.make("BGR"),
                                                          createdAt: now)
            request = try await target.connection.prepare(encoded, at: now, debtorAccountId: target.account.id)
        } catch {
            throw GatewayError(.validation, code: .invalidReportRequest, message: "\(error)")
        }
        let accountId = target.account.id
        let requestId = try await archive(target, MessageToArchive(direction: .outbound, kind: request.kind, exchange: exchange.request,
                                                                   accountId: accountId,
                                                                   bytes: target.connection.adapter.archivableBytes(request)), at: now)
        let outcome = await MeteredTransport.$reportKind.withValue(GatewayMetrics.CallKind(request: exchange.request)) {
            await target.transport.report(request)
        }
        if case .answered(let status, let body) = outcome {
            let answerKind = (200..<300).contains(status)
                ? (body.isEmpty ? "empty" : InboundFileKind.statementMessageName(body))
                : "http-error"
            let answerId = try await archive(target, MessageToArchive(
                direction: .inbound, kind: answerKind, exchange: exchange.answer, accountId: accountId, requestId: requestId,
                httpStatus: status, bytes: body), at: clock.now())
            if (200..<300).contains(status) {
                // 204 (or an empty body): the bank has nothing for the period yet.
                if status == 204 || body.isEmpty { return [] }
                do {
                    try adapter.checkReportAnswer(body)
                } catch {
                    logger.warning("statement answer not trusted", metadata: ["account": "\(accountId)", "reason": "\(error)"])
                    throw GatewayError(.unavailable, code: .bankRefused, message: "the bank's report answer is not trusted: \(error)")
                }
                let results = try await reports.importStatement(bytes: body, format: .auto, source: .pull,
                                                                sourceName: "\(messageName) pulled \(from)…\(to)",
                                                                expectedAccountId: accountId)
                await reports.linkArchived(results, to: answerId)
                logger.info("statements pulled", metadata: [
                    "account": "\(accountId)", "kind": "\(kind.rawValue)", "from": "\(from)", "to": "\(to)",
                    "statements": "\(results.count)", "new_entries": "\(results.reduce(0) { $0 + $1.newEntries })",
                ])
                return results
            }
        }
        switch outcome {
        case .answered(let status, _):
            logger.warning("statement pull refused", metadata: ["account": "\(accountId)", "status": "\(status)"])
            throw GatewayError(.unavailable, code: .bankRefused, message: "the bank answered HTTP \(status) to the report request")
        case .notSent(let reason), .unknown(let reason):
            logger.warning("statement pull failed", metadata: ["account": "\(accountId)", "reason": "\(reason)"])
            throw GatewayError(.unavailable, code: .bankUnreachable, message: "the report request failed: \(reason)")
        case .delivered:
            return []
        }
    }

    /// Archives one message of a pull; a pull whose messages cannot be archived does not go on.
    func archive(_ target: PullTarget, _ message: MessageToArchive, at: Timestamp) async throws(GatewayError) -> Int64 {
        try await queryExchange(target).archive(message, at: at)
    }

    /// How queries about `target`'s account are sent and archived.
    func queryExchange(_ target: PullTarget) -> AccountQueryExchange {
        AccountQueryExchange(connection: target.connection, transport: target.transport, bankId: target.bankId,
                             accountId: target.account.id, payments: reports.payments, clock: clock, logger: logger)
    }

    /// After a failed pull: run `key` again a minute from now rather than a whole interval later.
    private func retrySoon(_ key: String, now: Timestamp, every interval: Int64) {
        lastRun.withLock { $0[key] = now.milliseconds - interval + min(interval, Self.failureRetryMilliseconds) }
    }

    /// A pull that failed (bank unreachable, refused) is tried again after this long.
    static let failureRetryMilliseconds: Int64 = 60_000

    /// True (and remembered) when `key` last ran `every` milliseconds ago or more.
    private func claim(_ key: String, now: Timestamp, every interval: Int64) -> Bool {
        lastRun.withLock { runs in
            if let last = runs[key], now.milliseconds - last < interval { return false }
            runs[key] = now.milliseconds
            return true
        }
    }
}

import BankGateAdapters
import Logging
import BankGateCore
import BankGateStatements
import BankGateStore
import BankGateTransport

/// How an account's bank gives its statements.
enum ReportChannel: Sendable {
    /// The bank answers a report request with a statement file (camt.060 → camt.053/052, MT940).
    case reportRequests(any AccountReportingAdapter)
    /// The bank answers balance and transaction-detail queries in its own format.
    case accountQueries(any AccountQueryAdapter)

    /// The channel of `adapter`, or `nil` when its bank gives no statements.
    init?(_ adapter: any BankAdapter) {
        if let queries = adapter as? any AccountQueryAdapter {
            self = .accountQueries(queries)
        } else if let reporting = adapter as? any AccountReportingAdapter {
            self = .reportRequests(reporting)
        } else {
            return nil
        }
    }
}

extension StatementPullService {
    /// The most pages of one transaction query followed, against a bank that never stops paging.
    static let maximumPages = 1_000

    /// Pulls by queries: the transactions of the range (in chunks the bank allows, following its
    /// pages), then the balances now; assembles statements from both (``QueriedStatements``) and
    /// imports them. Every query and answer is archived byte for byte and linked to the statements.
    func pullByQueries(_ target: PullTarget, adapter: any AccountQueryAdapter, kind: AccountReportKind, from: String, to: String,
                       exchange: (request: BankExchange, answer: BankExchange)) async throws(GatewayError) -> [StatementImportResult] {
        let now = clock.now()
        let today = now.dateString
        let pullId = IdentifierFactory.make("BGR")
        let (fromDate, toDate) = kind == .intraday ? (today, today) : (from, to)
        guard Timestamp.parseDate(fromDate) != nil, Timestamp.parseDate(toDate) != nil, fromDate <= toDate else {
            throw GatewayError(.validation, code: .invalidReportRequest, message: "the period must be two YYYY-MM-DD dates in order")
        }
        let account = target.account
        var transactions: [StatementTransaction] = []
        var answerIds: [Int64] = []

        var chunkStart = fromDate
        while chunkStart <= toDate {
            let chunkEnd = min(toDate, DateArithmetic.adding(days: max(1, adapter.maxTransactionQueryDays) - 1, to: chunkStart) ?? toDate)
            var continuation: String?
            var pages = 0
            repeat {
                let request: EncodedMessage
                do {
                    let encoded = try adapter.encodeTransactionQuery(account: account, fromDate: chunkStart, toDate: chunkEnd,
                                                                     continuation: continuation, queryId: IdentifierFactory.makeRequestId("BGR", adapter.clientReferenceFormat),
                                                                     createdAt: clock.now())
                    request = try await target.connection.prepare(encoded, at: clock.now(), debtorAccountId: account.id)
                } catch {
                    throw GatewayError(.validation, code: .invalidReportRequest, message: "\(error)")
                }
                let (body, answerId) = try await ask(target, request, exchange: (.statementRequest, .statementAnswer))
                answerIds.append(answerId)
                var page: TransactionQueryPage
                do {
                    page = try adapter.decodeTransactionQueryPage(body, account: account, statementId: pullId)
                } catch {
                    throw GatewayError(.unavailable, code: .bankRefused, message: "the transaction query's answer cannot be read: \(error)")
                }
                if let file = page.detailFile {
                    let (filePage, fileId) = try await fetchDetailFile(file, listedIn: page, target, adapter: adapter,
                                                                       answerId: answerId, statementId: pullId)
                    page = filePage
                    answerIds.append(fileId)
                }
                transactions += page.transactions
                continuation = page.continuation
                pages += 1
            } while continuation != nil && pages < Self.maximumPages
            guard let next = DateArithmetic.adding(days: 1, to: chunkEnd) else { break }
            chunkStart = next
        }

        let balances: [StatementBalance]
        do {
            let request = try await target.connection.prepare(
                try adapter.encodeBalanceQuery(account: account, queryId: IdentifierFactory.makeRequestId("BGR", adapter.clientReferenceFormat), createdAt: clock.now()),
                at: clock.now(), debtorAccountId: account.id)
            let (body, answerId) = try await ask(target, request, exchange: exchange.request == .balanceRequest
                                                    ? exchange : (.balanceRequest, .balanceAnswer))
            answerIds.append(answerId)
            balances = try adapter.decodeBalanceAnswer(body, account: account, asOf: today)
        } catch let error as GatewayError {
            throw error
        } catch {
            throw GatewayError(.unavailable, code: .bankRefused, message: "the balance query's answer cannot be read: \(error)")
        }

        let assembly: QueriedStatements.Assembly
        do {
            assembly = kind == .intraday
                ? try QueriedStatements.intraday(account: account, date: today, transactions: transactions, balances: balances,
                                                 messageId: pullId, createdAt: now)
                : try QueriedStatements.endOfDay(account: account, fromDate: fromDate, toDate: toDate, transactions: transactions,
                                                 balances: balances, messageId: pullId, createdAt: now)
        } catch {
            throw GatewayError(.unavailable, code: .bankRefused, message: "cannot assemble statements from the answers: \(error)")
        }
        if !assembly.undetermined.isEmpty {
            logger.warning("days whose balances the bank's answers do not determine", metadata: [
                "account": "\(account.id)", "days": "\(assembly.undetermined.joined(separator: ","))",
            ])
        }
        guard !assembly.document.isEmpty else { return [] }
        let results = try await reports.importStatement(bytes: assembly.document, format: .auto, source: .pull,
                                                        sourceName: "\(adapter.name) queries \(fromDate)…\(toDate)",
                                                        expectedAccountId: account.id)
        for answerId in answerIds { await reports.linkArchived(results, to: answerId) }
        logger.info("statements pulled by queries", metadata: [
            "account": "\(account.id)", "kind": "\(kind.rawValue)", "from": "\(fromDate)", "to": "\(toDate)",
            "statements": "\(results.count)", "new_entries": "\(results.reduce(0) { $0 + $1.newEntries })",
        ])
        return results
    }

    /// Fetches the detail file a transaction query's answer named, through the bank's file transfer,
    /// archives it (as part of the answer `answerId`) and reads it with the adapter: the page that
    /// replaces the answer's, and the file's archive id.
    func fetchDetailFile(_ name: String, listedIn page: TransactionQueryPage, _ target: PullTarget,
                         adapter: any AccountQueryAdapter, answerId: Int64,
                         statementId: String) async throws(GatewayError) -> (TransactionQueryPage, Int64) {
        let accountId = target.account.id
        guard let files = adapter as? any DetailFileAdapter else {
            throw GatewayError(.unavailable, code: .bankRefused,
                               message: "the bank left the details in file \(name), which its adapter cannot read")
        }
        guard let transfer = target.connection.fileTransfer else {
            throw GatewayError(.unavailable, code: .bankUnreachable, message: "the bank left the details in file \(name); "
                               + "bank \(target.bankId) has neither file_transfer nor file_directory to fetch it")
        }
        let bytes: [UInt8]
        do {
            bytes = try await transfer.download(name, maximumBytes: files.maxDetailFileBytes)
        } catch {
            logger.warning("detail file not fetched", metadata: ["account": "\(accountId)", "file": "\(name)", "error": "\(error)"])
            throw GatewayError(.unavailable, code: error.kind == .notFound || error.kind == .tooLarge ? .bankRefused : .bankUnreachable,
                               message: "the detail file \(name) cannot be fetched from \(transfer): \(error)")
        }
        let fileId = try await archive(target, MessageToArchive(direction: .inbound, kind: files.name + ".detail-file",
                                                                exchange: .statementAnswer, accountId: accountId,
                                                                requestId: answerId, bytes: bytes), at: clock.now())
        do {
            return (try files.decodeDetailFile(bytes, listedIn: page, account: target.account, statementId: statementId), fileId)
        } catch {
            throw GatewayError(.unavailable, code: .bankRefused, message: "the detail file \(name) cannot be read: \(error)")
        }
    }

    /// Sends one query, archiving it and its answer; the answer's body when the bank answered 2xx.
    private func ask(_ target: PullTarget, _ request: EncodedMessage,
                     exchange: (request: BankExchange, answer: BankExchange)) async throws(GatewayError) -> ([UInt8], Int64) {
        try await queryExchange(target).ask(request, exchange: exchange)
    }
}

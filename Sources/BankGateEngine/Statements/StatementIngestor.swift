public import BankGateArchive
public import BankGateCore
public import BankGateStatements
public import BankGateStore
import Foundation
import Synchronization

/// auto, camt or mt940: the syntax of a statement file.
public typealias StatementInputFormat = StatementParser.Format

/// What importing one statement did.
public struct StatementImportResult: Sendable, Hashable {
    /// bankgate's id (`stm_<n>`).
    public var statementId: String
    /// The bank's statement id.
    public var bankStatementId: String
    public var accountId: String
    public var format: String
    public var reportKind: StatementReportKind
    /// The business date the statement reports.
    public var statementDate: String
    public var entries: Int
    /// Entries seen for the first time.
    public var newEntries: Int
    /// Entries already stored from an earlier report.
    public var duplicates: Int
    public var integrity: StatementIntegrityCheck
    public var continuity: StatementContinuity
    /// The gap this statement revealed, if any.
    public var gap: StatementGap?
    /// The statement had been imported completely before (a re-sent file).
    public var alreadyImported: Bool
    /// `quarantined` when it does not add up: its entries and balances are held until an operator
    /// accepts it or a consistent statement replaces it.
    public var review: StatementReview
    /// Why it is quarantined.
    public var reviewReason: String?
    /// What the reader tolerated in the file (one line each).
    public var warnings: [String]
    /// Accounts whose new transactions should be reconciled.
    public var newTransactionRows: [Int64]
    /// The ZIP member the statement came from, when the file was an archive.
    public var archiveMember: String? = nil
}

/// Why a statement file was not (completely) imported.
public struct StatementImportError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The file is not a statement bankgate reads, or is malformed (the message names where).
        case malformed = "malformed_statement"
        /// A ZIP archive refused as a whole (limits, a zip bomb, encryption, an unsafe or nested
        /// member, a CRC mismatch, a member that is no statement); the message names the member.
        case archiveRefused = "archive_refused"
        /// The statement is for an account that is not configured.
        case unknownAccount = "unknown_account"
        /// The statement is for another account than the one it was uploaded for.
        case accountMismatch = "account_mismatch"
        /// The store failed.
        case store = "store_error"
    }

    public var code: Code
    public var message: String
    /// Statements completely imported before the error (a file with several statements).
    public var imported: [StatementImportResult]

    public var description: String { message }
}

/// Reads a statement file as a stream and stores it: each statement, each entry once (see
/// ``TransactionIdentity``), balances, and the integrity and continuity checks of the store.
///
/// The parser runs on a thread of its own and hands entries over in chunks through a bounded
/// channel, so memory stays bounded whatever the file's size, and the store's writer is never held
/// by parsing. A statement is committed chunk by chunk, staged, and published whole when it
/// completes (see ``StatementStore``); a failed import is rolled back. The caller may acknowledge the
/// file (move it out of the inbox, answer an upload) only after this returns.
///
/// Before its first import, the ingestor rolls back the imports a crash interrupted
/// (``recoverInterruptedImports()``), so that no import can run beside that recovery.
public final class StatementIngestor: Sendable {
    let store: StatementStore
    let clock: any WallClock
    /// Account number (upper case, no spaces) → account.
    let accountsByNumber: [String: DebtorAccount]
    /// Entries per store transaction.
    let chunkSize: Int
    /// What a ZIP upload may unpack to.
    let archiveLimits: ZipArchive.Limits
    /// Start-up recovery of interrupted imports, run once before the first import.
    private let recovery = OnceOnly()

    /// `archiveLimits.maxTotalBytes` is `[server] max_archive_unpacked_bytes`.
    public init(store: StatementStore, accounts: [DebtorAccount], clock: any WallClock, chunkSize: Int = 500,
                archiveLimits: ZipArchive.Limits = ZipArchive.Limits()) {
        self.store = store
        self.archiveLimits = archiveLimits
        self.clock = clock
        var byNumber: [String: DebtorAccount] = [:]
        for account in accounts { byNumber[Self.normalize(account.number)] = account }
        accountsByNumber = byNumber
        self.chunkSize = max(1, chunkSize)
    }

    /// Imports the statement file at `path`; a ZIP archive (at most ``maxArchiveFileBytes``) is read
    /// whole and its members imported in order.
    public func importFile(at path: String, format: StatementInputFormat, source: StatementSource, sourceName: String? = nil,
                           expectedAccountId: String? = nil) async throws(StatementImportError) -> [StatementImportResult] {
        if Self.isArchiveFile(path) {
            let bytes = try Self.readArchiveFile(path, limit: Self.maxArchiveFileBytes)
            return try await importArchive(bytes, format: format, source: source,
                                           sourceName: sourceName ?? (path as NSString).lastPathComponent,
                                           expectedAccountId: expectedAccountId)
        }
        return try await run(source: source, sourceName: sourceName ?? (path as NSString).lastPathComponent,
                      expectedAccountId: expectedAccountId) { visitor in
            try StatementParser.parse(file: path, format: format, visitor: &visitor)
        }
    }

    /// Imports a statement file held in memory (an upload, a pulled report); a ZIP archive's members
    /// are imported in order.
    public func importBytes(_ bytes: [UInt8], format: StatementInputFormat, source: StatementSource, sourceName: String?,
                            expectedAccountId: String? = nil) async throws(StatementImportError) -> [StatementImportResult] {
        if ZipArchive.isArchive(bytes) {
            return try await importArchive(bytes, format: format, source: source, sourceName: sourceName,
                                           expectedAccountId: expectedAccountId)
        }
        return try await run(source: source, sourceName: sourceName, expectedAccountId: expectedAccountId) { visitor in
            try StatementParser.parse(bytes: bytes, format: format, visitor: &visitor)
        }
    }

    /// Rolls back the imports a crash left `importing` (``StatementStore/rollBackInterruptedImports(at:)``),
    /// once per process; every import waits for it. Returns the statements rolled back, or nil when
    /// this ran before.
    public func recoverInterruptedImports() async throws -> [String]? {
        let store = store
        let clock = clock
        return try await recovery.run { try await store.rollBackInterruptedImports(at: clock.now()) }
    }

    /// The account a statement reports on, by its number (IBAN or domestic, spaces ignored).
    public func account(for statementAccount: StatementAccount) -> DebtorAccount? {
        accountsByNumber[Self.normalize(statementAccount.identifier)]
    }

    static func normalize(_ number: String) -> String {
        String(number.uppercased().filter { !$0.isWhitespace })
    }

    // MARK: - Producer and consumer

    /// The largest ZIP file read from disk (the inbox, benchmarks): the upload limit.
    public static let maxArchiveFileBytes = 64 << 20

    func run(source: StatementSource, sourceName: String?, expectedAccountId: String?,
                     parse: @escaping @Sendable (inout ChunkingVisitor) throws -> Void) async throws(StatementImportError) -> [StatementImportResult] {
        do {
            _ = try await recoverInterruptedImports()
        } catch {
            throw StatementImportError(code: .store, message: "the store could not roll back interrupted imports: \(error)", imported: [])
        }
        let channel = BoundedChannel<ParseEvent>(capacity: 4)
        let chunkSize = self.chunkSize
        let thread = Thread {
            var visitor = ChunkingVisitor(channel: channel, chunkSize: chunkSize)
            do {
                try parse(&visitor)
                visitor.flush()
            } catch is ChannelClosed {
                // The consumer stopped first; it has its own error.
            } catch {
                _ = channel.send(.failed(error))
            }
            channel.finish()
        }
        thread.name = "bankgate-statement-parser"
        thread.start()

        var results: [StatementImportResult] = []
        var current: ImportInProgress?
        do {
            for await event in channel.events {
                defer { channel.consumed() }
                switch event {
                case .begin(let header):
                    current = try await begin(header, source: source, sourceName: sourceName, expectedAccountId: expectedAccountId)
                case .entries(let transactions):
                    guard var progress = current else { continue }
                    try await insert(transactions, into: &progress)
                    current = progress
                case .end(let header, let summary):
                    guard let progress = current else { continue }
                    results.append(try await finish(progress, header: header, summary: summary))
                    current = nil
                case .failed(let error):
                    throw StatementImportError(code: .malformed, message: "\(error)", imported: results)
                }
            }
        } catch var error as StatementImportError {
            channel.close()
            error.imported = results
            if let current { try? await store.failStatement(row: current.registration.row, reason: error.message, at: clock.now()) }
            throw error
        } catch {
            channel.close()
            if let current { try? await store.failStatement(row: current.registration.row, reason: "\(error)", at: clock.now()) }
            throw StatementImportError(code: .store, message: "the store could not record the statement: \(error)", imported: results)
        }
        return results
    }

    private struct ImportInProgress {
        var account: DebtorAccount
        var format: StatementFormat
        var draft: StatementDraft
        var registration: StatementStore.Registration
        var counter = TransactionIdentity.OccurrenceCounter()
        var newRows: [Int64] = []
        var duplicates = 0
    }

    private func begin(_ header: StatementHeader, source: StatementSource, sourceName: String?,
                       expectedAccountId: String?) async throws -> ImportInProgress {
        guard let account = account(for: header.account) else {
            throw StatementImportError(code: .unknownAccount,
                                       message: "statement \(header.statementId) is for an account that is not configured", imported: [])
        }
        if let expectedAccountId, expectedAccountId != account.id {
            throw StatementImportError(code: .accountMismatch,
                                       message: "statement \(header.statementId) is for account \(account.id), not \(expectedAccountId)",
                                       imported: [])
        }
        let currency = header.account.currency.flatMap(Currency.init(code:))
            ?? header.balances.first?.amount.currency ?? account.currency
        let date = header.closingBalance?.date ?? header.toDate.map { String($0.prefix(10)) }
            ?? header.createdAt.map { String($0.prefix(10)) } ?? clock.now().dateString
        let draft = StatementDraft(
            accountId: account.id, format: header.format.rawValue, reportKind: StatementReportKind(header.format.reportKind),
            messageId: header.messageId, statementId: header.statementId, electronicSequence: header.electronicSequence,
            legalSequence: header.legalSequence, page: header.page, bankCreatedAt: header.createdAt,
            fromDate: header.fromDate, toDate: header.toDate, statementDate: date, currency: currency, source: source,
            sourceName: sourceName)
        let registration = try await store.beginStatement(draft, at: clock.now())
        return ImportInProgress(account: account, format: header.format, draft: draft, registration: registration)
    }

    private func insert(_ transactions: [StatementTransaction], into progress: inout ImportInProgress) async throws {
        var drafts: [BankTransactionDraft] = []
        drafts.reserveCapacity(transactions.count)
        for transaction in transactions {
            let identity = TransactionIdentity.make(transaction, format: progress.format, counter: &progress.counter)
            drafts.append(Self.draft(transaction, identity: identity))
        }
        let result = try await store.insertTransactions(drafts, accountId: progress.account.id,
                                                        statementRow: progress.registration.row, at: clock.now())
        progress.newRows += result.inserted + result.nowBooked
        progress.duplicates += result.duplicates
    }

    private func finish(_ progress: ImportInProgress, header: StatementHeader,
                        summary: StatementSummary) async throws -> StatementImportResult {
        let integrity: (label: StatementIntegrityCheck, expected: Int64?) = switch summary.integrity {
        case .consistent: (.consistent, header.closingBalance?.amount.minorUnits)
        case .inconsistent(let expected, _): (.inconsistent, expected)
        case .notApplicable: (.notApplicable, nil)
        }
        let completion = StatementCompletion(
            entries: summary.entries, bookedCredits: summary.bookedCredits, bookedDebits: summary.bookedDebits,
            openingBalance: header.openingBalance?.amount.minorUnits, closingBalance: header.closingBalance?.amount.minorUnits,
            closingAvailable: header.balance("CLAV")?.amount.minorUnits, integrity: integrity.label, expectedClosing: integrity.expected,
            balances: header.balances.filter { !$0.isIntermediate }.map { BalanceDraft(type: $0.type, date: $0.date, amount: $0.amount) },
            warnings: header.warnings.map { "\($0.code): \($0)" })
        let outcome = try await store.finishStatement(row: progress.registration.row, completion: completion, at: clock.now())
        return StatementImportResult(
            statementId: "stm_\(progress.registration.row)", bankStatementId: header.statementId, accountId: progress.account.id,
            format: header.format.rawValue, reportKind: progress.draft.reportKind, statementDate: progress.draft.statementDate,
            entries: summary.entries, newEntries: progress.newRows.count,
            duplicates: progress.duplicates, integrity: outcome.integrity, continuity: outcome.continuity, gap: outcome.gap,
            alreadyImported: progress.registration.alreadyComplete, review: outcome.review, reviewReason: outcome.reviewReason,
            warnings: completion.warnings, newTransactionRows: progress.newRows)
    }

    static func draft(_ transaction: StatementTransaction, identity: String) -> BankTransactionDraft {
        let code = transaction.transactionCode
        return BankTransactionDraft(
            identity: identity, statementId: transaction.statementId, sequence: transaction.sequence,
            bookingDate: transaction.bookingDate, valueDate: transaction.valueDate,
            amount: Money(minorUnits: transaction.signedMinorUnits, currency: transaction.amount.currency),
            status: transaction.status.rawValue, reversal: transaction.isReversal, bankReference: transaction.bankReference,
            accountServicerReference: transaction.accountServicerReference, endToEndId: transaction.endToEndId,
            instructionId: transaction.instructionId, messageId: transaction.messageId,
            paymentInfoId: transaction.paymentInformationId, uetr: transaction.uetr, counterpartyName: transaction.counterparty.name,
            counterpartyAccount: transaction.counterparty.account, counterpartyBank: transaction.counterparty.bankCode,
            remittanceInfo: transaction.remittanceInformation, structuredReference: transaction.structuredReference,
            codeDomain: code.domain, codeFamily: code.family, codeSubFamily: code.subFamily, codeProprietary: code.proprietary,
            balanceAfter: transaction.balanceAfter?.minorUnits, additionalInfo: transaction.additionalInformation,
            sourceLine: transaction.source.line, sourcePath: transaction.source.path)
    }
}

/// What the parser thread hands to the importer.
enum ParseEvent: Sendable {
    case begin(StatementHeader)
    case entries([StatementTransaction])
    case end(StatementHeader, StatementSummary)
    case failed(any Error)
}

/// Thrown into the parser when the importer has stopped listening.
struct ChannelClosed: Error {}

/// A visitor that groups entries into chunks and passes everything to the channel.
struct ChunkingVisitor: StatementVisitor {
    let channel: BoundedChannel<ParseEvent>
    let chunkSize: Int
    var pending: [StatementTransaction] = []

    init(channel: BoundedChannel<ParseEvent>, chunkSize: Int) {
        self.channel = channel
        self.chunkSize = chunkSize
        pending.reserveCapacity(chunkSize)
    }

    mutating func beginStatement(_ header: StatementHeader) throws {
        try send(.begin(header))
    }

    mutating func transaction(_ transaction: StatementTransaction) throws {
        pending.append(transaction)
        if pending.count >= chunkSize { try sendPending() }
    }

    mutating func endStatement(_ header: StatementHeader, summary: StatementSummary) throws {
        try sendPending()
        try send(.end(header, summary))
    }

    mutating func flush() {
        try? sendPending()
    }

    private mutating func sendPending() throws {
        guard !pending.isEmpty else { return }
        try send(.entries(pending))
        pending.removeAll(keepingCapacity: true)
    }

    private func send(_ event: ParseEvent) throws {
        guard channel.send(event) else { throw ChannelClosed() }
    }
}

/// A channel from one producer thread to one async consumer that holds at most `capacity`
/// unconsumed elements: the producer blocks (it is a thread of its own, never the cooperative
/// pool) until the consumer has taken one.
final class BoundedChannel<Element: Sendable>: Sendable {
    private let slots: DispatchSemaphore
    private let capacity: Int
    private let closed = Atomic<Bool>(false)
    let events: AsyncStream<Element>
    private let continuation: AsyncStream<Element>.Continuation

    init(capacity: Int) {
        self.capacity = capacity
        slots = DispatchSemaphore(value: capacity)
        (events, continuation) = AsyncStream.makeStream(of: Element.self, bufferingPolicy: .unbounded)
    }

    /// Blocks until there is room; false when the consumer has closed the channel.
    func send(_ element: Element) -> Bool {
        slots.wait()
        guard !closed.load(ordering: .acquiring) else { return false }
        continuation.yield(element)
        return true
    }

    /// The producer is done.
    func finish() { continuation.finish() }

    /// The consumer has taken one element.
    func consumed() { slots.signal() }

    /// The consumer stops: a producer waiting for room is released and told so.
    func close() {
        closed.store(true, ordering: .releasing)
        for _ in 0...capacity { slots.signal() }
        continuation.finish()
    }
}

extension StatementReportKind {
    /// The store's spelling of the reader's report kind.
    init(_ kind: ReportKind) {
        self = switch kind {
        case .intraday: .intraday
        case .endOfDay: .endOfDay
        case .notification: .notification
        }
    }
}

/// Runs a piece of work once: concurrent callers wait for the first run; a run that throws is
/// tried again by the next caller.
actor OnceOnly {
    private var done = false
    private var running: Task<[String], any Error>?

    /// The work's result for the caller that ran it, nil for the callers after.
    func run(_ work: @escaping @Sendable () async throws -> [String]) async throws -> [String]? {
        if done { return nil }
        if let running {
            _ = try await running.value
            return nil
        }
        let task = Task { try await work() }
        running = task
        defer { running = nil }
        let result = try await task.value
        done = true
        return result
    }
}

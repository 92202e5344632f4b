public import BankGateCore
public import BankGateStore
public import BankGateTransport
import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization

/// Receipt exports for finance (`/v1/receipt-exports`): an export is asked for (accounts and
/// booking dates, checked and bounded), queued, and written in the background — one at a time, on
/// a thread of its own — into `<exports folder>/<id>.zip` by ``ReceiptArchiveWriter``, its progress
/// recorded as it goes; the client polls it and downloads the ZIP when `ready`.
///
/// An export a shutdown stops is queued again (audited), and at start every export left `running`
/// (by a crash) is queued again, so none stays `running` and each runs to its end.
public final class ReceiptExportService: Service, Sendable {
    /// What one export may hold.
    public struct Limits: Sendable, Hashable {
        public var maxAccounts: Int
        /// Booking days from `from` to `to`, both counted.
        public var maxDays: Int
        public var maxReceipts: Int64

        public init(maxAccounts: Int = 50, maxDays: Int = 366, maxReceipts: Int64 = 200_000) {
            self.maxAccounts = maxAccounts
            self.maxDays = maxDays
            self.maxReceipts = maxReceipts
        }
    }

    /// A page of exports, newest first, and the cursor of the next (`nil` on the last page).
    public struct Page: Sendable {
        public var exports: [ReceiptExportRecord]
        public var nextCursor: String?
    }

    let exports: ReceiptExportStore
    let receipts: ReceiptStore
    let files: ContentAddressedFiles
    /// The folder the ZIPs are kept in.
    public let directory: String
    let accountIds: Set<String>
    let limits: Limits
    let clock: any WallClock
    let logger: Logger
    /// Wakes the exporter when an export is asked for. A signal, not a stream: the exporter may
    /// run again after it stopped (a singleton that lost its lock and took it again).
    private let wake = WakeSignal()
    private let stopping = Atomic<Bool>(false)
    /// How long the exporter sleeps when nothing wakes it (it looks for queued exports then too).
    static let idleMilliseconds = 60_000
    /// How often a running export's progress is written to the store.
    let progressIntervalMilliseconds: Int

    /// - Parameters:
    ///   - directory: the exports folder (created 0700 when missing).
    ///   - accountIds: the configured accounts, the only ones an export may name.
    public init(exports: ReceiptExportStore, receipts: ReceiptStore, files: ContentAddressedFiles, directory: String,
                accountIds: some Sequence<String>, limits: Limits = Limits(), clock: any WallClock, logger: Logger,
                progressIntervalMilliseconds: Int = 500) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        self.exports = exports
        self.receipts = receipts
        self.files = files
        self.directory = directory
        self.accountIds = Set(accountIds)
        self.limits = limits
        self.clock = clock
        self.logger = logger
        self.progressIntervalMilliseconds = progressIntervalMilliseconds
    }

    // MARK: - What the API asks

    /// Checks `request` and records the export, queued; the exporter starts on it when free.
    /// - Throws: 422 naming the field: `accounts` missing, unknown or too many (`unknown_account`,
    ///   `invalid_parameter`), a date that is not `YYYY-MM-DD` (`invalid_date`), `from` after `to`,
    ///   more days or receipts than ``Limits`` allow (`invalid_range`).
    public func request(_ request: ReceiptExportRequest, requestedBy: String) async throws(GatewayError) -> ReceiptExportRecord {
        var accounts: [String] = []
        for (index, account) in request.accountIds.enumerated() where !accounts.contains(account) {
            guard accountIds.contains(account) else {
                throw GatewayError(.validation, code: .unknownAccount, message: "no account \(account) is configured",
                                   field: "accounts[\(index)]")
            }
            accounts.append(account)
        }
        guard !accounts.isEmpty else {
            throw GatewayError(.validation, code: .missingField, message: "accounts must name at least one account", field: "accounts")
        }
        guard accounts.count <= limits.maxAccounts else {
            throw GatewayError(.validation, code: .invalidParameter,
                               message: "accounts may name at most \(limits.maxAccounts) accounts", field: "accounts")
        }
        let from = try AccountRequestBodies.date(request.fromDate, "from")
        let to = try AccountRequestBodies.date(request.toDate, "to")
        guard let first = CalendarDay(from), let last = CalendarDay(to) else {
            throw GatewayError(.validation, code: .invalidDate, message: "from and to must be dates as YYYY-MM-DD", field: "from")
        }
        guard first <= last else {
            throw GatewayError(.validation, code: .invalidRange, message: "from must not be after to", field: "to")
        }
        guard last.daysSinceEpoch - first.daysSinceEpoch < limits.maxDays else {
            throw GatewayError(.validation, code: .invalidRange,
                               message: "an export covers at most \(limits.maxDays) days: ask for several", field: "to")
        }
        do {
            let count = try await receipts.count(accountIds: accounts, fromDate: from, toDate: to)
            guard count <= limits.maxReceipts else {
                throw GatewayError(.validation, code: .invalidRange,
                                   message: "these accounts and dates hold \(count) receipts, over the \(limits.maxReceipts) one export "
                                       + "may hold: ask for fewer days or accounts", field: "to")
            }
            let record = try await exports.create(accountIds: accounts, fromDate: from, toDate: to, receiptCount: count,
                                                  requestedBy: requestedBy, at: clock.now())
            logger.info("receipt export queued", metadata: ["export": "\(record.id)", "receipts": "\(count)", "by": "\(requestedBy)"])
            wake.signal()
            return record
        } catch {
            throw GatewayError(storeError: error)
        }
    }

    /// The export `id`.
    public func export(id: String) async throws(GatewayError) -> ReceiptExportRecord {
        let found: ReceiptExportRecord?
        do {
            found = try await exports.export(id: id)
        } catch {
            throw GatewayError(storeError: error)
        }
        guard let found else { throw GatewayError(.notFound, code: .notFound, message: "no receipt export with this id") }
        return found
    }

    /// Exports, newest first, after `cursor`.
    public func list(cursor: String?, limit: Int) async throws(GatewayError) -> Page {
        if let cursor, ReceiptExportRecord.rowId(cursor) == nil {
            throw GatewayError(.badRequest, code: .invalidParameter, message: "cursor must be a receipt export id", field: "cursor")
        }
        do {
            let found = try await exports.exports(before: cursor, limit: limit + 1)
            return Page(exports: Array(found.prefix(limit)), nextCursor: found.count > limit ? found[limit - 1].id : nil)
        } catch {
            throw GatewayError(storeError: error)
        }
    }

    /// A ready export and the path of its ZIP.
    /// - Throws: 409 `export_not_ready` while it is queued or running (or when it failed).
    public func download(id: String) async throws(GatewayError) -> (export: ReceiptExportRecord, path: String) {
        let record = try await export(id: id)
        guard record.state == .ready, let fileName = record.fileName else {
            throw GatewayError(.conflict, code: .exportNotReady, message: "receipt export \(id) is \(record.state.rawValue), not ready")
        }
        return (record, directory + "/" + fileName)
    }

    // MARK: - The exporter

    /// Queues again what a crash left running, then runs each queued export in turn, waking when
    /// one is asked for; a graceful shutdown stops the one running (queued again) and ends it.
    /// It may run again after it stopped (an outside check saw an instance exit when its singleton
    /// exporter, stopped by a lost lock, was started again and returned at once).
    public func run() async throws {
        stopping.store(false, ordering: .releasing)
        do {
            let requeued = try await exports.requeueRunning(reason: "interrupted (bankgate stopped while it ran): run again",
                                                            at: clock.now())
            if !requeued.isEmpty { logger.notice("receipt exports run again", metadata: ["exports": "\(requeued.joined(separator: ","))"]) }
        } catch {
            logger.error("receipt exports left running could not be queued again", metadata: ["error": "\(error)"])
        }
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                while !stopping.load(ordering: .acquiring) {
                    await runQueued()
                    if stopping.load(ordering: .acquiring) { break }
                    await wake.wait(milliseconds: Self.idleMilliseconds)
                }
            } onGracefulShutdown: {
                self.stop()
            }
        } onCancel: {
            self.stop()
        }
    }

    private func stop() {
        stopping.store(true, ordering: .releasing)
        wake.signal()
    }

    /// Runs every queued export, oldest first, until none waits (or the service stops).
    public func runQueued() async {
        while !stopping.load(ordering: .acquiring) {
            let next: ReceiptExportRecord?
            do {
                next = try await exports.startNext(at: clock.now())
            } catch {
                logger.error("receipt exports cannot be read", metadata: ["error": "\(error)"])
                return
            }
            guard let next else { return }
            await perform(next)
        }
    }

    /// Writes one running export, and records how it ended.
    func perform(_ export: ReceiptExportRecord) async {
        let fileName = "\(export.id).zip"
        let path = directory + "/" + fileName
        let started = clock.now()
        logger.info("receipt export started", metadata: ["export": "\(export.id)"])
        let result: Result<ReceiptArchiveWriter.Summary, ReceiptArchiveError>
        var index: ReceiptArchiveIndex?
        do {
            let made = try ReceiptArchiveIndex(directory: directory, exportId: export.id, accountIds: export.accountIds,
                                               fromDate: export.fromDate, toDate: export.toDate)
            index = made
            try await fill(made, export)
            let contents = try made.finish()
            result = await write(contents, to: path, export: export)
        } catch let error as ReceiptArchiveError {
            result = .failure(error)
        } catch {
            result = .failure(.write("the receipts could not be read: \(error)"))
        }
        index?.remove()
        do {
            switch result {
            case .success(let summary):
                _ = try await exports.complete(id: export.id, outcome: ReceiptExportOutcome(
                    receiptCount: Int64(summary.receiptCount), bytes: summary.bytes, sha256: summary.sha256, fileName: fileName),
                    at: clock.now())
                logger.info("receipt export ready", metadata: [
                    "export": "\(export.id)", "receipts": "\(summary.receiptCount)", "bytes": "\(summary.bytes)",
                    "ms": "\(clock.now().milliseconds - started.milliseconds)",
                ])
            case .failure(.cancelled):
                try await exports.requeueRunning(reason: "stopped by a shutdown: run again at start", at: clock.now())
                logger.notice("receipt export stopped by the shutdown; it runs again at start", metadata: ["export": "\(export.id)"])
            case .failure(let error):
                unlink(path)
                _ = try await exports.fail(id: export.id, code: error.code, message: error.description, at: clock.now())
                logger.error("receipt export failed", metadata: ["export": "\(export.id)", "error": "\(error)"])
            }
        } catch {
            logger.error("receipt export's end could not be recorded", metadata: ["export": "\(export.id)", "error": "\(error)"])
        }
    }

    /// Indexes every receipt of the export, account after account, 500 read at a time.
    private func fill(_ index: ReceiptArchiveIndex, _ export: ReceiptExportRecord) async throws {
        for account in export.accountIds {
            var cursor: String?
            repeat {
                if stopping.load(ordering: .acquiring) { throw ReceiptArchiveError.cancelled }
                let page = try await receipts.receipts(ReceiptFilter(accountId: account, fromDate: export.fromDate, toDate: export.toDate),
                                                       after: cursor, limit: 500)
                for receipt in page { try index.append(receipt) }
                cursor = page.count == 500 ? page.last?.id : nil
            } while cursor != nil
        }
    }

    /// Writes the ZIP on a thread of its own, recording its progress meanwhile.
    private func write(_ contents: ReceiptArchiveContents, to path: String,
                       export: ReceiptExportRecord) async -> Result<ReceiptArchiveWriter.Summary, ReceiptArchiveError> {
        let writer = ReceiptArchiveWriter(files: files, modified: export.createdAt)
        let progress = ProgressCell()
        return await withTaskGroup(of: Result<ReceiptArchiveWriter.Summary, ReceiptArchiveError>?.self) { group in
            group.addTask { [self] in
                let result = await Self.onThread("bankgate-export") { () -> Result<ReceiptArchiveWriter.Summary, ReceiptArchiveError> in
                    Result { () throws(ReceiptArchiveError) in
                        try writer.write(contents, to: path, progress: { progress.set(Int($0 * 1000)) },
                                         shouldCancel: { self.stopping.load(ordering: .acquiring) })
                    }
                }
                return result
            }
            group.addTask { [self] in
                var recorded = 0
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(progressIntervalMilliseconds))
                    let now = progress.value
                    if now != recorded, !Task.isCancelled {
                        recorded = now
                        try? await exports.updateProgress(id: export.id, permille: now)
                    }
                }
                return nil
            }
            var outcome: Result<ReceiptArchiveWriter.Summary, ReceiptArchiveError> = .failure(.write("the writer did not finish"))
            for await result in group {
                if let result {
                    outcome = result
                    group.cancelAll()
                }
            }
            return outcome
        }
    }

    /// Runs `work` on a new thread (outside the cooperative pool, which it would block) and returns its result.
    static func onThread<T: Sendable>(_ name: String, _ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: work()) }
            thread.name = name
            thread.start()
        }
    }
}

/// The latest progress the writing thread reported, read by the task that records it.
private final class ProgressCell: Sendable {
    private let permille = Atomic<Int>(0)
    var value: Int { permille.load(ordering: .relaxed) }
    func set(_ value: Int) { permille.store(value, ordering: .relaxed) }
}

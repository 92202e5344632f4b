import Foundation
import Logging
import ServiceLifecycle

/// Folder mode (host-to-host file exchange): polls an inbox for `*.xml` messages, hands each to the
/// bank, writes the answer to the outbox and files the input away.
///
/// - The answer to a pain.001 is `<MsgId>.pain.002.xml`; to a status query `<queryId>.pain.002.xml`
///   (characters outside `A-Z a-z 0-9 . _ -` become `_`). Written to a dot-file, then renamed.
/// - The input then moves to `inbox/processed/`; a file that cannot be read moves to `inbox/failed/`
///   with `<name>.reason.txt` beside it.
/// - Maintenance and the injected failure leave the file where it is, for a later poll. The
///   drop-after-execute fault writes no answer; the malformed fault writes a broken one.
///
/// File I/O here is blocking, which is acceptable for the simulator's low volumes.
struct SimulatorFolderWorker: Sendable {
    let bank: SimulatedBank
    let inbox: URL
    let outbox: URL
    let logger: Logger
    /// How a file is answered: the bank's ``SimulatedBank/receive(_:)``, or the profile's (which checks
    /// and adds XML signatures).
    let answer: @Sendable ([UInt8]) async -> BankAnswer
    /// Time between two polls of an idle inbox.
    var pollInterval: Duration = .milliseconds(100)

    init(bank: SimulatedBank, inbox: String, outbox: String, logger: Logger,
         answer: (@Sendable ([UInt8]) async -> BankAnswer)? = nil) {
        self.bank = bank
        self.answer = answer ?? { bytes in await bank.receive(bytes) }
        self.inbox = URL(fileURLWithPath: inbox, isDirectory: true)
        self.outbox = URL(fileURLWithPath: outbox, isDirectory: true)
        self.logger = logger
    }

    var processedDirectory: URL { inbox.appendingPathComponent("processed", isDirectory: true) }
    var failedDirectory: URL { inbox.appendingPathComponent("failed", isDirectory: true) }

    /// Creates the directories, then polls until graceful shutdown or cancellation.
    func run() async throws {
        try prepareDirectories()
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await pollOnce()
            try? await Task.sleep(for: pollInterval)
        }
    }

    /// Creates inbox, outbox, `processed/` and `failed/` when missing.
    func prepareDirectories() throws {
        for directory in [inbox, outbox, processedDirectory, failedDirectory] {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
    }

    /// Handles every message now in the inbox, in name order; returns how many were filed away.
    @discardableResult
    func pollOnce() async -> Int {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: inbox.path)
                .filter { $0.hasSuffix(".xml") && !$0.hasPrefix(".") }
                .sorted()
        } catch {
            logger.error("cannot list the inbox", metadata: ["error": "\(error)"])
            return 0
        }
        var filed = 0
        for name in names where !Task.isCancelled {
            if await handle(name) { filed += 1 }
        }
        return filed
    }

    /// Handles one inbox file; returns whether it left the inbox.
    private func handle(_ name: String) async -> Bool {
        let file = inbox.appendingPathComponent(name)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let data = FileManager.default.contents(atPath: file.path) else { return false }
        let answer = await self.answer(Array(data))
        do {
            switch answer.effect {
            case .refusedForNow:
                return false
            case .unreadable(let reason):
                try move(file, to: failedDirectory.appendingPathComponent(name))
                try write(Array((reason + "\n").utf8), to: failedDirectory.appendingPathComponent(name + ".reason.txt"))
                logger.warning("inbox file refused", metadata: ["file": "\(name)", "reason": "\(reason)"])
            case .handled(let subject):
                if answer.delivery == .respond {
                    try write(answer.body, to: outbox.appendingPathComponent(Self.answerFileName(subject)))
                }
                try move(file, to: processedDirectory.appendingPathComponent(name))
            }
            return true
        } catch {
            logger.error("cannot file an inbox message away", metadata: ["file": "\(name)", "error": "\(error)"])
            return false
        }
    }

    /// `<subject>.pain.002.xml` with unsafe characters replaced by `_`.
    static func answerFileName(_ subject: String) -> String {
        var name = ""
        for scalar in subject.unicodeScalars {
            let v = scalar.value
            let safe = (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A)
                || v == 0x2E || v == 0x5F || v == 0x2D
            name.unicodeScalars.append(safe ? scalar : "_")
        }
        if name.isEmpty || name.hasPrefix(".") { name = "_" + name }
        return name + ".pain.002.xml"
    }

    /// Writes `bytes` to a dot-file beside `destination`, then renames it into place.
    private func write(_ bytes: [UInt8], to destination: URL) throws {
        let temporary = destination.deletingLastPathComponent()
            .appendingPathComponent("." + destination.lastPathComponent + ".tmp")
        try Data(bytes).write(to: temporary)
        try move(temporary, to: destination)
    }

    /// Renames `source` to `destination`, replacing an existing file.
    private func move(_ source: URL, to destination: URL) throws {
        guard rename(source.path, destination.path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: destination.path])
        }
    }
}

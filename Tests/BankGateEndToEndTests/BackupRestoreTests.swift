import BankGateStore
import BankGateTestSupport
import Foundation
import Synchronization
import XCTest

/// `bankgate backup` and `bankgate restore` (issue 12): the backup runs as its own process while the
/// gateway takes payments; the copy opens, passes the integrity check and the audit chain, and holds
/// every payment acknowledged before the backup began. Restore refuses a store that a running daemon
/// has open and a file that is not a sound store, and keeps what it replaces.
final class BackupRestoreTests: XCTestCase {
    var harness: GatewayHarness!
    var directory: URL!

    override func setUp() async throws {
        harness = try GatewayHarness()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-backup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() async throws {
        await harness.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs the executable off the cooperative threads (it blocks until the process ends).
    func bankgate(_ arguments: [String]) async throws -> (status: Int32, out: String, err: String) {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try BankGateExecutable.run(arguments) })
            }
        }
    }

    func testBackupUnderLoadHoldsEveryAcknowledgedPaymentAndRestoreVerifiesIt() async throws {
        try TestStoreBackend.requireSQLite("bankgate backup and restore copy the .sqlite file with SQLite's online backup")
        try await harness.start()
        let database = harness.directory.appendingPathComponent("gateway/bankgate.sqlite").path
        let acknowledged = AcknowledgedIds()
        let harness = harness!
        // Four clients submit payments until told to stop.
        let load = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for client in 0..<4 {
                    group.addTask {
                        var n = 0
                        while !acknowledged.stopped {
                            let answer = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(e2e: "BK-\(client)-\(n)"),
                                                                key: "backup-\(client)-\(n)")
                            if answer.status == 201, let id = answer.json["id"] as? String { acknowledged.append(id) }
                            n += 1
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        while acknowledged.count < 60 { try await Task.sleep(for: .milliseconds(10)) }
        let before = acknowledged.all
        let backup = directory.appendingPathComponent("bankgate-backup.sqlite").path
        let run = try await bankgate(["backup", "--database", database, "--to", backup])
        let countAtBackupEnd = acknowledged.count
        while acknowledged.count < countAtBackupEnd + 20 { try await Task.sleep(for: .milliseconds(10)) }
        acknowledged.stop()
        try await load.value
        XCTAssertEqual(run.status, 0, run.out + run.err)
        XCTAssertTrue(run.out.contains("integrity ok"), run.out)
        XCTAssertTrue(run.out.contains("audit trail intact"), run.out)
        XCTAssertGreaterThan(acknowledged.count, before.count, "payments went on being accepted around the backup")

        // The copy is a sound store holding every payment acknowledged before the backup began.
        XCTAssertEqual(try SQLiteBackup.integrityProblems(of: backup), [])
        let copy = try StoreConnection(path: backup, readOnly: true)
        XCTAssertTrue(try AuditTrail.verify(copy).isIntact)
        var missing: [String] = []
        for id in before where try copy.queryFirst("SELECT id FROM payments WHERE id = ?", [.text(id)], { try $0.text("id") }) == nil {
            missing.append(id)
        }
        XCTAssertEqual(missing, [], "payments acknowledged before the backup began are in it")
        XCTAssertFalse(FileManager.default.fileExists(atPath: backup + "-wal"), "the backup is one file")
        let mode = try FileManager.default.attributesOfItem(atPath: backup)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)

        // A second backup to the same file is refused (nothing is overwritten).
        let again = try await bankgate(["backup", "--database", database, "--to", backup])
        XCTAssertNotEqual(again.status, 0)

        // Restore refuses the store the running gateway has open, and leaves it alone.
        let refused = try await bankgate(["restore", "--from", backup, "--database", database])
        XCTAssertEqual(refused.status, 1, refused.out + refused.err)
        XCTAssertTrue(refused.err.contains("open in a running process"), refused.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: database + ".restoring"))

        // A target whose folder does not exist: refused naming that folder (an outside check was
        // told the backup "doesn't exist"), for restore and for backup alike.
        let target = directory.appendingPathComponent("restored/bankgate.sqlite").path
        let noFolder = try await bankgate(["restore", "--from", backup, "--database", target])
        XCTAssertEqual(noFolder.status, 2, noFolder.out + noFolder.err)
        XCTAssertTrue(noFolder.err.contains("the folder of the database, \(directory.appendingPathComponent("restored").path), does not exist"),
                      noFolder.err)
        let nowhere = directory.appendingPathComponent("missing/copy.sqlite").path
        let noBackupFolder = try await bankgate(["backup", "--database", database, "--to", nowhere])
        XCTAssertEqual(noBackupFolder.status, 2, noBackupFolder.out + noBackupFolder.err)
        XCTAssertTrue(noBackupFolder.err.contains("the folder of the backup file"), noBackupFolder.err)

        // Into a stopped store: checked, moved in place; a second restore keeps what it replaces.
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let restored = try await bankgate(["restore", "--from", backup, "--database", target])
        XCTAssertEqual(restored.status, 0, restored.out + restored.err)
        XCTAssertTrue(restored.out.contains("audit trail intact"), restored.out)
        let restoredDB = try StoreConnection(path: target, readOnly: true)
        XCTAssertEqual(try restoredDB.queryFirst("SELECT COUNT(*) AS n FROM payments") { try $0.int("n") },
                       try copy.queryFirst("SELECT COUNT(*) AS n FROM payments") { try $0.int("n") })
        let second = try await bankgate(["restore", "--from", backup, "--database", target])
        XCTAssertEqual(second.status, 0, second.out + second.err)
        XCTAssertTrue(second.out.contains("the replaced database is kept as \(target).before-restore-"), second.out)

        // A file that is not a sound store is refused, and the store stays as it was.
        let garbage = directory.appendingPathComponent("garbage.sqlite").path
        try Data(repeating: 0x42, count: 8192).write(to: URL(fileURLWithPath: garbage))
        let bad = try await bankgate(["restore", "--from", garbage, "--database", target])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertEqual(try SQLiteBackup.integrityProblems(of: target), [])
        XCTAssertFalse(FileManager.default.fileExists(atPath: target + ".restoring"))
    }
}

/// Payment ids the gateway acknowledged, and whether the clients should stop.
final class AcknowledgedIds: Sendable {
    private let state = Mutex<(ids: [String], stopped: Bool)>(([], false))
    func append(_ id: String) { state.withLock { $0.ids.append(id) } }
    func stop() { state.withLock { $0.stopped = true } }
    var stopped: Bool { state.withLock { $0.stopped } }
    var count: Int { state.withLock { $0.ids.count } }
    var all: [String] { state.withLock { $0.ids } }
}

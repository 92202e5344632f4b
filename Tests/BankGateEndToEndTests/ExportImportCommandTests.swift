import BankGateCore
import BankGateStore
import BankGateTestSupport
import Foundation
import XCTest

/// `bankgate export` while the daemon runs and `bankgate import` into a new store, as separate
/// processes: the imported store holds every acknowledged payment and its audit chain verifies.
/// In `make test`'s PostgreSQL pass both stores are PostgreSQL schemas (the SQLite to PostgreSQL
/// move itself is StoreDumpTests').
final class ExportImportCommandTests: XCTestCase {
    var harness: GatewayHarness!
    var directory: URL!

    override func setUp() async throws {
        harness = try GatewayHarness()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() async throws {
        await harness.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    func bankgate(_ arguments: [String]) async throws -> (status: Int32, out: String, err: String) {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try BankGateExecutable.run(arguments) })
            }
        }
    }

    func testExportWhileServingAndImportIntoANewStoreKeepEveryPaymentAndTheAuditChain() async throws {
        try await harness.start()
        var acknowledged: [String] = []
        for n in 0..<12 {
            let answer = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(e2e: "EXP-\(n)"), key: "export-\(n)")
            XCTAssertEqual(answer.status, 201)
            if let id = answer.json["id"] as? String { acknowledged.append(id) }
        }
        let source = harness.directory.appendingPathComponent("gateway/bankgate.sqlite").path
        let dump = directory.appendingPathComponent("store.jsonl").path
        let exported = try await bankgate(["export", "--database", source, "--to", dump])
        XCTAssertEqual(exported.status, 0, exported.err)
        XCTAssertTrue(exported.out.contains("exported"), exported.out)

        let again = try await bankgate(["export", "--database", source, "--to", dump])
        XCTAssertEqual(again.status, 1, "an existing dump is not overwritten")
        XCTAssertTrue(again.err.contains("File exists"), again.err)

        let target = directory.appendingPathComponent("imported.sqlite").path
        let imported = try await bankgate(["import", "--database", target, "--from", dump])
        XCTAssertEqual(imported.status, 0, imported.err)
        XCTAssertTrue(imported.out.contains("audit trail intact"), imported.out)

        let db = try StoreConnection(location: PaymentStore.location(path: target), readOnly: true)
        let ids = Set(try db.query("SELECT id FROM payments") { try $0.text("id") })
        XCTAssertTrue(Set(acknowledged).isSubset(of: ids), "missing: \(Set(acknowledged).subtracting(ids))")
        let verified = try await bankgate(["audit", "verify", "--database", target])
        XCTAssertEqual(verified.status, 0, verified.err + verified.out)

        // A second import into the same store is refused: it holds data now.
        let twice = try await bankgate(["import", "--database", target, "--from", dump])
        XCTAssertEqual(twice.status, 1)
        XCTAssertTrue(twice.err.contains("already holds data"), twice.err)

        // In the PostgreSQL pass: `audit verify` also takes the store's URL, as export and import do
        // (an outside check was told "no database at postgres://…").
        if case .postgres(let location) = PaymentStore.location(path: target) {
            var url = "postgres://\(location.username)@\(location.host):\(location.port)/\(location.database)"
            if let schema = location.schema { url += "?schema=\(schema)" }
            let byURL = try await bankgate(["audit", "verify", "--database", url])
            XCTAssertEqual(byURL.status, 0, byURL.err + byURL.out)
            XCTAssertTrue(byURL.out.contains("intact"), byURL.out)
        }
    }

    /// Exporting from a PostgreSQL schema no bankgate created says so, and leaves no schema behind
    /// (a read-only tool creates nothing).
    func testExportFromAnAbsentPostgreSQLSchemaIsRefusedAndCreatesNothing() async throws {
        guard let url = TestStoreBackend.postgresURL, let server = PostgresLocation(url: url) else {
            throw XCTSkip("needs PostgreSQL: set BANKGATE_TEST_POSTGRES")
        }
        let schema = "absent_\(UInt32.random(in: 0...UInt32.max))"
        let dump = directory.appendingPathComponent("absent.jsonl").path
        let refused = try await bankgate(["export", "--database", "\(url)?schema=\(schema)", "--to", dump])
        XCTAssertEqual(refused.status, 2, refused.err)
        XCTAssertTrue(refused.err.contains("no store at"), refused.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dump))
        let db = try StoreConnection(location: .postgres(server), readOnly: true)
        let schemas = try db.queryFirst("SELECT COUNT(*) AS n FROM information_schema.schemata WHERE schema_name = ?", [.text(schema)]) {
            try $0.int("n")
        }
        XCTAssertEqual(schemas, 0, "the read-only look created the schema")
    }
}

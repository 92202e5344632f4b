@testable import BankGateStore
import BankGateCore
import BankGateTestSupport
import Foundation
import XCTest

/// `bankgate export` / `import`: a store written to a dump and loaded into a new store holds the
/// same rows, its audit chain verifies, and new rows after it get new ids. The source is always an
/// SQLite file; the target is an SQLite file, or (in `make test`'s PostgreSQL pass) a PostgreSQL
/// schema: the move the issue asks for, SQLite to PostgreSQL.
final class StoreDumpTests: XCTestCase {
    var directory: URL!
    let eur = Currency(code: "EUR")!
    let t0 = Timestamp(milliseconds: 1_795_000_000_000)
    /// A name with everything a JSON string must escape, and text beyond ASCII.
    let awkwardName = "Müller \"GmbH\" \\ 张三\n\t\u{1}end"
    let binaryMessage: [UInt8] = [0, 255, 10, 34, 92, 0xC3, 0x28, 13]

    override func setUp() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-dump-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// An SQLite store with payments (one sent, with a binary message), their history, events and audit records.
    private func sourceStore() async throws -> (store: PaymentStore, location: StoreLocation) {
        let location = StoreLocation.sqlite(path: path("source.sqlite"))
        let store = try PaymentStore(location: location, directory: directory.path)
        for n in 1...3 { try await accept(n, into: store) }
        let attempt = try await store.beginSend(submissionId: "s1", paymentIds: ["pay_1"],
                                                message: MessageToArchive(direction: .outbound, kind: "pain.001.001.09", bytes: binaryMessage),
                                                at: t0.adding(milliseconds: 10))
        XCTAssertEqual(attempt, 1)
        try await store.archive(bankId: "sim", message: MessageToArchive(direction: .inbound, kind: "camt.053.001.08", bytes: Array("<Document/>".utf8)),
                                at: t0.adding(milliseconds: 20))
        return (store, location)
    }

    private func accept(_ n: Int, into store: PaymentStore, at time: Timestamp? = nil) async throws {
        let draft = PaymentDraft(id: "pay_\(n)", batchId: nil, submissionId: "s\(n)", debtorAccountId: "acme-eur", bankId: "sim",
                                 amount: Money(minorUnits: Int64(100 * n + 1), currency: eur),
                                 creditor: Party(name: n == 2 ? awkwardName : "Creditor \(n)", account: "GB82WEST12345698765432", bankCode: "WESTGB2L"),
                                 remittanceInfo: n == 3 ? nil : "invoice \(n)", endToEndId: "E2E-\(n)", instructionId: "I-\(n)",
                                 requestedExecutionDate: "2026-11-23")
        let submission = SubmissionDraft(id: "s\(n)", bankId: "sim", debtorAccountId: "acme-eur", messageId: "MSG-s\(n)",
                                         paymentInfoId: "PMT-s\(n)", messageKind: "pain.001.001.09", requestedExecutionDate: "2026-11-23")
        _ = try await store.accept([draft], submissions: [submission],
                                   claim: IdempotencyClaim(client: "treasury", key: "k\(n)", fingerprint: "f\(n)"), at: time ?? t0)
    }

    /// Every table's rows as stored, in a fixed order.
    private func contents(of location: StoreLocation) throws -> [String: [[SQLValue]]] {
        let db = try StoreConnection(location: location, readOnly: true)
        var contents: [String: [[SQLValue]]] = [:]
        for table in try StoreDump.tables(db) {
            let columns = table.columns.map(StoreDump.quoted).joined(separator: ", ")
            contents[table.name] = try db.query("SELECT \(columns) FROM \(StoreDump.quoted(table.name)) ORDER BY 1") { row in
                try table.columns.map { try row.storedValue($0) }
            }
        }
        return contents
    }

    func testAStoreExportedAndImportedHoldsTheSameRowsAndItsAuditChainVerifies() async throws {
        let (source, sourceLocation) = try await sourceStore()
        source.close()
        let dump = path("store.jsonl")
        let exported = try StoreDump.export(from: sourceLocation, to: dump)
        XCTAssertEqual(exported.rows["payments"], 3)
        XCTAssertEqual(exported.rows["bank_messages"], 2)
        XCTAssertNil(exported.rows["schema_migrations"], "the importing store has its own")
        let attributes = try FileManager.default.attributesOfItem(atPath: dump)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let lines = try String(contentsOfFile: dump, encoding: .utf8).split(separator: "\n")
        XCTAssertTrue(lines.first?.hasPrefix("{\"format\":\"bankgate-store-dump\",\"version\":1,\"dialect\":\"sqlite\"") == true)
        XCTAssertEqual(lines.last, "{\"end\":{\"tables\":\(exported.rows.count),\"rows\":\(exported.totalRows)}}")

        let targetLocation = PaymentStore.location(path: path("target.sqlite"))
        let imported = try await StoreDump.importDump(from: dump, into: targetLocation)
        XCTAssertEqual(imported, exported)

        let before = try contents(of: sourceLocation)
        let after = try contents(of: targetLocation)
        XCTAssertEqual(Set(after.keys), Set(before.keys))
        for table in before.keys.sorted() { XCTAssertEqual(after[table], before[table], "table \(table)") }
        XCTAssertGreaterThan(before["audit_log"]?.count ?? 0, 0)

        let trail = try AuditTrail.verify(StoreConnection(location: targetLocation, readOnly: true))
        XCTAssertTrue(trail.isIntact, "\(String(describing: trail.firstBreak))")
        XCTAssertEqual(trail.checked, before["audit_log"]?.count)

        // The imported store works on: its payments read back, the binary message is intact, and
        // new rows take ids after the imported ones (PostgreSQL's sequences were moved on).
        let target = try PaymentStore(location: targetLocation, directory: directory.path)
        defer { target.close() }
        let payment = try await target.payment(id: "pay_2")
        XCTAssertEqual(payment?.creditor.name, awkwardName)
        XCTAssertEqual(payment?.amount.minorUnits, 201)
        try await accept(4, into: target, at: t0.adding(milliseconds: 1_000))
        let newMessage = try await target.archive(bankId: "sim", message: MessageToArchive(direction: .inbound, kind: "camt.053.001.08",
                                                                                          bytes: Array("<Document/>".utf8)),
                                                  at: t0.adding(milliseconds: 1_001))
        let largestImported: Int64 = before["bank_messages"]?.compactMap { if case .integer(let id) = $0.first { id } else { nil } }.max() ?? Int64(0)
        XCTAssertGreaterThan(newMessage, largestImported)
        let sent = try await target.database.read { db in
            try db.queryFirst("SELECT bytes FROM bank_messages WHERE direction = 'outbound' ORDER BY id LIMIT 1") { try $0.blob("bytes") }
        }
        XCTAssertEqual(sent, binaryMessage)
        let extended = try AuditTrail.verify(StoreConnection(location: targetLocation, readOnly: true))
        XCTAssertTrue(extended.isIntact, "\(String(describing: extended.firstBreak))")
        XCTAssertGreaterThan(extended.checked, trail.checked)
    }

    func testAnImportIsRefusedIntoAStoreWithDataAndFromADumpCutShortOrOfOtherMigrations() async throws {
        let (source, sourceLocation) = try await sourceStore()
        source.close()
        let dump = path("store.jsonl")
        _ = try StoreDump.export(from: sourceLocation, to: dump)
        XCTAssertThrowsError(try StoreDump.export(from: sourceLocation, to: dump), "an existing file is not overwritten") { error in
            guard case StoreDump.Failure.cannotCreate = error else { return XCTFail("\(error)") }
        }

        // Into a store with payments: refused, and the store keeps what it had.
        let busyLocation = PaymentStore.location(path: path("busy.sqlite"))
        let busy = try PaymentStore(location: busyLocation, directory: directory.path)
        try await accept(9, into: busy)
        busy.close()
        do {
            _ = try await StoreDump.importDump(from: dump, into: busyLocation)
            XCTFail("imported into a store with data")
        } catch let failure as StoreDump.Failure {
            guard case .storeNotEmpty = failure else { return XCTFail("\(failure)") }
        }

        // A dump cut short (its last line gone, or the middle of a row): nothing of it is kept.
        let text = try String(contentsOfFile: dump, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let withoutEnd = lines.dropLast(2).joined(separator: "\n") + "\n"
        let cut = path("cut.jsonl")
        try withoutEnd.write(toFile: cut, atomically: true, encoding: .utf8)
        let midRow = path("mid-row.jsonl")
        try String(text.prefix(text.count / 2)).write(toFile: midRow, atomically: true, encoding: .utf8)
        for (index, damaged) in [cut, midRow].enumerated() {
            let location = PaymentStore.location(path: path("fresh-\(index).sqlite"))
            do {
                _ = try await StoreDump.importDump(from: damaged, into: location)
                XCTFail("imported \(damaged)")
            } catch let failure as StoreDump.Failure {
                switch failure {
                case .truncated, .malformed: break
                default: XCTFail("\(failure)")
                }
            }
            let payments = try StoreConnection(location: location, readOnly: true)
                .queryFirst("SELECT COUNT(*) AS n FROM payments") { try $0.int("n") }
            XCTAssertEqual(payments, 0, "the failed import left rows behind")
        }

        // A dump of a store at other migrations.
        let older = path("older.jsonl")
        try text.replacingOccurrences(of: "\"025_work_leases\"", with: "\"999_future\"").write(toFile: older, atomically: true, encoding: .utf8)
        do {
            _ = try await StoreDump.importDump(from: older, into: PaymentStore.location(path: path("fresh-3.sqlite")))
            XCTFail("imported a dump of other migrations")
        } catch let failure as StoreDump.Failure {
            guard case .migrationsDiffer = failure else { return XCTFail("\(failure)") }
        }
    }
}

import BankGateTestSupport
import BankGateStore
import Foundation
import XCTest

/// `bankgate audit verify|export|head` against the database of a running gateway: a payment's
/// transitions are records of the chain, an excerpt of the day verifies on its own, and a record
/// changed in the database is named with exit status 6.
final class AuditTrailCommandTests: XCTestCase {
    func testAPaymentsTrailVerifiesExportsAndATamperedRecordIsNamed() async throws {
        try await Conformance.withProfile(profile: ConformanceBank.iso20022.profile) { harness in
            let bank = ConformanceBank.iso20022
            let created = try await harness.call("POST", "/v1/payments", body: bank.payment("AUD-1", "77.10"), key: "aud-1")
            XCTAssertEqual(created.status, 201, "\(created.json)")
            let paymentId = try XCTUnwrap(created.json["id"] as? String)
            _ = try await harness.waitForPayment(paymentId) { $0 == "completed" }
            let database = harness.directory.appendingPathComponent("gateway/bankgate.sqlite").path

            let verified = try BankGateExecutable.run(["audit", "verify", "--database", database])
            XCTAssertEqual(verified.status, 0, verified.out + verified.err)
            XCTAssertTrue(verified.out.hasPrefix("audit trail intact: "), verified.out)
            let head = try BankGateExecutable.run(["audit", "head", "--database", database])
            XCTAssertEqual(head.status, 0, head.err)
            let headArgument = try XCTUnwrap(head.out.split(separator: " ").first.map(String.init))
            XCTAssertEqual(try BankGateExecutable.run(["audit", "verify", "--database", database, "--head", headArgument]).status, 0)

            let excerpt = harness.directory.appendingPathComponent("audit.jsonl").path
            let today = GatewayHarness.today
            let exported = try BankGateExecutable.run(["audit", "export", "--database", database, "--from", today, "--to", today,
                                                       "--output", excerpt])
            XCTAssertEqual(exported.status, 0, exported.err)
            let lines = try String(contentsOfFile: excerpt, encoding: .utf8).split(separator: "\n")
            XCTAssertGreaterThan(lines.count, 3)
            let completed = try XCTUnwrap(lines.first { $0.contains("\"action\":\"payment.completed\"") && $0.contains(paymentId) },
                                          "the payment's completion is a record of the trail")
            XCTAssertTrue(completed.contains("\"previous_hash\":\""), String(completed))
            let excerptVerified = try BankGateExecutable.run(["audit", "verify", "--excerpt", excerpt])
            XCTAssertEqual(excerptVerified.status, 0, excerptVerified.out + excerptVerified.err)

            // A line of the excerpt changed: named, exit status 6.
            let changed = try String(contentsOfFile: excerpt, encoding: .utf8).replacingOccurrences(of: "\"action\":\"payment.completed\"",
                                                                                                    with: "\"action\":\"payment.rejected\"")
            try changed.write(toFile: excerpt, atomically: true, encoding: .utf8)
            let excerptBroken = try BankGateExecutable.run(["audit", "verify", "--excerpt", excerpt])
            XCTAssertEqual(excerptBroken.status, 6, excerptBroken.out)

            // The record changed in the database itself.
            let idText = try XCTUnwrap(completed.split(separator: ",").first?.split(separator: ":").last.map(String.init))
            let recordId = try XCTUnwrap(Int64(idText))
            try Self.execute(database, "UPDATE audit_log SET actor = 'operator:nobody' WHERE id = \(recordId)")
            let broken = try BankGateExecutable.run(["audit", "verify", "--database", database])
            XCTAssertEqual(broken.status, 6, broken.out + broken.err)
            XCTAssertTrue(broken.out.contains("broken at record \(recordId) (altered)"), broken.out)
            XCTAssertTrue(broken.err.contains("does not verify"), broken.err)
        }
    }

    func testUsageMistakesExitWithStatus2() throws {
        let neither = try BankGateExecutable.run(["audit", "verify"])
        XCTAssertEqual(neither.status, 2)
        XCTAssertTrue(neither.err.contains("--demo"), neither.err)
        XCTAssertEqual(try BankGateExecutable.run(["audit", "verify", "--database", "/nonexistent/bankgate.sqlite"]).status, 2)
        XCTAssertEqual(try BankGateExecutable.run(["audit", "verify", "--database", "/tmp", "--head", "12:xyz"]).status, 2)
    }

    /// Runs `sql` on the store of the database file at `path` (its PostgreSQL schema when the suite
    /// runs against PostgreSQL).
    private static func execute(_ path: String, _ sql: String) throws {
        let db = try StoreConnection(location: PaymentStore.location(path: path))
        _ = try db.run(sql)
    }
}

/// What the daemon audits beyond state changes: the configuration it started with, and requests
/// refused for their credentials, in the chain like every record.
final class AuditedAccessTests: XCTestCase {
    func testRefusedRequestsAndTheConfigurationLoadAreAuditRecords() async throws {
        let harness = try GatewayHarness()
        try await harness.start()
        let refused = try await harness.call("GET", "/v1/payments", token: "not-a-token-0123456789")
        XCTAssertEqual(refused.status, 401)
        let forbidden = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(), key: "f-1",
                                               token: "reader-token-0123456789")
        XCTAssertEqual(forbidden.status, 403)
        let database = harness.directory.appendingPathComponent("gateway/bankgate.sqlite").path
        var lines: [Substring] = []
        for _ in 0..<50 {
            let excerpt = harness.directory.appendingPathComponent("audit.jsonl").path
            let today = GatewayHarness.today
            let exported = try BankGateExecutable.run(["audit", "export", "--database", database, "--from", today, "--to", today,
                                                       "--output", excerpt])
            XCTAssertEqual(exported.status, 0, exported.err)
            lines = try String(contentsOfFile: excerpt, encoding: .utf8).split(separator: "\n")
            if lines.contains(where: { $0.contains("\"action\":\"config.loaded\"") }) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let verified = try BankGateExecutable.run(["audit", "verify", "--database", database])
        await harness.stop()
        XCTAssertEqual(verified.status, 0, verified.out)
        let unauthorized = try XCTUnwrap(lines.first { $0.contains("\"action\":\"api.unauthorized\"") }, "\(lines)")
        XCTAssertTrue(unauthorized.contains("\"subject_id\":\"GET /v1/payments\""), String(unauthorized))
        XCTAssertTrue(unauthorized.contains("from 127.0.0.1"), String(unauthorized))
        let forbiddenRecord = try XCTUnwrap(lines.first { $0.contains("\"action\":\"api.forbidden\"") })
        XCTAssertTrue(forbiddenRecord.contains("payments:write"), String(forbiddenRecord))
        XCTAssertTrue(forbiddenRecord.contains("\"actor\":\"reader\""), "the token that was refused is named: \(forbiddenRecord)")
        XCTAssertTrue(unauthorized.contains("\"actor\":\"anonymous\""), String(unauthorized))
        let loaded = try XCTUnwrap(lines.first { $0.contains("\"action\":\"config.loaded\"") })
        XCTAssertTrue(loaded.contains("tokens (reader, treasury)"), String(loaded))
    }
}

import BankGateTestSupport
import Foundation
import XCTest

/// Host-to-host file exchange: pain.001 written to the outbox folder, pain.002 picked up from the inbox.
final class FolderExchangeTests: XCTestCase {
    var harness: GatewayHarness!

    override func setUp() async throws { harness = try GatewayHarness() }
    override func tearDown() async throws { await harness.stop() }

    func testPaymentsTravelByFileAndAnswersAreFiledAway() async throws {
        try await harness.start(folderExchange: true, extraBankKeys: "pain001_version = \"pain.001.001.03\"")
        var ids: [String] = []
        for n in 0..<3 {
            let created = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(amount: "\(30 + n).00", e2e: "FILE-\(n)"), key: "file-\(n)")
            XCTAssertEqual(created.status, 201)
            ids.append(try XCTUnwrap(created.json["id"] as? String))
        }
        for id in ids {
            let done = try await harness.waitForPayment(id) { $0 == "completed" }
            let path = try XCTUnwrap(done["history"] as? [[String: Any]]).compactMap { $0["to"] as? String }
            XCTAssertEqual(path, ["received", "queued", "sending", "submitted", "completed"])
        }
        let messages = try await harness.call("GET", "/v1/payments/\(ids[0])/messages")
        let sent = (messages.json["messages"] as? [[String: Any]])?.first?["body"] as? String ?? ""
        XCTAssertTrue(sent.contains("pain.001.001.03"))

        // Every answer file was read and moved to processed/, none left in the inbox, none failed.
        // A payment can be completed a moment before its answer file is moved: wait for the move.
        let inbox = harness.directory.appendingPathComponent("from-bank")
        let names = try await waitForListing(in: inbox) { $0 == ["failed", "processed"] }
        XCTAssertEqual(names, ["failed", "processed"])
        let processed = try await waitForListing(in: inbox.appendingPathComponent("processed")) { $0.count >= 3 }
        XCTAssertGreaterThanOrEqual(processed.count, 3)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: inbox.appendingPathComponent("failed").path), [])
    }

    func testAnUnreadableAnswerFileGoesToFailedWithItsReason() async throws {
        try await harness.start(folderExchange: true)
        let inbox = harness.directory.appendingPathComponent("from-bank")
        try Data("<not a status report".utf8).write(to: inbox.appendingPathComponent("garbage.xml"))
        let failed = inbox.appendingPathComponent("failed")
        // The reason file is written after the move: wait for both.
        let listed = try await waitForListing(in: failed) { $0 == ["garbage.xml", "garbage.xml.reason.txt"] }
        XCTAssertEqual(listed, ["garbage.xml", "garbage.xml.reason.txt"], "garbage.xml was not moved to failed/ with its reason")
        let reason = try String(contentsOf: failed.appendingPathComponent("garbage.xml.reason.txt"), encoding: .utf8)
        XCTAssertFalse(reason.isEmpty)
        let kept = try Data(contentsOf: failed.appendingPathComponent("garbage.xml"))
        XCTAssertEqual(String(decoding: kept, as: UTF8.self), "<not a status report", "the file is never lost or altered")
    }
}

/// Statements delivered to the inbox folder: imported, then filed away; unreadable ones failed with a reason.
final class FolderStatementTests: XCTestCase {
    var harness: GatewayHarness!

    override func setUp() async throws { harness = try GatewayHarness() }
    override func tearDown() async throws { await harness.stop() }

    func testAStatementInTheInboxIsImportedThenMovedToProcessed() async throws {
        try await harness.start(folderExchange: true)
        let inbox = harness.directory.appendingPathComponent("from-bank")
        let statement = AccountFlowTests.statement(date: AccountFlowTests.today, paymentE2E: "X-1", paymentAmount: "12.34",
                                                   closing: "1236.16")
        // Written under a temporary name, then renamed, as a bank's host-to-host client does.
        let temporary = inbox.appendingPathComponent(".upload.tmp")
        try Data(statement.utf8).write(to: temporary)
        try FileManager.default.moveItem(at: temporary, to: inbox.appendingPathComponent("stmt-1.xml"))

        let processed = try await waitForListing(in: inbox.appendingPathComponent("processed")) { $0 == ["stmt-1.xml"] }
        XCTAssertEqual(processed, ["stmt-1.xml"])
        let transactions = try await harness.call("GET", "/v1/accounts/acme-eur/transactions")
        XCTAssertEqual((transactions.json["transactions"] as? [[String: Any]])?.map { $0["amount"] as? String },
                       ["-12.34", "250.00", "-1.50"])
        let statements = try await harness.call("GET", "/v1/accounts/acme-eur/statements")
        XCTAssertEqual((statements.json["statements"] as? [[String: Any]])?.first?["source"] as? String, "folder")
    }

    func testAZipInTheInboxIsImportedMemberByMember() async throws {
        try await harness.start(folderExchange: true)
        let inbox = harness.directory.appendingPathComponent("from-bank")
        let day1 = AccountFlowTests.statement(date: AccountFlowTests.today, id: "STMT-F1", paymentE2E: "X-1",
                                              paymentAmount: "12.34", closing: "1236.16")
        let day2 = AccountFlowTests.statement(date: AccountFlowTests.today, id: "STMT-F2", sequence: 2, paymentE2E: "X-2",
                                              paymentAmount: "1.00", closing: "1247.50")
        let archive = ZipBuilder.archive([("day1.xml", day1), ("day2.xml", day2)])
        let temporary = inbox.appendingPathComponent(".upload.tmp")
        try Data(archive).write(to: temporary)
        try FileManager.default.moveItem(at: temporary, to: inbox.appendingPathComponent("statements.zip"))

        let processed = try await waitForListing(in: inbox.appendingPathComponent("processed")) { $0 == ["statements.zip"] }
        XCTAssertEqual(processed, ["statements.zip"])
        let transactions = try await harness.call("GET", "/v1/accounts/acme-eur/transactions")
        XCTAssertEqual((transactions.json["transactions"] as? [Any])?.count, 6)
        let statements = try await harness.call("GET", "/v1/accounts/acme-eur/statements")
        XCTAssertEqual(Set((statements.json["statements"] as? [[String: Any]])?.compactMap { $0["bank_statement_id"] as? String } ?? []),
                       ["STMT-F1", "STMT-F2"])
    }

    func testARefusedZipGoesToFailedWithTheMemberNamed() async throws {
        try await harness.start(folderExchange: true)
        let inbox = harness.directory.appendingPathComponent("from-bank")
        let archive = ZipBuilder([.init(name: "day1.xml", bytes: Array("<a/>".utf8), crcOverride: 7)]).bytes()
        try Data(archive).write(to: inbox.appendingPathComponent("bad.zip"))
        let failed = try await waitForListing(in: inbox.appendingPathComponent("failed")) {
            $0 == ["bad.zip", "bad.zip.reason.txt"]
        }
        XCTAssertEqual(failed, ["bad.zip", "bad.zip.reason.txt"])
        let reason = try String(contentsOf: inbox.appendingPathComponent("failed/bad.zip.reason.txt"), encoding: .utf8)
        XCTAssertTrue(reason.hasPrefix("archive_refused: member \"day1.xml\": its CRC-32"), reason)
    }

    func testAMalformedStatementGoesToFailedAndNothingIsStored() async throws {
        try await harness.start(folderExchange: true)
        let inbox = harness.directory.appendingPathComponent("from-bank")
        let broken = AccountFlowTests.statement(date: AccountFlowTests.today, paymentE2E: "X-1", paymentAmount: "12,34",
                                                closing: "1236.16")
        try Data(broken.utf8).write(to: inbox.appendingPathComponent("broken.xml"))
        // The reason file is written after the move: wait for both.
        let failed = try await waitForListing(in: inbox.appendingPathComponent("failed")) {
            $0 == ["broken.xml", "broken.xml.reason.txt"]
        }
        XCTAssertEqual(failed, ["broken.xml", "broken.xml.reason.txt"])
        let reason = try String(contentsOf: inbox.appendingPathComponent("failed/broken.xml.reason.txt"), encoding: .utf8)
        XCTAssertTrue(reason.contains("malformed"), reason)
        XCTAssertTrue(reason.contains("12,34"), reason)
    }
}

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
            let created = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(e2e: "FILE-\(n)"), key: "file-\(n)")
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
        let inbox = harness.directory.appendingPathComponent("from-bank")
        let names = try FileManager.default.contentsOfDirectory(atPath: inbox.path).filter { !$0.hasPrefix(".") }
        XCTAssertEqual(Set(names), ["processed", "failed"])
        let processed = try FileManager.default.contentsOfDirectory(atPath: inbox.appendingPathComponent("processed").path)
        XCTAssertGreaterThanOrEqual(processed.count, 3)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: inbox.appendingPathComponent("failed").path), [])
    }

    func testAnUnreadableAnswerFileGoesToFailedWithItsReason() async throws {
        try await harness.start(folderExchange: true)
        let inbox = harness.directory.appendingPathComponent("from-bank")
        try Data("<not a status report".utf8).write(to: inbox.appendingPathComponent("garbage.xml"))
        let failed = inbox.appendingPathComponent("failed")
        let deadline = Date().addingTimeInterval(10)
        // The reason file is written after the move: wait for both.
        while Set((try? FileManager.default.contentsOfDirectory(atPath: failed.path)) ?? []).isSuperset(of: ["garbage.xml", "garbage.xml.reason.txt"]) == false {
            if Date() > deadline { return XCTFail("garbage.xml was not moved to failed/") }
            try await Task.sleep(for: .milliseconds(50))
        }
        let reason = try String(contentsOf: failed.appendingPathComponent("garbage.xml.reason.txt"), encoding: .utf8)
        XCTAssertFalse(reason.isEmpty)
        let kept = try Data(contentsOf: failed.appendingPathComponent("garbage.xml"))
        XCTAssertEqual(String(decoding: kept, as: UTF8.self), "<not a status report", "the file is never lost or altered")
    }
}

import BankGateSimulator
import Foundation
import XCTest

/// CCB's 外联客户端 reached over its raw socket port: the document written as it is, the answer read
/// until the client closes; executed once, and a lost answer asked about, not resent.
final class CCBOverTCPTests: XCTestCase {
    func testAPaymentOverTheRawSocketIsExecutedOnce() async throws {
        let bank = ConformanceBank.ccb
        try await Conformance.withProfile(profile: "ccb", overTCP: true) { harness in
            let created = try await harness.call("POST", "/v1/payments", body: bank.payment("CCB-TCP-1", "321.00"), key: "ccb-tcp-1")
            XCTAssertEqual(created.status, 201, "\(created.json)")
            let id = try XCTUnwrap(created.json["id"] as? String)
            let done = try await harness.waitForPayment(id) { ["completed", "rejected", "failed"].contains($0) }
            XCTAssertEqual(done["status"] as? String, "completed", "\(done)")
            let reference = try XCTUnwrap(bank.ledgerReference(done))
            let executed = try await harness.ledger().filter { $0["end_to_end_id"] as? String == reference }
            XCTAssertEqual(executed.count, 1)
            let messages = try await harness.call("GET", "/v1/payments/\(id)/messages")
            let sent = try XCTUnwrap((messages.json["messages"] as? [[String: Any]])?.first { $0["direction"] as? String == "outbound" })
            // GB2312, so the archive gives it as Base64 only.
            let body = try XCTUnwrap((sent["body_base64"] as? String).flatMap { Data(base64Encoded: $0) }.map { [UInt8]($0) }, "\(sent)")
            XCTAssertFalse(body.starts(with: Array("requestXml=".utf8)), "no form over the socket")
            XCTAssertTrue(body.starts(with: Array("<?xml".utf8)), "the document as it is")
            XCTAssertNotNil(body.firstRange(of: Array("<PASSWORD>******</PASSWORD>".utf8)), "the archive blanks the password")
        }
    }

    func testALostAnswerOverTheRawSocketIsAskedNotResent() async throws {
        let bank = ConformanceBank.ccb
        try await Conformance.withProfile(profile: "ccb", faults: FaultSettings(seed: 3, dropAfterExecuteRate: 1), overTCP: true) { harness in
            let created = try await harness.call("POST", "/v1/payments", body: bank.payment("CCB-TCP-LOST", "12.00"), key: "ccb-tcp-lost")
            let id = try XCTUnwrap(created.json["id"] as? String)
            let done = try await harness.waitForPayment(id) { $0 == "completed" }
            XCTAssertEqual(done["attempts"] as? Int, 1, "sent once")
            let path = (done["history"] as? [[String: Any]])?.compactMap { $0["to"] as? String } ?? []
            XCTAssertTrue(path.contains("unknown"), "\(path)")
            let reference = try XCTUnwrap(bank.ledgerReference(done))
            let executed = try await harness.ledger().filter { $0["end_to_end_id"] as? String == reference }
            XCTAssertEqual(executed.count, 1)
        }
    }
}

import BankGateCore
import BankGateSimulator
import Foundation
import XCTest

/// A bank that takes signed files (XML-DSig) and signs its answers: the gateway signs each pain.001
/// with its `[[keys]]` key and checks the bank's signature with `bank_certificate`.
final class SignedFilesFlowTests: XCTestCase {
    var harness: GatewayHarness!
    let now = GatewayHarness.clock.now()

    override func setUp() async throws { harness = try GatewayHarness() }
    override func tearDown() async throws { await harness.stop() }

    /// Writes `ours` (the gateway's key, unencrypted) and each of `others`, valid for a year around now.
    func writeKeys(_ names: [String]) throws -> KeyFiles {
        let files = KeyFiles(directory: harness.directory)
        for name in names {
            try files.write(name, notBefore: now.adding(milliseconds: -KeyFiles.day), notAfter: now.adding(milliseconds: 365 * KeyFiles.day),
                            encrypted: false)
        }
        return files
    }

    /// The gateway signs with `ours` and trusts answers signed with `bank`'s key.
    func gatewayKeys(_ files: KeyFiles) -> (bank: String, extra: String) {
        ("signature = \"xmldsig\"\nsigning_certificate = \"ours.crt\"\nbank_certificate = \"bank.crt\"",
         files.entry("ours", bank: "sim", encrypted: false))
    }

    /// A configured key is only `issued`: it signs once bound to the account it pays from (the U-key life cycle).
    func bindOurKey() async throws {
        let bound = try await harness.call("POST", "/v1/keys/ours/bind",
                                           body: ["accounts": ["acme-eur"], "role": "approver", "reason": "test set-up"], key: nil)
        XCTAssertEqual(bound.status, 200, "\(bound.json)")
    }

    func messages(_ id: String) async throws -> [[String: Any]] {
        let answer = try await harness.call("GET", "/v1/payments/\(id)/messages")
        return try XCTUnwrap(answer.json["messages"] as? [[String: Any]])
    }

    func testASignedPaymentIsCheckedByTheBankAndCompletesOnASignedAnswer() async throws {
        let files = try writeKeys(["ours", "bank"])
        let keys = gatewayKeys(files)
        try await harness.start(extraBankKeys: keys.bank, extraConfig: keys.extra, signatureFiles: SimulatorSignatureFiles(
            verifyCertificate: files.path("ours.crt"), signingKey: files.path("bank.key"), signingCertificate: files.path("bank.crt")))
        try await bindOurKey()
        let created = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(e2e: "SIGNED-1"), key: "s-1")
        XCTAssertEqual(created.status, 201)
        let id = try XCTUnwrap(created.json["id"] as? String)
        let done = try await harness.waitForPayment(id) { $0 == "completed" || $0 == "rejected" || $0 == "failed" }
        XCTAssertEqual(done["status"] as? String, "completed", "\(done)")
        let ledger = try await harness.ledger()
        XCTAssertEqual(ledger.count, 1)
        let list = try await messages(id)
        let sent = try XCTUnwrap(list.first { $0["direction"] as? String == "outbound" }?["body"] as? String)
        XCTAssertTrue(sent.contains("<ds:SignatureValue>") && sent.contains("<ds:X509Certificate>"), "the archived pain.001 is the signed one")
        let answer = try XCTUnwrap(list.first { $0["direction"] as? String == "inbound" }?["body"] as? String)
        XCTAssertTrue(answer.contains("<ds:SignatureValue>"), "the bank's answer is archived with its signature")
    }

    func testAPaymentSignedWithAKeyTheBankDoesNotKnowIsRefusedAndNotExecuted() async throws {
        let files = try writeKeys(["ours", "bank", "registered"])
        let keys = gatewayKeys(files)
        try await harness.start(extraBankKeys: keys.bank, extraConfig: keys.extra, signatureFiles: SimulatorSignatureFiles(
            verifyCertificate: files.path("registered.crt"), signingKey: files.path("bank.key"), signingCertificate: files.path("bank.crt")))
        try await bindOurKey()
        let created = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(), key: "s-2")
        let id = try XCTUnwrap(created.json["id"] as? String)
        let done = try await harness.waitForPayment(id) { $0 == "rejected" || $0 == "completed" || $0 == "failed" }
        XCTAssertEqual(done["status"] as? String, "rejected", "\(done)")
        XCTAssertEqual(done["reason_code"] as? String, "DS0B")
        let ledger = try await harness.ledger()
        XCTAssertTrue(ledger.isEmpty, "a badly signed file is never executed")
    }

    func testAnAnswerSignedWithTheWrongKeyLeavesThePaymentUnknownQueriedAndNeverResent() async throws {
        let files = try writeKeys(["ours", "bank", "impostor"])
        let keys = gatewayKeys(files)
        try await harness.start(extraBankKeys: keys.bank, extraConfig: keys.extra, signatureFiles: SimulatorSignatureFiles(
            verifyCertificate: files.path("ours.crt"), signingKey: files.path("impostor.key"), signingCertificate: files.path("impostor.crt")))
        try await bindOurKey()
        let created = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(), key: "s-3")
        let id = try XCTUnwrap(created.json["id"] as? String)
        _ = try await harness.waitForPayment(id) { $0 == "unknown" }
        // The bank executed it; its answers (the payment's and the status queries') are not trusted.
        let deadline = Date().addingTimeInterval(20)
        var list: [[String: Any]] = []
        while Date() < deadline {
            list = try await messages(id)
            if list.filter({ $0["exchange"] as? String == "status_answer" }).count >= 3 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        XCTAssertGreaterThanOrEqual(list.filter { $0["exchange"] as? String == "status_answer" }.count, 3, "the gateway keeps asking")
        XCTAssertEqual(list.filter { $0["exchange"] as? String == "payment" }.count, 1, "the pain.001 went out once")
        let payment = try await harness.call("GET", "/v1/payments/\(id)").json
        XCTAssertEqual(payment["status"] as? String, "unknown")
        let ledger = try await harness.ledger()
        XCTAssertEqual(ledger.count, 1, "executed once, never resent")
    }
}

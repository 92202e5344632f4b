import BankGateCrypto
import Foundation
import XCTest

extension ConformanceBank {
    /// CMB's cloud API: one `BB1PAYOP` per payment, signed with the `[[keys]]` SM2 key the simulator
    /// prints, answers signed by the simulated bank.
    static let cmbCloud = ConformanceBank(
        profile: "cmb-cloud", accountId: "cmb-cloud-sim-sz",
        payment: { e2e, amount in
            ["debtor_account": "cmb-cloud-sim-sz", "amount": amount, "currency": "CNY", "end_to_end_id": e2e,
             "purpose": "货款", "priority": "urgent", "same_bank": false,
             "creditor": ["name": "上海某某贸易有限公司", "account": "31001234567890123", "bank_code": "102290000011",
                          "bank_name": "中国工商银行", "bank_branch": "上海市分行营业部",
                          "address": ["town": "上海市", "street": "黄浦区中山东一路1号", "country": "CN"]],
             "remittance_info": "合同 \(e2e)"]
        },
        ledgerReference: { $0["instruction_id"] as? String },
        uncarriable: (["debtor_account": "cmb-cloud-sim-sz", "amount": "1.00", "currency": "CNY", "purpose": "货款", "same_bank": true,
                       "creditor": ["name": "深圳某某😀有限公司", "account": "121909876510202", "bank_code": "308584000013"]],
                      "creditor.name"))
}

final class CMBCloudConformanceTests: XCTestCase {
    func testAPaymentIsExecutedOnce() async throws { try await Conformance.paymentIsExecutedOnce(.cmbCloud) }
    func testABatchIsExecutedOnceEach() async throws { try await Conformance.batchIsExecutedOnceEach(.cmbCloud) }
    func testALostAnswerIsAskedNotResent() async throws { try await Conformance.lostAnswerIsAskedNotResent(.cmbCloud) }
    func testWhatTheBankCannotCarryIsRefusedAtIntake() async throws { try await Conformance.uncarriableIsRefusedAtIntake(.cmbCloud) }
    func testTheBanksTransactionsReconcile() async throws { try await Conformance.bankTransactionsReconcile(.cmbCloud) }

    /// The simulated bank signs its answers with a key other than the one the gateway trusts: the
    /// payment's answer is not trusted (unknown), the gateway asks the bank (BB1PAYQR, whose answers
    /// are not trusted either), and the payment is executed once, never sent again.
    func testAnswersSignedWithAnotherKeyLeaveThePaymentUnknownQueriedAndExecutedOnce() async throws {
        let harness = try GatewayHarness()
        let otherKey = harness.directory.appendingPathComponent("other-bank-public.pem").path
        try SigningKey.generateSM2().verifyingKey.pemRepresentation.write(toFile: otherKey, atomically: true, encoding: .utf8)
        do {
            try await harness.start(profile: "cmb-cloud", adjustPrinted: { printed in
                printed.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                    line.hasPrefix("bank_public_key = ") ? "bank_public_key = \"\(otherKey)\"" : String(line)
                }.joined(separator: "\n")
            })
            let bank = ConformanceBank.cmbCloud
            let created = try await harness.call("POST", "/v1/payments", body: bank.payment("CLOUD-KEY", "55.00"), key: "cloud-key")
            XCTAssertEqual(created.status, 201, "\(created.json)")
            let id = try XCTUnwrap(created.json["id"] as? String)
            let unknown = try await harness.waitForPayment(id) { $0 == "unknown" }
            var kinds: [String] = []
            let deadline = Date().addingTimeInterval(20)
            while !kinds.contains("CMB.BB1PAYQR"), Date() < deadline {
                let messages = try await harness.call("GET", "/v1/payments/\(id)/messages")
                kinds = (messages.json["messages"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } ?? []
                try await Task.sleep(nanoseconds: 100_000_000)
            }
            XCTAssertTrue(kinds.contains("CMB.BB1PAYQR"), "the gateway asked the bank: \(kinds)")
            let shown = try await harness.call("GET", "/v1/payments/\(id)")
            XCTAssertEqual(shown.json["status"] as? String, "unknown", "an untrusted answer settles nothing: \(shown.json)")
            XCTAssertEqual(shown.json["attempts"] as? Int, 1, "sent once")
            let reference = try XCTUnwrap(bank.ledgerReference(unknown))
            let executed = try await harness.ledger().filter { $0["end_to_end_id"] as? String == reference }
            XCTAssertEqual(executed.count, 1, "executed once: \(executed)")
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }
}

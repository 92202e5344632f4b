import BankGateSimulator
import Foundation
import XCTest

/// A payroll batch (代发工资) goes to the bank as its payroll message, once, and every line takes the
/// batch's result; a bank without payroll refuses the kind at intake.
final class PayrollTests: XCTestCase {
    static func line(_ name: String, _ account: String, _ amount: String) -> [String: Any] {
        ["debtor_account": "boc-sim-sh", "amount": amount, "currency": "CNY", "purpose": "11月工资", "same_bank": true,
         "creditor": ["name": name, "account": account, "bank_code": "104290003791", "bank_name": "中国银行上海市分行"]]
    }

    func testAPayrollIsOneB2e0078AndEveryLineCompletes() async throws {
        try await Conformance.withProfile(profile: "boc", faults: FaultSettings(seed: 5, dropAfterExecuteRate: 1)) { harness in
            let created = try await harness.call("POST", "/v1/payment-batches", body: ["kind": "payroll", "payments": [
                Self.line("张三", "6216610100001111", "8500.00"), Self.line("李四", "6216610100002222", "9200.50"),
                Self.line("王五", "6216610100003333", "7300.25"),
            ]], key: "payroll-2026-11")
            XCTAssertEqual(created.status, 201, "\(created.json)")
            let payments = try XCTUnwrap(created.json["payments"] as? [[String: Any]])
            XCTAssertEqual(payments.count, 3)
            for payment in payments {
                let done = try await harness.waitForPayment(try XCTUnwrap(payment["id"] as? String)) { $0 == "completed" }
                XCTAssertEqual(done["attempts"] as? Int, 1, "the lost answer was asked about, not resent: \(done)")
                let path = (done["history"] as? [[String: Any]])?.compactMap { $0["to"] as? String } ?? []
                XCTAssertTrue(path.contains("unknown"), "the answer was lost: \(path)")
            }
            // One batch at the bank: its lines are `<insid>/1…3`, executed once each.
            let ledger = try await harness.ledger()
            let lines = ledger.compactMap { $0["end_to_end_id"] as? String }.filter { $0.hasSuffix("/1") || $0.hasSuffix("/2") || $0.hasSuffix("/3") }
            XCTAssertEqual(lines.count, 3, "\(ledger)")
            XCTAssertEqual(Set(lines.map { $0.split(separator: "/").first ?? "" }).count, 1, "one batch insid: \(lines)")
            XCTAssertEqual(Set(ledger.compactMap { $0["amount"] as? String }).intersection(["8500.00", "9200.50", "7300.25"]).count, 3)
            let id = try XCTUnwrap(payments.first?["id"] as? String)
            let messages = try await harness.call("GET", "/v1/payments/\(id)/messages")
            let kinds = (messages.json["messages"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } ?? []
            XCTAssertTrue(kinds.contains("BOC.b2e0078"), "sent as BOC's payroll message: \(kinds)")
            XCTAssertFalse(kinds.contains("BOC.b2e0009"), "not as transfers: \(kinds)")
        }
    }

    func testABankWithoutPayrollRefusesTheKind() async throws {
        try await Conformance.withProfile(profile: "iso20022") { harness in
            let payment = ConformanceBank.iso20022.payment("PAYROLL-ISO", "10.00")
            let refused = try await harness.call("POST", "/v1/payment-batches", body: ["kind": "payroll", "payments": [payment]],
                                                 key: "payroll-iso")
            XCTAssertEqual(refused.status, 422, "\(refused.json)")
            let error = refused.json["error"] as? [String: Any]
            XCTAssertEqual(error?["code"] as? String, "unsupported_kind", "\(refused.json)")
            XCTAssertEqual(error?["field"] as? String, "kind")
            let unknownKind = try await harness.call("POST", "/v1/payment-batches", body: ["kind": "bonus", "payments": [payment]],
                                                     key: "payroll-bonus")
            XCTAssertEqual((unknownKind.json["error"] as? [String: Any])?["code"] as? String, "invalid_value", "\(unknownKind.json)")
            let ledger = try await harness.ledger()
            XCTAssertEqual(ledger.count, 0, "nothing was sent")
        }
    }

    func testALineThePayrollCannotCarryIsRefusedNamingTheLine() async throws {
        try await Conformance.withProfile(profile: "boc") { harness in
            var otherBank = Self.line("赵六", "6222020200001234", "100.00")
            otherBank["same_bank"] = false
            otherBank["creditor"] = ["name": "赵六", "account": "6222020200001234"]
            let refused = try await harness.call("POST", "/v1/payment-batches", body: ["kind": "payroll", "payments": [
                Self.line("张三", "6216610100001111", "8500.00"), otherBank,
            ]], key: "payroll-mixed")
            XCTAssertEqual(refused.status, 422, "\(refused.json)")
            let error = refused.json["error"] as? [String: Any]
            XCTAssertEqual(error?["field"] as? String, "payments[1].creditor.bank_code",
                           "a payroll to another bank goes through CNAPS: every line needs its bank's code (\(refused.json))")
            // `toname` takes 70 bytes of UTF-8: 30 Chinese characters are 90.
            let longName = Self.line(String(repeating: "张", count: 30), "6216610100001111", "1.00")
            let badName = try await harness.call("POST", "/v1/payment-batches", body: ["kind": "payroll", "payments": [longName]],
                                                 key: "payroll-long-name")
            XCTAssertEqual((badName.json["error"] as? [String: Any])?["field"] as? String, "payments[0].creditor.name", "\(badName.json)")
            let ledger = try await harness.ledger()
            XCTAssertEqual(ledger.count, 0, "nothing was sent")
        }
    }
}

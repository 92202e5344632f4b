import BankGateAPI
import BankGateConfig
import BankGateCore
import BankGateEngine
import BankGateStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import XCTest
import BankGateTestSupport
import BankGateRuntime

/// The optional payment fields through the real gateway (API, engine, SQLite store; nothing is
/// sent): the debtor bank's requirements refuse at intake before anything is queued, the fields
/// are stored and read back, batches are read with their payments, and the fields count for
/// idempotency.
final class PaymentFieldsIntakeTests: XCTestCase {
    var directory: URL!
    var runtime: GatewayRuntime!

    override func setUp() async throws {
        let made = try StoreBackedRuntime.make(named: "fields", extraAccounts: """
            [[accounts]]
            id = "acc-cny"
            bank = "sim"
            number = "6222020200112233445"
            bank_code = "102100099996"
            name = "北京示例科技有限公司"
            currency = "CNY"
            """)
        (directory, runtime) = (made.directory, made.runtime)
    }

    override func tearDown() async throws {
        runtime.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs `test` against the router over the real engine.
    func run(_ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await StoreBackedRuntime.run(runtime, test)
    }

    func storedPayments() async throws -> [PaymentRecord] {
        try await runtime.engine.payments(PaymentFilter(limit: 100)).payments
    }

    /// A CNY payment from `acc-cny` to a CNAPS bank code, with `changes` merged over it.
    static func domestic(_ changes: [String: Any] = [:], creditor: [String: Any] = [:]) -> [String: Any] {
        var body = Bodies.payment(["debtor_account": "acc-cny", "currency": "CNY", "amount": "8888.88",
                                   "end_to_end_id": NSNull(), "remittance_info": "货款 2026-11"])
        var party: [String: Any] = ["name": "上海浦东发展贸易有限公司", "account": "31001234567890123", "bank_code": "310290000013",
                                    "bank_name": "上海浦东发展银行"]
        for (key, value) in creditor {
            if value is NSNull { party[key] = nil } else { party[key] = value }
        }
        body["creditor"] = party
        for (key, value) in changes {
            if value is NSNull { body[key] = nil } else { body[key] = value }
        }
        return body
    }

    func testACNAPSCreditorWithoutTheBankNameIsRefusedAndNothingIsQueued() async throws {
        let single = Bodies.text(Self.domestic(creditor: ["bank_name": NSNull()]))
        let batch = Bodies.text(["payments": [Self.domestic(["end_to_end_id": "CN-1"]),
                                              Self.domestic(["end_to_end_id": "CN-2"], creditor: ["bank_name": NSNull()])]])
        try await run { client in
            let refused = try await client.call(.post, "/v1/payments", token: TestTokens.writer, key: "s", body: single)
            XCTAssertEqual(refused.status, .unprocessableContent)
            XCTAssertEqual(refused.errorCode, "missing_field")
            XCTAssertEqual(refused.errorField, "creditor.bank_name")
            XCTAssertTrue(refused.errorMessage?.contains("CNAPS") ?? false, "\(refused.json)")

            let refusedBatch = try await client.call(.post, "/v1/payment-batches", token: TestTokens.writer, key: "b", body: batch)
            XCTAssertEqual(refusedBatch.status, .unprocessableContent)
            XCTAssertEqual(refusedBatch.errorCode, "missing_field")
            XCTAssertEqual(refusedBatch.errorField, "payments[1].creditor.bank_name")
        }
        let stored = try await storedPayments()
        XCTAssertEqual(stored.count, 0, "nothing queued, not even the batch's valid first payment")
        let queue = try await runtime.engine.queue()
        XCTAssertEqual(queue.countsByStatus, [:])
    }

    func testAPurposeLongerThanISO20022CarriesIsRefused() async throws {
        let long = Bodies.text(Self.domestic(["purpose": String(repeating: "用", count: 36)]))
        let fits = Bodies.text(Self.domestic(["purpose": String(repeating: "用", count: 35)]))
        try await run { client in
            let refused = try await client.call(.post, "/v1/payments", token: TestTokens.writer, key: "long", body: long)
            XCTAssertEqual(refused.status, .unprocessableContent)
            XCTAssertEqual(refused.errorCode, "too_long")
            XCTAssertEqual(refused.errorField, "purpose")
            let accepted = try await client.call(.post, "/v1/payments", token: TestTokens.writer, key: "fits", body: fits)
            XCTAssertEqual(accepted.status, .created, "\(accepted.json)")
        }
        let stored = try await storedPayments()
        XCTAssertEqual(stored.count, 1)
    }

    func testTheFieldsAreStoredAndReadBack() async throws {
        let body = Bodies.text(Self.domestic(
            ["purpose": "采购货款", "priority": "urgent", "category_purpose": "SUPP", "charge_bearer": "DEBT"],
            creditor: ["bank_branch": "陆家嘴支行", "address": ["street": "世纪大道 100 号", "town": "上海", "postal_code": "200120",
                                                           "country": "CN", "lines": ["浦东新区", "20 楼"]]]))
        let plain = Bodies.text(Self.domestic(["end_to_end_id": "CN-PLAIN"], creditor: ["bank_code": "102290000018",
                                                                                        "bank_name": "中国工商银行上海分行"]))
        try await run { client in
            let created = try await client.call(.post, "/v1/payments", token: TestTokens.writer, key: "full", body: body)
            XCTAssertEqual(created.status, .created, "\(created.json)")
            let id = try XCTUnwrap(created.json["id"] as? String)
            let shown = try await client.call(.get, "/v1/payments/\(id)", token: TestTokens.reader)
            XCTAssertEqual(shown.status, .ok)
            let listed = try await client.call(.get, "/v1/payments?account=acc-cny", token: TestTokens.reader)
            let fromList = try XCTUnwrap((listed.json["payments"] as? [[String: Any]])?.first)
            for json in [created.json, shown.json, fromList] {
                XCTAssertEqual(json["purpose"] as? String, "采购货款")
                XCTAssertEqual(json["priority"] as? String, "urgent")
                XCTAssertEqual(json["category_purpose"] as? String, "SUPP")
                XCTAssertEqual(json["charge_bearer"] as? String, "DEBT")
                XCTAssertEqual(json["same_bank"] as? Bool, false, "CNAPS 310 (SPDB) is not 102 (ICBC)")
                let creditor = try XCTUnwrap(json["creditor"] as? [String: Any])
                XCTAssertEqual(creditor["bank_name"] as? String, "上海浦东发展银行")
                XCTAssertEqual(creditor["bank_branch"] as? String, "陆家嘴支行")
                let address = try XCTUnwrap(creditor["address"] as? [String: Any])
                XCTAssertEqual(address["street"] as? String, "世纪大道 100 号")
                XCTAssertEqual(address["town"] as? String, "上海")
                XCTAssertEqual(address["postal_code"] as? String, "200120")
                XCTAssertEqual(address["country"] as? String, "CN")
                XCTAssertEqual(address["lines"] as? [String], ["浦东新区", "20 楼"])
            }

            let other = try await client.call(.post, "/v1/payments", token: TestTokens.writer, key: "plain", body: plain)
            XCTAssertEqual(other.status, .created, "\(other.json)")
            XCTAssertEqual(other.json["charge_bearer"] as? String, "SHAR", "the default outside SEPA")
            XCTAssertEqual(other.json["same_bank"] as? Bool, true, "both ICBC (CNAPS 102)")
            XCTAssertTrue((other.json["creditor"] as? [String: Any])?["address"] is NSNull)
        }
        let stored = try await storedPayments()
        let full = try XCTUnwrap(stored.first { $0.endToEndId != "CN-PLAIN" })
        XCTAssertEqual(full.details, TransferDetails(purpose: "采购货款", priority: .urgent, categoryPurpose: "SUPP",
                                                     chargeBearer: .debtor, sameBank: false))
        XCTAssertEqual(full.creditor.address, PostalAddress(street: "世纪大道 100 号", town: "上海", postalCode: "200120",
                                                            country: "CN", lines: ["浦东新区", "20 楼"]))
    }

    /// One `PmtInf` has one charge bearer and payment type: a batch that mixes them is split into
    /// one bank message per kind, the payments of a kind together whatever their order.
    func testABatchIsReadWithItsPaymentsAndSplitByPaymentType() async throws {
        let body = Bodies.text(["payments": [
            Bodies.payment(["end_to_end_id": "A", "amount": "100.00", "charge_bearer": "SHAR"]),
            Bodies.payment(["end_to_end_id": "B", "amount": "0.01", "charge_bearer": "DEBT"]),
            Bodies.payment(["end_to_end_id": "C", "amount": "2.50", "charge_bearer": "SHAR"]),
            Bodies.payment(["end_to_end_id": "D", "amount": "7.00", "charge_bearer": "SHAR", "priority": "urgent"]),
        ]])
        try await run { client in
            let created = try await client.call(.post, "/v1/payment-batches", token: TestTokens.writer, key: "batch", body: body)
            XCTAssertEqual(created.status, .created, "\(created.json)")
            let batchId = try XCTUnwrap(created.json["batch_id"] as? String)
            let accepted = try XCTUnwrap(created.json["payments"] as? [[String: Any]])
            let messageIds = accepted.compactMap { $0["message_id"] as? String }
            XCTAssertEqual(messageIds.count, 4)
            XCTAssertEqual(messageIds[0], messageIds[2], "same charge bearer and type: one message")
            XCTAssertEqual(Set(messageIds).count, 3)

            let cancel = try await client.call(.post, "/v1/payments/\(accepted[1]["id"] as? String ?? "")/cancel", token: TestTokens.writer)
            XCTAssertEqual(cancel.status, .ok)
            let batch = try await client.call(.get, "/v1/payment-batches/\(batchId)", token: TestTokens.reader)
            XCTAssertEqual(batch.status, .ok)
            XCTAssertEqual(batch.json["id"] as? String, batchId)
            XCTAssertEqual(batch.json["count"] as? Int, 4)
            XCTAssertEqual(batch.json["control_sum"] as? String, "109.51")
            XCTAssertEqual(batch.json["currency"] as? String, "EUR")
            XCTAssertEqual(batch.json["created_at"] as? String, APIHarness.today.iso8601)
            // Dated the day after the harness's today, at a bank that does not honour execution dates:
            // they wait `scheduled` for their day (docs/schedules.md).
            XCTAssertEqual(batch.json["counts"] as? [String: Int], ["scheduled": 3, "cancelled": 1])
            let payments = try XCTUnwrap(batch.json["payments"] as? [[String: Any]])
            XCTAssertEqual(payments.compactMap { $0["end_to_end_id"] as? String }, ["A", "B", "C", "D"])
            XCTAssertEqual(payments.compactMap { $0["status"] as? String }, ["scheduled", "cancelled", "scheduled", "scheduled"])
            // The 201 said what intake did (an outside check saw `queued` there), and a replay says
            // it again, also for the payment cancelled since.
            XCTAssertEqual(accepted.compactMap { $0["status"] as? String }, ["scheduled", "scheduled", "scheduled", "scheduled"])
            let replay = try await client.call(.post, "/v1/payment-batches", token: TestTokens.writer, key: "batch", body: body)
            XCTAssertEqual(replay.headers[HTTPField.Name("Idempotent-Replayed")!], "true")
            XCTAssertEqual((replay.json["payments"] as? [[String: Any]])?.compactMap { $0["status"] as? String },
                           ["scheduled", "scheduled", "scheduled", "scheduled"])

            let missing = try await client.call(.get, "/v1/payment-batches/bat_unknown", token: TestTokens.reader)
            XCTAssertEqual(missing.status, .notFound)
        }
    }

    func testTheNewFieldsCountForIdempotency() async throws {
        let fields: [String: Any] = ["purpose": "工资", "priority": "urgent", "category_purpose": "SALA", "same_bank": false]
        let body = Bodies.text(Self.domestic(fields, creditor: ["address": ["town": "上海", "country": "CN", "lines": ["a"]]]))
        let otherPurpose = Bodies.text(Self.domestic(fields.merging(["purpose": "奖金"]) { $1 },
                                                     creditor: ["address": ["town": "上海", "country": "CN", "lines": ["a"]]]))
        let otherLine = Bodies.text(Self.domestic(fields, creditor: ["address": ["town": "上海", "country": "CN", "lines": ["b"]]]))
        let otherSameBank = Bodies.text(Self.domestic(fields.merging(["same_bank": true]) { $1 },
                                                      creditor: ["address": ["town": "上海", "country": "CN", "lines": ["a"]]]))
        let withoutFields = Bodies.text(Self.domestic())
        try await run { client in
            let first = try await client.call(.post, "/v1/payments", token: TestTokens.writer, key: "k", body: body)
            XCTAssertEqual(first.status, .created, "\(first.json)")
            let replay = try await client.call(.post, "/v1/payments", token: TestTokens.writer, key: "k", body: body)
            XCTAssertEqual(replay.status, .created)
            XCTAssertEqual(replay.headers[HTTPField.Name("Idempotent-Replayed")!], "true")
            XCTAssertEqual(replay.json["id"] as? String, first.json["id"] as? String)
            XCTAssertEqual(replay.json["purpose"] as? String, "工资")
            for (label, other) in [("purpose", otherPurpose), ("address line", otherLine), ("same_bank", otherSameBank),
                                   ("no fields", withoutFields)] {
                let conflict = try await client.call(.post, "/v1/payments", token: TestTokens.writer, key: "k", body: other)
                XCTAssertEqual(conflict.status, .conflict, label)
                XCTAssertEqual(conflict.errorCode, "idempotency_conflict", label)
            }
        }
        let stored = try await storedPayments()
        XCTAssertEqual(stored.count, 1)
    }
}

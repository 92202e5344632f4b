import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import XCTest

final class IntakeAPITests: XCTestCase {
    func testCreateAnswers201WithThePaymentDocument() async throws {
        let harness = APIHarness()
        try await harness.run { client in
            let answer = try await client.call(.post, "/v1/payments", token: TestTokens.writer, key: "k-1",
                                               body: Bodies.text(Bodies.payment()))
            XCTAssertEqual(answer.status, .created)
            XCTAssertNil(answer.headers[HTTPField.Name("Idempotent-Replayed")!])
            let json = answer.json
            XCTAssertEqual(json["id"] as? String, "pay_1")
            XCTAssertEqual(json["status"] as? String, "queued")
            XCTAssertEqual(json["debtor_account"] as? String, "acc-eur")
            XCTAssertEqual(json["amount"] as? String, "1250.00")
            XCTAssertEqual(json["currency"] as? String, "EUR")
            let creditor = try XCTUnwrap(json["creditor"] as? [String: Any])
            XCTAssertEqual(creditor["name"] as? String, "Müller GmbH")
            XCTAssertEqual(creditor["account"] as? String, "DE89370400440532013000")
            XCTAssertEqual(creditor["bank_code"] as? String, "COBADEFFXXX")
            XCTAssertEqual(json["remittance_info"] as? String, "Invoice 4711")
            XCTAssertEqual(json["end_to_end_id"] as? String, "E2E-0001")
            XCTAssertEqual(json["instruction_id"] as? String, "INS-pay_1")
            XCTAssertEqual(json["message_id"] as? String, "MSG-pay_1")
            XCTAssertEqual(json["payment_info_id"] as? String, "PMT-pay_1")
            XCTAssertTrue(json["batch_id"] is NSNull)
            XCTAssertEqual(json["requested_execution_date"] as? String, "2026-11-21")
            XCTAssertEqual(json["attempts"] as? Int, 0)
            for key in ["last_error", "hold_reason", "suspected_duplicate_of", "bank_status", "reason_code", "reason_text"] {
                XCTAssertTrue(json[key] is NSNull, key)
            }
            XCTAssertEqual(json["created_at"] as? String, FakeGateway.created.iso8601)
            XCTAssertEqual(json["updated_at"] as? String, FakeGateway.created.iso8601)
            XCTAssertEqual(json["charge_bearer"] as? String, "SLEV")
            for key in ["purpose", "priority", "category_purpose"] {
                XCTAssertTrue(json[key] is NSNull, key)
            }
            XCTAssertEqual(json.count, 27)
        }
        let submissions = harness.gateway.state.withLock { $0.submissions }
        XCTAssertEqual(submissions.count, 1)
        XCTAssertEqual(submissions.first?.client, "erp")
        XCTAssertEqual(submissions.first?.asBatch, false)
        XCTAssertEqual(submissions.first?.requests.first?.amount.minorUnits, 125_000)
    }

    func testIdempotencyKeyIsRequiredAndChecked() async throws {
        try await APIHarness().run { client in
            let body = Bodies.text(Bodies.payment())
            let missing = try await client.call(.post, "/v1/payments", token: TestTokens.writer, body: body)
            XCTAssertEqual(missing.status, .badRequest)
            XCTAssertEqual(missing.errorCode, "missing_idempotency_key")
            XCTAssertEqual(missing.errorField, "Idempotency-Key")

            let long = String(repeating: "k", count: 256)
            let tooLong = try await client.call(.post, "/v1/payments", token: TestTokens.writer, key: long, body: body)
            XCTAssertEqual(tooLong.status, .badRequest)
            XCTAssertEqual(tooLong.errorCode, "invalid_idempotency_key")

            let batch = try await client.call(.post, "/v1/payment-batches", token: TestTokens.writer,
                                              body: Bodies.text(["payments": [Bodies.payment()]]))
            XCTAssertEqual(batch.errorCode, "missing_idempotency_key")
        }
    }

    func testMalformedJSONWrongTypesAndUnknownFieldsAre400() async throws {
        try await APIHarness().run { client in
            func post(_ body: String) async throws -> JSONAnswer {
                try await client.call(.post, "/v1/payments", token: TestTokens.writer, key: UUID().uuidString, body: body)
            }
            let malformed = try await post("{\"debtor_account\": ")
            XCTAssertEqual(malformed.status, .badRequest)
            XCTAssertEqual(malformed.errorCode, "malformed_json")

            let empty = try await post("")
            XCTAssertEqual(empty.errorCode, "malformed_json")

            let notObject = try await post("[1, 2]")
            XCTAssertEqual(notObject.status, .badRequest)
            XCTAssertEqual(notObject.errorCode, "invalid_type")

            let numericAmount = try await post(Bodies.text(Bodies.payment(["amount": 12.5])))
            XCTAssertEqual(numericAmount.status, .badRequest)
            XCTAssertEqual(numericAmount.errorCode, "invalid_type")
            XCTAssertEqual(numericAmount.errorField, "amount")

            let creditorString = try await post(Bodies.text(Bodies.payment(["creditor": "Bob"])))
            XCTAssertEqual(creditorString.errorCode, "invalid_type")
            XCTAssertEqual(creditorString.errorField, "creditor")
            XCTAssertEqual(creditorString.errorMessage, "creditor must be an object")

            let nestedType = try await post(Bodies.text(Bodies.payment(["creditor": Bodies.creditor(["name": 7])])))
            XCTAssertEqual(nestedType.errorCode, "invalid_type")
            XCTAssertEqual(nestedType.errorField, "creditor.name")

            let unknownTop = try await post(Bodies.text(Bodies.payment(["urgency": "high"])))
            XCTAssertEqual(unknownTop.status, .badRequest)
            XCTAssertEqual(unknownTop.errorCode, "unknown_field")
            XCTAssertEqual(unknownTop.errorField, "urgency")

            let unknownNested = try await post(Bodies.text(Bodies.payment(["creditor": Bodies.creditor(["iban": "x"])])))
            XCTAssertEqual(unknownNested.status, .badRequest)
            XCTAssertEqual(unknownNested.errorCode, "unknown_field")
            XCTAssertEqual(unknownNested.errorField, "creditor.iban")
        }
    }

    func testBodyOverTheLimitIs413() async throws {
        var harness = APIHarness()
        harness.maxBodyBytes = 1_048_576
        try await harness.run { client in
            let filler = String(repeating: "x", count: 2 * 1_048_576)
            let body = Bodies.text(Bodies.payment(["remittance_info": filler]))
            let answer = try await client.call(.post, "/v1/payments", token: TestTokens.writer, key: "big", body: body)
            XCTAssertEqual(answer.status, .contentTooLarge)
            XCTAssertEqual(answer.errorCode, "payload_too_large")
        }
        XCTAssertEqual(harness.gateway.state.withLock { $0.submissions.count }, 0)
    }

    func testBatchIsAcceptedAsAWhole() async throws {
        let harness = APIHarness()
        try await harness.run { client in
            let payments = [Bodies.payment(["end_to_end_id": "E2E-A"]), Bodies.payment(["end_to_end_id": "E2E-B"])]
            let answer = try await client.call(.post, "/v1/payment-batches", token: TestTokens.writer, key: "b-1",
                                               body: Bodies.text(["payments": payments]))
            XCTAssertEqual(answer.status, .created)
            XCTAssertEqual(answer.json["batch_id"] as? String, "bat_1")
            let list = try XCTUnwrap(answer.json["payments"] as? [[String: Any]])
            XCTAssertEqual(list.map { $0["end_to_end_id"] as? String }, ["E2E-A", "E2E-B"])
            XCTAssertEqual(list.map { $0["batch_id"] as? String }, ["bat_1", "bat_1"])

            let replay = try await client.call(.post, "/v1/payment-batches", token: TestTokens.writer, key: "b-1",
                                               body: Bodies.text(["payments": payments]))
            XCTAssertEqual(replay.status, .created, "a replay is the first answer again")
            XCTAssertEqual(replay.headers[HTTPField.Name("Idempotent-Replayed")!], "true")
            XCTAssertEqual(replay.json["batch_id"] as? String, "bat_1")
        }
        let submissions = harness.gateway.state.withLock { $0.submissions }
        XCTAssertEqual(submissions.count, 1)
        XCTAssertEqual(submissions.first?.asBatch, true)
        XCTAssertEqual(submissions.first?.requests.count, 2)
    }

    func testBatchRefusalsNameTheItem() async throws {
        let harness = APIHarness()
        try await harness.run { client in
            func post(_ body: Any) async throws -> JSONAnswer {
                try await client.call(.post, "/v1/payment-batches", token: TestTokens.writer, key: UUID().uuidString,
                                      body: Bodies.text(body))
            }
            let mixed = try await post(["payments": [Bodies.payment(["end_to_end_id": "A"]),
                                                     Bodies.payment(["debtor_account": "acc-eur2", "end_to_end_id": "B"])]])
            XCTAssertEqual(mixed.status, .unprocessableContent)
            XCTAssertEqual(mixed.errorCode, "mixed_debtor_accounts")
            XCTAssertEqual(mixed.errorField, "payments[1].debtor_account")

            let badAmount = try await post(["payments": [Bodies.payment(["end_to_end_id": "A"]),
                                                         Bodies.payment(["amount": "1.234", "end_to_end_id": "B"])]])
            XCTAssertEqual(badAmount.status, .unprocessableContent)
            XCTAssertEqual(badAmount.errorCode, "invalid_amount")
            XCTAssertEqual(badAmount.errorField, "payments[1].amount")

            let duplicate = try await post(["payments": [Bodies.payment(), Bodies.payment()]])
            XCTAssertEqual(duplicate.errorCode, "duplicate_end_to_end_id")
            XCTAssertEqual(duplicate.errorField, "payments[1].end_to_end_id")

            let nestedUnknown = try await post(["payments": [Bodies.payment(["end_to_end_id": "A"]),
                                                             Bodies.payment(["creditor": Bodies.creditor(["x": "y"])])]])
            XCTAssertEqual(nestedUnknown.status, .badRequest)
            XCTAssertEqual(nestedUnknown.errorCode, "unknown_field")
            XCTAssertEqual(nestedUnknown.errorField, "payments[1].creditor.x")

            let notArray = try await post(["payments": Bodies.payment()])
            XCTAssertEqual(notArray.errorCode, "invalid_type")
            XCTAssertEqual(notArray.errorMessage, "payments must be an array")

            let wrongType = try await post(["payments": [Bodies.payment(), Bodies.payment(["amount": 5])]])
            XCTAssertEqual(wrongType.errorCode, "invalid_type")
            XCTAssertEqual(wrongType.errorField, "payments[1].amount")

            let empty = try await post(["payments": [Any]()])
            XCTAssertEqual(empty.errorCode, "invalid_batch_size")

            let unknownTop = try await post(["payments": [Bodies.payment()], "note": "x"])
            XCTAssertEqual(unknownTop.errorCode, "unknown_field")
            XCTAssertEqual(unknownTop.errorField, "note")
        }
        XCTAssertEqual(harness.gateway.state.withLock { $0.submissions.count }, 0)
    }
}

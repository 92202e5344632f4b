import BankGateCore
import BankGateStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest

final class QueryAPITests: XCTestCase {
    /// Creates `count` payments through the API; returns their ids.
    static func seed(_ client: any TestClientProtocol, count: Int) async throws -> [String] {
        var ids: [String] = []
        for index in 0..<count {
            let answer = try await client.call(.post, "/v1/payments", token: TestTokens.writer, key: "seed-\(index)",
                                               body: Bodies.text(Bodies.payment(["end_to_end_id": "E2E-\(index)"])))
            ids.append(try XCTUnwrap(answer.json["id"] as? String))
        }
        return ids
    }

    func testShowPaymentWithHistory() async throws {
        try await APIHarness().run { client in
            let ids = try await Self.seed(client, count: 1)
            let answer = try await client.call(.get, "/v1/payments/\(ids[0])", token: TestTokens.reader)
            XCTAssertEqual(answer.status, .ok)
            XCTAssertEqual(answer.json["id"] as? String, ids[0])
            XCTAssertEqual(answer.json["amount"] as? String, "1250.00")
            let history = try XCTUnwrap(answer.json["history"] as? [[String: Any]])
            XCTAssertEqual(history.count, 2)
            XCTAssertTrue(history[0]["from"] is NSNull)
            XCTAssertEqual(history[0]["to"] as? String, "received")
            XCTAssertEqual(history[1]["from"] as? String, "received")
            XCTAssertEqual(history[1]["cause"] as? String, "api")
            XCTAssertEqual(history[1]["reason"] as? String, "accepted")
            XCTAssertEqual(history[1]["attempt"] as? Int, 0)
            XCTAssertEqual(Set(history[1].keys),
                           ["from", "to", "at", "cause", "reason", "attempt", "bank_status", "reason_code"])

            let missing = try await client.call(.get, "/v1/payments/pay_404", token: TestTokens.reader)
            XCTAssertEqual(missing.status, .notFound)
            XCTAssertEqual(missing.errorCode, "not_found")
        }
    }

    func testListPagingAndParameterChecks() async throws {
        let harness = APIHarness()
        try await harness.run { client in
            _ = try await Self.seed(client, count: 3)
            let first = try await client.call(.get, "/v1/payments?limit=2&status=queued&account=acc-eur",
                                              token: TestTokens.reader)
            XCTAssertEqual(first.status, .ok)
            XCTAssertEqual((first.json["payments"] as? [Any])?.count, 2)
            let cursor = try XCTUnwrap(first.json["next_cursor"] as? String)
            let filter = harness.gateway.state.withLock { $0.lastFilter }
            XCTAssertEqual(filter, PaymentFilter(status: .queued, debtorAccountId: "acc-eur", limit: 2, cursor: nil))

            let second = try await client.call(.get, "/v1/payments?limit=2&cursor=\(cursor)", token: TestTokens.reader)
            XCTAssertEqual((second.json["payments"] as? [Any])?.count, 1)
            XCTAssertTrue(second.json["next_cursor"] is NSNull)

            for (query, field) in [("status=lost", "status"), ("limit=0", "limit"), ("limit=1001", "limit"),
                                   ("limit=ten", "limit")] {
                let bad = try await client.call(.get, "/v1/payments?\(query)", token: TestTokens.reader)
                XCTAssertEqual(bad.status, .badRequest, query)
                XCTAssertEqual(bad.errorCode, "invalid_parameter", query)
                XCTAssertEqual(bad.errorField, field, query)
            }
            let max = try await client.call(.get, "/v1/payments?limit=1000", token: TestTokens.reader)
            XCTAssertEqual(max.status, .ok)
        }
    }

    func testCancelAndRetry() async throws {
        let harness = APIHarness()
        try await harness.run { client in
            let ids = try await Self.seed(client, count: 2)
            let cancelled = try await client.call(.post, "/v1/payments/\(ids[0])/cancel", token: TestTokens.writer)
            XCTAssertEqual(cancelled.status, .ok)
            XCTAssertEqual(cancelled.json["status"] as? String, "cancelled")

            let again = try await client.call(.post, "/v1/payments/\(ids[0])/cancel", token: TestTokens.writer)
            XCTAssertEqual(again.status, .conflict)
            XCTAssertEqual(again.errorCode, "invalid_state")

            let notFailed = try await client.call(.post, "/v1/payments/\(ids[1])/retry", token: TestTokens.operatorToken)
            XCTAssertEqual(notFailed.status, .conflict)
            harness.gateway.setStatus(ids[1], .failed)
            let retried = try await client.call(.post, "/v1/payments/\(ids[1])/retry", token: TestTokens.operatorToken)
            XCTAssertEqual(retried.status, .ok)
            XCTAssertEqual(retried.json["status"] as? String, "queued")
        }
    }

    func testMessagesShowTextAndBase64() async throws {
        let harness = APIHarness()
        try await harness.run { client in
            let ids = try await Self.seed(client, count: 1)
            let xml = Array("<Document>ü</Document>".utf8)
            let binary: [UInt8] = [0xFF, 0xFE, 0x00]
            harness.gateway.state.withLock { state in
                state.messages[ids[0]] = [
                    ArchivedMessage(id: 1, direction: .outbound, bankId: "sim", kind: "pain.001.001.09", submissionId: "s",
                                    attempt: 1, httpStatus: nil, at: FakeGateway.created, bytes: xml),
                    ArchivedMessage(id: 2, direction: .inbound, bankId: "sim", kind: "http-error", submissionId: nil,
                                    attempt: nil, httpStatus: 502, at: FakeGateway.created, bytes: binary),
                ]
            }
            let answer = try await client.call(.get, "/v1/payments/\(ids[0])/messages", token: TestTokens.reader)
            XCTAssertEqual(answer.status, .ok)
            let messages = try XCTUnwrap(answer.json["messages"] as? [[String: Any]])
            XCTAssertEqual(messages.count, 2)
            XCTAssertEqual(messages[0]["direction"] as? String, "outbound")
            XCTAssertEqual(messages[0]["kind"] as? String, "pain.001.001.09")
            XCTAssertEqual(messages[0]["attempt"] as? Int, 1)
            XCTAssertTrue(messages[0]["http_status"] is NSNull)
            XCTAssertEqual(messages[0]["size"] as? Int, xml.count)
            XCTAssertEqual(messages[0]["body"] as? String, "<Document>ü</Document>")
            XCTAssertEqual(messages[0]["body_base64"] as? String, Data(xml).base64EncodedString())
            // printf '<Document>\xc3\xbc</Document>' | sha256sum
            XCTAssertEqual(messages[0]["sha256"] as? String, "118471f1051c46ad53a969dcfe03743c713ead8b6fa6765c8051f8073f0e55c4")
            XCTAssertTrue(messages[1]["body"] is NSNull)
            XCTAssertEqual(messages[1]["body_base64"] as? String, "//4A")
            XCTAssertEqual(messages[1]["http_status"] as? Int, 502)
            XCTAssertEqual(messages[1]["sha256"] as? String, "ba778c0261008c8f71ae4061ad0162ffcbe63b52c91f89f236738131d1217ec7")
        }
    }

    func testQueueDocument() async throws {
        try await APIHarness().run { client in
            let answer = try await client.call(.get, "/v1/queue", token: TestTokens.operatorToken)
            XCTAssertEqual(answer.status, .ok)
            let counts = try XCTUnwrap(answer.json["counts"] as? [String: Int])
            XCTAssertEqual(counts, ["queued": 3, "completed": 7])
            let banks = try XCTUnwrap(answer.json["banks"] as? [[String: Any]])
            XCTAssertEqual(banks.first?["bank_id"] as? String, "sim")
            XCTAssertEqual(banks.first?["oldest_queued_age_seconds"] as? Int, 12)
            XCTAssertEqual(banks.first?["circuit"] as? String, "closed")
            XCTAssertEqual(banks.first?["in_flight"] as? Int, 1)
            XCTAssertEqual(banks.first?["counts"] as? [String: Int], ["queued": 3, "completed": 7])
            XCTAssertEqual(banks.first?["archived_messages"] as? Int, 12)
            XCTAssertEqual(banks.first?["archived_bytes"] as? Int, 200_123)
            XCTAssertEqual(banks.first?["archived_prefixes"] as? Int, 2)
        }
    }

    func testEventsDocumentAndParameters() async throws {
        let harness = APIHarness()
        harness.gateway.state.withLock { state in
            state.events = [
                OutboxEvent(sequence: 7, type: "payment.accepted", paymentId: "pay_1", at: FakeGateway.created,
                            payloadJSON: #"{"status":"queued","amount":"1.00"}"#),
                OutboxEvent(sequence: 8, type: "payment.completed", paymentId: nil, at: FakeGateway.created,
                            payloadJSON: #"{"n":[1,2]}"#),
            ]
        }
        try await harness.run { client in
            let answer = try await client.call(.get, "/v1/events?after=6&wait=2&limit=10", token: TestTokens.feed)
            XCTAssertEqual(answer.status, .ok)
            let call = harness.gateway.state.withLock { $0.lastEventsCall }
            XCTAssertEqual(call?.after, 6)
            XCTAssertEqual(call?.limit, 10)
            XCTAssertEqual(call?.waitMilliseconds, 2000)
            let events = try XCTUnwrap(answer.json["events"] as? [[String: Any]])
            XCTAssertEqual(events.count, 2)
            XCTAssertEqual(events[0]["id"] as? String, "evt_7")
            XCTAssertEqual(events[0]["sequence"] as? Int, 7)
            XCTAssertEqual(events[0]["type"] as? String, "payment.accepted")
            XCTAssertEqual(events[0]["payment_id"] as? String, "pay_1")
            XCTAssertEqual(events[0]["at"] as? String, FakeGateway.created.iso8601)
            XCTAssertEqual((events[0]["data"] as? [String: Any])?["status"] as? String, "queued")
            XCTAssertTrue(events[1]["payment_id"] is NSNull)
            XCTAssertEqual(answer.json["next_after"] as? Int, 8)

            let none = try await client.call(.get, "/v1/events?after=8", token: TestTokens.feed)
            XCTAssertEqual((none.json["events"] as? [Any])?.count, 0)
            XCTAssertEqual(none.json["next_after"] as? Int, 8)
            let defaults = harness.gateway.state.withLock { $0.lastEventsCall }
            XCTAssertEqual(defaults?.limit, 100)
            XCTAssertEqual(defaults?.waitMilliseconds, 0)

            for (query, field) in [("wait=61", "wait"), ("limit=1001", "limit"), ("after=-1", "after"), ("after=x", "after")] {
                let bad = try await client.call(.get, "/v1/events?\(query)", token: TestTokens.feed)
                XCTAssertEqual(bad.status, .badRequest, query)
                XCTAssertEqual(bad.errorField, field, query)
            }
        }
    }
}

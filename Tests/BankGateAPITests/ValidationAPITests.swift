import Foundation
import XCTest

/// Every validation rule through the API: 422 with the rule's code and the field's path.
final class ValidationAPITests: XCTestCase {
    struct Case {
        var name: String
        /// Changes merged over the valid body (`NSNull()` removes a key).
        var changes: [String: Any]
        var code: String
        var field: String
    }

    static var cases: [Case] {
        [
            Case(name: "missing debtor", changes: ["debtor_account": NSNull()], code: "missing_field", field: "debtor_account"),
            Case(name: "unknown debtor", changes: ["debtor_account": "nope"], code: "unknown_account", field: "debtor_account"),
            Case(name: "inactive debtor", changes: ["debtor_account": "acc-old"], code: "inactive_account", field: "debtor_account"),
            Case(name: "not ISO 4217", changes: ["currency": "EURO"], code: "invalid_currency", field: "currency"),
            Case(name: "lower-case code", changes: ["currency": "eur"], code: "invalid_currency", field: "currency"),
            Case(name: "other currency", changes: ["currency": "USD"], code: "currency_mismatch", field: "currency"),
            Case(name: "missing amount", changes: ["amount": NSNull()], code: "missing_field", field: "amount"),
            Case(name: "amount text", changes: ["amount": "12,50"], code: "invalid_amount", field: "amount"),
            Case(name: "too many decimals", changes: ["amount": "1.001"], code: "invalid_amount", field: "amount"),
            Case(name: "exponent", changes: ["amount": "1e3"], code: "invalid_amount", field: "amount"),
            Case(name: "zero", changes: ["amount": "0.00"], code: "invalid_amount", field: "amount"),
            Case(name: "negative", changes: ["amount": "-5.00"], code: "invalid_amount", field: "amount"),
            Case(name: "overflow", changes: ["amount": "99999999999999999999"], code: "invalid_amount", field: "amount"),
            Case(name: "missing creditor", changes: ["creditor": NSNull()], code: "missing_field", field: "creditor"),
            Case(name: "missing name", changes: ["creditor": Bodies.creditor(["name": NSNull()])],
                 code: "missing_field", field: "creditor.name"),
            Case(name: "empty name", changes: ["creditor": Bodies.creditor(["name": ""])],
                 code: "invalid_text", field: "creditor.name"),
            Case(name: "long name", changes: ["creditor": Bodies.creditor(["name": String(repeating: "a", count: 141)])],
                 code: "invalid_text", field: "creditor.name"),
            Case(name: "control char in name", changes: ["creditor": Bodies.creditor(["name": "Bob\u{7}"])],
                 code: "invalid_text", field: "creditor.name"),
            Case(name: "bad IBAN check digits", changes: ["creditor": Bodies.creditor(["account": "DE89370400440532013001"])],
                 code: "invalid_iban", field: "creditor.account"),
            // A lower-case IBAN is an IBAN too: its check digits are checked, not skipped as a domestic number.
            Case(name: "lower-case IBAN, bad check digits", changes: ["creditor": Bodies.creditor(["account": "gb00west12345698765432"])],
                 code: "invalid_iban", field: "creditor.account"),
            Case(name: "spaced IBAN, bad check digits", changes: ["creditor": Bodies.creditor(["account": "GB00 WEST 1234 5698 7654 32"])],
                 code: "invalid_iban", field: "creditor.account"),
            Case(name: "domestic with symbols", changes: ["creditor": Bodies.creditor(["account": "1234-5678"])],
                 code: "invalid_account", field: "creditor.account"),
            Case(name: "domestic too long", changes: ["creditor": Bodies.creditor(["account": String(repeating: "1", count: 35)])],
                 code: "invalid_account", field: "creditor.account"),
            Case(name: "empty account", changes: ["creditor": Bodies.creditor(["account": ""])],
                 code: "invalid_account", field: "creditor.account"),
            Case(name: "bad bank code", changes: ["creditor": Bodies.creditor(["bank_code": "COBA"])],
                 code: "invalid_bank_code", field: "creditor.bank_code"),
            Case(name: "domestic without bank code",
                 changes: ["creditor": Bodies.creditor(["account": "6222021234567890", "bank_code": NSNull()])],
                 code: "missing_bank_code", field: "creditor.bank_code"),
            Case(name: "long remittance", changes: ["remittance_info": String(repeating: "r", count: 141)],
                 code: "invalid_text", field: "remittance_info"),
            Case(name: "identifier with space", changes: ["end_to_end_id": "E2E 1"],
                 code: "invalid_identifier", field: "end_to_end_id"),
            Case(name: "identifier too long", changes: ["end_to_end_id": String(repeating: "E", count: 36)],
                 code: "invalid_identifier", field: "end_to_end_id"),
            Case(name: "identifier non-ASCII", changes: ["end_to_end_id": "RÉF-1"],
                 code: "invalid_identifier", field: "end_to_end_id"),
            Case(name: "not a date", changes: ["requested_execution_date": "21.11.2026"],
                 code: "invalid_date", field: "requested_execution_date"),
            Case(name: "impossible date", changes: ["requested_execution_date": "2026-02-30"],
                 code: "invalid_date", field: "requested_execution_date"),
            Case(name: "past date", changes: ["requested_execution_date": "2026-11-19"],
                 code: "invalid_date", field: "requested_execution_date"),
            Case(name: "no leap day", changes: ["requested_execution_date": "2027-02-29"],
                 code: "invalid_date", field: "requested_execution_date"),
            Case(name: "month 13", changes: ["requested_execution_date": "2027-13-01"],
                 code: "invalid_date", field: "requested_execution_date"),
            Case(name: "short date", changes: ["requested_execution_date": "2027-1-01"],
                 code: "invalid_date", field: "requested_execution_date"),
        ]
    }

    func testEveryRuleAnswers422WithCodeAndField() async throws {
        let harness = APIHarness()
        try await harness.run { client in
            for (index, test) in Self.cases.enumerated() {
                let answer = try await client.call(.post, "/v1/payments", token: TestTokens.writer, key: "v-\(index)",
                                                   body: Bodies.text(Bodies.payment(test.changes)))
                XCTAssertEqual(answer.status, .unprocessableContent, test.name)
                XCTAssertEqual(answer.errorCode, test.code, test.name)
                XCTAssertEqual(answer.errorField, test.field, test.name)
                XCTAssertNotNil(answer.errorMessage, test.name)
            }
        }
        XCTAssertEqual(harness.gateway.state.withLock { $0.submissions.count }, 0)
    }

    func testMessagesDoNotRepeatAccountNumbers() async throws {
        try await APIHarness().run { client in
            let account = "DE89370400440532013001"
            let answer = try await client.call(.post, "/v1/payments", token: TestTokens.writer, key: "m",
                                               body: Bodies.text(Bodies.payment(["creditor": Bodies.creditor(["account": account])])))
            XCTAssertEqual(answer.errorCode, "invalid_iban")
            XCTAssertFalse(try XCTUnwrap(answer.errorMessage).contains(account))
        }
    }

    func testAcceptedVariants() async throws {
        let variants: [[String: Any]] = [
            // Today is allowed, optional fields may be absent, CNAPS bank codes for domestic accounts.
            ["requested_execution_date": "2026-11-20"],
            ["requested_execution_date": "2028-02-29"],
            ["remittance_info": NSNull(), "end_to_end_id": NSNull(), "requested_execution_date": NSNull()],
            ["debtor_account": "acc-cny", "currency": "CNY", "amount": "88",
             "creditor": ["name": "上海某某有限公司", "account": "6222021234567890", "bank_code": "102100099996"]],
            ["creditor": Bodies.creditor(["bank_code": NSNull()])],
        ]
        let bodies = variants.map { Bodies.text(Bodies.payment($0)) }
        let harness = APIHarness()
        try await harness.run { client in
            for (index, body) in bodies.enumerated() {
                let answer = try await client.call(.post, "/v1/payments", token: TestTokens.writer, key: "ok-\(index)",
                                                   body: body)
                XCTAssertEqual(answer.status, .created, "variant \(index): \(answer.json)")
            }
        }
        let requests = harness.gateway.state.withLock { $0.submissions.flatMap(\.requests) }
        XCTAssertEqual(requests.count, 5)
        XCTAssertEqual(requests.dropFirst(3).first?.amount.minorUnits, 8800)
        XCTAssertNil(requests.dropFirst(2).first?.endToEndId)
    }

    /// An IBAN in lower case or with spaces, and a lower-case BIC, are accepted and kept (and
    /// sent) in their electronic form.
    func testIdentifiersAreNormalizedBeforeTheyAreCheckedAndSent() async throws {
        let body = Bodies.text(Bodies.payment(["creditor": Bodies.creditor([
            "account": "gb82 west 1234 5698 7654 32", "bank_code": "westgb2l",
        ])]))
        let harness = APIHarness()
        try await harness.run { client in
            let answer = try await client.call(.post, "/v1/payments", token: TestTokens.writer, key: "norm-1", body: body)
            XCTAssertEqual(answer.status, .created, "\(answer.json)")
        }
        let creditor = harness.gateway.state.withLock { $0.submissions.first?.requests.first?.creditor }
        XCTAssertEqual(creditor?.account, "GB82WEST12345698765432")
        XCTAssertEqual(creditor?.bankCode, "WESTGB2L")
    }

    func testBatchPathsReachNestedFields() async throws {
        let payments = [Bodies.payment(["end_to_end_id": "A"]),
                        Bodies.payment(["end_to_end_id": "B", "creditor": Bodies.creditor(["name": NSNull()])])]
        let body = Bodies.text(["payments": payments])
        try await APIHarness().run { client in
            let answer = try await client.call(.post, "/v1/payment-batches", token: TestTokens.writer, key: "bp", body: body)
            XCTAssertEqual(answer.status, .unprocessableContent)
            XCTAssertEqual(answer.errorCode, "missing_field")
            XCTAssertEqual(answer.errorField, "payments[1].creditor.name")
        }
    }
}

import BankGateCore
import BankGateEngine
import Foundation
import XCTest

/// The optional payment fields (purpose, priority, category purpose, charge bearer, same bank, the
/// creditor's bank name, branch and address) through the API: each rule answers with its code and
/// the field's path, good values are normalized and kept.
final class PaymentFieldsAPITests: XCTestCase {
    static var address: [String: Any] { ["street": "Hauptstraße 1", "town": "Berlin", "postal_code": "10115", "country": "DE"] }

    static func withAddress(_ changes: [String: Any]) -> [String: Any] {
        var object = address
        for (key, value) in changes {
            if value is NSNull { object[key] = nil } else { object[key] = value }
        }
        return ["creditor": Bodies.creditor(["address": object])]
    }

    static var invalidCases: [ValidationAPITests.Case] {
        typealias Case = ValidationAPITests.Case
        return [
            Case(name: "empty purpose", changes: ["purpose": ""], code: "invalid_text", field: "purpose"),
            Case(name: "long purpose", changes: ["purpose": String(repeating: "用", count: 141)], code: "invalid_text", field: "purpose"),
            Case(name: "control char in purpose", changes: ["purpose": "a\u{0}b"], code: "invalid_text", field: "purpose"),
            Case(name: "priority high", changes: ["priority": "high"], code: "invalid_value", field: "priority"),
            Case(name: "priority upper case", changes: ["priority": "URGENT"], code: "invalid_value", field: "priority"),
            Case(name: "category too short", changes: ["category_purpose": "SAL"], code: "invalid_value", field: "category_purpose"),
            Case(name: "category symbol", changes: ["category_purpose": "SA-A"], code: "invalid_value", field: "category_purpose"),
            Case(name: "category too long", changes: ["category_purpose": "SALAR"], code: "invalid_value", field: "category_purpose"),
            Case(name: "charge bearer OUR", changes: ["charge_bearer": "OUR"], code: "invalid_value", field: "charge_bearer"),
            Case(name: "empty bank name", changes: ["creditor": Bodies.creditor(["bank_name": ""])],
                 code: "invalid_text", field: "creditor.bank_name"),
            Case(name: "long bank name", changes: ["creditor": Bodies.creditor(["bank_name": String(repeating: "b", count: 141)])],
                 code: "invalid_text", field: "creditor.bank_name"),
            Case(name: "control char in branch", changes: ["creditor": Bodies.creditor(["bank_branch": "Filiale\u{1B}"])],
                 code: "invalid_text", field: "creditor.bank_branch"),
            Case(name: "branch of no bank",
                 changes: ["creditor": Bodies.creditor(["bank_code": NSNull(), "bank_branch": "Filiale Berlin"])],
                 code: "missing_field", field: "creditor.bank_name"),
            Case(name: "no country", changes: withAddress(["country": NSNull()]), code: "missing_field", field: "creditor.address.country"),
            Case(name: "unknown country", changes: withAddress(["country": "XX"]), code: "invalid_country", field: "creditor.address.country"),
            Case(name: "alpha-3 country", changes: withAddress(["country": "DEU"]), code: "invalid_country", field: "creditor.address.country"),
            Case(name: "no town, no lines", changes: withAddress(["town": NSNull()]), code: "missing_field", field: "creditor.address.town"),
            Case(name: "long town", changes: withAddress(["town": String(repeating: "t", count: 36)]),
                 code: "invalid_text", field: "creditor.address.town"),
            Case(name: "long street", changes: withAddress(["street": String(repeating: "s", count: 71)]),
                 code: "invalid_text", field: "creditor.address.street"),
            Case(name: "long postal code", changes: withAddress(["postal_code": String(repeating: "1", count: 17)]),
                 code: "invalid_text", field: "creditor.address.postal_code"),
            Case(name: "three lines", changes: withAddress(["lines": ["a", "b", "c"]]), code: "invalid_value", field: "creditor.address.lines"),
            Case(name: "long line", changes: withAddress(["lines": ["a", String(repeating: "l", count: 71)]]),
                 code: "invalid_text", field: "creditor.address.lines[1]"),
            Case(name: "empty line", changes: withAddress(["lines": [""]]), code: "invalid_text", field: "creditor.address.lines[0]"),
        ]
    }

    func testEveryRuleAnswers422WithCodeAndField() async throws {
        let harness = APIHarness()
        try await harness.run { client in
            for (index, test) in Self.invalidCases.enumerated() {
                let answer = try await client.call(.post, "/v1/payments", token: TestTokens.writer, key: "f-\(index)",
                                                   body: Bodies.text(Bodies.payment(test.changes)))
                XCTAssertEqual(answer.status, .unprocessableContent, test.name)
                XCTAssertEqual(answer.errorCode, test.code, test.name)
                XCTAssertEqual(answer.errorField, test.field, test.name)
            }
        }
        XCTAssertEqual(harness.gateway.state.withLock { $0.submissions.count }, 0)
    }

    func testWrongJSONTypesAndUnknownKeysAnswer400WithThePath() async throws {
        let cases: [(String, [String: Any], String, String)] = [
            ("priority number", ["priority": 1], "invalid_type", "priority"),
            ("same_bank text", ["same_bank": "yes"], "invalid_type", "same_bank"),
            ("purpose array", ["purpose": ["a"]], "invalid_type", "purpose"),
            ("address text", ["creditor": Bodies.creditor(["address": "Berlin"])], "invalid_type", "creditor.address"),
            ("lines text", Self.withAddress(["lines": "one line"]), "invalid_type", "creditor.address.lines"),
            ("line number", Self.withAddress(["lines": ["a", 1]]), "invalid_type", "creditor.address.lines[1]"),
            ("unknown address key", Self.withAddress(["city": "Berlin"]), "unknown_field", "creditor.address.city"),
            ("unknown creditor key", ["creditor": Bodies.creditor(["bank_city": "Berlin"])], "unknown_field", "creditor.bank_city"),
        ]
        let bodies = cases.map { ($0.0, Bodies.text(Bodies.payment($0.1)), $0.2, $0.3) }
        try await APIHarness().run { client in
            for (index, (name, body, code, field)) in bodies.enumerated() {
                let answer = try await client.call(.post, "/v1/payments", token: TestTokens.writer, key: "t-\(index)",
                                                   body: body)
                XCTAssertEqual(answer.status, .badRequest, name)
                XCTAssertEqual(answer.errorCode, code, name)
                XCTAssertEqual(answer.errorField, field, name)
            }
        }
    }

    func testBatchPathsNameTheItem() async throws {
        let payments = [Bodies.payment(["end_to_end_id": "A"]), Bodies.payment(["end_to_end_id": "B"]),
                        Bodies.payment(["end_to_end_id": "C"].merging(Self.withAddress(["country": "ZZ"])) { $1 })]
        let body = Bodies.text(["payments": payments])
        try await APIHarness().run { client in
            let answer = try await client.call(.post, "/v1/payment-batches", token: TestTokens.writer, key: "b", body: body)
            XCTAssertEqual(answer.status, .unprocessableContent)
            XCTAssertEqual(answer.errorCode, "invalid_country")
            XCTAssertEqual(answer.errorField, "payments[2].creditor.address.country")
        }
    }

    func testGoodValuesAreNormalizedDefaultedAndReturned() async throws {
        let full = Bodies.text(Bodies.payment([
            "purpose": "Wareneinkauf 货款", "priority": "urgent", "category_purpose": "supp", "charge_bearer": "debt",
            "same_bank": false,
            "creditor": Bodies.creditor(["bank_name": "Commerzbank", "bank_branch": "Filiale Berlin",
                                         "address": ["street": "Hauptstraße 1", "town": "Berlin", "country": "de",
                                                     "lines": ["c/o Einkauf"]]]),
        ]))
        let plain = Bodies.text(Bodies.payment(["end_to_end_id": "E2E-0002"]))
        let domestic = Bodies.text(Bodies.payment(["debtor_account": "acc-cny", "currency": "CNY", "amount": "88", "end_to_end_id": "E2E-0003",
                                       "priority": "normal",
                                       "creditor": ["name": "上海某某有限公司", "account": "6222021234567890", "bank_code": "102100099996",
                                                    "bank_name": "中国工商银行"]]))
        let harness = APIHarness()
        try await harness.run { client in
            let answer = try await client.call(.post, "/v1/payments", token: TestTokens.writer, key: "full", body: full)
            XCTAssertEqual(answer.status, .created, "\(answer.json)")
            XCTAssertEqual(answer.json["purpose"] as? String, "Wareneinkauf 货款")
            XCTAssertEqual(answer.json["priority"] as? String, "urgent")
            XCTAssertEqual(answer.json["category_purpose"] as? String, "SUPP")
            XCTAssertEqual(answer.json["charge_bearer"] as? String, "DEBT")
            XCTAssertEqual(answer.json["same_bank"] as? Bool, false, "the client's answer wins over the bank codes")
            let creditor = try XCTUnwrap(answer.json["creditor"] as? [String: Any])
            XCTAssertEqual(creditor["bank_name"] as? String, "Commerzbank")
            XCTAssertEqual(creditor["bank_branch"] as? String, "Filiale Berlin")
            let address = try XCTUnwrap(creditor["address"] as? [String: Any])
            XCTAssertEqual(address["street"] as? String, "Hauptstraße 1")
            XCTAssertEqual(address["town"] as? String, "Berlin")
            XCTAssertTrue(address["postal_code"] is NSNull)
            XCTAssertEqual(address["country"] as? String, "DE")
            XCTAssertEqual(address["lines"] as? [String], ["c/o Einkauf"])

            let defaults = try await client.call(.post, "/v1/payments", token: TestTokens.writer, key: "plain", body: plain)
            XCTAssertEqual(defaults.status, .created)
            XCTAssertEqual(defaults.json["charge_bearer"] as? String, "SLEV", "EUR to an IBAN: SEPA-like")
            XCTAssertEqual(defaults.json["same_bank"] as? Bool, true, "both BICs are COBADEFF")
            XCTAssertTrue(defaults.json["priority"] is NSNull)
            XCTAssertTrue(defaults.json["purpose"] is NSNull)
            XCTAssertTrue((defaults.json["creditor"] as? [String: Any])?["address"] is NSNull)

            let cny = try await client.call(.post, "/v1/payments", token: TestTokens.writer, key: "cny", body: domestic)
            XCTAssertEqual(cny.status, .created, "\(cny.json)")
            XCTAssertEqual(cny.json["charge_bearer"] as? String, "SHAR", "not SEPA-like")
            XCTAssertEqual(cny.json["same_bank"] as? Bool, nil, "a BIC against a CNAPS code tells nothing")
            XCTAssertTrue(cny.json["same_bank"] is NSNull)
            XCTAssertEqual(cny.json["priority"] as? String, "normal")
        }
        let requests = harness.gateway.state.withLock { $0.submissions.flatMap(\.requests) }
        XCTAssertEqual(requests.first?.details, TransferDetails(purpose: "Wareneinkauf 货款", priority: .urgent, categoryPurpose: "SUPP",
                                                                 chargeBearer: .debtor, sameBank: false))
        XCTAssertEqual(requests.first?.creditor.address, PostalAddress(street: "Hauptstraße 1", town: "Berlin", country: "DE",
                                                                       lines: ["c/o Einkauf"]))
    }

    func testBatchIsReadWithItsPaymentsAndTheirStatuses() async throws {
        let payments = [Bodies.payment(["end_to_end_id": "A", "amount": "1000.00"]),
                        Bodies.payment(["end_to_end_id": "B", "amount": "0.01"]),
                        Bodies.payment(["end_to_end_id": "C", "amount": "250.50"])]
        let body = Bodies.text(["payments": payments])
        try await APIHarness().run { client in
            let created = try await client.call(.post, "/v1/payment-batches", token: TestTokens.writer, key: "batch", body: body)
            XCTAssertEqual(created.status, .created)
            let batchId = try XCTUnwrap(created.json["batch_id"] as? String)
            let ids = try XCTUnwrap((created.json["payments"] as? [[String: Any]])?.compactMap { $0["id"] as? String })
            let cancelled = try await client.call(.post, "/v1/payments/\(ids[1])/cancel", token: TestTokens.writer)
            XCTAssertEqual(cancelled.status, .ok)

            let batch = try await client.call(.get, "/v1/payment-batches/\(batchId)", token: TestTokens.reader)
            XCTAssertEqual(batch.status, .ok)
            XCTAssertEqual(batch.json["id"] as? String, batchId)
            XCTAssertEqual(batch.json["count"] as? Int, 3)
            XCTAssertEqual(batch.json["control_sum"] as? String, "1250.51")
            XCTAssertEqual(batch.json["currency"] as? String, "EUR")
            XCTAssertNotNil(batch.json["created_at"] as? String)
            XCTAssertEqual(batch.json["counts"] as? [String: Int], ["queued": 2, "cancelled": 1])
            let listed = try XCTUnwrap(batch.json["payments"] as? [[String: Any]])
            XCTAssertEqual(listed.compactMap { $0["id"] as? String }, ids, "in the order they were given")
            XCTAssertEqual(listed.compactMap { $0["status"] as? String }, ["queued", "cancelled", "queued"])

            let missing = try await client.call(.get, "/v1/payment-batches/bat_nope", token: TestTokens.reader)
            XCTAssertEqual(missing.status, .notFound)
            XCTAssertEqual(missing.errorCode, "not_found")
            let wrongScope = try await client.call(.get, "/v1/payment-batches/\(batchId)", token: TestTokens.feed)
            XCTAssertEqual(wrongScope.status, .forbidden)
        }
    }

    /// The new fields count in the fingerprint; a body without them keeps the canonical form of
    /// earlier versions (nothing after the creditor marker), so stored keys still replay.
    func testCanonicalFormCountsTheNewFieldsAndKeepsTheOldForm() {
        let creditor = CreditorBody(name: "A", account: "DE89370400440532013000", bankCode: nil)
        let plain = PaymentRequestBody(debtorAccount: "acc-eur", amount: "1.00", currency: "EUR", creditor: creditor)
        XCTAssertEqual(plain.canonicalForm.last, 0xFD)
        var variants: [PaymentRequestBody] = []
        func variant(_ change: (inout PaymentRequestBody) -> Void) {
            var body = plain
            change(&body)
            variants.append(body)
        }
        variant { $0.purpose = "x" }
        variant { $0.priority = "urgent" }
        variant { $0.categoryPurpose = "SALA" }
        variant { $0.chargeBearer = "SHAR" }
        variant { $0.sameBank = true }
        variant { $0.sameBank = false }
        variant { $0.creditor?.bankName = "x" }
        variant { $0.creditor?.bankBranch = "x" }
        variant { $0.creditor?.address = AddressBody(country: "DE") }
        variant { $0.creditor?.address = AddressBody(country: "DE", lines: []) }
        variant { $0.creditor?.address = AddressBody(country: "DE", lines: ["x"]) }
        variant { $0.creditor?.address = AddressBody(country: "DE", lines: ["x", ""]) }
        variant { $0.creditor?.address = AddressBody(town: "x", country: "DE") }
        variant { $0.purpose = "x"; $0.creditor?.bankName = "" }
        variant { $0.purpose = ""; $0.creditor?.bankName = "x" }
        let forms = [plain.canonicalForm] + variants.map(\.canonicalForm)
        XCTAssertEqual(Set(forms).count, forms.count, "every variant is another request")
        for form in forms.dropFirst() {
            XCTAssertTrue(form.starts(with: plain.canonicalForm), "the old form, then the new fields")
        }
    }
}

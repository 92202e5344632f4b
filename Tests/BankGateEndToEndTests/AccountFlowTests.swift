import Foundation
import BankGateSimulator
import XCTest

/// Statement upload → bank transactions → matches with payments and expected payments → the
/// exceptions list, the balance reconciliation and the payment's trace, over the API.
final class AccountFlowTests: XCTestCase {
    var harness: GatewayHarness!

    override func setUp() async throws { harness = try GatewayHarness() }
    override func tearDown() async throws { await harness.stop() }

    /// The gateway's and the simulated bank's today (see ``GatewayHarness/clock``).
    static var today: String { GatewayHarness.today }

    /// A camt.053.001.08 for the harness account: opening 1000.00, our payment (debit, by its
    /// end-to-end id), an expected customer payment (credit with an RF reference) and a fee.
    static func statement(date: String, id: String = "STMT-1", sequence: Int = 1, paymentE2E: String, paymentAmount: String,
                          closing: String) -> String {
        func entry(_ amount: String, _ side: String, ref: String, details: String) -> String {
            """
                  <Ntry>
                    <Amt Ccy="EUR">\(amount)</Amt><CdtDbtInd>\(side)</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
                    <BookgDt><Dt>\(date)</Dt></BookgDt><ValDt><Dt>\(date)</Dt></ValDt><AcctSvcrRef>\(ref)</AcctSvcrRef>
                    <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
                    \(details)
                  </Ntry>
            """
        }
        let payment = entry(paymentAmount, "DBIT", ref: "\(id)-A1", details: """
            <NtryDtls><TxDtls><Refs><EndToEndId>\(paymentE2E)</EndToEndId></Refs>
            <RltdPties><Cdtr><Pty><Nm>Müller &amp; Söhne GmbH</Nm></Pty></Cdtr></RltdPties></TxDtls></NtryDtls>
            """)
        let receipt = entry("250.00", "CRDT", ref: "\(id)-A2", details: """
            <NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
            <RltdPties><Dbtr><Pty><Nm>Globex SARL</Nm></Pty></Dbtr></RltdPties>
            <RmtInf><Strd><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls>
            """)
        let fee = entry("1.50", "DBIT", ref: "\(id)-A3", details: "<AddtlNtryInf>Account fee</AddtlNtryInf>")
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
              <BkToCstmrStmt>
                <GrpHdr><MsgId>MSG-\(id)</MsgId><CreDtTm>\(date)T18:00:00Z</CreDtTm></GrpHdr>
                <Stmt>
                  <Id>\(id)</Id><ElctrncSeqNb>\(sequence)</ElctrncSeqNb><CreDtTm>\(date)T18:00:00Z</CreDtTm>
                  <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>
                  <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>\(date)</Dt></Dt></Bal>
                  <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">\(closing)</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>\(date)</Dt></Dt></Bal>
            \(payment)
            \(receipt)
            \(fee)
                </Stmt>
              </BkToCstmrStmt>
            </Document>
            """
    }

    func testStatementIsImportedMatchedAndReconciled() async throws {
        try await harness.start()
        let today = Self.today
        let created = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(e2e: "INV-42"), key: "k-1")
        XCTAssertEqual(created.status, 201)
        let paymentId = try XCTUnwrap(created.json["id"] as? String)
        _ = try await harness.waitForPayment(paymentId) { $0 == "completed" }

        let expected = try await harness.call("POST", "/v1/expected-payments", body: [
            "account": "acme-eur", "currency": "EUR", "amount": "250.00", "reference": "RF18539007547034",
            "counterparty": ["name": "Globex"], "from": today, "to": today,
        ])
        XCTAssertEqual(expected.status, 201, "\(expected.json)")
        let expectedId = try XCTUnwrap(expected.json["id"] as? String)
        XCTAssertEqual(expected.json["status"] as? String, "open")

        // 1000.00 − 12.34 + 250.00 − 1.50 = 1236.16
        let file = Array(Self.statement(date: today, paymentE2E: "INV-42", paymentAmount: "12.34", closing: "1236.16").utf8)
        let upload = try await harness.call("POST", "/v1/statements?account=acme-eur", rawBody: file)
        XCTAssertEqual(upload.status, 201, "\(upload.json)")
        let imported = try XCTUnwrap((upload.json["statements"] as? [[String: Any]])?.first)
        XCTAssertEqual(imported["entries"] as? Int, 3)
        XCTAssertEqual(imported["new_entries"] as? Int, 3)
        XCTAssertEqual(imported["integrity"] as? String, "consistent")
        XCTAssertEqual(imported["continuity"] as? String, "first")

        let transactions = try await harness.call("GET", "/v1/accounts/acme-eur/transactions")
        let list = try XCTUnwrap(transactions.json["transactions"] as? [[String: Any]])
        XCTAssertEqual(list.map { $0["amount"] as? String }, ["-12.34", "250.00", "-1.50"])
        XCTAssertEqual(list.map { $0["match_state"] as? String }, ["matched", "matched", "unmatched"])
        XCTAssertEqual(list.first?["end_to_end_id"] as? String, "INV-42")

        let expectedNow = try await harness.call("GET", "/v1/expected-payments/\(expectedId)")
        XCTAssertEqual(expectedNow.json["status"] as? String, "matched")

        let exceptions = try await harness.call("GET", "/v1/reconciliation/exceptions?account=acme-eur")
        let unmatched = try XCTUnwrap(exceptions.json["unmatched_transactions"] as? [[String: Any]])
        XCTAssertEqual(unmatched.map { $0["amount"] as? String }, ["-1.50"])
        XCTAssertEqual((exceptions.json["unmatched_payments"] as? [Any])?.count, 0)

        let balances = try await harness.call("GET", "/v1/accounts/acme-eur/balances")
        let closing = (balances.json["balances"] as? [[String: Any]])?.first { $0["type"] as? String == "CLBD" }
        XCTAssertEqual(closing?["amount"] as? String, "1236.16")

        let report = try await harness.call("GET", "/v1/accounts/acme-eur/reconciliation?date=\(today)")
        XCTAssertEqual(report.status, 200, "\(report.json)")
        XCTAssertEqual(report.json["balanced"] as? Bool, true)
        XCTAssertEqual(report.json["difference"] as? String, "0.00")
        let ledger = try XCTUnwrap(report.json["ledger_side"] as? [String: Any])
        XCTAssertEqual(ledger["ledger_balance"] as? String, "1237.66")
        XCTAssertEqual(ledger["unmatched_bank_debits_total"] as? String, "1.50")
        XCTAssertEqual((report.json["bank_side"] as? [String: Any])?["adjusted_balance"] as? String, "1236.16")

        let trace = try await harness.call("GET", "/v1/payments/\(paymentId)/trace")
        let kinds = try XCTUnwrap(trace.json["steps"] as? [[String: Any]]).compactMap { $0["kind"] as? String }
        XCTAssertEqual(kinds.first, "api_request")
        XCTAssertTrue(kinds.contains("bank_message"))
        XCTAssertTrue(kinds.contains("status_report"))
        XCTAssertTrue(kinds.contains("statement_entry"))
        XCTAssertTrue(kinds.contains("match"))

        // The same file again: recognised, nothing stored twice.
        let again = try await harness.call("POST", "/v1/statements", rawBody: file)
        let second = try XCTUnwrap((again.json["statements"] as? [[String: Any]])?.first)
        XCTAssertEqual(second["already_imported"] as? Bool, true)
        XCTAssertEqual(second["new_entries"] as? Int, 0)
        XCTAssertEqual(second["duplicates"] as? Int, 3)
        let after = try await harness.call("GET", "/v1/accounts/acme-eur/transactions")
        XCTAssertEqual((after.json["transactions"] as? [Any])?.count, 3)

        let events = try await harness.call("GET", "/v1/events?after=0&limit=1000")
        let types = try XCTUnwrap(events.json["events"] as? [[String: Any]]).compactMap { $0["type"] as? String }
        XCTAssertEqual(types.filter { $0 == "transaction.booked" }.count, 3)
        XCTAssertEqual(types.filter { $0 == "transaction.matched" }.count, 2)
        XCTAssertEqual(types.filter { $0 == "expected_payment.matched" }.count, 1)
        XCTAssertTrue(types.contains("reconciliation.completed"))
    }

    func testManualMatchAndUndoOverTheAPI() async throws {
        try await harness.start()
        let today = Self.today
        // No payment carries this end-to-end id: the debit stays unmatched until an operator acts.
        let file = Array(Self.statement(date: today, paymentE2E: "UNKNOWN-1", paymentAmount: "12.34", closing: "1236.16").utf8)
        _ = try await harness.call("POST", "/v1/statements", rawBody: file)
        let created = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(e2e: "INV-7"), key: "k-7")
        let paymentId = try XCTUnwrap(created.json["id"] as? String)
        _ = try await harness.waitForPayment(paymentId) { $0 == "completed" }
        let transactions = try await harness.call("GET", "/v1/accounts/acme-eur/transactions")
        let debitId = try XCTUnwrap((transactions.json["transactions"] as? [[String: Any]])?.first?["id"] as? String)

        let match = try await harness.call("POST", "/v1/matches", body: ["transaction_id": debitId, "payment_id": paymentId])
        XCTAssertEqual(match.status, 201, "\(match.json)")
        XCTAssertEqual(match.json["kind"] as? String, "manual")
        XCTAssertEqual(match.json["decided_by"] as? String, "treasury")
        let twice = try await harness.call("POST", "/v1/matches", body: ["transaction_id": debitId, "payment_id": paymentId])
        XCTAssertEqual(twice.status, 409)
        XCTAssertEqual((twice.json["error"] as? [String: Any])?["code"] as? String, "invalid_state")

        let matchId = try XCTUnwrap(match.json["id"] as? String)
        let undone = try await harness.call("POST", "/v1/matches/\(matchId)/unmatch")
        XCTAssertEqual(undone.json["state"] as? String, "unmatched")
        let detail = try await harness.call("GET", "/v1/transactions/\(debitId)")
        XCTAssertEqual((detail.json["transaction"] as? [String: Any])?["match_state"] as? String, "unmatched")

        let reader = try await harness.call("POST", "/v1/matches", body: ["transaction_id": debitId, "payment_id": paymentId],
                                            token: "reader-token-0123456789")
        XCTAssertEqual(reader.status, 403)
    }

    func testBadStatementUploadsAreRefusedClearly() async throws {
        try await harness.start()
        let malformed = try await harness.call("POST", "/v1/statements", rawBody: Array("<Document><BkToCstmrStmt>".utf8))
        XCTAssertEqual(malformed.status, 422)
        XCTAssertEqual((malformed.json["error"] as? [String: Any])?["code"] as? String, "malformed_statement")

        let other = Self.statement(date: Self.today, paymentE2E: "X", paymentAmount: "12.34", closing: "1236.16")
            .replacingOccurrences(of: "DE89370400440532013000", with: "GB82WEST12345698765432")
        let unknown = try await harness.call("POST", "/v1/statements", rawBody: Array(other.utf8))
        XCTAssertEqual(unknown.status, 422)
        XCTAssertEqual((unknown.json["error"] as? [String: Any])?["code"] as? String, "unknown_account")

        let badFormat = try await harness.call("POST", "/v1/statements?format=csv", rawBody: Array("x".utf8))
        XCTAssertEqual(badFormat.status, 400)
        XCTAssertEqual((badFormat.json["error"] as? [String: Any])?["field"] as? String, "format")

        let expected = try await harness.call("POST", "/v1/expected-payments", body: [
            "account": "acme-eur", "currency": "EUR", "amount": "1.001", "from": Self.today, "to": Self.today,
        ])
        XCTAssertEqual(expected.status, 422)
        XCTAssertEqual((expected.json["error"] as? [String: Any])?["field"] as? String, "amount")
        let window = try await harness.call("POST", "/v1/expected-payments", body: [
            "account": "acme-eur", "currency": "EUR", "amount": "1.00", "from": Self.today, "to": GatewayHarness.clock.date(addingDays: -3),
        ])
        XCTAssertEqual((window.json["error"] as? [String: Any])?["field"] as? String, "to")
        let unknownField = try await harness.call("POST", "/v1/expected-payments", body: ["acount": "acme-eur"])
        XCTAssertEqual(unknownField.status, 400)
        XCTAssertEqual((unknownField.json["error"] as? [String: Any])?["code"] as? String, "unknown_field")
        let transactions = try await harness.call("GET", "/v1/accounts/acme-eur/transactions")
        XCTAssertEqual((transactions.json["transactions"] as? [Any])?.count, 0, "nothing was stored")
    }

    func testWebhookSubscriptionOverTheAPI() async throws {
        try await harness.start()
        let bad = try await harness.call("POST", "/v1/webhooks", body: ["url": "ftp://x", "event_types": ["payment.completed"]])
        XCTAssertEqual((bad.json["error"] as? [String: Any])?["field"] as? String, "url")
        let created = try await harness.call("POST", "/v1/webhooks", body: ["url": "http://127.0.0.1:9/hook", "event_types": ["transaction.*"]])
        XCTAssertEqual(created.status, 201)
        XCTAssertTrue((created.json["secret"] as? String)?.hasPrefix("whsec_") ?? false)
        let listed = try await harness.call("GET", "/v1/webhooks")
        let first = try XCTUnwrap((listed.json["webhooks"] as? [[String: Any]])?.first)
        XCTAssertNil(first["secret"], "the secret is shown once, at creation")
        let id = try XCTUnwrap(first["id"] as? String)
        let disabled = try await harness.call("POST", "/v1/webhooks/\(id)/disable")
        XCTAssertEqual(disabled.json["state"] as? String, "disabled")
        let enabled = try await harness.call("POST", "/v1/webhooks/\(id)/enable")
        XCTAssertEqual(enabled.json["state"] as? String, "active")
        let redeliver = try await harness.call("POST", "/v1/webhooks/redeliver?from_seq=1&webhook=\(id)")
        XCTAssertEqual((redeliver.json["webhooks"] as? [[String: Any]])?.first?["delivered_through_sequence"] as? Int, 0)
    }
}

/// Statements pulled from the simulated bank over HTTP (camt.060 → camt.053 / camt.052).
final class StatementPullFlowTests: XCTestCase {
    var harness: GatewayHarness!

    override func setUp() async throws { harness = try GatewayHarness() }
    override func tearDown() async throws { await harness.stop() }

    func testPulledStatementBooksAndMatchesThePayment() async throws {
        try await harness.start(faults: FaultSettings(seed: 7, incomingCreditsPerDay: 2))
        let created = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(e2e: "PULL-1"), key: "p-1")
        let paymentId = try XCTUnwrap(created.json["id"] as? String)
        _ = try await harness.waitForPayment(paymentId) { $0 == "completed" }
        let today = AccountFlowTests.today

        let pulled = try await harness.call("POST", "/v1/accounts/acme-eur/statements/pull?kind=end_of_day&from=\(today)&to=\(today)")
        XCTAssertEqual(pulled.status, 200, "\(pulled.json)")
        let statement = try XCTUnwrap((pulled.json["statements"] as? [[String: Any]])?.first)
        XCTAssertEqual(statement["integrity"] as? String, "consistent")
        XCTAssertEqual(statement["continuity"] as? String, "first")
        let entries = try XCTUnwrap(statement["entries"] as? Int)
        XCTAssertGreaterThanOrEqual(entries, 1)

        let transactions = try await harness.call("GET", "/v1/accounts/acme-eur/transactions")
        let list = try XCTUnwrap(transactions.json["transactions"] as? [[String: Any]])
        let debit = try XCTUnwrap(list.first { $0["end_to_end_id"] as? String == "PULL-1" })
        XCTAssertEqual(debit["amount"] as? String, "-12.34")
        XCTAssertEqual(debit["match_state"] as? String, "matched")
        XCTAssertEqual(list.count, entries)

        // The intraday report of the same day brings nothing new: every entry is known by its reference.
        let intraday = try await harness.call("POST", "/v1/accounts/acme-eur/statements/pull?kind=intraday")
        XCTAssertEqual(intraday.status, 200, "\(intraday.json)")
        let again = try await harness.call("GET", "/v1/accounts/acme-eur/transactions")
        XCTAssertEqual((again.json["transactions"] as? [Any])?.count, entries)

        let balances = try await harness.call("GET", "/v1/accounts/acme-eur/balances?refresh=true")
        XCTAssertEqual(balances.status, 200, "\(balances.json)")
        let types = Set((balances.json["balances"] as? [[String: Any]])?.compactMap { $0["type"] as? String } ?? [])
        XCTAssertTrue(types.isSuperset(of: ["OPBD", "CLBD", "ITBD"]), "\(types)")

        let report = try await harness.call("GET", "/v1/accounts/acme-eur/reconciliation?date=\(today)")
        XCTAssertEqual(report.json["balanced"] as? Bool, true, "\(report.json)")
    }

    /// The simulated bank lists one entry twice (same reference, same amount) and its balances do not
    /// count the copy. Both lines are kept (a statement never lists one entry twice, so the second
    /// is not a duplicate of the first), and the statement, which does not add up, is quarantined:
    /// its entries stay out of matching and the reconciliation until an operator accepts it.
    func testADuplicatedEntryQuarantinesTheStatementAndKeepsEveryLine() async throws {
        try await harness.start(faults: FaultSettings(seed: 3, duplicateEntryRate: 1, incomingCreditsPerDay: 3))
        let created = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(e2e: "DUP-1"), key: "d-1")
        _ = try await harness.waitForPayment(try XCTUnwrap(created.json["id"] as? String)) { $0 == "completed" }
        let today = AccountFlowTests.today
        let pulled = try await harness.call("POST", "/v1/accounts/acme-eur/statements/pull?from=\(today)&to=\(today)")
        let statement = try XCTUnwrap((pulled.json["statements"] as? [[String: Any]])?.first, "\(pulled.json)")
        XCTAssertEqual(statement["integrity"] as? String, "inconsistent")
        XCTAssertEqual(statement["review"] as? String, "quarantined")
        XCTAssertEqual(statement["duplicates"] as? Int, 0)
        let entries = try XCTUnwrap(statement["entries"] as? Int)
        let transactions = try await harness.call("GET", "/v1/accounts/acme-eur/transactions")
        let list = try XCTUnwrap(transactions.json["transactions"] as? [[String: Any]])
        XCTAssertEqual(list.count, entries)
        XCTAssertTrue(list.allSatisfy { $0["quarantined"] as? Bool == true }, "\(list)")
        XCTAssertTrue(list.allSatisfy { $0["match_state"] as? String == "unmatched" }, "held entries are not matched")
        let events = try await harness.call("GET", "/v1/events?after=0&limit=1000")
        let types = (events.json["events"] as? [[String: Any]])?.compactMap { $0["type"] as? String } ?? []
        XCTAssertTrue(types.contains("statement.inconsistent"))

        // Operators see it, the day does not balance while it is held, and accepting it is audited.
        let statementId = try XCTUnwrap(statement["id"] as? String)
        let exceptions = try await harness.call("GET", "/v1/reconciliation/exceptions?account=acme-eur")
        let held = (exceptions.json["quarantined_statements"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
        XCTAssertEqual(held, [statementId])
        // Its only end-of-day statement is held: there is nothing to reconcile against yet.
        let report = try await harness.call("GET", "/v1/accounts/acme-eur/reconciliation?date=\(today)")
        XCTAssertEqual(report.status, 422)
        XCTAssertEqual((report.json["error"] as? [String: Any])?["code"] as? String, "statement_held", "\(report.json)")
        let reader = try await harness.call("POST", "/v1/statements/\(statementId)/accept", token: "reader-token-0123456789")
        XCTAssertEqual(reader.status, 403)
        let accepted = try await harness.call("POST", "/v1/statements/\(statementId)/accept", body: ["reason": "checked with the bank"])
        XCTAssertEqual(accepted.status, 200, "\(accepted.json)")
        XCTAssertEqual(accepted.json["review"] as? String, "accepted")
        let again = try await harness.call("POST", "/v1/statements/\(statementId)/accept")
        XCTAssertEqual(again.status, 409, "\(again.json)")
        let released = try await harness.call("GET", "/v1/accounts/acme-eur/transactions")
        let entriesNow = try XCTUnwrap(released.json["transactions"] as? [[String: Any]])
        XCTAssertTrue(entriesNow.allSatisfy { $0["quarantined"] as? Bool == false })
        let after = try await harness.call("GET", "/v1/accounts/acme-eur/reconciliation?date=\(today)")
        XCTAssertEqual(after.json["held_statements"] as? [String], [])
    }
}

import BankGateSimulator
import BankGateTestSupport
import Foundation
import XCTest

/// One bank entry is one transaction, whatever format brought it and whatever else shares its
/// reference: the two cases of the README walk-through that lost or doubled money, through the API.
final class TransactionIdentityFlowTests: XCTestCase {
    var harness: GatewayHarness!

    override func setUp() async throws { harness = try GatewayHarness() }
    override func tearDown() async throws { await harness.stop() }

    /// The account pays itself: the bank books the debit and the credit under one reference.
    /// Both are kept, the statement adds up, and the day's reconciliation balances.
    func testATransferToTheAccountItselfKeepsTheDebitAndTheCredit() async throws {
        try await harness.start()
        let ownAccount = "DE89370400440532013000"
        let created = try await harness.call("POST", "/v1/payments", body: [
            "debtor_account": "acme-eur", "amount": "3100.00", "currency": "EUR", "end_to_end_id": "SELF-1",
            "creditor": ["name": "ACME Trading GmbH", "account": ownAccount, "bank_code": "COBADEFFXXX"],
        ], key: "self-1")
        XCTAssertEqual(created.status, 201, "\(created.json)")
        _ = try await harness.waitForPayment(try XCTUnwrap(created.json["id"] as? String)) { $0 == "completed" }
        let today = GatewayHarness.today

        let pulled = try await harness.call("POST", "/v1/accounts/acme-eur/statements/pull?kind=end_of_day&from=\(today)&to=\(today)")
        XCTAssertEqual(pulled.status, 200, "\(pulled.json)")
        let statement = try XCTUnwrap((pulled.json["statements"] as? [[String: Any]])?.first)
        XCTAssertEqual(statement["integrity"] as? String, "consistent")
        XCTAssertEqual(statement["review"] as? String, "none")
        XCTAssertEqual(statement["duplicates"] as? Int, 0)

        let listed = try await harness.call("GET", "/v1/accounts/acme-eur/transactions")
        let transactions = try XCTUnwrap(listed.json["transactions"] as? [[String: Any]])
        XCTAssertEqual(transactions.count, statement["entries"] as? Int)
        let debit = try XCTUnwrap(transactions.first { $0["amount"] as? String == "-3100.00" }, "\(transactions)")
        let credit = try XCTUnwrap(transactions.first { $0["amount"] as? String == "3100.00" }, "\(transactions)")
        let reference = try XCTUnwrap(debit["account_servicer_reference"] as? String)
        XCTAssertEqual(credit["account_servicer_reference"] as? String, reference, "one bank reference for both sides")
        XCTAssertNotEqual(debit["id"] as? String, credit["id"] as? String)
        XCTAssertEqual(debit["match_state"] as? String, "matched")
        // The keys payments use (renamed from remittance_information / payment_information_id).
        XCTAssertTrue(debit.keys.contains("remittance_info") && debit.keys.contains("payment_info_id"), "\(debit.keys.sorted())")
        XCTAssertFalse(debit.keys.contains("remittance_information") || debit.keys.contains("payment_information_id"))

        let report = try await harness.call("GET", "/v1/accounts/acme-eur/reconciliation?date=\(today)")
        XCTAssertEqual(report.json["difference"] as? String, "0.00", "\(report.json)")
        XCTAssertEqual(report.json["balanced"] as? Bool, true)
    }

    /// An account whose end-of-day statement comes as MT940 and whose intraday report (also what
    /// `balances?refresh=true` pulls) comes as camt.052: the payment's debit is stored once.
    func testAnEntryReadAsMT940AndAsCamt052IsStoredOnce() async throws {
        try await harness.start(extraConfig: """
            [[accounts]]
            id = "acme-usd"
            bank = "sim"
            number = "123456789"
            bank_code = "CHASUS33XXX"
            name = "ACME Trading Inc."
            currency = "USD"
            statement_message = "MT940"
            """)
        let created = try await harness.call("POST", "/v1/payments", body: [
            "debtor_account": "acme-usd", "amount": "500.00", "currency": "USD", "end_to_end_id": "USD-1",
            "creditor": ["name": "Globex Corp", "account": "987654321", "bank_code": "BOFAUS3NXXX"],
        ], key: "usd-1")
        XCTAssertEqual(created.status, 201, "\(created.json)")
        _ = try await harness.waitForPayment(try XCTUnwrap(created.json["id"] as? String)) { $0 == "completed" }
        let today = GatewayHarness.today

        let intraday = try await harness.call("GET", "/v1/accounts/acme-usd/balances?refresh=true")
        XCTAssertEqual(intraday.status, 200, "\(intraday.json)")
        let endOfDay = try await harness.call("POST", "/v1/accounts/acme-usd/statements/pull?kind=end_of_day&from=\(today)&to=\(today)")
        XCTAssertEqual(endOfDay.status, 200, "\(endOfDay.json)")
        let statement = try XCTUnwrap((endOfDay.json["statements"] as? [[String: Any]])?.first)
        XCTAssertEqual(statement["format"] as? String, "MT940")
        XCTAssertEqual(statement["integrity"] as? String, "consistent")
        // Every entry of the day, the payment's debit among them, was known from the camt.052.
        XCTAssertEqual(statement["new_entries"] as? Int, 0, "\(statement)")
        XCTAssertEqual(statement["duplicates"] as? Int, statement["entries"] as? Int)
        let again = try await harness.call("GET", "/v1/accounts/acme-usd/balances?refresh=true")
        XCTAssertEqual(again.status, 200)

        let listed = try await harness.call("GET", "/v1/accounts/acme-usd/transactions")
        let transactions = try XCTUnwrap(listed.json["transactions"] as? [[String: Any]])
        let debits = transactions.filter { $0["amount"] as? String == "-500.00" }
        XCTAssertEqual(debits.count, 1, "\(transactions)")
        XCTAssertEqual(debits.first?["end_to_end_id"] as? String, "USD-1")

        let report = try await harness.call("GET", "/v1/accounts/acme-usd/reconciliation?date=\(today)")
        XCTAssertEqual(report.json["difference"] as? String, "0.00", "\(report.json)")
        XCTAssertEqual(report.json["balanced"] as? Bool, true)
    }
}

/// `bankgate reconcile report` tells by its exit status whether the day balances.
final class ReconcileReportCommandTests: XCTestCase {
    var harness: GatewayHarness!

    override func setUp() async throws { harness = try GatewayHarness() }
    override func tearDown() async throws { await harness.stop() }

    private func report(_ format: String) throws -> (status: Int32, out: String, err: String) {
        try BankGateExecutable.run(["reconcile", "report", "--account", "acme-eur", "--date", GatewayHarness.today,
                                    "--format", format, "--url", "http://127.0.0.1:\(harness.apiPort)", "--token", harness.token])
    }

    func testTheExitStatusIsTheVerdict() async throws {
        // The simulated bank lists one entry twice; accepted as it is, the copy is a bank debit the
        // ledger never made, and the day does not balance.
        try await harness.start(faults: FaultSettings(seed: 3, duplicateEntryRate: 1))
        let created = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(e2e: "REP-1"), key: "r-1")
        _ = try await harness.waitForPayment(try XCTUnwrap(created.json["id"] as? String)) { $0 == "completed" }
        let today = GatewayHarness.today
        let pulled = try await harness.call("POST", "/v1/accounts/acme-eur/statements/pull?from=\(today)&to=\(today)")
        let statementId = try XCTUnwrap((pulled.json["statements"] as? [[String: Any]])?.first?["id"] as? String)

        let held = try report("text")
        XCTAssertEqual(held.status, 1, "the only statement is held: the API refuses the report (\(held.err))")
        XCTAssertTrue(held.err.contains("statement_held") || held.err.contains("held for review"), held.err)

        _ = try await harness.call("POST", "/v1/statements/\(statementId)/accept", body: ["reason": "test"])
        let unbalanced = try report("text")
        XCTAssertEqual(unbalanced.status, 4, unbalanced.err)
        XCTAssertTrue(unbalanced.out.contains("NOT balanced"), unbalanced.out)
        XCTAssertTrue(unbalanced.err.contains("not balanced"), unbalanced.err)
        let csv = try report("csv")
        XCTAssertEqual(csv.status, 4)
        XCTAssertTrue(csv.out.hasPrefix("section,item_id,date,description,amount,currency"), csv.out)
    }

    func testABalancedDayExitsZero() async throws {
        try await harness.start()
        let created = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(e2e: "REP-2"), key: "r-2")
        _ = try await harness.waitForPayment(try XCTUnwrap(created.json["id"] as? String)) { $0 == "completed" }
        let today = GatewayHarness.today
        _ = try await harness.call("POST", "/v1/accounts/acme-eur/statements/pull?from=\(today)&to=\(today)")
        let balanced = try report("json")
        XCTAssertEqual(balanced.status, 0, balanced.err)
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(balanced.out.utf8)) as? [String: Any])
        XCTAssertEqual(document["balanced"] as? Bool, true)
    }
}

/// The data folder is private to the daemon's user.
final class DataFolderModeTests: XCTestCase {
    func testTheDataFolderIs0700AndTheDatabaseFiles0600() async throws {
        let harness = try GatewayHarness()
        try await harness.start()
        _ = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(e2e: "MODE-1"), key: "mode-1")
        let data = harness.directory.appendingPathComponent("gateway").path
        func mode(_ path: String) throws -> Int {
            try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        }
        XCTAssertEqual(try mode(data), 0o700)
        // In PostgreSQL there are no database files in the folder to check.
        for file in TestStoreBackend.isPostgres ? [] : ["bankgate.sqlite", "bankgate.sqlite-wal", "bankgate.sqlite-shm"] {
            XCTAssertEqual(try mode(data + "/" + file), 0o600, file)
        }
        await harness.stop()
        try TestStoreBackend.requireSQLite("the modes of the .sqlite, -wal and -shm files")
    }
}

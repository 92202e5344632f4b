import BankGateCrypto
import BankGateTestSupport
import Foundation
import XCTest

/// Receipt exports end to end against the CMB, CMB cloud, ICBC and ISO 20022 simulators: a payment
/// executed, the day's statement and receipts pulled, then `POST /v1/receipt-exports`, polled until
/// ready and downloaded; the ZIP is read back with Info-ZIP's `unzip` (not bankgate's code): its
/// index (CSV and JSON) lists exactly the stored receipts with the store's links, and each file in
/// it hashes to the index's SHA-256. A kept file altered on disk makes the next export fail naming
/// the receipt.
final class ReceiptExportFlowTests: XCTestCase {
    func testCMBExportRoundTrip() async throws {
        try await Self.exportRoundTrip(.cmb, alsoThroughTheCommandLine: true)
    }

    func testICBCExportRoundTrip() async throws {
        try await Self.exportRoundTrip(.icbc)
    }

    func testCMBCloudExportRoundTrip() async throws {
        try await Self.exportRoundTrip(.cmbCloud)
    }

    func testISO20022ExportRoundTrip() async throws {
        try await Self.exportRoundTrip(.iso20022)
    }

    /// HSBC and BOCHK: their own ISO 20022 profiles, receipts from the day's camt.054.
    func testHSBCExportRoundTrip() async throws {
        try await Self.exportRoundTrip(.hsbc)
    }

    func testBOCHKExportRoundTrip() async throws {
        try await Self.exportRoundTrip(.bochk)
    }

    /// The 4xx answers (each naming its field), 409 before the ZIP is ready, 404 for an unknown export.
    func testBadRequestsAndAnExportNotReadyYet() async throws {
        try await Conformance.withProfile(profile: ConformanceBank.cmb.profile) { harness in
            let account = ConformanceBank.cmb.accountId
            let today = GatewayHarness.today
            let yesterday = GatewayHarness.clock.date(addingDays: -1)
            let threeYearsAgo = GatewayHarness.clock.date(addingDays: -3 * 365)
            let cases: [(body: [String: Any], status: Int, code: String, field: String?)] = [
                (["from": today, "to": today], 422, "missing_field", "accounts"),
                (["accounts": [], "from": today, "to": today], 422, "missing_field", "accounts"),
                (["accounts": [account, "nope"], "from": today, "to": today], 422, "unknown_account", "accounts[1]"),
                (["accounts": [account], "from": String(today.prefix(5)) + "02-30", "to": today], 422, "invalid_date", "from"),
                (["accounts": [account], "from": today], 422, "missing_field", "to"),
                (["accounts": [account], "from": today, "to": yesterday], 422, "invalid_range", "to"),
                (["accounts": [account], "from": threeYearsAgo, "to": today], 422, "invalid_range", "to"),
                (["accounts": account, "from": today, "to": today], 400, "invalid_type", "accounts"),
                (["accounts": [account], "from": today, "to": today, "format": "zip"], 400, "unknown_field", "format"),
            ]
            for (body, status, code, field) in cases {
                let answer = try await harness.call("POST", "/v1/receipt-exports", body: body)
                XCTAssertEqual(answer.status, status, "\(body): \(answer.json)")
                let error = answer.json["error"] as? [String: Any]
                XCTAssertEqual(error?["code"] as? String, code, "\(body): \(answer.json)")
                XCTAssertEqual(error?["field"] as? String, field, "\(body): \(answer.json)")
            }
            let unknown = try await harness.call("GET", "/v1/receipt-exports/rex_999")
            XCTAssertEqual(unknown.status, 404, "\(unknown.json)")
            let unauthenticated = try await harness.call("GET", "/v1/receipt-exports", token: "wrong-token-0123456789")
            XCTAssertEqual(unauthenticated.status, 401)

            // Ready only once written: the file answers 409 export_not_ready before. The export
            // queued here is read before the exporter can start it (it is stopped on purpose by
            // asking for the file in the same instant); a later state is accepted, a 409 expected
            // only while it is not ready.
            let created = try await harness.call("POST", "/v1/receipt-exports", body: ["accounts": [account], "from": today, "to": today])
            XCTAssertEqual(created.status, 202, "\(created.json)")
            let id = try XCTUnwrap(created.json["id"] as? String)
            XCTAssertEqual(created.headers.headerValue("Location"), "/v1/receipt-exports/\(id)")
            XCTAssertEqual(created.json["state"] as? String, "queued")
            XCTAssertEqual(created.json["requested_by"] as? String, "treasury")
            XCTAssertTrue(created.json["download"] is NSNull, "\(created.json)")
            let early = try await harness.call("GET", "/v1/receipt-exports/\(id)/file")
            if early.status == 409 {
                XCTAssertEqual((early.json["error"] as? [String: Any])?["code"] as? String, "export_not_ready", "\(early.json)")
            } else {
                XCTAssertEqual(early.status, 200, "ready already: \(early.json)")
            }
            let listed = try await harness.call("GET", "/v1/receipt-exports")
            XCTAssertEqual((listed.json["exports"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [id])
        }
    }

    static func exportRoundTrip(_ bank: ConformanceBank, alsoThroughTheCommandLine: Bool = false) async throws {
        try await Conformance.withProfile(profile: bank.profile) { harness in
            let created = try await harness.call("POST", "/v1/payments", body: bank.payment("REX-1", "1234.56"), key: "rex-1")
            XCTAssertEqual(created.status, 201, "\(created.json)")
            let paymentId = try XCTUnwrap(created.json["id"] as? String)
            _ = try await harness.waitForPayment(paymentId) { $0 == "completed" }
            let today = GatewayHarness.today
            let account = bank.accountId
            let statements = try await harness.call("POST", "/v1/accounts/\(account)/statements/pull?kind=end_of_day&from=\(today)&to=\(today)")
            XCTAssertEqual(statements.status, 200, "\(statements.json)")
            let pulled = try await harness.call("POST", "/v1/accounts/\(account)/receipts/pull?date=\(today)")
            XCTAssertEqual(pulled.status, 200, "\(pulled.json)")
            let listedReceipts = try await harness.call("GET", "/v1/receipts?account=\(account)&limit=1000")
            let stored = try XCTUnwrap(listedReceipts.json["receipts"] as? [[String: Any]])
            XCTAssertGreaterThanOrEqual(stored.count, 1)
            XCTAssertTrue(stored.contains { ($0["links"] as? [[String: Any]] ?? []).contains { $0["payment_id"] as? String == paymentId } },
                          "the payment's receipt is linked: \(stored)")

            let (export, archive) = try await exportAndDownload(harness, account: account, today: today)
            XCTAssertEqual(export["receipt_count"] as? Int, stored.count)
            XCTAssertEqual(export["progress_percent"] as? Int, 100)

            // Read back by `unzip`, not by bankgate.
            let out = harness.directory.appendingPathComponent("unzipped-\(export["id"] as? String ?? "?")")
            try Unzip.extract(archive, into: out)
            let csv = csvRecords(try String(contentsOf: out.appendingPathComponent("index.csv"), encoding: .utf8))
            let header = try XCTUnwrap(csv.first)
            let rows = csv.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
            let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("index.json")))
                                        as? [String: Any])
            let listed = try XCTUnwrap(json["receipts"] as? [[String: Any]])
            XCTAssertEqual(rows.compactMap { $0["receipt_id"] }, stored.compactMap { $0["id"] as? String }, "the CSV lists exactly the stored receipts")
            XCTAssertEqual(listed.compactMap { $0["receipt_id"] as? String }, stored.compactMap { $0["id"] as? String },
                           "the JSON lists exactly the stored receipts")
            var names = try Unzip.names(archive)
            XCTAssertEqual(names.prefix(2), ["index.csv", "index.json"])
            names.removeFirst(2)
            XCTAssertEqual(names, rows.compactMap { $0["file"] }, "one document per receipt, nothing else")
            for (receipt, (row, entry)) in zip(stored, zip(rows, listed)) {
                for key in ["account", "bank", "booking_date", "direction", "amount", "currency", "receipt_number", "bank_serial",
                            "client_reference", "content_type", "sha256"] {
                    XCTAssertEqual(row[key], (receipt[key] as? String) ?? "", "\(key) of \(receipt["id"] ?? "?")")
                    XCTAssertEqual(entry[key] as? String, receipt[key] as? String, "\(key) of \(receipt["id"] ?? "?")")
                }
                XCTAssertEqual(row["size"], (receipt["size"] as? Int).map(String.init))
                let file = try Data(contentsOf: out.appendingPathComponent(try XCTUnwrap(row["file"])))
                XCTAssertEqual(SHA256.hex(Array(file)), row["sha256"], "the file in the ZIP hashes to the index's sha256")
                // The links as the store has them.
                let links = receipt["links"] as? [[String: Any]] ?? []
                let expected = links.map { link in
                    [link["payment_id"] as? String, link["transaction_id"] as? String].compactMap { $0 }.joined(separator: " ")
                        + " \(link["method"] as? String ?? "?") " + ((link["confirmed"] as? Bool) == true ? "confirmed" : "suggested")
                }
                XCTAssertEqual(row["links"], expected.joined(separator: ";"))
                XCTAssertEqual(row["payment_ids"], Array(NSOrderedSet(array: links.compactMap { $0["payment_id"] as? String })
                    .compactMap { $0 as? String }).joined(separator: ";"))
                let jsonLinks = entry["links"] as? [[String: Any]] ?? []
                XCTAssertEqual(jsonLinks.map { "\($0["payment_id"] ?? "") \($0["transaction_id"] ?? "") \($0["method"] ?? "") \($0["confirmed"] ?? "")" },
                               links.map { "\($0["payment_id"] ?? "") \($0["transaction_id"] ?? "") \($0["method"] ?? "") \($0["confirmed"] ?? "")" })
            }

            if alsoThroughTheCommandLine {
                let daemon = ["--url", "http://127.0.0.1:\(harness.apiPort)", "--token", harness.token]
                let output = harness.directory.appendingPathComponent("cli-export.zip").path
                let exported = try BankGateExecutable.run(["receipts", "export", "--account", account, "--from", today, "--to", today,
                                                           "--output", output, "--poll-seconds", "0.1"] + daemon)
                XCTAssertEqual(exported.status, 0, exported.err)
                XCTAssertTrue(exported.out.contains("\(stored.count) receipts") && exported.out.contains("(checked)"), exported.out)
                XCTAssertTrue(exported.err.contains("export rex_"), "progress lines on standard error: \(exported.err)")
                XCTAssertFalse(exported.err.contains("\u{1B}["), "no terminal control characters when not on a terminal")
                XCTAssertEqual(try Unzip.names(URL(fileURLWithPath: output)).count, stored.count + 2)
                let receiptId = try XCTUnwrap(stored.first?["id"] as? String)
                let shown = try BankGateExecutable.run(["receipts", "show", receiptId] + daemon)
                XCTAssertEqual(shown.status, 0, shown.err)
                XCTAssertTrue(shown.out.contains(stored.first?["sha256"] as? String ?? "?"), shown.out)
                let document = harness.directory.appendingPathComponent("one-receipt").path
                let got = try BankGateExecutable.run(["receipts", "get", receiptId, "--output", document] + daemon)
                XCTAssertEqual(got.status, 0, got.err)
                XCTAssertEqual(SHA256.hex(Array(try Data(contentsOf: URL(fileURLWithPath: document)))), stored.first?["sha256"] as? String)
            }

            // A kept file altered on disk: the next export fails, naming the receipt; no ZIP is served.
            let victim = try XCTUnwrap(stored.last)
            let sha = try XCTUnwrap(victim["sha256"] as? String)
            let path = try XCTUnwrap(ReceiptFlowTests.keptFile(sha, under: harness.directory.appendingPathComponent("gateway/receipts")))
            chmod(path, 0o644)
            var bytes = try XCTUnwrap(FileManager.default.contents(atPath: path))
            bytes[bytes.count / 2] ^= 0x01
            try bytes.write(to: URL(fileURLWithPath: path))
            let failingId = try await requestExport(harness, account: account, today: today)
            let failed = try await waitForExport(harness, failingId)
            XCTAssertEqual(failed["state"] as? String, "failed", "\(failed)")
            let error = try XCTUnwrap(failed["error"] as? [String: Any], "\(failed)")
            XCTAssertEqual(error["code"] as? String, "receipt_file_altered")
            XCTAssertTrue((error["message"] as? String ?? "").contains(victim["id"] as? String ?? "?"), "\(error)")
            let notServed = try await harness.call("GET", "/v1/receipt-exports/\(failed["id"] as? String ?? "?")/file")
            XCTAssertEqual(notServed.status, 409, "\(notServed.json)")
            XCTAssertEqual((notServed.json["error"] as? [String: Any])?["code"] as? String, "export_not_ready", "\(notServed.json)")
        }
    }

    static func requestExport(_ harness: GatewayHarness, account: String, today: String) async throws -> String {
        let created = try await harness.call("POST", "/v1/receipt-exports", body: ["accounts": [account], "from": today, "to": today])
        XCTAssertEqual(created.status, 202, "\(created.json)")
        return try XCTUnwrap(created.json["id"] as? String)
    }

    /// Polls the export until it is ready or failed.
    static func waitForExport(_ harness: GatewayHarness, _ id: String) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(30)
        while true {
            let answer = try await harness.call("GET", "/v1/receipt-exports/\(id)")
            if ["ready", "failed"].contains(answer.json["state"] as? String ?? "") { return answer.json }
            if Date() > deadline { throw HarnessError("export \(id) stuck: \(answer.json)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Asks for an export of the account's day, waits until it is ready, downloads it and checks its headers.
    static func exportAndDownload(_ harness: GatewayHarness, account: String, today: String) async throws -> ([String: Any], URL) {
        let id = try await requestExport(harness, account: account, today: today)
        let export = try await waitForExport(harness, id)
        XCTAssertEqual(export["state"] as? String, "ready", "\(export)")
        XCTAssertEqual(export["download"] as? String, "/v1/receipt-exports/\(id)/file")
        let file = try await harness.client.send(method: "GET", url: "http://127.0.0.1:\(harness.apiPort)/v1/receipt-exports/\(id)/file",
                                                 headers: [("Authorization", "Bearer \(harness.token)")], body: nil)
        XCTAssertEqual(file.status, 200)
        XCTAssertEqual(file.headerValue("Content-Type"), "application/zip")
        XCTAssertEqual(file.headerValue("Content-Length"), (export["bytes"] as? Int).map(String.init))
        XCTAssertTrue(file.headerValue("Content-Disposition")?.hasPrefix("attachment; filename=\"receipts-") == true)
        let sha = try XCTUnwrap(export["sha256"] as? String)
        XCTAssertEqual(SHA256.hex(file.body), sha)
        XCTAssertEqual(file.headerValue("Digest"), "sha-256=" + Data(ReceiptFlowTests.hexBytes(sha)).base64EncodedString())
        let zip = harness.directory.appendingPathComponent("\(id).zip")
        try Data(file.body).write(to: zip)
        return (export, zip)
    }
}

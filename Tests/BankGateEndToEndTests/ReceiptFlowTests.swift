import BankGateCrypto
import BankGateTestSupport
import Foundation
import XCTest

/// Electronic receipts end to end against the CMB, CMB cloud, ICBC and ISO 20022 simulators: a payment executed, the
/// day's statement pulled, then the day's receipts — stored once, linked to the payment by its
/// client reference and to its bank transaction by the bank serial, announced by
/// `receipt.available`, shown in the payment's trace, and served as kept (with a `Digest`), never
/// once the file is altered.
final class ReceiptFlowTests: XCTestCase {
    func testCMBReceiptIsRenderedLinkedAndServed() async throws {
        // The simulator's cmb-sim-sz: our account's number and name are on the rendered receipt too.
        try await Self.receiptFlow(.cmb, expectedOrigin: "rendered", expectedContentType: "application/pdf",
                                   pdfShows: ["上海某某贸易有限公司", "31001234567890123", "755912345610001", "深圳示例科技有限公司"])
    }

    /// ISO 20022: the day's camt.054 notification, one receipt per booked entry, rendered by bankgate.
    func testISO20022ReceiptFromTheDaysCamt054IsRenderedLinkedAndServed() async throws {
        try await Self.receiptFlow(.iso20022, expectedOrigin: "rendered", expectedContentType: "application/pdf",
                                   pdfShows: ["ACME Trading SARL", "EUR 1,234.56", "Debit notification (PMNT/ICDT/ESCT)"],
                                   pdfLacks: ["人民币", "元"])
    }

    func testICBCReceiptDocumentIsFetchedLinkedAndServed() async throws {
        try await Self.receiptFlow(.icbc, expectedOrigin: "bank_document", expectedContentType: "text/plain; charset=utf-8")
    }

    func testCMBCloudReceiptDocumentIsFetchedLinkedAndServed() async throws {
        try await Self.receiptFlow(.cmbCloud, expectedOrigin: "bank_document", expectedContentType: "text/plain; charset=utf-8")
    }

    static func receiptFlow(_ bank: ConformanceBank, expectedOrigin: String, expectedContentType: String,
                            pdfShows: [String] = [], pdfLacks: [String] = []) async throws {
        try await Conformance.withProfile(profile: bank.profile) { harness in
            let created = try await harness.call("POST", "/v1/payments", body: bank.payment("RCP-1", "1234.56"), key: "rcp-1")
            XCTAssertEqual(created.status, 201, "\(created.json)")
            let paymentId = try XCTUnwrap(created.json["id"] as? String)
            let done = try await harness.waitForPayment(paymentId) { $0 == "completed" }
            let instructionId = try XCTUnwrap(done["instruction_id"] as? String)
            let today = GatewayHarness.today
            let account = bank.accountId

            let statements = try await harness.call("POST", "/v1/accounts/\(account)/statements/pull?kind=end_of_day&from=\(today)&to=\(today)")
            XCTAssertEqual(statements.status, 200, "\(statements.json)")
            let listed = try await harness.call("GET", "/v1/accounts/\(account)/transactions")
            let transactions = try XCTUnwrap(listed.json["transactions"] as? [[String: Any]])
            let debit = try XCTUnwrap(transactions.first { $0["amount"] as? String == "-1234.56" }, "\(transactions)")
            let transactionId = try XCTUnwrap(debit["id"] as? String)

            let pulled = try await harness.call("POST", "/v1/accounts/\(account)/receipts/pull?date=\(today)")
            XCTAssertEqual(pulled.status, 200, "\(pulled.json)")
            // The day's receipts: ours, and the simulator's incoming credits where it books some (ISO 20022).
            let newCount = try XCTUnwrap(pulled.json["new"] as? Int, "\(pulled.json)")
            XCTAssertGreaterThanOrEqual(newCount, 1, "\(pulled.json)")
            let receipts = try XCTUnwrap(pulled.json["receipts"] as? [[String: Any]])
            let receipt = try XCTUnwrap(receipts.first { $0["client_reference"] as? String == instructionId }, "\(receipts)")
            let receiptId = try XCTUnwrap(receipt["id"] as? String)
            XCTAssertEqual(receipt["amount"] as? String, "1234.56")
            XCTAssertEqual(receipt["direction"] as? String, "debit")
            XCTAssertEqual(receipt["booking_date"] as? String, today)
            XCTAssertEqual(receipt["origin"] as? String, expectedOrigin)
            XCTAssertEqual(receipt["content_type"] as? String, expectedContentType)
            XCTAssertNotNil(receipt["source_message_id"] as? Int, "the archived answer it came from")
            let links = try XCTUnwrap(receipt["links"] as? [[String: Any]])
            XCTAssertTrue(links.contains { $0["payment_id"] as? String == paymentId && $0["method"] as? String == "client_reference"
                                           && $0["confirmed"] as? Bool == true }, "\(links)")
            XCTAssertTrue(links.contains { $0["transaction_id"] as? String == transactionId && $0["method"] as? String == "bank_serial"
                                           && $0["confirmed"] as? Bool == true }, "\(links)")

            // Pulled again: the same receipt, known by its identity; nothing added.
            let again = try await harness.call("POST", "/v1/accounts/\(account)/receipts/pull?date=\(today)")
            XCTAssertEqual(again.status, 200, "\(again.json)")
            XCTAssertEqual(again.json["new"] as? Int, 0, "\(again.json)")
            XCTAssertEqual(again.json["added_links"] as? Int, 0, "\(again.json)")
            let all = try await harness.call("GET", "/v1/receipts?account=\(account)")
            XCTAssertEqual((all.json["receipts"] as? [[String: Any]])?.count, newCount, "\(all.json)")
            let byPayment = try await harness.call("GET", "/v1/receipts?payment=\(paymentId)&linked=true")
            XCTAssertEqual((byPayment.json["receipts"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [receiptId])
            let byTransaction = try await harness.call("GET", "/v1/receipts?transaction=\(transactionId)")
            XCTAssertEqual((byTransaction.json["receipts"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [receiptId])
            let shown = try await harness.call("GET", "/v1/receipts/\(receiptId)")
            XCTAssertEqual(shown.json["sha256"] as? String, receipt["sha256"] as? String)

            // The ledger feed carries it once, with its links; the payment's trace shows it.
            let events = try await harness.call("GET", "/v1/events?after=0&limit=1000")
            let available = (events.json["events"] as? [[String: Any]] ?? []).filter { $0["type"] as? String == "receipt.available" }
            XCTAssertEqual(available.count, newCount, "one event per receipt: \(events.json)")
            XCTAssertEqual(available.filter { ($0["data"] as? [String: Any])?["receipt_id"] as? String == receiptId }.count, 1)
            let trace = try await harness.call("GET", "/v1/payments/\(paymentId)/trace")
            let steps = trace.json["steps"] as? [[String: Any]] ?? []
            XCTAssertTrue(steps.contains { $0["kind"] as? String == "receipt" && ($0["ids"] as? [String: Any])?["receipt_id"] as? String == receiptId },
                          "\(trace.json)")

            // The file as kept, with its digest.
            let file = try await harness.client.send(method: "GET", url: "http://127.0.0.1:\(harness.apiPort)/v1/receipts/\(receiptId)/file",
                                                     headers: [("Authorization", "Bearer \(harness.token)")], body: nil)
            XCTAssertEqual(file.status, 200)
            let header = { (name: String) in file.headers.first { $0.name.lowercased() == name.lowercased() }?.value }
            XCTAssertEqual(header("Content-Type"), expectedContentType)
            let sha = try XCTUnwrap(receipt["sha256"] as? String)
            XCTAssertEqual(header("Digest"), "sha-256=" + Data(hexBytes(sha)).base64EncodedString())
            XCTAssertEqual(file.body.count, receipt["size"] as? Int)
            if expectedContentType == "application/pdf" {
                // Without white space: a value wrapped in its cell reads as one.
                let text = try pdfText(file.body, squeezed: true)
                for expected in ["1,234.56", today, receipt["receipt_number"] as? String ?? "?"] + pdfShows {
                    XCTAssertTrue(text.contains(String(expected.filter { !$0.isWhitespace })), "the rendered receipt shows \(expected): \(text)")
                }
                for unexpected in pdfLacks {
                    XCTAssertFalse(text.contains(unexpected), "the rendered receipt does not show \(unexpected): \(text)")
                }
            } else {
                let text = String(decoding: file.body, as: UTF8.self)
                XCTAssertTrue(text.contains(instructionId), text)
            }

            // A changed byte in the kept file: 500 receipt_integrity_failed, and not the bytes.
            let path = try XCTUnwrap(keptFile(sha, under: harness.directory.appendingPathComponent("gateway/receipts")))
            chmod(path, 0o644)
            var bytes = try XCTUnwrap(FileManager.default.contents(atPath: path))
            bytes[bytes.count / 2] ^= 0x01
            try bytes.write(to: URL(fileURLWithPath: path))
            let altered = try await harness.call("GET", "/v1/receipts/\(receiptId)/file")
            XCTAssertEqual(altered.status, 500)
            XCTAssertEqual((altered.json["error"] as? [String: Any])?["code"] as? String, "receipt_integrity_failed", "\(altered.json)")

            // `verify` re-hashes every kept file: this one is named, recorded and announced.
            let verified = try await harness.call("POST", "/v1/receipts/verify")
            XCTAssertEqual(verified.status, 200, "\(verified.json)")
            XCTAssertEqual(verified.json["checked"] as? Int, newCount)
            let failed = try XCTUnwrap(verified.json["failed"] as? [[String: Any]])
            XCTAssertEqual(failed.compactMap { $0["receipt_id"] as? String }, [receiptId], "\(verified.json)")
            XCTAssertEqual(failed.first?["problem"] as? String, "altered")
            XCTAssertEqual(failed.first?["found_sha256"] as? String, SHA256.hex(Array(bytes)))
            // The same finding again (as the daily check finds it): listed, not announced twice.
            let repeated = try await harness.call("POST", "/v1/receipts/verify")
            XCTAssertEqual((repeated.json["failed"] as? [[String: Any]])?.count, 1, "\(repeated.json)")
            let afterVerify = try await harness.call("GET", "/v1/events?after=0&limit=1000")
            let integrity = (afterVerify.json["events"] as? [[String: Any]] ?? []).filter { $0["type"] as? String == "receipt.integrity_failed" }
            XCTAssertEqual(integrity.count, 1, "\(afterVerify.json)")
            XCTAssertEqual((integrity.first?["data"] as? [String: Any])?["receipt_id"] as? String, receiptId)
            // Removed altogether: missing.
            try FileManager.default.removeItem(atPath: path)
            let again2 = try await harness.call("POST", "/v1/receipts/verify")
            XCTAssertEqual((again2.json["failed"] as? [[String: Any]])?.first?["problem"] as? String, "missing", "\(again2.json)")

            // The same through the command line: the table, and verify's exit status 5.
            let daemon = ["--url", "http://127.0.0.1:\(harness.apiPort)", "--token", harness.token]
            let listedByCLI = try BankGateExecutable.run(["receipts", "list", "--account", account] + daemon)
            XCTAssertEqual(listedByCLI.status, 0, listedByCLI.err)
            XCTAssertTrue(listedByCLI.out.contains(receiptId) && listedByCLI.out.contains(paymentId), listedByCLI.out)
            let verifiedByCLI = try BankGateExecutable.run(["receipts", "verify"] + daemon)
            XCTAssertEqual(verifiedByCLI.status, 5, verifiedByCLI.err)
            XCTAssertTrue(verifiedByCLI.out.contains("\(receiptId) missing"), verifiedByCLI.out)
            XCTAssertTrue(verifiedByCLI.err.contains("missing or altered"), verifiedByCLI.err)
        }
    }

    static func hexBytes(_ hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return bytes
    }


    /// The path of the file kept under `sha256` below `folder`.
    static func keptFile(_ sha256: String, under folder: URL) -> String? {
        let enumerator = FileManager.default.enumerator(atPath: folder.path)
        while let relative = enumerator?.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name == sha256 || (name.count >= 60 && sha256.hasSuffix(name)) { return folder.appendingPathComponent(relative).path }
        }
        return nil
    }
}

import BankGateTestSupport
import Foundation
import XCTest

/// ZIP uploads over the API: the members imported in order, each result naming its member; archives
/// that risk the gateway (unsafe names, zip bombs) refused whole with `archive_refused`.
final class ArchiveUploadTests: XCTestCase {
    var harness: GatewayHarness!

    override func setUp() async throws { harness = try GatewayHarness() }
    override func tearDown() async throws { await harness.stop() }

    private func errorCode(_ answer: GatewayHarness.Answer) -> String? {
        (answer.json["error"] as? [String: Any])?["code"] as? String
    }

    private func errorMessage(_ answer: GatewayHarness.Answer) -> String {
        (answer.json["error"] as? [String: Any])?["message"] as? String ?? ""
    }

    func testZipOfTwoCamt053IsImportedMemberByMember() async throws {
        try await harness.start()
        let today = GatewayHarness.today
        // 1000.00 − 12.34 + 250.00 − 1.50 = 1236.16
        let first = AccountFlowTests.statement(date: today, id: "STMT-Z1", paymentE2E: "INV-Z1", paymentAmount: "12.34",
                                               closing: "1236.16")
        let second = AccountFlowTests.statement(date: today, id: "STMT-Z2", sequence: 2, paymentE2E: "INV-Z2",
                                                paymentAmount: "100.00", closing: "1148.50")
        let archive = ZipBuilder([
            .init(name: "camt053/day1.xml", bytes: Array(first.utf8)),
            .init(name: "__MACOSX/camt053/._day1.xml", bytes: [0, 5, 22, 7]),
            .init(name: "camt053/day2.xml", bytes: Array(second.utf8), deflate: false),
        ]).bytes()

        let upload = try await harness.call("POST", "/v1/statements?account=acme-eur", rawBody: archive)
        XCTAssertEqual(upload.status, 201, "\(upload.json)")
        let statements = try XCTUnwrap(upload.json["statements"] as? [[String: Any]])
        XCTAssertEqual(statements.map { $0["member"] as? String }, ["camt053/day1.xml", "camt053/day2.xml"])
        XCTAssertEqual(statements.map { $0["bank_statement_id"] as? String }, ["STMT-Z1", "STMT-Z2"])
        XCTAssertEqual(statements.map { $0["new_entries"] as? Int }, [3, 3])
        XCTAssertEqual(statements.map { $0["integrity"] as? String }, ["consistent", "consistent"])

        let transactions = try await harness.call("GET", "/v1/accounts/acme-eur/transactions")
        let list = try XCTUnwrap(transactions.json["transactions"] as? [[String: Any]])
        XCTAssertEqual(list.count, 6)
        XCTAssertEqual(Set(list.compactMap { $0["end_to_end_id"] as? String }), ["INV-Z1", "INV-Z2", "NOTPROVIDED"])
        XCTAssertEqual(list.compactMap { $0["amount"] as? String }.sorted(),
                       ["-1.50", "-1.50", "-100.00", "-12.34", "250.00", "250.00"])

        // The same archive again: every statement already imported, no new entries.
        let again = try await harness.call("POST", "/v1/statements?account=acme-eur", rawBody: archive)
        XCTAssertEqual(again.status, 201, "\(again.json)")
        XCTAssertEqual((again.json["statements"] as? [[String: Any]])?.map { $0["new_entries"] as? Int }, [0, 0])
    }

    func testRefusedArchivesImportNothing() async throws {
        try await harness.start()
        let today = GatewayHarness.today
        let good = Array(AccountFlowTests.statement(date: today, id: "STMT-R1", paymentE2E: "INV-R1", paymentAmount: "12.34",
                                                    closing: "1236.16").utf8)
        let unsafe = ZipBuilder([.init(name: "ok.xml", bytes: good), .init(name: "../escape.xml", bytes: good)]).bytes()
        let refused = try await harness.call("POST", "/v1/statements?account=acme-eur", rawBody: unsafe)
        XCTAssertEqual(refused.status, 422)
        XCTAssertEqual(errorCode(refused), "archive_refused")
        XCTAssertTrue(errorMessage(refused).contains("member \"../escape.xml\""), errorMessage(refused))

        let bomb = ZipBuilder([.init(name: "ok.xml", bytes: good),
                               .init(name: "bomb.xml", bytes: [UInt8](repeating: 0x20, count: 16 << 20))]).bytes()
        let bombAnswer = try await harness.call("POST", "/v1/statements?account=acme-eur", rawBody: bomb)
        XCTAssertEqual(bombAnswer.status, 422)
        XCTAssertEqual(errorCode(bombAnswer), "archive_refused")
        XCTAssertTrue(errorMessage(bombAnswer).contains("member \"bomb.xml\""), errorMessage(bombAnswer))

        let notStatement = ZipBuilder([.init(name: "ok.xml", bytes: good),
                                       .init(name: "readme.pdf", bytes: Array("%PDF-1.7".utf8))]).bytes()
        let pdf = try await harness.call("POST", "/v1/statements?account=acme-eur", rawBody: notStatement)
        XCTAssertEqual(errorCode(pdf), "archive_refused")
        XCTAssertTrue(errorMessage(pdf).contains("\"readme.pdf\" is neither camt XML nor MT940/MT942"), errorMessage(pdf))

        let transactions = try await harness.call("GET", "/v1/accounts/acme-eur/transactions")
        XCTAssertEqual((transactions.json["transactions"] as? [Any])?.count, 0, "a refused archive imports nothing")

        // A member that is a statement but malformed stops the import there, as a second upload would fail.
        let broken = ZipBuilder([.init(name: "day1.xml", bytes: good),
                                 .init(name: "day2.xml", bytes: Array("<?xml version=\"1.0\"?><Document".utf8))]).bytes()
        let partial = try await harness.call("POST", "/v1/statements?account=acme-eur", rawBody: broken)
        XCTAssertEqual(partial.status, 422)
        XCTAssertEqual(errorCode(partial), "malformed_statement")
        XCTAssertTrue(errorMessage(partial).hasPrefix("member \"day2.xml\": "), errorMessage(partial))
        let after = try await harness.call("GET", "/v1/accounts/acme-eur/transactions")
        XCTAssertEqual((after.json["transactions"] as? [Any])?.count, 3, "the member before it stays imported")
    }
}

import BankGateAdapters
import BankGateCore
import XCTest

/// CMB through the engine's adapter contract: per-transfer status queries, answers keyed by
/// `YURREF`, "not received" only from an answer that says so.
final class CMBContractTests: XCTestCase {
    private typealias Fixtures = CMBFixtures
    private let sentAt = Timestamp.parseDate("2026-11-23")!.adding(milliseconds: 9_000_000)

    private func query(_ references: [String]) -> StatusQuery {
        StatusQuery(originalMessageId: "MSG-1", originalKind: "CMB.DCPAYMNT", queryId: "BGQ-1", createdAt: sentAt,
                    firstSentAt: sentAt, debtor: Fixtures.debtor,
                    transfers: references.map { SentTransfer(instructionId: $0, endToEndId: "E2E-\($0)") })
    }

    func testTheStatusQueryNamesTheOneTransferAroundItsSendingDay() throws {
        let adapter: any BankAdapter = Fixtures.adapter
        XCTAssertEqual(adapter.statusQueryScope, .transfer)
        let encoded = try adapter.encodeStatusQuery(query(["BGI20261123000001"]))
        XCTAssertEqual(encoded.bytes, try Fixtures.sample("ntqrysty-request.xml"))
        XCTAssertThrowsError(try adapter.encodeStatusQuery(query(["A", "B"])))
        XCTAssertThrowsError(try adapter.encodeStatusQuery(query([])))
    }

    func testAPaymentAnswerIsAReportAboutTheMessageSent() throws {
        let adapter: any BankAdapter = Fixtures.adapter
        let report = try adapter.decodePaymentAnswer(try Fixtures.sample("dcpaymnt-answer-processing.xml"), sentMessageId: "MSG-1")
        XCTAssertEqual(report.originalMessageId, "MSG-1")
        XCTAssertEqual(report.transactions.map(\.instructionId), ["BGI20261123000001"])
        XCTAssertEqual(report.transactions.map(\.status), [.processing])
        XCTAssertNil(report.groupOutcome)
        // A duplicate YURREF is a doubt, not a result: the engine asks.
        let duplicate = try adapter.decodePaymentAnswer(try Fixtures.sample("dcpaymnt-answer-duplicate.xml"), sentMessageId: "MSG-1")
        XCTAssertEqual(duplicate.transactions.first?.status, .unknown)
        XCTAssertThrowsError(try adapter.decodePaymentAnswer(try Fixtures.sample("dcpaymnt-answer-not-logged-in.xml"), sentMessageId: "MSG-1"))
        XCTAssertThrowsError(try adapter.decodeStatusReport(try Fixtures.sample("dcpaymnt-answer-processing.xml")))
    }

    func testTheStatusAnswerSettlesOnlyTheTransferAskedAbout() throws {
        let adapter: any BankAdapter = Fixtures.adapter
        let completed = try Fixtures.sample("ntqrysty-answer-completed.xml")
        guard case .report(let report) = adapter.interpretStatusQueryAnswer(httpStatus: 200, body: completed,
                                                                            query: query(["BGI20261123000001"])) else {
            return XCTFail("expected a report")
        }
        XCTAssertEqual(report.originalMessageId, "MSG-1")
        XCTAssertEqual(report.transactions.map(\.status), [.completed])
        // The same answer asked about another reference proves nothing about it.
        guard case .inconclusive = adapter.interpretStatusQueryAnswer(httpStatus: 200, body: completed,
                                                                       query: query(["BGI-OTHER"])) else {
            return XCTFail("an answer about another YURREF must be inconclusive")
        }
        guard case .inconclusive = adapter.interpretStatusQueryAnswer(httpStatus: 502, body: completed,
                                                                       query: query(["BGI20261123000001"])) else {
            return XCTFail("HTTP 502 must be inconclusive")
        }
        for name in ["dcpaymnt-answer-malformed.xml", "dcpaymnt-answer-dtd.xml", "dcpaymnt-answer-not-logged-in.xml",
                     "dcpaymnt-answer-unknown-retcod.xml"] {
            guard case .inconclusive = adapter.interpretStatusQueryAnswer(httpStatus: 200, body: try Fixtures.sample(name),
                                                                           query: query(["BGI20261123000001"])) else {
                return XCTFail("\(name) must be inconclusive")
            }
        }
    }

    func testAnAnswerWithoutAnyPaymentRecordMeansNotReceived() throws {
        let adapter: any BankAdapter = Fixtures.adapter
        let empty = try ChineseTextEncoding.gbk.encode(#"<?xml version="1.0" encoding="GBK"?>"# + """
            <CMBSDKPGK><INFO><DATTYP>2</DATTYP><ERRMSG></ERRMSG><FUNNAM>NTQRYSTY</FUNNAM><LGNNAM>BANKGATE01</LGNNAM><RETCOD>0</RETCOD></INFO></CMBSDKPGK>
            """, field: "answer")
        XCTAssertEqual(adapter.interpretStatusQueryAnswer(httpStatus: 200, body: empty, query: query(["BGI20261123000001"])),
                       .notReceived)
        // The same shape with an error code is not "not received".
        let refused = try ChineseTextEncoding.gbk.encode(#"<?xml version="1.0" encoding="GBK"?>"# + """
            <CMBSDKPGK><INFO><DATTYP>2</DATTYP><ERRMSG>系统忙</ERRMSG><FUNNAM>NTQRYSTY</FUNNAM><LGNNAM>BANKGATE01</LGNNAM><RETCOD>-9</RETCOD></INFO></CMBSDKPGK>
            """, field: "answer")
        guard case .inconclusive = adapter.interpretStatusQueryAnswer(httpStatus: 200, body: refused,
                                                                       query: query(["BGI20261123000001"])) else {
            return XCTFail("RETCOD -9 must be inconclusive")
        }
    }

    func testIntakeNamesTheFieldCMBCannotCarry() {
        let adapter: any BankAdapter = Fixtures.adapter
        XCTAssertNil(adapter.intakeProblem(Fixtures.otherBankTransfer(), debtor: Fixtures.debtor))
        let emoji = adapter.intakeProblem(Fixtures.otherBankTransfer(name: "上海某某贸易😀有限公司"), debtor: Fixtures.debtor)
        XCTAssertEqual(emoji?.field, "creditor.name")
        XCTAssertTrue(emoji?.message.contains("U+1F600") == true, emoji?.message ?? "")
        // 32 Chinese characters are 64 GBK bytes, over CRTNAM's 62.
        let long = adapter.intakeProblem(Fixtures.otherBankTransfer(name: String(repeating: "贸", count: 32)), debtor: Fixtures.debtor)
        XCTAssertEqual(long?.field, "creditor.name")
        XCTAssertTrue(long?.message.contains("64 bytes") == true, long?.message ?? "")
        var noBank = Fixtures.otherBankTransfer()
        noBank.creditor.bankName = nil
        noBank.creditor.bankBranch = nil
        XCTAssertEqual(adapter.intakeProblem(noBank, debtor: Fixtures.debtor)?.field, "creditor.bank_name")
        // The same transfer to another CMB customer needs no bank name.
        noBank.details.sameBank = true
        XCTAssertNil(adapter.intakeProblem(noBank, debtor: Fixtures.debtor))
    }
}

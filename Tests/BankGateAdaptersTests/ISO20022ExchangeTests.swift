import BankGateAdapters
import BankGateCore
import BankGateXML
import XCTest

/// The HTTP disposition table and the status query: encoding, decoding and interpreting the answer.
final class ISO20022ExchangeTests: XCTestCase {
    typealias Fixtures = ISO20022Fixtures
    let adapter = ISO20022Adapter(painVersion: .v09)

    func testDispositionTable() throws {
        let accepted = try Fixtures.sample("pain.002.001.10-accepted.xml")
        let rejected = try Fixtures.sample("pain.002.001.10-group-rjct-ff01.xml")
        let garbage = Array("<html>oops</html>".utf8)
        for status in [200, 201, 202] {
            XCTAssertEqual(adapter.disposition(httpStatus: status, body: accepted), .report, "\(status)")
            XCTAssertEqual(adapter.disposition(httpStatus: status, body: rejected), .report, "\(status)")
            XCTAssertTrue(isUnknown(adapter.disposition(httpStatus: status, body: garbage)), "\(status)")
            XCTAssertTrue(isUnknown(adapter.disposition(httpStatus: status, body: [])), "\(status)")
        }
        for status in [429, 503] {
            XCTAssertTrue(isRetryLater(adapter.disposition(httpStatus: status, body: [])), "\(status)")
            XCTAssertTrue(isRetryLater(adapter.disposition(httpStatus: status, body: accepted)), "\(status)")
        }
        for status in [400, 401, 403, 413, 415, 422] {
            XCTAssertTrue(isFatal(adapter.disposition(httpStatus: status, body: garbage)), "\(status)")
            XCTAssertTrue(isFatal(adapter.disposition(httpStatus: status, body: accepted)), "\(status): not a rejection")
            XCTAssertEqual(adapter.disposition(httpStatus: status, body: rejected), .report, "\(status)")
        }
        XCTAssertEqual(adapter.disposition(httpStatus: 404, body: []), .fatal("endpoint not found (HTTP 404): check the bank's URL"))
        XCTAssertTrue(isFatal(adapter.disposition(httpStatus: 404, body: rejected)))
        for status in [500, 502, 504, 301, 302, 409, 0, 999] {
            XCTAssertTrue(isUnknown(adapter.disposition(httpStatus: status, body: accepted)), "\(status)")
            XCTAssertTrue(isUnknown(adapter.disposition(httpStatus: status, body: [])), "\(status)")
        }
    }

    func testStatusQueryEncodingAndDecoding() throws {
        let query = try adapter.encodeStatusQuery(originalMessageId: "MSG-20261123-0002", originalKind: "pain.001.001.09",
                                                  queryId: "QRY-0001", createdAt: Fixtures.createdAt)
        XCTAssertEqual(query.kind, "pacs.028.001.03")
        XCTAssertEqual(query.contentType, "application/xml")
        XCTAssertEqual(query.fileName, "QRY-0001.xml")
        XCTAssertEqual(String(decoding: query.bytes, as: UTF8.self), """
            <?xml version="1.0" encoding="UTF-8"?>
            <Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.028.001.03">
              <FIToFIPmtStsReq>
                <GrpHdr>
                  <MsgId>QRY-0001</MsgId>
                  <CreDtTm>2026-11-23T05:28:18Z</CreDtTm>
                </GrpHdr>
                <OrgnlGrpInf>
                  <OrgnlMsgId>MSG-20261123-0002</OrgnlMsgId>
                  <OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId>
                </OrgnlGrpInf>
              </FIToFIPmtStsReq>
            </Document>

            """)
        let decoded = try ISO20022Adapter.decodeStatusQuery(query.bytes)
        XCTAssertEqual(decoded.queryId, "QRY-0001")
        XCTAssertEqual(decoded.originalMessageId, "MSG-20261123-0002")

        XCTAssertThrowsError(try adapter.encodeStatusQuery(originalMessageId: "", originalKind: "pain.001.001.09",
                                                           queryId: "Q", createdAt: Fixtures.createdAt))
        XCTAssertThrowsError(try ISO20022Adapter.decodeStatusQuery(try Fixtures.sample("pain.002.001.10-accepted.xml")))
        XCTAssertThrowsError(try ISO20022Adapter.decodeStatusQuery(try Fixtures.sample("hostile-xxe.xml")))
    }

    func testStatusQueryAnswers() throws {
        let original = "MSG-20261123-0002"
        let accepted = try Fixtures.sample("pain.002.001.10-accepted.xml")
        let notFound = try Fixtures.sample("pain.002.001.10-notfound.xml")
        let rejected = try Fixtures.sample("pain.002.001.10-group-rjct-ff01.xml")

        guard case .report(let report) = adapter.interpretStatusQueryAnswer(httpStatus: 200, body: accepted, originalMessageId: original) else {
            return XCTFail("a 200 with a pain.002 about the message is a report")
        }
        XCTAssertEqual(report.groupStatus, "ACCP")
        guard case .report = adapter.interpretStatusQueryAnswer(httpStatus: 200, body: rejected, originalMessageId: original) else {
            return XCTFail("a rejection for another reason is a report, not 'not received'")
        }
        XCTAssertEqual(adapter.interpretStatusQueryAnswer(httpStatus: 200, body: notFound, originalMessageId: original), .notReceived)
        XCTAssertEqual(adapter.interpretStatusQueryAnswer(httpStatus: 404, body: notFound, originalMessageId: original), .notReceived)

        // Never "not received" without the explicit answer about this very message.
        let inconclusive: [(Int, [UInt8], String)] = [
            (404, [], original),
            (404, Array("Not Found".utf8), original),
            (200, [], original),
            (200, notFound, "MSG-OTHER"),
            (200, accepted, "MSG-OTHER"),
            (500, notFound, original),
            (503, accepted, original),
            (404, accepted, original),
            (200, try Fixtures.sample("hostile-dtd.xml"), original),
        ]
        for (status, body, id) in inconclusive {
            let answer = adapter.interpretStatusQueryAnswer(httpStatus: status, body: body, originalMessageId: id)
            guard case .inconclusive = answer else {
                XCTFail("HTTP \(status), \(body.count) bytes, id \(id): \(answer)")
                continue
            }
        }
    }

    private func isUnknown(_ d: SendDisposition) -> Bool { if case .unknown = d { true } else { false } }
    private func isRetryLater(_ d: SendDisposition) -> Bool { if case .retryLater = d { true } else { false } }
    private func isFatal(_ d: SendDisposition) -> Bool { if case .fatal = d { true } else { false } }
}

import BankGateAdapters
import BankGateCrypto
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization
import XCTest

/// A bank whose answer to the payment carries a DTD with an external entity. The gateway must not
/// parse it, must not mark the payment failed or rejected, and must settle it by a status query.
final class HostileBankTests: XCTestCase {
    var harness: GatewayHarness!
    var bankTask: Task<Void, any Error>?
    var bankGroup: ServiceGroup?

    override func setUp() async throws { harness = try GatewayHarness() }

    override func tearDown() async throws {
        await harness.stop()
        await bankGroup?.triggerGracefulShutdown()
        _ = try? await bankTask?.value
    }

    static let hostileAnswer = """
        <?xml version="1.0"?>
        <!DOCTYPE Document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
        <Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt><GrpHdr><MsgId>&xxe;</MsgId>\
        <CreDtTm>2026-11-23T10:00:00Z</CreDtTm></GrpHdr></CstmrPmtStsRpt></Document>
        """

    static func settledReport(for messageId: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>\
        <GrpHdr><MsgId>RPT-\(messageId)</MsgId><CreDtTm>2026-11-23T10:00:00Z</CreDtTm></GrpHdr>\
        <OrgnlGrpInfAndSts><OrgnlMsgId>\(messageId)</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId><GrpSts>ACSC</GrpSts></OrgnlGrpInfAndSts>\
        </CstmrPmtStsRpt></Document>
        """
    }

    func testAnswerWithExternalEntityIsRefusedAndThePaymentStaysRecoverable() async throws {
        let router = Router()
        router.post("/payments") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/xml"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: Self.hostileAnswer)))
        }
        router.post("/status") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let query = try ISO20022Adapter.decodeStatusQuery(Array(buffer: body))
            return Response(status: .ok, headers: [.contentType: "application/xml"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: Self.settledReport(for: query.originalMessageId))))
        }
        let port = try await startBank(router)

        try await harness.start(bankURL: "http://127.0.0.1:\(port)")
        let created = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(), key: "x1")
        let id = try XCTUnwrap(created.json["id"] as? String)
        let done = try await harness.waitForPayment(id) { $0 == "completed" }
        let history = try XCTUnwrap(done["history"] as? [[String: Any]])
        XCTAssertEqual(history.compactMap { $0["to"] as? String }, ["received", "queued", "sending", "unknown", "completed"])
        let unknownReason = history.first { $0["to"] as? String == "unknown" }?["reason"] as? String ?? ""
        XCTAssertTrue(unknownReason.lowercased().contains("dtd") || unknownReason.lowercased().contains("doctype"), unknownReason)

        // The hostile bytes are archived as received (evidence), and nothing of /etc/passwd is anywhere.
        let messages = try await harness.call("GET", "/v1/payments/\(id)/messages")
        let bodies = (messages.json["messages"] as? [[String: Any]])?.compactMap { $0["body"] as? String } ?? []
        XCTAssertTrue(bodies.contains { $0.contains("<!DOCTYPE") })
        XCTAssertFalse(bodies.contains { $0.contains("root:x:0:0") })
    }

    /// Issue 8.2 over real HTTP: a bank that fails the payment with a 500 (outcome unknown) and
    /// answers every status query with 32 MiB + 1 byte, one over what the pain.002 reader takes.
    /// Each answer is archived as its first 64 KiB with the whole answer's size and digest, the
    /// queue counts the bytes held, and the payment stays `unknown`, never sent again. (The pace of
    /// the queries is asserted on a manual clock in HostileAnswerTests.)
    func testOversizedStatusAnswersAreArchivedAsPrefixesAndNothingIsResent() async throws {
        let oversized = [UInt8](repeating: UInt8(ascii: "A"), count: (32 << 20) + 1)
        let digest = SHA256.hex(oversized)
        let payments = Mutex(0)
        let router = Router()
        router.post("/payments") { _, _ -> Response in
            payments.withLock { $0 += 1 }
            return Response(status: .internalServerError, body: ResponseBody(byteBuffer: ByteBuffer(string: "internal error")))
        }
        router.post("/status") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/xml"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: oversized)))
        }
        let port = try await startBank(router)
        try await harness.start(bankURL: "http://127.0.0.1:\(port)", extraBankKeys: "backoff_max_ms = 400")

        let created = try await harness.call("POST", "/v1/payments", body: GatewayHarness.payment(), key: "big-1")
        let id = try XCTUnwrap(created.json["id"] as? String)
        var answers: [[String: Any]] = []
        let deadline = Date().addingTimeInterval(30)
        while answers.count < 2 {
            guard Date() < deadline else { return XCTFail("fewer than two status answers archived in 30 s") }
            try await Task.sleep(for: .milliseconds(100))
            let messages = try await harness.call("GET", "/v1/payments/\(id)/messages")
            answers = (messages.json["messages"] as? [[String: Any]] ?? []).filter { $0["exchange"] as? String == "status_answer" }
        }
        for answer in answers {
            XCTAssertEqual(answer["size"] as? Int, oversized.count)
            XCTAssertEqual(answer["sha256"] as? String, digest)
            XCTAssertEqual(answer["stored_bytes"] as? Int, 65_536)
            XCTAssertEqual((answer["body_base64"] as? String).flatMap { Data(base64Encoded: $0) }?.count, 65_536)
        }

        let queue = try await harness.call("GET", "/v1/queue")
        let bank = try XCTUnwrap((queue.json["banks"] as? [[String: Any]])?.first { $0["bank_id"] as? String == "sim" })
        let prefixes = try XCTUnwrap(bank["archived_prefixes"] as? Int)
        XCTAssertGreaterThanOrEqual(prefixes, 2)
        XCTAssertLessThan(try XCTUnwrap(bank["archived_bytes"] as? Int), (prefixes + 2) * 70_000, "prefixes, not 32 MiB answers")

        let payment = try await harness.call("GET", "/v1/payments/\(id)")
        XCTAssertEqual(payment.json["status"] as? String, "unknown")
        let history = (payment.json["history"] as? [[String: Any]] ?? []).compactMap { $0["to"] as? String }
        XCTAssertEqual(history, ["received", "queued", "sending", "unknown"])
        XCTAssertEqual(payments.withLock { $0 }, 1, "a refused status answer never leads to a resend")
    }

    /// Runs `router` as a bank on a free loopback port; returns the port.
    private func startBank(_ router: Router<BasicRequestContext>) async throws -> Int {
        let ports = AsyncStream<Int>.makeStream()
        let bank = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                               onServerRunning: { channel in ports.continuation.yield(channel.localAddress?.port ?? 0) },
                               logger: GatewayHarness.logger)
        let group = ServiceGroup(services: [bank], logger: GatewayHarness.logger)
        bankGroup = group
        bankTask = Task { try await group.run() }
        var iterator = ports.stream.makeAsyncIterator()
        let announced = await iterator.next()
        return try XCTUnwrap(announced)
    }
}

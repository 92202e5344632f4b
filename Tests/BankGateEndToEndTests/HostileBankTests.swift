import BankGateAdapters
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
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
        let ports = AsyncStream<Int>.makeStream()
        let bank = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                               onServerRunning: { channel in ports.continuation.yield(channel.localAddress?.port ?? 0) },
                               logger: GatewayHarness.logger)
        let group = ServiceGroup(services: [bank], logger: GatewayHarness.logger)
        bankGroup = group
        bankTask = Task { try await group.run() }
        var iterator = ports.stream.makeAsyncIterator()
        let announced = await iterator.next()
        let port = try XCTUnwrap(announced)

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
}

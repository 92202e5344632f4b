import BankGateAdapters
import BankGateCore
import BankGateTestSupport
import Foundation
import ServiceLifecycle
import XCTest
@testable import BankGateSimulator

/// The ICBC profile over HTTP: the sign port and the encryption port on one listener, the common `/sim` routes.
final class ICBCHTTPTests: XCTestCase {
    private static let adapter = ICBCAdapter(groupCIS: ICBCProfile.defaultGroupCIS, certificateId: ICBCProfile.defaultCertificateId)

    private func withService(faults: FaultSettings, _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        let directory = try makeTemporaryDirectory(self)
        let options = BankSimulatorOptions(listen: ListenAddress(host: "127.0.0.1", port: 0),
                                           dataDirectory: directory + "/data", faults: faults, profile: "icbc")
        let service = try BankSimulatorService(options: options, clock: MiddayClock(), logger: quietLogger)
        let group = ServiceGroup(configuration: .init(services: [service], logger: quietLogger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = await service.waitUntilListening()
            do {
                try await body(try XCTUnwrap(port, "the server must report its port"))
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    private static func send(_ port: Int, _ method: String, _ path: String, _ body: [UInt8] = [],
                             contentType: String = ICBCAdapter.contentType) async throws -> RawHTTPClient.Response? {
        try await Task.detached {
            try RawHTTPClient.send(port: port, method: method, path: path, body: body, contentType: contentType)
        }.value
    }

    /// Signs at `/sign`, then posts the form to the servlet with its URL query.
    private static func pay(_ port: Int, _ reference: String) async throws -> RawHTTPClient.Response? {
        let cny = Currency(code: "CNY")!
        let debtor = DebtorAccount(id: "bj", bankId: "icbc-sim", number: "0200001009200012345", bankCode: ICBCProfile.bankCode,
                                   name: "北京示例科技有限公司", currency: cny)
        let message = try adapter.encodePayment(PaymentMessage(
            messageId: "M-" + reference, paymentInfoId: "P", createdAt: MiddayClock().now(),
            requestedExecutionDate: MiddayClock().today, debtor: debtor, initiatingPartyName: debtor.name,
            transfers: [CreditTransfer(paymentId: "p", instructionId: reference, endToEndId: "E",
                                       amount: Money(minorUnits: 123_456, currency: cny),
                                       creditor: Party(name: "上海示例贸易有限公司", account: "1001234509000067890",
                                                       bankCode: ICBCProfile.bankCode),
                                       remittanceInfo: nil, details: TransferDetails(purpose: "货款", sameBank: true))]))
        let sign = ICBCAdapter.signRequest(message)
        let signed = try XCTUnwrapAsync(try await send(port, "POST", "/sign", sign.body, contentType: sign.contentType))
        XCTAssertEqual(signed.status, 200)
        let form = try adapter.envelope(message, sendTime: MiddayClock().now(), signature: try ICBCAdapter.readSignature(signed.body))
        return try await send(port, "POST", ICBCProfile.servletPath + "?" + form.query, form.body)
    }

    private static func ledger(_ port: Int) async throws -> [[String: Any]] {
        let response = try XCTUnwrapAsync(try await send(port, "GET", "/sim/ledger"))
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        return try XCTUnwrap(json["transfers"] as? [[String: Any]])
    }

    func testSignThenPayOverHTTPAndTheLedgerJSON() async throws {
        try await withService(faults: FaultSettings(seed: 2)) { port in
            let response = try XCTUnwrapAsync(try await Self.pay(port, "H-1"))
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(response.headers["content-type"], "text/plain; charset=GBK")
            guard case .outcomes(let outcomes) = Self.adapter.decodePaymentAnswer(response.body) else { return XCTFail("no outcomes") }
            XCTAssertEqual(outcomes.map(\.status), [.completed])

            let transfers = try await Self.ledger(port)
            XCTAssertEqual(transfers.count, 1)
            XCTAssertEqual(transfers[0]["end_to_end_id"] as? String, "H-1")
            XCTAssertEqual(transfers[0]["msg_id"] as? String, "M-H-1")
            XCTAssertEqual(transfers[0]["amount"] as? String, "1234.56")
            XCTAssertEqual(transfers[0]["currency"] as? String, "CNY")

            let again = try XCTUnwrapAsync(try await Self.pay(port, "H-1"))
            XCTAssertEqual(try ICBCAnswer.read(again.body).returnCode, "B0012")
            let unchanged = try await Self.ledger(port)
            XCTAssertEqual(unchanged.count, 1)
            // Only the NC's two paths are served.
            let elsewhere = try XCTUnwrapAsync(try await Self.send(port, "POST", "/", Array("x=1".utf8)))
            XCTAssertEqual(elsewhere.status, 404)
        }
    }

    func testDropAfterExecuteClosesTheConnectionAndQPAYENTFindsIt() async throws {
        try await withService(faults: FaultSettings(seed: 2, dropAfterExecuteRate: 1)) { port in
            let answer = try await Self.pay(port, "H-DROP")
            XCTAssertNil(answer, "the connection must close without any response")
            let query = try Self.adapter.encodeStatusQuery(packageId: "M-H-DROP", queryId: "Q", createdAt: MiddayClock().now())
            let form = try Self.adapter.envelope(query, sendTime: MiddayClock().now())
            let status = try XCTUnwrapAsync(try await Self.send(port, "POST", ICBCProfile.servletPath + "?" + form.query, form.body))
            guard case .outcomes(let found) = Self.adapter.decodePaymentAnswer(status.body) else { return XCTFail("no outcomes") }
            XCTAssertEqual(found.map(\.instructionId), ["H-DROP"])
            XCTAssertEqual(found.map(\.status), [.completed])
        }
    }
}

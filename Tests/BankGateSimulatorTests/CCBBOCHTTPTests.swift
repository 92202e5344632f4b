import BankGateAdapters
import BankGateCore
import BankGateTestSupport
import Foundation
import ServiceLifecycle
import XCTest
@testable import BankGateSimulator

/// The CCB and BOC profiles over HTTP: the form post to the client's URL, the B2E servlet path, the
/// common `/sim` routes, and the drop-after-execute fault.
final class CCBBOCHTTPTests: XCTestCase {
    private static let ccb = CCBAdapter(customerId: CCBProfile.defaultCustomerId, operatorId: CCBProfile.defaultUserId,
                                        password: CCBProfile.defaultPassword)
    private static let boc = BOCAdapter(terminalId: BOCProfile.defaultTerminalId, customerId: BOCProfile.defaultCustomerId,
                                        operatorId: BOCProfile.defaultOperatorId, branchNumbers: ["436512345678": "40600"])
    private static let cny = Currency(code: "CNY")!

    private func withService(profile: String, faults: FaultSettings,
                             _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        let directory = try makeTemporaryDirectory(self)
        let options = BankSimulatorOptions(listen: ListenAddress(host: "127.0.0.1", port: 0),
                                           dataDirectory: directory + "/data", faults: faults, profile: profile)
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
                             contentType: String = "application/xml") async throws -> RawHTTPClient.Response? {
        try await Task.detached {
            try RawHTTPClient.send(port: port, method: method, path: path, body: body, contentType: contentType)
        }.value
    }

    private static func ledger(_ port: Int) async throws -> [[String: Any]] {
        let response = try XCTUnwrapAsync(try await send(port, "GET", "/sim/ledger"))
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        return try XCTUnwrap(json["transfers"] as? [[String: Any]])
    }

    private static func ccbPayment(_ number: String) throws -> [UInt8] {
        let debtor = DebtorAccount(id: "sz", bankId: "ccb-sim", number: "44201500000052000001", bankCode: "105584000005",
                                   name: "深圳示例建材有限公司", currency: cny)
        return CCBAdapter.envelope(try ccb.encodePayment(PaymentMessage(
            messageId: "M-" + number, paymentInfoId: "P", createdAt: Timestamp(milliseconds: 0),
            requestedExecutionDate: "2026-11-23", debtor: debtor, initiatingPartyName: debtor.name,
            transfers: [CreditTransfer(paymentId: "p", instructionId: number, endToEndId: "E",
                                       amount: Money(minorUnits: 123_456, currency: cny),
                                       creditor: Party(name: "上海示例物流有限公司", account: "31050161000060000002",
                                                       bankCode: "105290036005"),
                                       remittanceInfo: nil, details: TransferDetails(purpose: "货款", sameBank: true))])))
    }

    func testCCBFormPostAndTheLedger() async throws {
        try await withService(profile: "ccb", faults: FaultSettings(seed: 2)) { port in
            let response = try XCTUnwrapAsync(try await Self.send(port, "POST", "/ccb", try Self.ccbPayment("2026112300000101"),
                                                                  contentType: CCBAdapter.formContentType))
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(response.headers["content-type"], "text/xml; charset=GB18030")
            XCTAssertEqual(Self.ccb.disposition(httpStatus: response.status, body: response.body), .report)
            guard case .outcomes(let outcomes) = Self.ccb.decodePaymentAnswer(response.body) else { return XCTFail("no outcomes") }
            XCTAssertEqual(outcomes.map(\.status), [.submitted])

            let transfers = try await Self.ledger(port)
            XCTAssertEqual(transfers.count, 1)
            XCTAssertEqual(transfers[0]["end_to_end_id"] as? String, "2026112300000101")
            XCTAssertEqual(transfers[0]["msg_id"] as? String, "2026112300000101")
            XCTAssertEqual(transfers[0]["amount"] as? String, "1234.56")
            XCTAssertEqual(transfers[0]["currency"] as? String, "CNY")
        }
    }

    func testCCBDropAfterExecuteAndTheStatusFindsIt() async throws {
        try await withService(profile: "ccb", faults: FaultSettings(seed: 2, dropAfterExecuteRate: 1)) { port in
            let answer = try await Self.send(port, "POST", "/ccb", try Self.ccbPayment("2026112300000102"),
                                             contentType: CCBAdapter.formContentType)
            XCTAssertNil(answer, "the connection must close without any response")
            let ledger = try await Self.ledger(port)
            XCTAssertEqual(ledger.map { $0["end_to_end_id"] as? String }, ["2026112300000102"])
            let query = CCBAdapter.envelope(try Self.ccb.encodeStatusQuery(reference: "2026112300000102", queryId: "1"))
            let status = try XCTUnwrapAsync(try await Self.send(port, "POST", "/ccb", query, contentType: CCBAdapter.formContentType))
            guard case .outcomes(let found) = Self.ccb.decodePaymentAnswer(status.body) else { return XCTFail("no outcomes") }
            XCTAssertEqual(found.map(\.status), [.completed])
        }
    }

    func testBOCServletSignInPaymentAndTheLedger() async throws {
        try await withService(profile: "boc", faults: FaultSettings(seed: 2)) { port in
            let signIn = try Self.boc.encodeSignIn(operatorPassword: BOCProfile.defaultPassword, customerTime: Timestamp(milliseconds: 0),
                                                   messageId: "S1")
            let wrongPath = try XCTUnwrapAsync(try await Self.send(port, "POST", "/B2EP/Other", signIn.bytes))
            XCTAssertEqual(wrongPath.status, 404)
            let signedIn = try XCTUnwrapAsync(try await Self.send(port, "POST", BOCProfile.path, signIn.bytes))
            XCTAssertEqual(signedIn.headers["content-type"], "text/xml; charset=UTF-8")
            let token = try XCTUnwrap(try Self.boc.decodeSignInAnswer(signedIn.body).token)

            let debtor = DebtorAccount(id: "sh", bankId: "boc-sim", number: "436512345678", bankCode: "104290003791",
                                       name: "上海示例电子有限公司", currency: Self.cny)
            let payment = try Self.boc.encodePayment(PaymentMessage(
                messageId: "M1", paymentInfoId: "P", createdAt: Timestamp(milliseconds: 0), requestedExecutionDate: "2026-11-23",
                debtor: debtor, initiatingPartyName: debtor.name,
                transfers: [CreditTransfer(paymentId: "p", instructionId: "BGI-H1", endToEndId: "E",
                                           amount: Money(minorUnits: 50_000, currency: Self.cny),
                                           creditor: Party(name: "深圳示例能源有限公司", account: "741298765432", bankCode: "104584000003",
                                                           bankName: "中国银行"),
                                           remittanceInfo: nil, details: TransferDetails(purpose: "货款"))]), token: token)
            let answer = try XCTUnwrapAsync(try await Self.send(port, "POST", BOCProfile.path, payment.bytes))
            XCTAssertEqual(Self.boc.disposition(httpStatus: answer.status, body: answer.body), .report)
            let transfers = try await Self.ledger(port)
            XCTAssertEqual(transfers.map { $0["end_to_end_id"] as? String }, ["BGI-H1"])
            XCTAssertEqual(transfers.first?["amount"] as? String, "500.00")

            // The server keeps the session between requests; another server would not know the token.
            let status = try Self.boc.encodeStatusQuery(references: ["BGI-H1"], token: token, queryId: "Q1")
            let found = try XCTUnwrapAsync(try await Self.send(port, "POST", BOCProfile.path, status.bytes))
            guard case .outcomes(let list) = Self.boc.decodePaymentAnswer(found.body) else { return XCTFail("no outcomes") }
            XCTAssertEqual(list.map(\.status), [.completed])
        }
    }
}

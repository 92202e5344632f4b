import BankGateAdapters
import BankGateCore
import BankGateTestSupport
import Foundation
import ServiceLifecycle
import XCTest
@testable import BankGateSimulator

/// The CMB profile over HTTP: one URL for every function, GBK bodies, the common `/sim` routes.
final class CMBHTTPTests: XCTestCase {
    private static let adapter = CMBAdapter(loginName: CMBProfile.defaultLoginName, branchCodes: ["755912345610001": "75"])

    private func withService(faults: FaultSettings, _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        let directory = try makeTemporaryDirectory(self)
        let options = BankSimulatorOptions(listen: ListenAddress(host: "127.0.0.1", port: 0),
                                           dataDirectory: directory + "/data", faults: faults, profile: "cmb")
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

    private static func send(_ port: Int, _ method: String, _ path: String, _ body: [UInt8] = []) async throws
        -> RawHTTPClient.Response? {
        try await Task.detached {
            try RawHTTPClient.send(port: port, method: method, path: path, body: body, contentType: CMBAdapter.contentType)
        }.value
    }

    private static func payment(_ reference: String) throws -> [UInt8] {
        let cny = Currency(code: "CNY")!
        let debtor = DebtorAccount(id: "sz", bankId: "cmb-sim", number: "755912345610001", bankCode: CMBProfile.bankCode,
                                   name: "深圳示例科技有限公司", currency: cny)
        return try adapter.encodePayment(PaymentMessage(
            messageId: "M-" + reference, paymentInfoId: "P", createdAt: Timestamp(milliseconds: 0),
            requestedExecutionDate: "2026-11-23", debtor: debtor, initiatingPartyName: debtor.name,
            transfers: [CreditTransfer(paymentId: "p", instructionId: reference, endToEndId: "E",
                                       amount: Money(minorUnits: 123_456, currency: cny),
                                       creditor: Party(name: "上海示例贸易有限公司", account: "215912345620001",
                                                       bankCode: CMBProfile.bankCode),
                                       remittanceInfo: nil, details: TransferDetails(purpose: "货款", sameBank: true))])).bytes
    }

    private static func ledger(_ port: Int) async throws -> [[String: Any]] {
        let response = try XCTUnwrapAsync(try await send(port, "GET", "/sim/ledger"))
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        return try XCTUnwrap(json["transfers"] as? [[String: Any]])
    }

    func testPaymentToAnyPathAndTheLedgerJSON() async throws {
        try await withService(faults: FaultSettings(seed: 2)) { port in
            let response = try XCTUnwrapAsync(try await Self.send(port, "POST", "/", try Self.payment("H-1")))
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(response.headers["content-type"], "text/xml; charset=GBK")
            guard case .outcomes(let outcomes) = Self.adapter.decodePaymentAnswer(response.body) else {
                return XCTFail("no outcomes")
            }
            XCTAssertEqual(outcomes.map(\.status), [.completed])

            let transfers = try await Self.ledger(port)
            XCTAssertEqual(transfers.count, 1)
            XCTAssertEqual(transfers[0]["end_to_end_id"] as? String, "H-1")
            XCTAssertEqual(transfers[0]["msg_id"] as? String, "H-1")
            XCTAssertEqual(transfers[0]["amount"] as? String, "1234.56")
            XCTAssertEqual(transfers[0]["currency"] as? String, "CNY")
            XCTAssertEqual(transfers[0]["debtor_account"] as? String, "755912345610001")

            // Any path reaches the front-end: the status query goes elsewhere and finds it.
            let query = try Self.adapter.encodeStatusQuery(reference: "H-1", sentOn: MiddayClock().today)
            let status = try XCTUnwrapAsync(try await Self.send(port, "POST", "/cmb/front-end", query.bytes))
            guard case .outcomes(let found) = Self.adapter.decodePaymentAnswer(status.body) else { return XCTFail("no outcomes") }
            XCTAssertEqual(found.first?.instructionId, "H-1")
            XCTAssertEqual(found.first?.status, .completed)

            let accounts = try XCTUnwrapAsync(try await Self.send(port, "GET", "/sim/accounts"))
            let list = try XCTUnwrap((JSONSerialization.jsonObject(with: Data(accounts.body)) as? [String: Any])?["accounts"]
                as? [[String: Any]])
            XCTAssertEqual(list.map { $0["number"] as? String }, ["215912345620001", "755912345610001"],
                           "the profile's accounts are opened at start")
            XCTAssertEqual(list.first?["balance"] as? String, "5001234.56")
        }
    }

    func testDropAfterExecuteClosesTheConnectionAndTheQueryFindsIt() async throws {
        try await withService(faults: FaultSettings(seed: 2, dropAfterExecuteRate: 1)) { port in
            let answer = try await Self.send(port, "POST", "/", try Self.payment("H-DROP"))
            XCTAssertNil(answer, "the connection must close without any response")
            let ledger = try await Self.ledger(port)
            XCTAssertEqual(ledger.map { $0["end_to_end_id"] as? String }, ["H-DROP"])
            let query = try Self.adapter.encodeStatusQuery(reference: "H-DROP", sentOn: MiddayClock().today)
            let status = try XCTUnwrapAsync(try await Self.send(port, "POST", "/", query.bytes))
            guard case .outcomes(let found) = Self.adapter.decodePaymentAnswer(status.body) else { return XCTFail("no outcomes") }
            XCTAssertEqual(found.map(\.status), [.completed])
        }
    }
}

/// `XCTUnwrap` for an optional produced by an `await`.
func XCTUnwrapAsync<T>(_ value: T?, file: StaticString = #filePath, line: UInt = #line) throws -> T {
    try XCTUnwrap(value, file: file, line: line)
}

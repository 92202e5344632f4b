import BankGateAdapters
import BankGateCore
import BankGateStatements
import BankGateTestSupport
import Foundation
import ServiceLifecycle
import XCTest
@testable import BankGateSimulator

final class SimulatorHTTPTests: XCTestCase {
    /// The simulated bank's clock: its "today" cannot turn into tomorrow during a test.
    private static let clock = MiddayClock()

    /// Runs the service on a free port, hands the port to `body`, then shuts it down gracefully.
    private func withService(faults: FaultSettings, accounts: String? = nil,
                             _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        let directory = try makeTemporaryDirectory(self)
        let options = BankSimulatorOptions(listen: ListenAddress(host: "127.0.0.1", port: 0),
                                           dataDirectory: directory + "/data", accountsFile: accounts, faults: faults)
        let service = try BankSimulatorService(options: options, clock: Self.clock, logger: quietLogger)
        let group = ServiceGroup(configuration: .init(services: [service], logger: quietLogger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = await service.waitUntilListening()
            do {
                let port = try XCTUnwrap(port, "the server must report its port")
                XCTAssertEqual(service.boundPort, port)
                try await body(port)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// The raw client blocks, so it runs off the test's task. `nil` when the connection closed silently.
    private static func send(_ port: Int, _ method: String, _ path: String, _ body: [UInt8] = []) async throws
        -> RawHTTPClient.Response? {
        try await Task.detached { try RawHTTPClient.send(port: port, method: method, path: path, body: body) }.value
    }

    /// Like ``send(_:_:_:_:)`` but a response is required.
    private static func fetch(_ port: Int, _ method: String, _ path: String, _ body: [UInt8] = []) async throws
        -> RawHTTPClient.Response {
        guard let response = try await send(port, method, path, body) else {
            throw RawHTTPClient.Failure.socket("\(method) \(path): connection closed without a response")
        }
        return response
    }

    private static func gatewayMessage(_ messageId: String) throws -> [UInt8] {
        let eur = Currency(code: "EUR")!
        let message = PaymentMessage(
            messageId: messageId, paymentInfoId: messageId + "-P", createdAt: Timestamp(milliseconds: 1_795_400_000_000),
            requestedExecutionDate: "2026-11-23",
            debtor: DebtorAccount(id: "a", bankId: "b", number: TestAccounts.debtor, bankCode: "COBADEFFXXX",
                                  name: "ACME", currency: eur),
            initiatingPartyName: "ACME",
            transfers: [CreditTransfer(paymentId: "p", instructionId: messageId + "-I", endToEndId: messageId + "-E",
                                       amount: Money(minorUnits: 4_200, currency: eur),
                                       creditor: Party(name: "Bob", account: TestAccounts.creditor, bankCode: nil),
                                       remittanceInfo: "test")])
        return try ISO20022Adapter(painVersion: .v09).encodePayment(message).bytes
    }

    func testPaymentOverHTTPAndTheLedgerJSON() async throws {
        let message = try Self.gatewayMessage("HTTP-1")
        try await withService(faults: FaultSettings(seed: 5)) { port in
            let answer = try await Self.send(port, "POST", "/payments", message)
            let response = try XCTUnwrap(answer)
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(response.headers["content-type"], "application/xml")
            let report = try ISO20022Adapter(painVersion: .v09).decodeStatusReport(response.body)
            XCTAssertEqual(report.originalMessageId, "HTTP-1")
            XCTAssertEqual(report.outcome(endToEndId: "HTTP-1-E", instructionId: "HTTP-1-I")?.status, .completed)

            let ledger = try await Self.fetch(port, "GET", "/sim/ledger")
            XCTAssertEqual(ledger.status, 200)
            let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(ledger.body)) as? [String: Any])
            let transfers = try XCTUnwrap(json["transfers"] as? [[String: Any]])
            XCTAssertEqual(transfers.count, 1)
            let transfer = transfers[0]
            XCTAssertEqual(transfer["msg_id"] as? String, "HTTP-1")
            XCTAssertEqual(transfer["end_to_end_id"] as? String, "HTTP-1-E")
            XCTAssertEqual(transfer["debtor_account"] as? String, TestAccounts.debtor)
            XCTAssertEqual(transfer["creditor_account"] as? String, TestAccounts.creditor)
            XCTAssertEqual(transfer["amount"] as? String, "42.00")
            XCTAssertEqual(transfer["currency"] as? String, "EUR")
            let executedAt = try XCTUnwrap(transfer["executed_at"] as? String)
            XCTAssertTrue(executedAt.hasSuffix("Z") && executedAt.contains("T"), executedAt)

            let filtered = try await Self.fetch(port, "GET", "/sim/ledger?msg_id=OTHER")
            XCTAssertEqual(String(decoding: filtered.body, as: UTF8.self), #"{"transfers":[]}"#)

            let accounts = try await Self.fetch(port, "GET", "/sim/accounts")
            let accountList = try XCTUnwrap(
                (JSONSerialization.jsonObject(with: Data(accounts.body)) as? [String: Any])?["accounts"] as? [[String: Any]])
            XCTAssertEqual(accountList.first?["number"] as? String, TestAccounts.debtor)
            XCTAssertEqual(accountList.first?["balance"] as? String, "999999958.00")
            XCTAssertEqual(accountList.first?["status"] as? String, "open")

            let query = try ISO20022Adapter(painVersion: .v09).encodeStatusQuery(
                originalMessageId: "NEVER-SENT", originalKind: "pain.001.001.09", queryId: "Q-1",
                createdAt: Timestamp(milliseconds: 0))
            let notFound = try await Self.fetch(port, "POST", "/status", query.bytes)
            XCTAssertEqual(notFound.status, 404)
            XCTAssertEqual(try ReadReport(notFound.body).groupReason, "NOTFOUND")

            let health = try await Self.fetch(port, "GET", "/healthz")
            XCTAssertEqual(health.status, 200)
            let refused = try await Self.fetch(port, "POST", "/payments", Array("<junk".utf8))
            XCTAssertEqual(refused.status, 400)
        }
    }

    func testDropAfterExecuteClosesTheConnectionButCommits() async throws {
        let message = try Self.gatewayMessage("DROP-1")
        try await withService(faults: FaultSettings(seed: 9, dropAfterExecuteRate: 1)) { port in
            let answer = try await Self.send(port, "POST", "/payments", message)
            XCTAssertNil(answer, "the connection must close without any response")

            let ledger = try await Self.fetch(port, "GET", "/sim/ledger?msg_id=DROP-1")
            let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(ledger.body)) as? [String: Any])
            let transfers = try XCTUnwrap(json["transfers"] as? [[String: Any]])
            XCTAssertEqual(transfers.map { $0["end_to_end_id"] as? String }, ["DROP-1-E"])

            // Status queries are never dropped: they tell the gateway what happened.
            let query = try ISO20022Adapter(painVersion: .v09).encodeStatusQuery(
                originalMessageId: "DROP-1", originalKind: "pain.001.001.09", queryId: "Q-D",
                createdAt: Timestamp(milliseconds: 0))
            let status = try await Self.fetch(port, "POST", "/status", query.bytes)
            XCTAssertEqual(status.status, 200)
            XCTAssertEqual(try ReadReport(status.body).lines["DROP-1-E"]?.status, "ACSC")
        }
    }

    func testReportsRouteAndStatementsQuery() async throws {
        let message = try Self.gatewayMessage("HTTP-S")
        try await withService(faults: FaultSettings(seed: 5)) { port in
            let paid = try await Self.fetch(port, "POST", "/payments", message)
            XCTAssertEqual(paid.status, 200)
            let today = Self.clock.today
            let request = Camt060Fixture.document(from: today, to: today)
            let answer = try await Self.fetch(port, "POST", "/reports", request)
            XCTAssertEqual(answer.status, 200)
            XCTAssertEqual(answer.headers["content-type"], "application/xml")
            let statements = try StatementCollector.read(answer.body)
            XCTAssertEqual(statements.count, 1)
            XCTAssertEqual(statements.first?.debits.map(\.endToEndId), ["HTTP-S-E"])
            XCTAssertEqual(statements.first?.summary?.integrity, .consistent)

            let mt940 = try await Self.fetch(port, "GET", "/sim/statements?account=\(TestAccounts.debtor)&format=mt940")
            XCTAssertEqual(mt940.status, 200)
            XCTAssertEqual(mt940.headers["content-type"], "text/plain")
            XCTAssertEqual(try StatementCollector.read(mt940.body).first?.closing, statements.first?.closing)

            let unknown = try await Self.fetch(port, "POST", "/reports",
                                               Camt060Fixture.document(account: TestAccounts.otherCreditor, from: today, to: today))
            XCTAssertEqual(unknown.status, 404)
            let broken = try await Self.fetch(port, "POST", "/reports", Array("<Document><AcctRptgReq>".utf8))
            XCTAssertEqual(broken.status, 400)
        }
    }
}

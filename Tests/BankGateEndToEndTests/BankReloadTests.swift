import BankGateConfig
import BankGateCore
import BankGateSimulator
import BankGateTestSupport
import BankGateTransport
import Foundation
import Logging
import ServiceLifecycle
import XCTest
@testable import BankGateRuntime

/// A reload that changes `[[banks]]` and `[[accounts]]` (issue 12): a new generation of bank
/// connections, engine and jobs replaces the running one while the API keeps taking payments;
/// nothing is lost or sent twice across the switch. A file whose new bank cannot be set up, or
/// that drops an account with payments not final, is refused whole.
final class BankReloadTests: XCTestCase {
    let token = "reload-banks-token-0123456789"
    let client = HTTPClient(timeoutMilliseconds: 20_000)
    var directory: URL!
    var groups: [(ServiceGroup, Task<Void, any Error>)] = []
    var runtime: GatewayRuntime?

    override func setUp() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-bank-reload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() async throws {
        for (group, task) in groups.reversed() {
            await group.triggerGracefulShutdown()
            _ = try? await task.value
        }
        runtime?.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Starts a gateway on the file in `directory` (its accounts' tenants recorded); returns it and its API port.
    private func startGateway() async throws -> (GatewayRuntime, Int) {
        let file = directory.appendingPathComponent("bankgate.toml").path
        let runtime = try GatewayRuntime(configuration: try BankGateConfiguration.load(path: file, baseDirectory: nil),
                                         clock: GatewayHarness.clock, logger: GatewayHarness.logger)
        self.runtime = runtime
        try await runtime.assignTenants()
        run(runtime.services())
        return (runtime, await runtime.waitUntilListening())
    }

    private func run(_ services: [any Service]) {
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }, logger: GatewayHarness.logger))
        groups.append((group, Task { try await group.run() }))
    }

    /// The file: bank `sim` with account `acme-eur`, and `extra` (more banks, accounts, tokens).
    private func write(bankURL: String, extra: String = "", graceSeconds: Int = 20) throws {
        try GatewayHarness.configuration(listen: "127.0.0.1:0", dataDirectory: directory.appendingPathComponent("gateway").path,
                                         token: token, transport: "transport = \"http\"\nurl = \"\(bankURL)\"",
                                         bankKeys: GatewayHarness.bankKeys(overriddenBy: ""),
                                         server: "shutdown_grace_seconds = \(graceSeconds)", extra: extra)
            .write(to: directory.appendingPathComponent("bankgate.toml"), atomically: true, encoding: .utf8)
    }

    /// A second bank (the same simulator under another id) and an account at it.
    private func secondBank(url: String) -> String {
        """
        [[banks]]
        id = "sim-two"
        adapter = "iso20022"
        transport = "http"
        url = "\(url)"
        status_query_interval_ms = 100
        backoff_base_ms = 100
        backoff_max_ms = 1000

        [[accounts]]
        id = "acme-eur-two"
        bank = "sim-two"
        number = "DE02120300000000202051"
        bank_code = "BYLADEM1001"
        name = "ACME Trading GmbH"
        currency = "EUR"
        """
    }

    private func call(_ method: String, _ path: String, port: Int, body: [String: Any]? = nil, key: String? = nil,
                      token: String? = nil) async throws -> (status: Int, json: [String: Any]) {
        try await Self.call(client: client, token: token ?? self.token, method, path, port: port, body: body, key: key)
    }

    private static func call(client: HTTPClient, token: String, _ method: String, _ path: String, port: Int,
                             body: [String: Any]? = nil, key: String? = nil) async throws -> (status: Int, json: [String: Any]) {
        var headers = [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")]
        if let key { headers.append(("Idempotency-Key", key)) }
        let bytes = try body.map { Array(try JSONSerialization.data(withJSONObject: $0)) }
        let answer = try await client.send(method: method, url: "http://127.0.0.1:\(port)\(path)", headers: headers, body: bytes)
        return (answer.status, (try? JSONSerialization.jsonObject(with: Data(answer.body))) as? [String: Any] ?? [:])
    }

    /// The answers to `count` payments from `acme-eur`, one after another.
    private static func streamPayments(client: HTTPClient, token: String, port: Int, count: Int) async throws -> Streamed {
        var streamed = Streamed()
        for index in 0..<count {
            let answer = try await call(client: client, token: token, "POST", "/v1/payments", port: port,
                                        body: payment(from: "acme-eur", e2e: "E2E-STREAM-\(index)", amount: "\(11 + index).00"), key: "stream-\(index)")
            streamed.statuses.append(answer.status)
            if let id = answer.json["id"] as? String { streamed.ids.append(id) }
            try await Task.sleep(for: .milliseconds(15))
        }
        return streamed
    }

    struct Streamed: Sendable {
        var statuses: [Int] = []
        var ids: [String] = []
    }

    /// A payment of `amount` (each its own: the same amount to the same creditor is held as a likely duplicate).
    private static func payment(from account: String, e2e: String, amount: String = "10.00", executionDate: String? = nil) -> [String: Any] {
        var body = GatewayHarness.payment(amount: amount, e2e: e2e)
        body["debtor_account"] = account
        if let executionDate { body["requested_execution_date"] = executionDate }
        return body
    }

    private func waitUntilCompleted(_ ids: [String], port: Int, seconds: Double = 30) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        var pending: [String: String] = Dictionary(uniqueKeysWithValues: ids.map { ($0, "?") })
        while !pending.isEmpty {
            for id in pending.keys {
                let status = try await call("GET", "/v1/payments/\(id)", port: port).json["status"] as? String
                pending[id] = status == "completed" ? nil : status ?? "?"
            }
            if Date() > deadline { throw HarnessError("not completed: \(pending.sorted { $0.key < $1.key })") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    func testAReloadAddsABankAndAnAccountWhileTheAPIKeepsTakingPaymentsAndRefusesAnOrphanOrAnUnusableBank() async throws {
        let simulator = try BankSimulatorService(
            options: BankSimulatorOptions(listen: ListenAddress(host: "127.0.0.1", port: 0),
                                          dataDirectory: directory.appendingPathComponent("sim").path),
            clock: GatewayHarness.clock, logger: GatewayHarness.logger)
        run([simulator])
        let listening = await simulator.waitUntilListening()
        let simulatorPort = try XCTUnwrap(listening)
        let bankURL = "http://127.0.0.1:\(simulatorPort)"
        try write(bankURL: bankURL)
        let file = directory.appendingPathComponent("bankgate.toml").path
        let (runtime, port) = try await startGateway()
        let unknownAccount = try await call("POST", "/v1/payments", port: port,
                                            body: Self.payment(from: "acme-eur-two", e2e: "E2E-EARLY"), key: "early")
        XCTAssertEqual(unknownAccount.status, 422, "the account is not configured yet: \(unknownAccount.json)")

        // Payments keep coming in while the file gains a bank and an account and is reloaded.
        let client = self.client, token = self.token
        let stream = Task { try await BankReloadTests.streamPayments(client: client, token: token, port: port, count: 30) }
        try await Task.sleep(for: .milliseconds(100))
        try write(bankURL: bankURL, extra: secondBank(url: bankURL))
        let outcome = await runtime.reloader.reload()
        guard case .applied = outcome else { return XCTFail("refused: \(outcome)") }
        let streamed = try await stream.value
        XCTAssertEqual(streamed.statuses, Array(repeating: 201, count: 30), "every payment during the switch was taken")
        XCTAssertEqual(runtime.configuration.banks.map(\.id), ["sim", "sim-two"])

        // The new account pays through the new bank's lane.
        let fromNew = try await call("POST", "/v1/payments", port: port, body: Self.payment(from: "acme-eur-two", e2e: "E2E-NEW"), key: "new")
        XCTAssertEqual(fromNew.status, 201, "\(fromNew.json)")
        let newId = try XCTUnwrap(fromNew.json["id"] as? String)
        try await waitUntilCompleted(streamed.ids + [newId], port: port)
        let exchanges = try await call("GET", "/v1/bank-exchanges?bank=sim-two", port: port).json
        XCTAssertFalse((exchanges["exchanges"] as? [Any] ?? []).isEmpty, "the new bank's lane sent it: \(exchanges)")

        // Each payment executed exactly once at the bank.
        let ledgerAnswer = try await client.send(method: "GET", url: "\(bankURL)/sim/ledger", headers: [], body: nil)
        let ledger = (try JSONSerialization.jsonObject(with: Data(ledgerAnswer.body)) as? [String: Any])?["transfers"] as? [[String: Any]] ?? []
        let executed = ledger.compactMap { $0["end_to_end_id"] as? String }
        let expected = (0..<30).map { "E2E-STREAM-\($0)" } + ["E2E-NEW"]
        XCTAssertEqual(executed.sorted(), expected.sorted(), "each payment once, none twice")

        let accounts = try await call("GET", "/v1/accounts", port: port).json["accounts"] as? [[String: Any]] ?? []
        XCTAssertEqual(accounts.compactMap { $0["id"] as? String }.sorted(), ["acme-eur", "acme-eur-two"])
        let queue = try await call("GET", "/v1/queue", port: port)
        XCTAssertTrue("\(queue.json)".contains("sim-two"), "the new bank's lane is shown: \(queue.json)")
        let state = try await call("GET", "/v1/configuration", port: port).json
        XCTAssertNotNil(state["last_reload_at"] as? String)
        XCTAssertEqual(state["last_reload_error"] as? NSNull, NSNull(), "\(state)")

        // A payment of the new account that is not final yet: the file may not drop the account.
        let year = Int(GatewayHarness.today.prefix(4))! + 1
        let forward = try await call("POST", "/v1/payments", port: port,
                                     body: Self.payment(from: "acme-eur-two", e2e: "E2E-LATER", amount: "7.00", executionDate: "\(year)-06-15"), key: "later")
        XCTAssertEqual(forward.status, 201, "\(forward.json)")
        try write(bankURL: bankURL)
        let orphaning = await runtime.reloader.reload()
        guard case .refused(let reason) = orphaning else { return XCTFail("dropped an account with a payment not final") }
        XCTAssertTrue(reason.contains("acme-eur-two") && reason.contains("not final"), reason)
        XCTAssertTrue(reason.contains("sim-two"), "the bank is named too: \(reason)")
        XCTAssertEqual(runtime.configuration.banks.map(\.id), ["sim", "sim-two"], "nothing of the file was applied")

        // Nor may it change what the account pays from while that payment waits.
        try write(bankURL: bankURL, extra: secondBank(url: bankURL).replacingOccurrences(of: "DE02120300000000202051",
                                                                                           with: "DE75512108001245126199"))
        let renumbering = await runtime.reloader.reload()
        guard case .refused(let renumbered) = renumbering else { return XCTFail("changed the number of an account with a payment not final") }
        XCTAssertTrue(renumbered.contains("acme-eur-two changes its number"), renumbered)
        XCTAssertFalse(renumbered.contains("DE75512108001245126199"), "no account number in messages: \(renumbered)")

        // A new bank whose folder cannot be made: refused whole, the token change with it too.
        let blocker = directory.appendingPathComponent("blocker").path
        try "not a folder".write(toFile: blocker, atomically: true, encoding: .utf8)
        try write(bankURL: bankURL, extra: secondBank(url: bankURL) + """

            [[banks]]
            id = "files"
            adapter = "iso20022"
            transport = "folder"
            outbox_dir = "\(blocker)/outbox"
            inbox_dir = "\(blocker)/inbox"

            [[tokens]]
            name = "late"
            token = "late-token-0123456789abcdef"
            scopes = ["payments:read"]
            """)
        let unusable = await runtime.reloader.reload()
        guard case .refused(let why) = unusable else { return XCTFail("applied a bank that cannot be set up") }
        XCTAssertTrue(why.contains("files"), why)
        let lateToken = try await call("GET", "/v1/payments", port: port, token: "late-token-0123456789abcdef")
        XCTAssertEqual(lateToken.status, 401, "the file's token was not applied either")

        // A bank whose CA bundle cannot be read: refused now, not at its first send.
        let missingCA = directory.appendingPathComponent("no-such-ca.pem").path
        try write(bankURL: bankURL, extra: secondBank(url: bankURL).replacingOccurrences(
            of: "status_query_interval_ms = 100\nbackoff_base_ms", with: "status_query_interval_ms = 100\ntls_ca_file = \"\(missingCA)\"\nbackoff_base_ms"))
        XCTAssertTrue(try String(contentsOfFile: file, encoding: .utf8).contains(missingCA))
        let unreadable = await runtime.reloader.reload()
        guard case .refused(let tlsWhy) = unreadable else { return XCTFail("applied a bank whose CA file cannot be read") }
        XCTAssertTrue(tlsWhy.contains("sim-two") && tlsWhy.contains("tls_ca_file"), tlsWhy)
        // Nor one whose CA file holds no certificate.
        try "garbage\n".write(toFile: missingCA, atomically: true, encoding: .utf8)
        let garbage = await runtime.reloader.reload()
        guard case .refused(let garbageWhy) = garbage else { return XCTFail("applied a bank whose CA file holds no certificate") }
        XCTAssertTrue(garbageWhy.contains("tls_ca_file") && garbageWhy.contains("no readable PEM certificate"), garbageWhy)
        let still = try await call("POST", "/v1/payments", port: port, body: Self.payment(from: "acme-eur-two", e2e: "E2E-STILL", amount: "8.00"), key: "still")
        XCTAssertEqual(still.status, 201, "the running banks and accounts stay in force")
    }

    /// A send still waiting for the bank when a reload switches generations, even past the grace:
    /// the switch waits for its answer (a bank call ends at its request timeout at the latest), the
    /// old generation records it, and the new one does not send it again.
    func testASendInFlightAtTheSwitchIsAnsweredOnceAndNotSentAgain() async throws {
        var faults = FaultSettings()
        faults.latencyMilliseconds = 1_500
        let simulator = try BankSimulatorService(
            options: BankSimulatorOptions(listen: ListenAddress(host: "127.0.0.1", port: 0),
                                          dataDirectory: directory.appendingPathComponent("sim").path, faults: faults),
            clock: GatewayHarness.clock, logger: GatewayHarness.logger)
        run([simulator])
        let listening = await simulator.waitUntilListening()
        let bankURL = "http://127.0.0.1:\(try XCTUnwrap(listening))"
        try write(bankURL: bankURL, graceSeconds: 1)
        let (runtime, port) = try await startGateway()

        let answer = try await call("POST", "/v1/payments", port: port, body: Self.payment(from: "acme-eur", e2e: "E2E-IN-FLIGHT"), key: "in-flight")
        let id = try XCTUnwrap(answer.json["id"] as? String, "\(answer.json)")
        let deadline = Date().addingTimeInterval(20)
        while try await call("GET", "/v1/payments/\(id)", port: port).json["status"] as? String != "sending" {
            if Date() > deadline { return XCTFail("the payment was never being sent") }
            try await Task.sleep(for: .milliseconds(10))
        }
        let newToken = "reader-added-0123456789abcdef"
        try write(bankURL: bankURL, extra: secondBank(url: bankURL) + """

            [[tokens]]
            name = "added"
            token = "\(newToken)"
            scopes = ["payments:read"]
            """, graceSeconds: 1)
        let outcome = await runtime.reloader.reload()
        guard case .applied = outcome else { return XCTFail("refused: \(outcome)") }
        // The reload returns while the old generation still waits for the bank's answer: the
        // switch is shown, the file's tokens are in force and the API takes the new account's payments.
        let switching = try await call("GET", "/v1/configuration", port: port).json
        XCTAssertNotNil(switching["switching_since"] as? String, "the switch under way is shown: \(switching)")
        let added = try await call("GET", "/v1/payments", port: port, token: newToken)
        XCTAssertEqual(added.status, 200, "a token of the file answers at once, whatever the switch waits for")
        let ready = try await call("GET", "/readyz", port: port)
        XCTAssertEqual(ready.status, 200, "payments are taken during the switch, so the instance is ready: \(ready.json)")
        // A payment of the running bank taken during the switch is sent once the switch is over.
        let queuedDuring = try await call("POST", "/v1/payments", port: port,
                                          body: Self.payment(from: "acme-eur", e2e: "E2E-QUEUED-DURING", amount: "13.00"), key: "queued-during")
        let queuedId = try XCTUnwrap(queuedDuring.json["id"] as? String, "\(queuedDuring.json)")
        let taken = try await call("POST", "/v1/payments", port: port,
                                   body: Self.payment(from: "acme-eur-two", e2e: "E2E-DURING", amount: "9.00"), key: "during")
        XCTAssertEqual(taken.status, 201, "\(taken.json)")
        let during = try XCTUnwrap(taken.json["id"] as? String)
        try await waitUntilCompleted([id, during, queuedId], port: port, seconds: 40)
        let acceptedAt = try await call("GET", "/v1/payments/\(during)", port: port).json["created_at"] as? String
        let answeredAt = (try await call("GET", "/v1/payments/\(id)", port: port).json["history"] as? [[String: Any]] ?? [])
            .first { $0["to"] as? String == "completed" }?["at"] as? String
        XCTAssertLessThan(try XCTUnwrap(acceptedAt), try XCTUnwrap(answeredAt),
                          "the new account's payment was taken before the send in flight had its answer")
        let queuedSentAt = (try await call("GET", "/v1/payments/\(queuedId)", port: port).json["history"] as? [[String: Any]] ?? [])
            .first { $0["to"] as? String == "sending" }?["at"] as? String
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(queuedSentAt), try XCTUnwrap(answeredAt),
                                    "no send began during the switch, at the running bank either")
        let switched = try await call("GET", "/v1/configuration", port: port).json
        XCTAssertEqual(switched["switching_since"] as? NSNull, NSNull(), "the switch is over: \(switched)")
        let ledgerAnswer = try await client.send(method: "GET", url: "\(bankURL)/sim/ledger", headers: [], body: nil)
        let ledger = (try JSONSerialization.jsonObject(with: Data(ledgerAnswer.body)) as? [String: Any])?["transfers"] as? [[String: Any]] ?? []
        XCTAssertEqual(ledger.compactMap { $0["end_to_end_id"] as? String }.sorted(), ["E2E-DURING", "E2E-IN-FLIGHT", "E2E-QUEUED-DURING"],
                       "each executed once")
        let history = try await call("GET", "/v1/payments/\(id)", port: port).json
        XCTAssertEqual(history["attempts"] as? Int, 1, "never sent a second time: \(history)")
        let sends = (history["history"] as? [[String: Any]] ?? []).filter { $0["to"] as? String == "sending" }
        XCTAssertEqual(sends.count, 1, "one send, its answer recorded: \(history)")
    }

    /// An account moved to another tenant in `[[accounts]]` (`[[tenants]]` unchanged): from the
    /// reload on, its new events belong to the new tenant's feed and not to the old one's.
    func testAnAccountMovedToAnotherTenantFeedsOnlyItsNewTenant() async throws {
        let acme = "acme-tenant-token-0123456789", beta = "beta-tenant-token-0123456789"
        func write(tenantOfSecond: String) throws {
            try """
                [server]
                listen = "127.0.0.1:0"
                data_dir = "\(directory.appendingPathComponent("gateway").path)"

                [[tenants]]
                id = "acme"
                name = "ACME"

                [[tenants]]
                id = "beta"
                name = "Beta"

                [[tokens]]
                name = "acme-erp"
                token = "\(acme)"
                scopes = ["payments:write", "payments:read", "events:read"]
                tenant = "acme"

                [[tokens]]
                name = "beta-erp"
                token = "\(beta)"
                scopes = ["payments:write", "payments:read", "events:read"]
                tenant = "beta"

                [[banks]]
                id = "sim"
                adapter = "iso20022"
                transport = "http"
                url = "http://127.0.0.1:9"

                [[accounts]]
                id = "acme-eur"
                bank = "sim"
                number = "DE89370400440532013000"
                bank_code = "COBADEFFXXX"
                name = "ACME Trading GmbH"
                currency = "EUR"
                tenant = "acme"

                [[accounts]]
                id = "second-eur"
                bank = "sim"
                number = "DE02120300000000202051"
                bank_code = "BYLADEM1001"
                name = "Second GmbH"
                currency = "EUR"
                tenant = "\(tenantOfSecond)"
                """.write(to: directory.appendingPathComponent("bankgate.toml"), atomically: true, encoding: .utf8)
        }
        try write(tenantOfSecond: "beta")
        let (runtime, port) = try await startGateway()
        let before = try await call("POST", "/v1/payments", port: port, body: Self.payment(from: "second-eur", e2e: "E2E-BETA"),
                                    key: "beta-1", token: beta)
        XCTAssertEqual(before.status, 201, "\(before.json)")

        try write(tenantOfSecond: "acme")
        let outcome = await runtime.reloader.reload()
        guard case .applied = outcome else { return XCTFail("refused: \(outcome)") }
        let after = try await call("POST", "/v1/payments", port: port, body: Self.payment(from: "second-eur", e2e: "E2E-ACME", amount: "11.00"),
                                   key: "acme-1", token: acme)
        XCTAssertEqual(after.status, 201, "the account is acme's now: \(after.json)")
        let moved = try XCTUnwrap(after.json["id"] as? String)
        let refusedToBeta = try await call("POST", "/v1/payments", port: port,
                                           body: Self.payment(from: "second-eur", e2e: "E2E-BETA-2", amount: "12.00"), key: "beta-2", token: beta)
        XCTAssertNotEqual(refusedToBeta.status, 201, "beta may no longer pay from it")

        func feed(_ token: String) async throws -> String {
            let answer = try await call("GET", "/v1/events?after=0&limit=1000", port: port, token: token)
            XCTAssertEqual(answer.status, 200)
            return "\(answer.json["events"] ?? [])"
        }
        let acmeFeed = try await feed(acme), betaFeed = try await feed(beta)
        XCTAssertTrue(acmeFeed.contains(moved), "the new tenant sees the new payment's events")
        XCTAssertFalse(betaFeed.contains(moved), "the old tenant does not: \(betaFeed)")
        XCTAssertTrue(betaFeed.contains(try XCTUnwrap(before.json["id"] as? String)), "the old tenant keeps what was its own")
    }

    /// Payments taken while a reload that drops their account is being checked and built: each
    /// round, the reload is either refused (naming the payments not final) or applied with none of
    /// the account's payments left behind, and every payment taken was taken whole or refused.
    func testPaymentsTakenWhileAReloadDropsTheirAccountAreNeverLeftBehind() async throws {
        try write(bankURL: "http://127.0.0.1:9", extra: secondBank(url: "http://127.0.0.1:9"))
        let (runtime, port) = try await startGateway()
        let year = Int(GatewayHarness.today.prefix(4))! + 1
        let client = self.client, token = self.token
        for round in 0..<6 {
            try write(bankURL: "http://127.0.0.1:9", extra: secondBank(url: "http://127.0.0.1:9"))
            guard case .applied = await runtime.reloader.reload() else { return XCTFail("round \(round): the account was not added back") }
            // Payments for a later day (they wait, not final) from the account the reload drops,
            // sent at the moment the reload starts.
            try write(bankURL: "http://127.0.0.1:9")
            let posters = (0..<8).map { index in
                Task { () -> (status: Int, id: String?, body: String) in
                    let answer = try await BankReloadTests.call(
                        client: client, token: token, "POST", "/v1/payments", port: port,
                        body: BankReloadTests.payment(from: "acme-eur-two", e2e: "E2E-R\(round)-\(index)", amount: "\(20 + index).00",
                                                      executionDate: "\(year)-06-15"),
                        key: "race-\(round)-\(index)")
                    return (answer.status, answer.json["id"] as? String, "\(answer.json)")
                }
            }
            let outcome = await runtime.reloader.reload()
            var taken: [String] = []
            for poster in posters {
                let answer = try await poster.value
                XCTAssertTrue([201, 422].contains(answer.status), "taken or refused for its account: \(answer.status) \(answer.body)")
                if answer.status == 201, let id = answer.id { taken.append(id) }
            }
            let counts = try await runtime.store.queueCounts(accountIds: ["acme-eur-two"]).counts
            let open = counts.values.flatMap { $0 }.filter { !$0.key.isTerminal }.map(\.value).reduce(0, +)
            switch outcome {
            case .applied:
                XCTAssertEqual(open, 0, "round \(round): the account was dropped with \(open) payment(s) not final (taken: \(taken))")
            case .refused(let reason):
                XCTAssertTrue(reason.contains("acme-eur-two") && reason.contains("not final"), reason)
                XCTAssertEqual(open, taken.count, "round \(round): \(reason)")
            }
            // The next round starts with nothing waiting: the taken payments are cancelled.
            for id in taken {
                let cancelled = try await call("POST", "/v1/payments/\(id)/cancel", port: port)
                XCTAssertEqual(cancelled.status, 200, "\(cancelled.json)")
            }
        }
    }

    /// A bank dropped with nothing pending: the reload is applied, and its gauges leave `/metrics`.
    func testADroppedBankLeavesTheMetrics() async throws {
        try write(bankURL: "http://127.0.0.1:9", extra: secondBank(url: "http://127.0.0.1:9"))
        let (runtime, port) = try await startGateway()
        func gaugesOfSecondBank() async throws -> [String] {
            let answer = try await client.send(method: "GET", url: "http://127.0.0.1:\(port)/metrics",
                                               headers: [("Authorization", "Bearer \(token)")], body: nil)
            XCTAssertEqual(answer.status, 200)
            return String(decoding: answer.body, as: UTF8.self).split(separator: "\n")
                .filter { !$0.hasPrefix("#") && $0.contains("bank=\"sim-two\"") && ($0.contains("circuit_state") || $0.contains("queue_depth")) }
                .map(String.init)
        }
        // A payment of the second bank that is final (cancelled) stays in the store, not in the gauges.
        let year = Int(GatewayHarness.today.prefix(4))! + 1
        let later = try await call("POST", "/v1/payments", port: port,
                                   body: Self.payment(from: "acme-eur-two", e2e: "E2E-CANCELLED", executionDate: "\(year)-06-15"), key: "cancelled")
        let cancelled = try await call("POST", "/v1/payments/\(try XCTUnwrap(later.json["id"] as? String))/cancel", port: port)
        XCTAssertEqual(cancelled.status, 200, "\(cancelled.json)")
        let before = try await gaugesOfSecondBank()
        XCTAssertTrue(before.contains { $0.contains("state=\"cancelled\"") }, "the second bank has gauges while configured: \(before)")

        try write(bankURL: "http://127.0.0.1:9")
        let outcome = await runtime.reloader.reload()
        guard case .applied = outcome else { return XCTFail("refused: \(outcome)") }
        let after = try await gaugesOfSecondBank()
        XCTAssertEqual(after, [], "the dropped bank's gauges are gone")
    }
}

import BankGateConfig
import BankGateCore
import BankGateEngine
import BankGateRuntime
import BankGateTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest
@testable import BankGateAPI

/// Plans through the API with two tenants (TenantAPITests' configuration): a token makes, sees and
/// runs only plans about its own tenant's accounts, never a sweep across tenants, and a sweep only
/// with `payments:write` (a sweep makes payments). An outside check made acme's `operate` token
/// sweep beta's money into acme's account.
final class TenantScheduleAPITests: XCTestCase {
    func withGateway(_ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let (directory, runtime) = try TenantAPITests.makeRuntime()
        defer {
            runtime.close()
            try? FileManager.default.removeItem(at: directory)
        }
        try await runtime.assignTenants()
        let router = APIServer.makeRouter(gateway: runtime.engine, reports: runtime.reports, statementPulls: runtime.statementPulls,
                                          schedules: runtime.schedules, tokens: runtime.configuration.tokens,
                                          tenants: runtime.configuration.tenantDirectory,
                                          maxBodyBytes: 1_048_576, clock: FixedClock(instant: APIHarness.today))
        try await Application(router: router).test(.router) { client in try await test(client) }
    }

    private static func error(_ answer: JSONAnswer) -> (code: String?, field: String?) {
        let error = answer.json["error"] as? [String: Any]
        return (error?["code"] as? String, error?["field"] as? String)
    }

    func testASweepAcrossTenantsIsRefusedForEveryToken() async throws {
        try await withGateway { client in
            for token in [TenantAPITests.acme, TenantAPITests.beta] {
                let sweep = try await client.call(.post, "/v1/schedules", token: token, body: """
                    {"name": "steal", "kind": "sweep", "at": ["23:00"], "from_account": "acc-b", "to_account": "acc-a", "target": "900.00"}
                    """)
                XCTAssertEqual(sweep.status, .unprocessableContent, "\(sweep.json)")
                XCTAssertEqual(Self.error(sweep).field, "to_account")
            }
            let list = try await client.call(.get, "/v1/schedules", token: TenantAPITests.acme)
            XCTAssertEqual((list.json["schedules"] as? [Any])?.count, 0, "nothing was made")
        }
    }

    func testAnotherTenantsAccountsAndPlansAnswerAsMissing() async throws {
        try await withGateway { client in
            // Acme may not name beta's account, in a pull or as a sweep's paying account.
            let pull = try await client.call(.post, "/v1/schedules", token: TenantAPITests.acme, body: """
                {"name": "peek", "kind": "balance_pull", "at": ["23:00"], "accounts": ["acc-b"]}
                """)
            XCTAssertEqual(pull.status, .unprocessableContent, "\(pull.json)")
            XCTAssertEqual(Self.error(pull).code, "invalid_value")
            XCTAssertEqual(Self.error(pull).field, "accounts")

            // Acme's own sweep between its two accounts is made; beta neither sees nor runs,
            // lists the jobs of, or deletes it: the same answer as for a plan that does not exist.
            let own = try await client.call(.post, "/v1/schedules", token: TenantAPITests.acme, body: """
                {"name": "acme-sweep", "kind": "sweep", "at": ["23:00"], "from_account": "acc-a2", "to_account": "acc-a", "target": "10.00"}
                """)
            XCTAssertEqual(own.status, .created, "\(own.json)")
            let betaList = try await client.call(.get, "/v1/schedules", token: TenantAPITests.beta)
            XCTAssertEqual((betaList.json["schedules"] as? [Any])?.count, 0)
            let acmeList = try await client.call(.get, "/v1/schedules", token: TenantAPITests.acme)
            XCTAssertEqual((acmeList.json["schedules"] as? [[String: Any]])?.compactMap { $0["name"] as? String }, ["acme-sweep"])
            for (method, path) in [(HTTPRequest.Method.post, "/v1/schedules/NAME/run"), (.get, "/v1/schedules/NAME/jobs"),
                                   (.delete, "/v1/schedules/NAME")] {
                let foreign = try await client.call(method, path.replacingOccurrences(of: "NAME", with: "acme-sweep"),
                                                    token: TenantAPITests.beta)
                let missing = try await client.call(method, path.replacingOccurrences(of: "NAME", with: "no-such-plan"),
                                                    token: TenantAPITests.beta)
                XCTAssertEqual(foreign.status, .notFound, "\(method) \(path): \(foreign.json)")
                XCTAssertEqual(foreign.status, missing.status)
                XCTAssertEqual(Self.error(foreign).code, Self.error(missing).code)
            }
            // Acme's run makes a job (failed: no balance is known yet); beta cannot read it.
            let run = try await client.call(.post, "/v1/schedules/acme-sweep/run", token: TenantAPITests.acme)
            XCTAssertEqual(run.status, .created, "\(run.json)")
            let job = try XCTUnwrap(run.json["id"] as? String)
            let betaJob = try await client.call(.get, "/v1/schedule-jobs/\(job)", token: TenantAPITests.beta)
            XCTAssertEqual(betaJob.status, .notFound)
            let acmeJob = try await client.call(.get, "/v1/schedule-jobs/\(job)", token: TenantAPITests.acme)
            XCTAssertEqual(acmeJob.status, .ok)
        }
    }

    func testASweepNeedsTheScopeToMakePayments() async throws {
        try await withGateway { client in
            // acme-ops has operate but not payments:write: it may pull, not sweep.
            let sweep = try await client.call(.post, "/v1/schedules", token: TenantAPITests.acmeOperator, body: """
                {"name": "ops-sweep", "kind": "sweep", "at": ["23:00"], "from_account": "acc-a2", "to_account": "acc-a", "target": "10.00"}
                """)
            XCTAssertEqual(sweep.status, .forbidden, "\(sweep.json)")
            let pull = try await client.call(.post, "/v1/schedules", token: TenantAPITests.acmeOperator, body: """
                {"name": "ops-pull", "kind": "balance_pull", "at": ["23:00"], "accounts": ["acc-a"]}
                """)
            XCTAssertEqual(pull.status, .created, "\(pull.json)")
            // A sweep made by a token that may pay is not run by one that may not.
            let made = try await client.call(.post, "/v1/schedules", token: TenantAPITests.acme, body: """
                {"name": "erp-sweep", "kind": "sweep", "at": ["23:00"], "from_account": "acc-a2", "to_account": "acc-a", "target": "10.00"}
                """)
            XCTAssertEqual(made.status, .created)
            let run = try await client.call(.post, "/v1/schedules/erp-sweep/run", token: TenantAPITests.acmeOperator)
            XCTAssertEqual(run.status, .forbidden, "\(run.json)")
        }
    }
}

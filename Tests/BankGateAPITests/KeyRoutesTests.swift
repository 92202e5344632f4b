import BankGateAPI
import BankGateConfig
import BankGateCore
import BankGateRuntime
import BankGateStore
import BankGateTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import XCTest

/// `/v1/keys` over the real store: each step audited with the token's name, illegal steps 409
/// `invalid_state`, bindings only to accounts of the key's bank (422), scopes as the table says.
final class KeyRoutesTests: XCTestCase {
    static let admin = "keys-admin-token-0123456789"

    func testBindReportLostRevokeRetireThroughTheAPIWithTheirCodes() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-keyroutes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let configuration = try BankGateConfiguration.parse("""
            [server]
            listen = "127.0.0.1:0"
            data_dir = "\(directory.path)"

            [[tokens]]
            name = "t"
            token = "unused-token-0123456789"
            scopes = ["operate"]

            [[banks]]
            id = "cn"
            adapter = "iso20022"
            transport = "http"
            url = "http://127.0.0.1:9"

            [[banks]]
            id = "eu"
            adapter = "iso20022"
            transport = "http"
            url = "http://127.0.0.1:9"

            [[accounts]]
            id = "cn-1"
            bank = "cn"
            number = "6225880000000001"
            bank_code = "308584000013"
            name = "ACME Shanghai"
            currency = "CNY"

            [[accounts]]
            id = "eu-1"
            bank = "eu"
            number = "DE89370400440532013000"
            bank_code = "COBADEFFXXX"
            name = "ACME GmbH"
            currency = "EUR"

            [[keys]]
            id = "ukey-1"
            bank = "cn"
            algorithm = "rsa-sha256"
            pkcs11 = "pkcs11:token=bank-token;object=signer"
            certificate = "signer.crt"
            pin_env = "UKEY_PIN"
            """, fileName: "keys.toml", baseDirectory: directory.path)
        let store = try PaymentStore(path: directory.appendingPathComponent("bankgate.sqlite").path)
        defer { store.close() }
        let desk = SigningKeyDesk(store: store, configuration: configuration, clock: FixedClock(instant: APIHarness.today),
                                  logger: Logger(label: "key-routes"))
        try await desk.registerConfiguredKeys()
        let tokens = TestTokens.all + [TokenConfig(name: "security", secret: .plain(Self.admin), scopes: [.keysAdmin])]
        let router = APIServer.makeRouter(gateway: FakeGateway(), keys: desk, tokens: tokens, maxBodyBytes: 65_536,
                                          clock: FixedClock(instant: APIHarness.today))
        try await Application(router: router).test(.router) { client in
            let list = try await client.call(.get, "/v1/keys", token: TestTokens.operatorToken)
            XCTAssertEqual(list.status, .ok)
            let keys = try XCTUnwrap(list.json["keys"] as? [[String: Any]])
            XCTAssertEqual(keys.first?["state"] as? String, "issued")
            XCTAssertEqual(keys.first?["material"] as? String, "pkcs11:bank-token")

            let byOperator = try await client.call(.post, "/v1/keys/ukey-1/bind", token: TestTokens.operatorToken,
                                                   body: #"{"accounts": ["cn-1"], "role": "approver"}"#)
            XCTAssertEqual(byOperator.status, .forbidden, "binding takes keys:admin")
            let otherBank = try await client.call(.post, "/v1/keys/ukey-1/bind", token: Self.admin,
                                                  body: #"{"accounts": ["eu-1"], "role": "approver"}"#)
            XCTAssertEqual(otherBank.status, .unprocessableContent)
            XCTAssertEqual(otherBank.errorField, "accounts[0]")
            let noRole = try await client.call(.post, "/v1/keys/ukey-1/bind", token: Self.admin, body: #"{"accounts": ["cn-1"]}"#)
            XCTAssertEqual(noRole.status, .badRequest)
            XCTAssertEqual(noRole.errorCode, "missing_field")

            let bound = try await client.call(.post, "/v1/keys/ukey-1/bind", token: Self.admin,
                                              body: #"{"accounts": ["cn-1"], "role": "approver", "reason": "handed over"}"#)
            XCTAssertEqual(bound.status, .ok)
            XCTAssertEqual(bound.json["state"] as? String, "bound")
            XCTAssertEqual(bound.json["signs"] as? Bool, true)

            let noReason = try await client.call(.post, "/v1/keys/ukey-1/report-lost", token: TestTokens.operatorToken, body: "{}")
            XCTAssertEqual(noReason.status, .badRequest)
            let lost = try await client.call(.post, "/v1/keys/ukey-1/report-lost", token: TestTokens.operatorToken,
                                             body: #"{"reason": "U-key lost on the way to the bank"}"#)
            XCTAssertEqual(lost.status, .ok, "operate may report a key lost")
            XCTAssertEqual(lost.json["state"] as? String, "lost")
            XCTAssertEqual(lost.json["signs"] as? Bool, false)

            let rebind = try await client.call(.post, "/v1/keys/ukey-1/bind", token: Self.admin,
                                               body: #"{"accounts": ["cn-1"], "role": "approver"}"#)
            XCTAssertEqual(rebind.status, .conflict, "a lost key is not bound again")
            XCTAssertEqual(rebind.errorCode, "invalid_state")
            let revoked = try await client.call(.post, "/v1/keys/ukey-1/revoke", token: Self.admin, body: #"{"reason": "CA notified"}"#)
            XCTAssertEqual(revoked.json["state"] as? String, "revoked")
            let lostAgain = try await client.call(.post, "/v1/keys/ukey-1/report-lost", token: Self.admin, body: #"{"reason": "x"}"#)
            XCTAssertEqual(lostAgain.status, .conflict)
            XCTAssertEqual(lostAgain.errorCode, "invalid_state")
            let retired = try await client.call(.post, "/v1/keys/ukey-1/retire", token: Self.admin, body: #"{"reason": "closed"}"#)
            XCTAssertEqual(retired.json["state"] as? String, "retired")
            let unknown = try await client.call(.post, "/v1/keys/nope/revoke", token: Self.admin, body: #"{"reason": "x"}"#)
            XCTAssertEqual(unknown.status, .notFound)

            let detail = try await client.call(.get, "/v1/keys/ukey-1", token: Self.admin)
            let history = try XCTUnwrap(detail.json["history"] as? [[String: Any]])
            XCTAssertEqual(history.compactMap { $0["action"] as? String }, ["key.issued", "key.bound", "key.lost", "key.revoked", "key.retired"])
            XCTAssertEqual(history.compactMap { $0["actor"] as? String }, ["system", "security", "ops", "security", "security"])
        }
        let events = try await store.events(after: 0, limit: 100).map(\.type)
        XCTAssertEqual(events, ["key.issued", "key.bound", "key.lost", "key.revoked", "key.retired"])
    }
}

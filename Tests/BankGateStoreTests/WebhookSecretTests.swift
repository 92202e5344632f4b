import BankGateCore
import BankGateCrypto
import BankGateTestSupport
@testable import BankGateStore
import Foundation
import XCTest

/// Webhook signing secrets at rest: a copy of the database must not reveal them (issue 8).
final class WebhookSecretTests: XCTestCase {
    var directory: URL!
    var payments: PaymentStore!
    let t0 = Timestamp(milliseconds: 1_795_000_000_000)
    let secret = "whsec_0123456789abcdef-the-signing-secret"

    override func setUp() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-secrets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        payments = try PaymentStore(path: directory.appendingPathComponent("store.sqlite").path)
    }

    override func tearDown() async throws {
        payments.close()
        try? FileManager.default.removeItem(at: directory)
    }

    func storedSecret(_ id: String) async throws -> String? {
        try await payments.database.read { db in
            try db.queryFirst("SELECT secret FROM webhook_subscriptions WHERE id = ?", [.text(id)]) { try $0.text("secret") }
        }
    }

    /// The stored value is a sealed one; the store still hands the sender the secret it signs with.
    func testTheStoredSecretIsSealed() async throws {
        let webhooks = WebhookStore(sharing: payments, secrets: try SecretBox(key: SecureRandom.bytes(32)))
        _ = try await webhooks.create(id: "whk_1", url: "http://127.0.0.1:1/hook", eventTypes: ["*"], secret: secret,
                                      fromSequence: nil, actor: "ops", at: t0)
        let stored = try await storedSecret("whk_1")
        XCTAssertTrue(stored?.hasPrefix(SecretBox.prefix) == true, "stored: \(stored ?? "nil")")
        XCTAssertFalse(stored?.contains(secret) == true)

        let loaded = try await webhooks.subscription(id: "whk_1")
        XCTAssertEqual(loaded?.secret, secret)
        let listed = try await webhooks.subscriptions().map(\.secret)
        XCTAssertEqual(listed, [secret])
    }

    /// The attack: read the database files. The secret is in none of their bytes.
    func testTheDatabaseFilesDoNotContainTheSecret() async throws {
        try TestStoreBackend.requireSQLite("reads the bytes of the SQLite database files")
        let webhooks = WebhookStore(sharing: payments, secrets: try SecretBox(key: SecureRandom.bytes(32)))
        _ = try await webhooks.create(id: "whk_1", url: "http://127.0.0.1:1/hook", eventTypes: ["*"], secret: secret,
                                      fromSequence: nil, actor: "ops", at: t0)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        XCTAssertFalse(files.isEmpty)
        for file in files {
            let bytes = try Data(contentsOf: directory.appendingPathComponent(file))
            XCTAssertNil(bytes.range(of: Data(secret.utf8)), "\(file) holds the secret in clear")
        }
    }

    /// With another key the secret does not open: the store says so instead of signing with garbage.
    func testAnotherKeyCannotOpenTheSecret() async throws {
        let webhooks = WebhookStore(sharing: payments, secrets: try SecretBox(key: SecureRandom.bytes(32)))
        _ = try await webhooks.create(id: "whk_1", url: "http://127.0.0.1:1/hook", eventTypes: ["*"], secret: secret,
                                      fromSequence: nil, actor: "ops", at: t0)
        let other = WebhookStore(sharing: payments, secrets: try SecretBox(key: SecureRandom.bytes(32)))
        do {
            _ = try await other.subscription(id: "whk_1")
            XCTFail("opened with another key")
        } catch StoreError.unreadableSecret(let message) {
            XCTAssertTrue(message.contains("whk_1"), message)
        }
    }

    /// A sealed secret copied onto another subscription's row does not open there (the id is bound in).
    func testASealedSecretCopiedToAnotherRowDoesNotOpen() async throws {
        let webhooks = WebhookStore(sharing: payments, secrets: try SecretBox(key: SecureRandom.bytes(32)))
        _ = try await webhooks.create(id: "whk_1", url: "http://127.0.0.1:1/a", eventTypes: ["*"], secret: secret,
                                      fromSequence: nil, actor: "ops", at: t0)
        _ = try await webhooks.create(id: "whk_2", url: "http://127.0.0.1:1/b", eventTypes: ["*"], secret: "other",
                                      fromSequence: nil, actor: "ops", at: t0)
        _ = try await payments.database.write { db in
            try db.run("UPDATE webhook_subscriptions SET secret = (SELECT secret FROM webhook_subscriptions WHERE id = 'whk_1') WHERE id = 'whk_2'", [])
        }
        do {
            _ = try await webhooks.subscription(id: "whk_2")
            XCTFail("a secret sealed for whk_1 opened for whk_2")
        } catch StoreError.unreadableSecret {}
    }

    /// Secrets stored in plain text by an earlier version are sealed at start-up, each audited.
    func testPlaintextSecretsFromBeforeAreSealed() async throws {
        let webhooks = WebhookStore(sharing: payments, secrets: try SecretBox(key: SecureRandom.bytes(32)))
        let secret = self.secret
        _ = try await payments.database.write { db in
            try db.run("""
                INSERT INTO webhook_subscriptions (id, url, event_types, secret, state, cursor_seq, created_by, created_at, updated_at)
                VALUES ('whk_old', 'http://127.0.0.1:1/hook', '*', ?, 'active', 0, 'ops', 0, 0)
                """, [.text(secret)])
        }
        let before = try await webhooks.subscription(id: "whk_old")
        XCTAssertEqual(before?.secret, secret, "the old plain secret keeps working until sealed")

        let sealed = try await webhooks.sealPlaintextSecrets(at: t0)
        XCTAssertEqual(sealed, 1)
        let stored = try await storedSecret("whk_old")
        XCTAssertTrue(stored?.hasPrefix(SecretBox.prefix) == true)
        let after = try await webhooks.subscription(id: "whk_old")
        XCTAssertEqual(after?.secret, secret)
        let again = try await webhooks.sealPlaintextSecrets(at: t0)
        XCTAssertEqual(again, 0)
        let audits = try await payments.database.read { db in
            try db.query("SELECT action FROM audit_log WHERE subject_id = 'whk_old'", []) { try $0.text("action") }
        }
        XCTAssertEqual(audits, ["webhook.secret_sealed"])
    }

    func testSecretBoxSealsOpensAndRefuses() throws {
        let key = SecretBox.makeHexKey()
        XCTAssertEqual(key.utf8.count, 64)
        let box = try SecretBox(hexKey: " \(key)\n")
        let sealed = box.seal("s3cret", context: "whk_1")
        XCTAssertNotEqual(sealed, box.seal("s3cret", context: "whk_1"), "a fresh nonce each time")
        XCTAssertEqual(try box.open(sealed, context: "whk_1"), "s3cret")
        XCTAssertThrowsError(try box.open(sealed, context: "whk_2"))
        XCTAssertThrowsError(try SecretBox(hexKey: SecretBox.makeHexKey()).open(sealed, context: "whk_1"))

        // Flip one bit of the ciphertext: refused, not decrypted to something else.
        var bytes = Array(sealed.utf8)
        let position = SecretBox.prefix.utf8.count + 24 + 1
        bytes[position] = bytes[position] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        XCTAssertThrowsError(try box.open(String(decoding: bytes, as: UTF8.self), context: "whk_1")) { error in
            XCTAssertEqual(error as? SecretBox.Failure, .authenticationFailed)
        }
        XCTAssertThrowsError(try box.open("s3cret", context: "whk_1")) { XCTAssertEqual($0 as? SecretBox.Failure, .notSealed) }
        XCTAssertThrowsError(try SecretBox(hexKey: "abcd")) { XCTAssertEqual($0 as? SecretBox.Failure, .malformedKey) }
        XCTAssertThrowsError(try SecretBox(hexKey: String(repeating: "g", count: 64)))
        XCTAssertEqual(Hex.decode("00ff7A"), [0, 255, 122])
        XCTAssertNil(Hex.decode("0"))
    }
}

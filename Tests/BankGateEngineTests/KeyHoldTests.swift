import BankGateAdapters
import BankGateConfig
import BankGateCore
import BankGateCrypto
import BankGateEngine
import BankGateStore
import BankGateTestSupport
import Foundation
import Synchronization
import XCTest
@testable import BankGateRuntime

/// A key reported lost while payments wait: nothing is sent, the payments are held (still queued,
/// no attempt used, announced once), and a new key bound to their account sends them.
final class KeyHoldTests: XCTestCase {
    func testAKeyReportedLostHoldsThePaymentsUntilANewKeyIsBound() async throws {
        let states = DeferredKeyStates()
        // The signer's clock follows the harness's (both start at the same instant).
        let clock = ManualClock()
        let old = try TestKey("old", at: clock.now(), validFrom: nil)
        let new = try TestKey("new", at: clock.now(), validFrom: clock.now().adding(milliseconds: -3_600_000))
        let signer = try XCTUnwrap(KeySigner(bankId: DispatcherHarness.bankId, statuses: [old.status, new.status], clock: clock,
                                             states: states))
        try await withHarness(adapter: KeySigningISOAdapter(), signer: signer) { h in
            states.store.withLock { $0 = h.store }
            clock.advance(to: h.clock.now())
            let account = DispatcherHarness.accountId
            _ = try await h.store.registerSigningKeys([old.configured, new.configured], at: h.clock.now())
            _ = try await h.store.bindSigningKey(id: "old", binding: SigningKeyBinding(accounts: [account], role: "approver"),
                                                 takesOverNow: true, actor: "alice", reason: nil, at: h.clock.now())

            let first = try await h.submitOne()
            _ = try await h.waitForStatus(first.id, .completed)
            var sent = await h.transport.submitted
            XCTAssertTrue(try old.verifies(sent[0]), "the bound key signed")

            _ = try await h.store.changeSigningKeyState(id: "old", to: .lost, actor: "bob", reason: "U-key lost", at: h.clock.now())
            let held = try await h.submitOne(DispatcherHarness.request(minorUnits: 500))
            try await h.waitUntil("the payment is held") { try await h.payment(held.id).holdReason != nil }
            try await h.waitForLaneTurns(5)
            var record = try await h.payment(held.id)
            XCTAssertEqual(record.status, .queued, "held, not failed")
            XCTAssertEqual(record.attempts, 0, "a hold uses no attempt")
            XCTAssertTrue(record.holdReason?.contains("key old was reported lost") == true, record.holdReason ?? "")
            sent = await h.transport.submitted
            XCTAssertEqual(sent.count, 1, "nothing is sent without a usable key")

            // A key bound to another account does not release it; the recheck time passing changes nothing.
            _ = try await h.store.bindSigningKey(id: "new", binding: SigningKeyBinding(accounts: ["acme-usd"], role: "approver"),
                                                 takesOverNow: true, actor: "alice", reason: nil, at: h.clock.now())
            h.clock.advance(milliseconds: 120_000)
            clock.advance(to: h.clock.now())
            try await h.waitForLaneTurns(5)
            record = try await h.payment(held.id)
            XCTAssertEqual(record.status, .queued)
            XCTAssertEqual(record.attempts, 0)
            sent = await h.transport.submitted
            XCTAssertEqual(sent.count, 1)

            _ = try await h.store.bindSigningKey(id: "new", binding: SigningKeyBinding(accounts: [account], role: "approver"),
                                                 takesOverNow: true, actor: "alice", reason: "replacement U-key", at: h.clock.now())
            record = try await h.waitForStatus(held.id, .completed)
            XCTAssertEqual(record.attempts, 1)
            XCTAssertNil(record.holdReason)
            sent = await h.transport.submitted
            XCTAssertEqual(sent.count, 2)
            XCTAssertTrue(try new.verifies(sent[1]), "the new key signed")
            XCTAssertFalse(try old.verifies(sent[1]))

            let events = try await h.store.events(after: 0, limit: 500).filter { $0.paymentId == held.id }.map(\.type)
            XCTAssertEqual(events.filter { $0 == "payment.signing_held" }.count, 1, "announced once: \(events)")
            XCTAssertEqual(events.filter { $0 == "payment.signing_released" }.count, 1, "\(events)")
            XCTAssertFalse(events.contains("payment.failed"))
            let audit = try await ReconciliationStore(sharing: h.store).auditEntries(subjectKind: "payment", subjectId: held.id).map(\.action)
            XCTAssertEqual(audit.filter { $0 == "payment.signing_held" }.count, 1)

            // Each signature is on the audit trail, under the key that made it, with the hash of what it signed.
            let oldUses = try await ReconciliationStore(sharing: h.store).auditEntries(subjectKind: "key", subjectId: "old")
                .filter { $0.action == "key.used" }
            let newUses = try await ReconciliationStore(sharing: h.store).auditEntries(subjectKind: "key", subjectId: "new")
                .filter { $0.action == "key.used" }
            XCTAssertEqual(oldUses.count, 1)
            XCTAssertEqual(newUses.count, 1)
            XCTAssertTrue(newUses.first?.details?.contains("for account \(account)") == true, "\(newUses)")
            XCTAssertTrue(newUses.first?.details?.contains("sha256 ") == true, "\(newUses)")
        }
    }

    func testAKeyNotBoundToTheAccountSignsNothingAndAFailingSignServiceStillRetries() async throws {
        let clock = ManualClock()
        let key = try TestKey("only", at: clock.now(), validFrom: nil)
        let states = DeferredKeyStates()
        let signer = try XCTUnwrap(KeySigner(bankId: DispatcherHarness.bankId, statuses: [key.status], clock: clock, states: states))
        try await withHarness(adapter: KeySigningISOAdapter(), signer: signer) { h in
            states.store.withLock { $0 = h.store }
            clock.advance(to: h.clock.now())
            _ = try await h.store.registerSigningKeys([key.configured], at: h.clock.now())
            let payment = try await h.submitOne()
            try await h.waitUntil("held: the key is issued, not bound") { try await h.payment(payment.id).holdReason != nil }
            let record = try await h.payment(payment.id)
            XCTAssertTrue(record.holdReason?.contains("issued but not bound") == true, record.holdReason ?? "")
            XCTAssertEqual(record.attempts, 0)
        }
        // A signing failure that is not about our keys keeps the retry policy (see MessageSigningTests).
        XCTAssertFalse(SigningFailure("sign port down").holdsPayments)
    }
}

/// The store, handed to the signer once the harness has made it.
final class DeferredKeyStates: SigningKeyStates {
    let store = Mutex<PaymentStore?>(nil)
    func signingKeys(bankId: String?) async throws -> [SigningKeyRecord] {
        guard let store = store.withLock({ $0 }) else { return [] }
        return try await store.signingKeys(bankId: bankId)
    }
    func completeKeyChange(replaced: String, by newKey: String, at: Timestamp) async throws -> Bool {
        guard let store = store.withLock({ $0 }) else { return false }
        return try await store.completeKeyChange(replaced: replaced, by: newKey, at: at)
    }
    func recordKeyUse(keyId: String, details: String, at: Timestamp) async throws {
        guard let store = store.withLock({ $0 }) else { return }
        try await store.recordKeyUse(keyId: keyId, details: details, at: at)
    }
}

/// An RSA key with a self-signed certificate, as the start-up check would report it.
struct TestKey {
    let id: String
    let key: SigningKey
    let status: SigningKeyStatus
    var configured: ConfiguredSigningKey { ConfiguredSigningKey(id: id, bankId: DispatcherHarness.bankId, algorithm: "rsa-sha256", material: "file") }

    init(_ id: String, at now: Timestamp, validFrom: Timestamp?) throws {
        self.id = id
        key = try SigningKey.generateRSA(bits: 2048)
        let certificate = try Certificate.selfSigned(key: key, details: CertificateRequestDetails(subject: "CN=\(id)"),
                                                     notBefore: now.adding(milliseconds: -86_400_000),
                                                     notAfter: now.adding(milliseconds: 400 * 86_400_000))
        let config = KeyConfig(id: id, bank: DispatcherHarness.bankId, algorithm: .rsaSHA256,
                               material: .pem(privateKey: "/dev/null", certificate: "/dev/null"), validFrom: validFrom)
        status = SigningKeyStatus(config: config, identity: try SigningIdentity(key: key, certificate: certificate),
                                  facts: certificate.facts, state: .ok, daysLeft: 400, replacedBy: nil, isFutureKey: false, notes: [])
    }

    /// Whether `sent` carries a signature of this key over the message before the seal.
    func verifies(_ sent: ScriptedTransport.Seen) throws -> Bool {
        let text = String(decoding: sent.bytes, as: UTF8.self)
        guard let marker = text.range(of: "<!--KEYSIG:") else { return false }
        let signed = Array(text[..<marker.lowerBound].utf8)
        let hex = text[marker.upperBound...].prefix { $0 != "-" }
        var signature: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex),
              let byte = UInt8(hex[index..<next], radix: 16) {
            signature.append(byte)
            index = next
        }
        return try key.verifyingKey.isValidSignature(signature, for: signed, scheme: .rsaPKCS1SHA256)
    }
}

/// ISO 20022 signed with a key of ours: the seal appends the signature (hex) as a comment.
struct KeySigningISOAdapter: KeySigningAdapter {
    let base = SigningISOAdapter()
    var signingAlgorithm: KeyConfig.Algorithm? { .rsaSHA256 }
    var name: String { "key-signing-iso" }
    var capabilities: Set<AdapterCapability> { base.capabilities }
    var maxTransfersPerMessage: Int { base.maxTransfersPerMessage }
    var duplicateCheckWindowMilliseconds: Int64 { base.duplicateCheckWindowMilliseconds }
    var duplicateRefusalReasonCodes: Set<String> { base.duplicateRefusalReasonCodes }
    var paymentMessageKind: String { base.paymentMessageKind }
    func needsSignature(_ message: EncodedMessage) -> Bool { base.needsSignature(message) }
    func seal(_ message: EncodedMessage, signature: [UInt8]?, at time: Timestamp) throws(AdapterError) -> EncodedMessage {
        guard let signature else { return message }
        var sealed = message
        sealed.bytes += Array("<!--KEYSIG:\(signature.map { String(format: "%02x", $0) }.joined())-->\n".utf8)
        return sealed
    }
    func encodePayment(_ message: PaymentMessage) throws(AdapterError) -> EncodedMessage { try base.encodePayment(message) }
    func encodeStatusQuery(_ query: StatusQuery) throws(AdapterError) -> EncodedMessage { try base.encodeStatusQuery(query) }
    func disposition(httpStatus: Int, body: [UInt8]) -> SendDisposition { base.disposition(httpStatus: httpStatus, body: body) }
    func decodeStatusReport(_ bytes: [UInt8]) throws(AdapterError) -> StatusReport { try base.decodeStatusReport(bytes) }
    func interpretStatusQueryAnswer(httpStatus: Int, body: [UInt8], query: StatusQuery) -> StatusQueryAnswer {
        base.interpretStatusQueryAnswer(httpStatus: httpStatus, body: body, query: query)
    }
}

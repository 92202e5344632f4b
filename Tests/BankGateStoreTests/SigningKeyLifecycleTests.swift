import BankGateCore
import BankGateStore
import Foundation
import XCTest

/// The U-key life cycle in the store: each step with its audit record and its event, in one
/// transaction; steps the state does not allow are refused and change nothing.
final class SigningKeyLifecycleTests: XCTestCase {
    var directory: URL!
    var store: PaymentStore!
    let t0 = Timestamp(milliseconds: 1_830_000_000_000)

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try PaymentStore(path: directory.appendingPathComponent("store.sqlite").path)
    }

    override func tearDownWithError() throws {
        store.close()
        try? FileManager.default.removeItem(at: directory)
    }

    func configured(_ id: String, bank: String = "cn") -> ConfiguredSigningKey {
        ConfiguredSigningKey(id: id, bankId: bank, algorithm: "rsa-sha256", material: "pkcs11:bank-token")
    }

    func testAConfiguredKeyIsIssuedOnceThenBoundLostRevokedRetiredEachStepAuditedWithItsEvent() async throws {
        let issued = try await store.registerSigningKeys([configured("k1")], at: t0)
        XCTAssertEqual(issued, ["k1"])
        let again = try await store.registerSigningKeys([configured("k1")], at: t0.adding(milliseconds: 1000))
        XCTAssertEqual(again, [], "a key already recorded is not issued again")

        var key = try await store.bindSigningKey(id: "k1", binding: SigningKeyBinding(accounts: ["acc-1", "acc-2"], role: "approver"),
                                                 takesOverNow: true, actor: "alice", reason: "U-key handed over", at: t0.adding(milliseconds: 2000))
        XCTAssertEqual(key.state, .bound)
        XCTAssertEqual(key.accounts, ["acc-1", "acc-2"])
        XCTAssertEqual(key.role, "approver")
        XCTAssertTrue(key.signs(for: "acc-1"))
        XCTAssertFalse(key.signs(for: "acc-3"), "not bound to that account")

        key = try await store.changeSigningKeyState(id: "k1", to: .lost, actor: "bob", reason: "left in a taxi", at: t0.adding(milliseconds: 3000))
        XCTAssertEqual(key.state, .lost)
        XCTAssertFalse(key.signs(for: "acc-1"), "a lost key signs nothing")
        key = try await store.changeSigningKeyState(id: "k1", to: .revoked, actor: "alice", reason: "CA revoked it", at: t0.adding(milliseconds: 4000))
        XCTAssertEqual(key.state, .revoked)
        key = try await store.changeSigningKeyState(id: "k1", to: .retired, actor: "alice", reason: "done", at: t0.adding(milliseconds: 5000))
        XCTAssertEqual(key.state, .retired)

        let history = try await store.signingKeyHistory(id: "k1")
        XCTAssertEqual(history.map(\.action), ["key.issued", "key.bound", "key.lost", "key.revoked", "key.retired"])
        XCTAssertEqual(history.map(\.actor), ["system", "alice", "bob", "alice", "alice"])
        XCTAssertTrue(history[2].details?.contains("left in a taxi") == true)
        let events = try await store.events(after: 0, limit: 100)
        XCTAssertEqual(events.map(\.type), ["key.issued", "key.bound", "key.lost", "key.revoked", "key.retired"])
        XCTAssertTrue(events[2].payloadJSON.contains("\"state\":\"lost\""), events[2].payloadJSON)
        XCTAssertTrue(events[2].payloadJSON.contains("\"actor\":\"bob\""), events[2].payloadJSON)
    }

    func testAKeyBoundByTheConfigurationIsRecordedBoundWithBothStepsAudited() async throws {
        var key = configured("k2")
        key.binding = SigningKeyBinding(accounts: ["acc-1"], role: "approver")
        _ = try await store.registerSigningKeys([key], at: t0)
        let recorded = try await store.signingKey(id: "k2")
        XCTAssertEqual(recorded?.state, .bound)
        XCTAssertEqual(recorded?.accounts, ["acc-1"])
        XCTAssertTrue(recorded?.signs(for: "acc-1") == true)
        XCTAssertFalse(recorded?.signs(for: "acc-2") == true)
        let history = try await store.signingKeyHistory(id: "k2")
        XCTAssertEqual(history.map(\.action), ["key.issued", "key.bound"])
        XCTAssertEqual(history.map(\.actor), ["system", "configuration"])
        // Seen again (a restart): nothing changes, and a key an operator reported lost stays lost.
        _ = try await store.changeSigningKeyState(id: "k2", to: .lost, actor: "bob", reason: "lost", at: t0.adding(milliseconds: 1000))
        _ = try await store.registerSigningKeys([key], at: t0.adding(milliseconds: 2000))
        let afterRestart = try await store.signingKey(id: "k2")
        XCTAssertEqual(afterRestart?.state, .lost)
    }

    func testStepsTheStateDoesNotAllowAreRefusedAndChangeNothing() async throws {
        _ = try await store.registerSigningKeys([configured("k1")], at: t0)
        _ = try await store.changeSigningKeyState(id: "k1", to: .lost, actor: "bob", reason: "lost", at: t0)
        await assertInvalidState { try await self.store.bindSigningKey(id: "k1", binding: SigningKeyBinding(accounts: ["a"], role: "r"),
                                                                       takesOverNow: true, actor: "x", reason: nil, at: self.t0) }
        await assertInvalidState { try await self.store.changeSigningKeyState(id: "k1", to: .lost, actor: "x", reason: "again", at: self.t0) }
        _ = try await store.changeSigningKeyState(id: "k1", to: .retired, actor: "bob", reason: "gone", at: t0)
        await assertInvalidState { try await self.store.changeSigningKeyState(id: "k1", to: .revoked, actor: "x", reason: "late", at: self.t0) }
        await assertInvalidState { try await self.store.changeSigningKeyState(id: "k1", to: .bound, actor: "x", reason: "no", at: self.t0) }
        let key = try await store.signingKey(id: "k1")
        XCTAssertEqual(key?.state, .retired)
        let history = try await store.signingKeyHistory(id: "k1")
        XCTAssertEqual(history.map(\.action), ["key.issued", "key.lost", "key.retired"], "refused steps leave no trace")
        do {
            _ = try await store.changeSigningKeyState(id: "nope", to: .lost, actor: "x", reason: "r", at: t0)
            XCTFail("an unknown key was changed")
        } catch StoreError.notFound {
        }
    }

    func testAKeyChangeRetiresTheOldKeyWhenTheNewOneTakesOver() async throws {
        _ = try await store.registerSigningKeys([configured("old"), configured("new"), configured("other", bank: "eu")], at: t0)
        _ = try await store.bindSigningKey(id: "old", binding: SigningKeyBinding(accounts: ["a"], role: "r"), takesOverNow: true,
                                           actor: "alice", reason: nil, at: t0)
        await assertInvalidState { try await self.store.bindSigningKey(id: "new", binding: SigningKeyBinding(accounts: ["a"], role: "r", replaces: "other"),
                                                                       takesOverNow: true, actor: "alice", reason: nil, at: self.t0) }
        let new = try await store.bindSigningKey(id: "new", binding: SigningKeyBinding(accounts: ["a"], role: "r", replaces: "old"),
                                                 takesOverNow: false, actor: "alice", reason: "renewal", at: t0)
        XCTAssertEqual(new.replaces, "old")
        var old = try await store.signingKey(id: "old")
        XCTAssertEqual(old?.state, .bound, "the old key signs until the new one takes over")
        XCTAssertEqual(old?.replacedBy, "new")
        let retired = try await store.completeKeyChange(replaced: "old", by: "new", at: t0.adding(milliseconds: 1000))
        XCTAssertTrue(retired)
        old = try await store.signingKey(id: "old")
        XCTAssertEqual(old?.state, .retired)
        let again = try await store.completeKeyChange(replaced: "old", by: "new", at: t0.adding(milliseconds: 2000))
        XCTAssertFalse(again)
        let history = try await store.signingKeyHistory(id: "old")
        XCTAssertEqual(history.map(\.action), ["key.issued", "key.bound", "key.changed", "key.retired"])
        XCTAssertEqual(history.last?.actor, "system")
    }

    private func assertInvalidState(_ body: () async throws -> some Any, line: UInt = #line) async {
        do {
            _ = try await body()
            XCTFail("the step was allowed", line: line)
        } catch StoreError.invalidState {
        } catch {
            XCTFail("unexpected \(error)", line: line)
        }
    }
}

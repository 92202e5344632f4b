import BankGateCore
import BankGateStore
import Foundation
import XCTest

/// Maker-checker in the store: intake to `pending_approval`, decisions (self-approval, two
/// principals, the same principal twice, reject), batches, expiry, concurrency, and the audit chain.
final class ApprovalStoreTests: XCTestCase {
    var directory: URL!
    var store: PaymentStore!
    let eur = Currency(code: "EUR")!
    /// Wednesday 2026-11-25 10:00 UTC.
    let t0 = Timestamp(milliseconds: 1_795_600_800_000)

    override func setUp() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bankgate-approvals-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try PaymentStore(path: directory.appendingPathComponent("store.sqlite").path)
    }

    override func tearDown() async throws {
        store.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Two approvals from 1,000.00 EUR; one for a new creditor.
    var policy: ApprovalPolicy {
        ApprovalPolicy(rules: [
            ApprovalRule(name: "large", currencies: ["EUR"], amountAtLeast: Money(minorUnits: 100_000, currency: eur), approvals: 2),
            ApprovalRule(name: "batch-size", kinds: [.batch], batchSizeOver: 2, approvals: 1),
        ], expireAfterMilliseconds: 3_600_000)
    }

    func draft(_ id: String, minor: Int64, submission: String, batch: String? = nil, creditor: String = "GB82WEST12345698765432") -> PaymentDraft {
        PaymentDraft(id: id, batchId: batch, submissionId: submission, debtorAccountId: "acme-eur", bankId: "sim",
                     amount: Money(minorUnits: minor, currency: eur),
                     creditor: Party(name: "Creditor", account: creditor, bankCode: "WESTGB2L"),
                     remittanceInfo: "invoice \(id)", endToEndId: "E2E-\(id)", instructionId: "I-\(id)",
                     requestedExecutionDate: "2026-11-19")
    }

    func submission(_ id: String) -> SubmissionDraft {
        SubmissionDraft(id: id, bankId: "sim", debtorAccountId: "acme-eur", messageId: "MSG-\(id)",
                        paymentInfoId: "PMT-\(id)", messageKind: "pain.001.001.09", requestedExecutionDate: "2026-11-19")
    }

    /// Accepts one payment of `minor` submitted by `client`.
    @discardableResult
    func accept(_ id: String, minor: Int64, client: String = "erp", duplicateCheck: DuplicateCheck = .off,
                at: Timestamp? = nil) async throws -> [PaymentRecord] {
        let outcome = try await store.accept([draft(id, minor: minor, submission: "s-\(id)")], submissions: [submission("s-\(id)")],
                                             claim: IdempotencyClaim(client: client, key: "k-\(id)", fingerprint: id),
                                             duplicateCheck: duplicateCheck, approvals: policy, kind: .single, at: at ?? t0)
        guard case .created(let payments) = outcome else { XCTFail("not created: \(outcome)"); return [] }
        return payments
    }

    func due() async throws -> [String] {
        try await store.dueSubmissions(bankId: "sim", states: [.queued], now: t0.adding(milliseconds: 10_000_000), limit: 100).map(\.id)
    }

    func refusal(_ body: () async throws -> Void) async -> ApprovalRefusal? {
        do { try await body(); return nil } catch let refusal as ApprovalRefusal { return refusal } catch { XCTFail("\(error)"); return nil }
    }

    func testAPaymentOverTheThresholdWaitsForTwoApprovalsFromTwoPrincipals() async throws {
        let accepted = try await accept("p1", minor: 100_000)
        XCTAssertEqual(accepted.map(\.status), [.pendingApproval])
        XCTAssertEqual(accepted.first?.approval?.needed, 2)
        XCTAssertEqual(accepted.first?.approval?.rules, ["large"])
        XCTAssertEqual(accepted.first?.approval?.expiresAt, t0.adding(milliseconds: 3_600_000))
        let small = try await accept("p2", minor: 99_999)
        XCTAssertEqual(small.map(\.status), [.queued], "one minor unit below the threshold needs nothing")
        let dueBefore = try await due()
        XCTAssertEqual(dueBefore, ["s-p2"], "the pending payment's message is not due")

        // The submitter never decides; the same principal twice counts once.
        let own = await refusal { _ = try await self.store.decide(.payment("p1"), decision: .approve, principal: "erp", note: nil, at: self.t0) }
        XCTAssertEqual(own, .ownPayment)
        let first = try await store.decide(.payment("p1"), decision: .approve, principal: "alice", note: "ok", at: t0)
        XCTAssertEqual(first.given, 1)
        XCTAssertEqual(first.payments.map(\.status), [.pendingApproval])
        let twice = await refusal { _ = try await self.store.decide(.payment("p1"), decision: .approve, principal: "alice", note: nil, at: self.t0) }
        XCTAssertEqual(twice, .alreadyDecided)
        let dueBetween = try await due()
        XCTAssertEqual(dueBetween, ["s-p2"])

        let second = try await store.decide(.payment("p1"), decision: .approve, principal: "bob", note: nil, at: t0)
        XCTAssertEqual(second.given, 2)
        XCTAssertEqual(second.payments.map(\.status), [.queued])
        XCTAssertEqual(second.payments.first?.approval?.decisions.map(\.principal), ["alice", "bob"])
        let dueAfter = try await due()
        XCTAssertEqual(Set(dueAfter), ["s-p1", "s-p2"], "approved: its message goes to the dispatcher")
        let late = await refusal { _ = try await self.store.decide(.payment("p1"), decision: .approve, principal: "carol", note: nil, at: self.t0) }
        XCTAssertEqual(late, .notPendingApproval(.queued))

        let history = try await store.history(paymentId: "p1")
        XCTAssertEqual(history.map(\.to), [.received, .pendingApproval, .queued])
        let types = try await store.events(after: 0, limit: 100).filter { $0.paymentId == "p1" }.map(\.type)
        XCTAssertEqual(types, ["payment.approval_required", "payment.approval_given", "payment.approved"])
        let verification = try await store.verifyAuditTrail()
        XCTAssertTrue(verification.isIntact, "\(String(describing: verification.firstBreak))")
    }

    func testARejectionRejectsWithItsReasonAndIsFinal() async throws {
        try await accept("p1", minor: 250_000)
        _ = try await store.decide(.payment("p1"), decision: .approve, principal: "alice", note: nil, at: t0)
        let rejected = try await store.decide(.payment("p1"), decision: .reject, principal: "bob", note: "unknown supplier", at: t0)
        XCTAssertEqual(rejected.payments.map(\.status), [.rejected])
        XCTAssertEqual(rejected.payments.first?.reasonCode, "approval_rejected")
        XCTAssertTrue(rejected.payments.first?.reasonText?.contains("unknown supplier") ?? false)
        let dueNow = try await due()
        XCTAssertEqual(dueNow, [])
        let again = await refusal { _ = try await self.store.decide(.payment("p1"), decision: .approve, principal: "carol", note: nil, at: self.t0) }
        XCTAssertEqual(again, .notPendingApproval(.rejected))
        let types = try await store.events(after: 0, limit: 100).map(\.type)
        XCTAssertTrue(types.contains("payment.approval_rejected"), "\(types)")
        let verification = try await store.verifyAuditTrail()
        XCTAssertTrue(verification.isIntact)
    }

    func testAnUnknownPaymentIsNotFound() async throws {
        let missing = await refusal { _ = try await self.store.decide(.payment("nope"), decision: .approve, principal: "a", note: nil, at: self.t0) }
        XCTAssertEqual(missing, .notFound)
        let missingBatch = await refusal { _ = try await self.store.decide(.batch("nope"), decision: .approve, principal: "a", note: nil, at: self.t0) }
        XCTAssertEqual(missingBatch, .notFound)
    }

    func testExpiryRejectsWhatIsStillPendingAfterItsTime() async throws {
        try await accept("p1", minor: 100_000)
        try await accept("p2", minor: 100_000, at: t0.adding(milliseconds: 1_800_000))
        let early = try await store.expireApprovals(at: t0.adding(milliseconds: 3_599_999))
        XCTAssertEqual(early.map(\.id), [])
        let expired = try await store.expireApprovals(at: t0.adding(milliseconds: 3_600_000))
        XCTAssertEqual(expired.map(\.id), ["p1"])
        XCTAssertEqual(expired.first?.status, .rejected)
        XCTAssertEqual(expired.first?.reasonCode, "approval_expired")
        let history = try await store.history(paymentId: "p1")
        XCTAssertEqual(history.last?.cause, .approvalExpiry)
        let p2 = try await store.payment(id: "p2")
        XCTAssertEqual(p2?.status, .pendingApproval)
        let types = try await store.events(after: 0, limit: 100).filter { $0.paymentId == "p1" }.map(\.type)
        XCTAssertEqual(types.last, "payment.approval_expired")
        let dueNow = try await due()
        XCTAssertEqual(dueNow, [])
        let verification = try await store.verifyAuditTrail()
        XCTAssertTrue(verification.isIntact)
    }

    func testABatchIsDecidedAsAWhole() async throws {
        let drafts = [draft("b1", minor: 100, submission: "sb", batch: "bat_1"), draft("b2", minor: 200, submission: "sb", batch: "bat_1"),
                      draft("b3", minor: 300, submission: "sb", batch: "bat_1")]
        let outcome = try await store.accept(drafts, submissions: [submission("sb")],
                                             claim: IdempotencyClaim(client: "erp", key: "kb", fingerprint: "b"),
                                             approvals: policy, kind: .batch, at: t0)
        guard case .created(let payments) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(payments.map(\.status), [.pendingApproval, .pendingApproval, .pendingApproval])
        XCTAssertEqual(payments.map { $0.approval?.rules ?? [] }, [["batch-size"], ["batch-size"], ["batch-size"]])
        let one = await refusal { _ = try await self.store.decide(.payment("b2"), decision: .approve, principal: "alice", note: nil, at: self.t0) }
        XCTAssertEqual(one, .decidedByBatch("bat_1"))
        let approved = try await store.decide(.batch("bat_1"), decision: .approve, principal: "alice", note: nil, at: t0)
        XCTAssertEqual(approved.payments.map(\.status), [.queued, .queued, .queued])
        let dueNow = try await due()
        XCTAssertEqual(dueNow, ["sb"])
        let pending = try await store.pendingApprovals(limit: 10, cursor: nil)
        XCTAssertEqual(pending.payments.count, 0)
    }

    func testTheRequestItselfCountsTwoPaymentsForABatchNotOverItsSize() async throws {
        let drafts = [draft("b1", minor: 100, submission: "sb", batch: "bat_2"), draft("b2", minor: 200, submission: "sb", batch: "bat_2")]
        let outcome = try await store.accept(drafts, submissions: [submission("sb")],
                                             claim: IdempotencyClaim(client: "erp", key: "kb", fingerprint: "b"),
                                             approvals: policy, kind: .batch, at: t0)
        guard case .created(let payments) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(payments.map(\.status), [.queued, .queued], "batch_size_over = 2 is not matched by 2 payments")
    }

    func testAHeldDuplicateWaitsForApprovalOnceReleased() async throws {
        let check = DuplicateCheck(windowMilliseconds: 86_400_000)
        try await accept("p1", minor: 500_000, duplicateCheck: check)
        let second = try await accept("p2", minor: 500_000, duplicateCheck: check, at: t0.adding(milliseconds: 1000))
        XCTAssertEqual(second.map(\.status), [.held])
        let whileHeld = await refusal { _ = try await self.store.decide(.payment("p2"), decision: .approve, principal: "alice", note: nil, at: self.t0) }
        XCTAssertEqual(whileHeld, .notPendingApproval(.held))
        let released = try await store.retry(paymentId: "p2", actor: "operator", at: t0.adding(milliseconds: 60_000))
        XCTAssertEqual(released.status, .pendingApproval)
        XCTAssertEqual(released.approval?.expiresAt, t0.adding(milliseconds: 60_000 + 3_600_000), "its wait starts at the release")
        let dueNow = try await due()
        XCTAssertEqual(dueNow, [], "still not sent: it needs its approvals")
        _ = try await store.decide(.payment("p2"), decision: .approve, principal: "alice", note: nil, at: t0)
        _ = try await store.decide(.payment("p2"), decision: .approve, principal: "bob", note: nil, at: t0)
        let dueAfter = try await due()
        XCTAssertEqual(dueAfter, ["s-p2"])
    }

    func testTwoApproversAtOnceQueueThePaymentExactlyOnce() async throws {
        for round in 0..<20 { try await accept("c\(round)", minor: 100_000) }
        let store = self.store!, t0 = self.t0
        try await withThrowingTaskGroup(of: Void.self) { group in
            for round in 0..<20 {
                for principal in ["alice", "bob"] {
                    group.addTask { _ = try await store.decide(.payment("c\(round)"), decision: .approve, principal: principal, note: nil, at: t0) }
                }
            }
            try await group.waitForAll()
        }
        for round in 0..<20 {
            let history = try await store.history(paymentId: "c\(round)")
            XCTAssertEqual(history.map(\.to), [.received, .pendingApproval, .queued], "c\(round)")
        }
        let approved = try await store.events(after: 0, limit: 1000).filter { $0.type == "payment.approved" }
        XCTAssertEqual(approved.count, 20)
    }

    func testTheSamePrincipalAtOnceCountsOnce() async throws {
        for round in 0..<10 { try await accept("d\(round)", minor: 100_000) }
        let store = self.store!, t0 = self.t0
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for round in 0..<10 {
                for _ in 0..<2 {
                    group.addTask {
                        do {
                            _ = try await store.decide(.payment("d\(round)"), decision: .approve, principal: "alice", note: nil, at: t0)
                            return true
                        } catch { return false }
                    }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        XCTAssertEqual(outcomes.filter { $0 }.count, 10, "one of each pair counts, the other is refused")
        for round in 0..<10 {
            let payment = try await store.payment(id: "d\(round)")
            XCTAssertEqual(payment?.status, .pendingApproval)
            let decisions = try await store.approvalDecisions(paymentId: "d\(round)")
            XCTAssertEqual(decisions.map(\.principal), ["alice"])
        }
        let verification = try await store.verifyAuditTrail()
        XCTAssertTrue(verification.isIntact)
    }

    func testThePendingListPagesOldestFirst() async throws {
        for n in 1...3 { try await accept("q\(n)", minor: 100_000) }
        _ = try await store.decide(.payment("q1"), decision: .approve, principal: "alice", note: "fine", at: t0)
        let first = try await store.pendingApprovals(limit: 2, cursor: nil)
        XCTAssertEqual(first.payments.map(\.id), ["q1", "q2"])
        XCTAssertEqual(first.payments.first?.approval?.decisions.map(\.principal), ["alice"])
        let second = try await store.pendingApprovals(limit: 2, cursor: first.nextCursor)
        XCTAssertEqual(second.payments.map(\.id), ["q3"])
        XCTAssertNil(second.nextCursor)
    }

    func testANewCreditorIsOneNeverPaidToCompletion() async throws {
        let rule = ApprovalRule(name: "new", newCreditor: true, approvals: 1)
        let policy = ApprovalPolicy(rules: [rule], expireAfterMilliseconds: 3_600_000)
        func accept(_ id: String) async throws -> PaymentStatus? {
            let outcome = try await store.accept([draft(id, minor: 100, submission: "s-\(id)")], submissions: [submission("s-\(id)")],
                                                 claim: IdempotencyClaim(client: "erp", key: id, fingerprint: id),
                                                 approvals: policy, kind: .single, at: t0)
            guard case .created(let payments) = outcome else { return nil }
            return payments.first?.status
        }
        let firstStatus = try await accept("n1")
        XCTAssertEqual(firstStatus, .pendingApproval)
        _ = try await store.decide(.payment("n1"), decision: .approve, principal: "alice", note: nil, at: t0)
        let secondStatus = try await accept("n2")
        XCTAssertEqual(secondStatus, .pendingApproval, "an approved but not completed payment does not make the creditor known")
    }
}

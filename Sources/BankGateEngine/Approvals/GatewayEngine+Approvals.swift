import BankGateCore
public import BankGateStore
import Logging

extension GatewayEngine {
    public func decideApproval(_ target: ApprovalTarget, decision: ApprovalDecision, by principal: String,
                               note: String?) async throws(GatewayError) -> ApprovalOutcome {
        let outcome: ApprovalOutcome
        do {
            outcome = try await store.decide(target, decision: decision, principal: principal, note: note, at: clock.now())
        } catch let refusal as ApprovalRefusal {
            throw GatewayError(approvalRefusal: refusal, target: target)
        } catch {
            throw mapApprovalStoreError(error)
        }
        for bankId in Set(outcome.payments.filter { $0.status == .queued }.map(\.bankId)) { dispatcher.wake(bankId: bankId) }
        return outcome
    }

    public func pendingApprovals(limit: Int, cursor: String?) async throws(GatewayError) -> PaymentPage {
        do { return try await store.pendingApprovals(limit: limit, cursor: cursor) } catch { throw mapApprovalStoreError(error) }
    }

    func mapApprovalStoreError(_ error: any Error) -> GatewayError {
        let mapped = GatewayError(storeError: error)
        if mapped.code == .storeUnavailable { logger.error("store error", metadata: ["error": "\(error)"]) }
        return mapped
    }
}

extension GatewayError {
    /// A refused approval decision as the API answers it.
    init(approvalRefusal refusal: ApprovalRefusal, target: ApprovalTarget) {
        let what = if case .batch = target { "batch" } else { "payment" }
        switch refusal {
        case .notFound:
            self = GatewayError(.notFound, code: .notFound, message: "no \(what) with this id")
        case .notPendingApproval(let status):
            self = GatewayError(.conflict, code: .notPendingApproval,
                                message: "the \(what) is not pending approval (status \(status.rawValue))")
        case .ownPayment:
            self = GatewayError(.forbidden, code: .ownPayment,
                                message: "a payment is never approved or rejected by the token that submitted it")
        case .alreadyDecided:
            self = GatewayError(.conflict, code: .alreadyDecided,
                                message: "this token has already decided on this \(what); a second approval must come from another principal")
        case .decidedByBatch(let batchId):
            self = GatewayError(.conflict, code: .batchApproval,
                                message: "the payment belongs to batch \(batchId): approve or reject the batch "
                                    + "(POST /v1/payment-batches/\(batchId)/approve or /reject)")
        }
    }
}

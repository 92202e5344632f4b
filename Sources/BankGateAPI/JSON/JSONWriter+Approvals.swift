import BankGateCore
import BankGateStore

/// The API's JSON for approvals: a payment's `approval` object and a row of `GET /v1/approvals`.
extension JSONWriter {
    /// `"approval": {…}` of a payment that needed approvals: `state` (`pending`, `approved`,
    /// `rejected`, `expired`, `held`, `cancelled`), `needed`, `given`, `rules`, `submitted_by`,
    /// `expires_at` and the `decisions` (principal, decision, note, at).
    mutating func approvalField(_ record: PaymentRecord) {
        guard let approval = record.approval else { return }
        key("approval")
        beginObject()
        field("state", Self.approvalState(record, approval))
        field("needed", approval.needed)
        field("given", approval.given)
        field("rules", approval.rules)
        field("submitted_by", approval.submittedBy)
        field("expires_at", approval.expiresAt?.iso8601)
        key("decisions")
        beginArray()
        for decision in approval.decisions {
            beginObject()
            field("principal", decision.principal)
            field("decision", decision.decision.rawValue)
            field("note", decision.note)
            field("at", decision.at.iso8601)
            endObject()
        }
        endArray()
        endObject()
    }

    static func approvalState(_ record: PaymentRecord, _ approval: PaymentApproval) -> String {
        switch record.status {
        case .pendingApproval: "pending"
        case .held, .received: "held"
        case .cancelled where approval.given < approval.needed: "cancelled"
        case .rejected where record.reasonCode == "approval_expired": "expired"
        case .rejected where record.reasonCode == "approval_rejected": "rejected"
        default: "approved"
        }
    }

    /// One row of `GET /v1/approvals`.
    mutating func pendingApproval(_ record: PaymentRecord) {
        beginObject()
        field("payment_id", record.id)
        field("batch_id", record.batchId)
        field("debtor_account", record.debtorAccountId)
        field("amount", record.amount.decimalString)
        field("currency", record.amount.currency.code)
        key("creditor")
        beginObject()
        field("name", record.creditor.name)
        field("account", record.creditor.account)
        endObject()
        field("submitted_by", record.approval?.submittedBy)
        field("rules", record.approval?.rules ?? [])
        field("approvals_needed", record.approval?.needed ?? 0)
        key("approvals")
        beginArray()
        for decision in record.approval?.decisions ?? [] where decision.decision == .approve {
            beginObject()
            field("principal", decision.principal)
            field("at", decision.at.iso8601)
            field("note", decision.note)
            endObject()
        }
        endArray()
        field("expires_at", record.approval?.expiresAt?.iso8601)
        field("created_at", record.createdAt.iso8601)
        endObject()
    }
}

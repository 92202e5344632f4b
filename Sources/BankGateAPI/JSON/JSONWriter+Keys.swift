import BankGateCore
import BankGateStore

extension JSONWriter {
    /// A signing key's life-cycle record; with `history`, its audited steps.
    mutating func signingKey(_ key: SigningKeyRecord, history: [SigningKeyEvent]? = nil) {
        beginObject()
        field("id", key.id)
        field("bank", key.bankId)
        field("algorithm", key.algorithm)
        field("material", key.material)
        field("state", key.state.rawValue)
        self.key("signs")
        bool(key.state.signs)
        field("accounts", key.accounts)
        field("role", key.role)
        field("replaces", key.replaces)
        field("replaced_by", key.replacedBy)
        field("reason", key.reason)
        field("issued_at", key.issuedAt.iso8601)
        field("updated_at", key.updatedAt.iso8601)
        if let history {
            self.key("history")
            beginArray()
            for event in history {
                beginObject()
                field("at", event.at.iso8601)
                field("actor", event.actor)
                field("action", event.action)
                field("details", event.details)
                endObject()
            }
            endArray()
        }
        endObject()
    }
}

public import BankGateCore

/// The life cycle of the signing keys (`signing_keys`): every step in one transaction with its
/// audit record (subject kind `key`) and its event on the feed (`key.issued`, `key.bound`,
/// `key.changed`, `key.lost`, `key.revoked`, `key.retired`).
extension PaymentStore {
    /// Records the configured keys not seen before as `issued`. Returns the ids recorded now.
    public func registerSigningKeys(_ keys: [ConfiguredSigningKey], at: Timestamp) async throws -> [String] {
        try await database.write { db in
            var issued: [String] = []
            for key in keys {
                guard try Self.loadSigningKey(db, id: key.id) == nil else { continue }
                try db.run("""
                    INSERT INTO signing_keys (id, bank_id, algorithm, material, state, issued_at, updated_at)
                    VALUES (?, ?, ?, ?, 'issued', ?, ?)
                    """, [.text(key.id), .text(key.bankId), .text(key.algorithm), .text(key.material),
                          .integer(at.milliseconds), .integer(at.milliseconds)])
                guard let record = try Self.loadSigningKey(db, id: key.id) else { throw StoreError.database("signing key not recorded") }
                try Self.journal(db, record, action: SigningKeyState.issued.action, actor: "system",
                                 details: "configured key first seen (\(key.material), \(key.algorithm))", at: at)
                if let binding = key.binding {
                    // Bound by the configuration: the same step as `keys bind`, in the same transaction.
                    try db.run("UPDATE signing_keys SET state = 'bound', accounts = ?, role = ?, updated_at = ? WHERE id = ?",
                               [.text(binding.accounts.joined(separator: "\n")), .text(binding.role), .integer(at.milliseconds),
                                .text(key.id)])
                    guard let bound = try Self.loadSigningKey(db, id: key.id) else { throw StoreError.database("signing key vanished") }
                    try Self.journal(db, bound, action: SigningKeyState.bound.action, actor: "configuration",
                                     details: "accounts \(binding.accounts.joined(separator: ", ")); role \(binding.role)", at: at)
                    try db.run("UPDATE submissions SET next_attempt_at = ? WHERE bank_id = ? AND state = 'queued' AND held_reason IS NOT NULL",
                               [.integer(at.milliseconds), .text(key.bankId)])
                }
                issued.append(key.id)
            }
            return issued
        }
    }

    /// Every recorded key, by id; only `bankId`'s when given.
    public func signingKeys(bankId: String? = nil) async throws -> [SigningKeyRecord] {
        try await database.read { db in
            if let bankId {
                return try db.query("SELECT * FROM signing_keys WHERE bank_id = ? ORDER BY id", [.text(bankId)], Self.signingKey)
            }
            return try db.query("SELECT * FROM signing_keys ORDER BY id", [], Self.signingKey)
        }
    }

    /// The key `id`, or nil.
    public func signingKey(id: String) async throws -> SigningKeyRecord? {
        try await database.read { db in try Self.loadSigningKey(db, id: id) }
    }

    /// The audited steps of key `id` and the notices about it (`key.expiring.*`), oldest first.
    public func signingKeyHistory(id: String) async throws -> [SigningKeyEvent] {
        try await database.read { db in
            try db.query("""
                SELECT at, actor, action, details FROM audit_log
                WHERE subject_kind = 'key' AND (subject_id = ? OR subject_id LIKE ? ESCAPE '\\')
                ORDER BY id
                """, [.text(id), .text(Self.likeEscaped(id) + "@%")]) { row in
                try SigningKeyEvent(at: Timestamp(milliseconds: row.int("at")), actor: row.text("actor"),
                                    action: row.text("action"), details: row.optionalText("details"))
            }
        }
    }

    /// Binds key `id` (issued or bound) to `binding`'s accounts and role. With `binding.replaces`
    /// (a key change) the old key of the same bank is marked replaced, and retires in the same
    /// transaction when `takesOverNow` (else when the new key takes over, see
    /// ``completeKeyChange(replaced:by:at:)``). Held submissions of the bank are made due at once.
    /// Throws `notFound`, or `invalidState` for a key that cannot be bound.
    public func bindSigningKey(id: String, binding: SigningKeyBinding, takesOverNow: Bool, actor: String, reason: String?,
                               at: Timestamp) async throws -> SigningKeyRecord {
        try await database.write { db in
            guard let key = try Self.loadSigningKey(db, id: id) else { throw StoreError.notFound("signing key \(id)") }
            guard key.state.successors.contains(.bound) else {
                throw StoreError.invalidState("key \(id) is \(key.state.rawValue): it cannot be bound")
            }
            var old: SigningKeyRecord?
            if let replaced = binding.replaces {
                guard replaced != id, let found = try Self.loadSigningKey(db, id: replaced), found.bankId == key.bankId else {
                    throw StoreError.invalidState("key \(id) can only replace another key of bank \(key.bankId); \(replaced) is not one")
                }
                guard found.state != .retired, found.replacedBy == nil || found.replacedBy == id else {
                    throw StoreError.invalidState("key \(replaced) is \(found.state.rawValue)\(found.replacedBy.map { ", replaced by \($0)" } ?? ""): it cannot be replaced")
                }
                old = found
            }
            try db.run("""
                UPDATE signing_keys SET state = 'bound', accounts = ?, role = ?, replaces = COALESCE(?, replaces), reason = ?,
                updated_at = ? WHERE id = ?
                """, [.text(binding.accounts.joined(separator: "\n")), .text(binding.role), binding.replaces.sqlValue,
                      reason.sqlValue, .integer(at.milliseconds), .text(id)])
            guard let bound = try Self.loadSigningKey(db, id: id) else { throw StoreError.database("signing key vanished") }
            try Self.journal(db, bound, action: SigningKeyState.bound.action, actor: actor,
                             details: "accounts \(binding.accounts.joined(separator: ", ")); role \(binding.role)"
                                 + (reason.map { "; \($0)" } ?? ""), at: at)
            if let old {
                try db.run("UPDATE signing_keys SET replaced_by = ?, updated_at = ? WHERE id = ?",
                           [.text(id), .integer(at.milliseconds), .text(old.id)])
                if let changed = try Self.loadSigningKey(db, id: old.id) {
                    try Self.journal(db, changed, action: "key.changed", actor: actor, details: "replaced by \(id)" + (reason.map { "; \($0)" } ?? ""), at: at)
                }
                if takesOverNow {
                    try Self.retire(db, id: old.id, actor: actor, reason: "replaced by \(id), which took over", at: at)
                }
            }
            try db.run("UPDATE submissions SET next_attempt_at = ? WHERE bank_id = ? AND state = 'queued' AND held_reason IS NOT NULL",
                       [.integer(at.milliseconds), .text(key.bankId)])
            return try Self.loadSigningKey(db, id: id) ?? bound
        }
    }

    /// Moves key `id` to `state` (`lost`, `revoked` or `retired`): it signs nothing from the
    /// commit on. Throws `notFound`, or `invalidState` when its current state does not allow it.
    public func changeSigningKeyState(id: String, to state: SigningKeyState, actor: String, reason: String?,
                                      at: Timestamp) async throws -> SigningKeyRecord {
        guard state == .lost || state == .revoked || state == .retired else {
            throw StoreError.invalidState("a key is moved to \(state.rawValue) by another step")
        }
        return try await database.write { db in
            guard let key = try Self.loadSigningKey(db, id: id) else { throw StoreError.notFound("signing key \(id)") }
            guard key.state.successors.contains(state) else {
                throw StoreError.invalidState("key \(id) is \(key.state.rawValue): it cannot become \(state.rawValue)")
            }
            try db.run("UPDATE signing_keys SET state = ?, reason = ?, updated_at = ? WHERE id = ?",
                       [.text(state.rawValue), reason.sqlValue, .integer(at.milliseconds), .text(id)])
            guard let changed = try Self.loadSigningKey(db, id: id) else { throw StoreError.database("signing key vanished") }
            try Self.journal(db, changed, action: state.action, actor: actor,
                             details: "\(key.state.rawValue) -> \(state.rawValue)" + (reason.map { ": \($0)" } ?? ""), at: at)
            return changed
        }
    }

    /// Retires `replaced` once `newKey`, which replaces it, has taken over (its `valid_from` came);
    /// returns whether it was retired now. Nothing happens for a key already retired, lost or revoked.
    public func completeKeyChange(replaced: String, by newKey: String, at: Timestamp) async throws -> Bool {
        try await database.write { db in
            guard let old = try Self.loadSigningKey(db, id: replaced), old.replacedBy == newKey,
                  old.state == .bound || old.state == .issued else { return false }
            try Self.retire(db, id: replaced, actor: "system", reason: "replaced by \(newKey), which took over", at: at)
            return true
        }
    }

    // MARK: - Rows and journal

    static func retire(_ db: StoreConnection, id: String, actor: String, reason: String, at: Timestamp) throws {
        guard let key = try loadSigningKey(db, id: id), key.state != .retired else { return }
        try db.run("UPDATE signing_keys SET state = 'retired', reason = ?, updated_at = ? WHERE id = ?",
                   [.text(reason), .integer(at.milliseconds), .text(id)])
        if let retired = try loadSigningKey(db, id: id) {
            try journal(db, retired, action: SigningKeyState.retired.action, actor: actor,
                        details: "\(key.state.rawValue) -> retired: \(reason)", at: at)
        }
    }

    /// The audit record and the event of one step of `key`'s life.
    static func journal(_ db: StoreConnection, _ key: SigningKeyRecord, action: String, actor: String, details: String,
                        at: Timestamp) throws {
        try StoreJournal.audit(db, at: at, actor: actor, action: action, subject: (kind: "key", id: key.id), details: details)
        var json = JSONWriter(capacity: 384)
        json.beginObject()
        json.field("key", key.id)
        json.field("bank", key.bankId)
        json.field("state", key.state.rawValue)
        json.field("accounts", key.accounts)
        json.field("role", key.role)
        json.field("replaces", key.replaces)
        json.field("replaced_by", key.replacedBy)
        json.field("actor", actor)
        json.field("reason", key.reason)
        json.endObject()
        try StoreJournal.appendEvent(db, type: action, at: at, payload: json.text)
    }

    static func loadSigningKey(_ db: StoreConnection, id: String) throws -> SigningKeyRecord? {
        try db.queryFirst("SELECT * FROM signing_keys WHERE id = ?", [.text(id)], signingKey)
    }

    static func signingKey(_ row: StoreRow) throws -> SigningKeyRecord {
        guard let state = try SigningKeyState(rawValue: row.text("state")) else { throw StoreError.database("corrupt signing key row") }
        let accounts = try row.text("accounts")
        return try SigningKeyRecord(
            id: row.text("id"), bankId: row.text("bank_id"), algorithm: row.text("algorithm"), material: row.text("material"),
            state: state, accounts: accounts.isEmpty ? [] : accounts.split(separator: "\n").map(String.init),
            role: row.optionalText("role"), replaces: row.optionalText("replaces"), replacedBy: row.optionalText("replaced_by"),
            reason: row.optionalText("reason"), issuedAt: Timestamp(milliseconds: row.int("issued_at")),
            updatedAt: Timestamp(milliseconds: row.int("updated_at")))
    }

    /// `text` with LIKE's wildcards escaped by a backslash.
    static func likeEscaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "\\" || character == "%" || character == "_" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}

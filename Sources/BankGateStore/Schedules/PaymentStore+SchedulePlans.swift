public import BankGateCore

/// A plan made through the API (`POST /v1/schedules`, migration 022): its definition as the TOML
/// lines of a `[[schedules]]` entry, who made it and when. Plans of the configuration file are not
/// kept here.
public struct StoredSchedulePlan: Sendable, Hashable {
    public var name: String
    public var definition: String
    public var createdBy: String
    public var createdAt: Timestamp

    public init(name: String, definition: String, createdBy: String, createdAt: Timestamp) {
        self.name = name
        self.definition = definition
        self.createdBy = createdBy
        self.createdAt = createdAt
    }
}

extension PaymentStore {
    /// Keeps a plan made through the API, audited (`schedule.created`); `false` when a plan of
    /// that name is kept already.
    public func addSchedulePlan(_ plan: StoredSchedulePlan) async throws -> Bool {
        try await database.write { db -> Bool in
            let inserted = try db.run("""
                INSERT INTO schedule_plans (name, definition, created_by, created_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (name) DO NOTHING
                """, [.text(plan.name), .text(plan.definition), .text(plan.createdBy), .integer(plan.createdAt.milliseconds)])
            guard inserted == 1 else { return false }
            try StoredSchedulePlan.audit(db, plan.name, action: "schedule.created", actor: plan.createdBy, at: plan.createdAt,
                                         definition: plan.definition)
            return true
        }
    }

    /// Removes a plan made through the API, audited (`schedule.deleted`); its jobs stay. `false`
    /// when no such plan is kept.
    public func removeSchedulePlan(name: String, actor: String, at: Timestamp) async throws -> Bool {
        try await database.write { db -> Bool in
            guard let definition = try db.queryFirst("SELECT definition FROM schedule_plans WHERE name = ?", [.text(name)],
                                                     { try $0.text("definition") }) else { return false }
            _ = try db.run("DELETE FROM schedule_plans WHERE name = ?", [.text(name)])
            try StoredSchedulePlan.audit(db, name, action: "schedule.deleted", actor: actor, at: at, definition: definition)
            return true
        }
    }

    /// The plans made through the API, by name.
    public func schedulePlans() async throws -> [StoredSchedulePlan] {
        try await database.read { db in
            try db.query("SELECT name, definition, created_by, created_at FROM schedule_plans ORDER BY name") {
                try StoredSchedulePlan(name: $0.text("name"), definition: $0.text("definition"), createdBy: $0.text("created_by"),
                                       createdAt: Timestamp(milliseconds: $0.int("created_at")))
            }
        }
    }
}

extension StoredSchedulePlan {
    static func audit(_ db: StoreConnection, _ name: String, action: String, actor: String, at: Timestamp, definition: String) throws {
        var json = JSONWriter(capacity: 128 + definition.utf8.count)
        json.beginObject()
        json.field("plan", name)
        json.field("definition", definition)
        json.endObject()
        try StoreJournal.audit(db, at: at, actor: actor, action: action, subject: ("schedule", name), details: json.text)
    }
}

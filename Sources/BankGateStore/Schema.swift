/// The store's schema as append-only, named migrations. Never edit a released migration: add one.
enum Schema {
    static let migrations: [Migration] = [
        Migration(name: "001_core", sql: """
            CREATE TABLE submissions (
                id TEXT PRIMARY KEY,
                bank_id TEXT NOT NULL,
                debtor_account_id TEXT NOT NULL,
                message_id TEXT NOT NULL UNIQUE,
                payment_info_id TEXT NOT NULL,
                message_kind TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                requested_execution_date TEXT NOT NULL,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                queries INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER NOT NULL,
                first_sent_at INTEGER,
                unknown_since INTEGER,
                last_error TEXT
            );
            CREATE INDEX submissions_due ON submissions (bank_id, state, next_attempt_at);
            CREATE TABLE payments (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                batch_id TEXT,
                submission_id TEXT NOT NULL REFERENCES submissions (id),
                debtor_account_id TEXT NOT NULL,
                bank_id TEXT NOT NULL,
                amount_minor INTEGER NOT NULL,
                currency TEXT NOT NULL,
                creditor_name TEXT NOT NULL,
                creditor_account TEXT NOT NULL,
                creditor_bank_code TEXT,
                remittance_info TEXT,
                end_to_end_id TEXT NOT NULL,
                instruction_id TEXT NOT NULL UNIQUE,
                requested_execution_date TEXT NOT NULL,
                status TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                last_error TEXT,
                bank_status TEXT,
                reason_code TEXT,
                reason_text TEXT,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                UNIQUE (debtor_account_id, end_to_end_id)
            );
            CREATE INDEX payments_submission ON payments (submission_id);
            CREATE INDEX payments_status ON payments (status, seq);
            CREATE INDEX payments_account ON payments (debtor_account_id, seq);
            CREATE TABLE payment_transitions (
                id INTEGER PRIMARY KEY,
                payment_id TEXT NOT NULL,
                from_status TEXT,
                to_status TEXT NOT NULL,
                at INTEGER NOT NULL,
                cause TEXT NOT NULL,
                reason TEXT,
                attempt INTEGER NOT NULL,
                bank_status TEXT,
                reason_code TEXT
            );
            CREATE INDEX payment_transitions_payment ON payment_transitions (payment_id, id);
            CREATE TABLE idempotency_keys (
                client TEXT NOT NULL,
                key TEXT NOT NULL,
                fingerprint TEXT NOT NULL,
                payment_ids TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                PRIMARY KEY (client, key)
            );
            CREATE TABLE bank_messages (
                id INTEGER PRIMARY KEY,
                direction TEXT NOT NULL,
                bank_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                submission_id TEXT,
                attempt INTEGER,
                http_status INTEGER,
                at INTEGER NOT NULL,
                bytes BLOB NOT NULL
            );
            CREATE INDEX bank_messages_submission ON bank_messages (submission_id, id);
            CREATE TABLE outbox_events (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                type TEXT NOT NULL,
                payment_id TEXT,
                at INTEGER NOT NULL,
                payload TEXT NOT NULL
            );
            """),
    ]
}

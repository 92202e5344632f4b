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
        Migration(name: "002_statements", sql: """
            CREATE TABLE statements (
                id INTEGER PRIMARY KEY,
                account_id TEXT NOT NULL,
                format TEXT NOT NULL,
                report_kind TEXT NOT NULL,
                message_id TEXT NOT NULL,
                statement_id TEXT NOT NULL,
                electronic_seq INTEGER,
                legal_seq INTEGER,
                page INTEGER,
                bank_created_at TEXT,
                from_date TEXT,
                to_date TEXT,
                statement_date TEXT NOT NULL,
                currency TEXT NOT NULL,
                opening_balance INTEGER,
                closing_balance INTEGER,
                closing_available INTEGER,
                entries INTEGER NOT NULL DEFAULT 0,
                new_entries INTEGER NOT NULL DEFAULT 0,
                booked_credits INTEGER NOT NULL DEFAULT 0,
                booked_debits INTEGER NOT NULL DEFAULT 0,
                integrity TEXT NOT NULL DEFAULT 'pending',
                expected_closing INTEGER,
                continuity TEXT NOT NULL DEFAULT 'pending',
                state TEXT NOT NULL,
                source TEXT NOT NULL,
                source_name TEXT,
                received_at INTEGER NOT NULL,
                completed_at INTEGER,
                UNIQUE (account_id, format, message_id, statement_id)
            );
            CREATE INDEX statements_account ON statements (account_id, report_kind, statement_date, id);
            CREATE TABLE bank_transactions (
                id INTEGER PRIMARY KEY,
                account_id TEXT NOT NULL,
                identity TEXT NOT NULL,
                statement_row INTEGER NOT NULL REFERENCES statements (id),
                statement_id TEXT NOT NULL,
                sequence INTEGER NOT NULL,
                booking_date TEXT,
                value_date TEXT,
                amount_minor INTEGER NOT NULL,
                currency TEXT NOT NULL,
                status TEXT NOT NULL,
                reversal INTEGER NOT NULL DEFAULT 0,
                bank_reference TEXT,
                account_servicer_reference TEXT,
                end_to_end_id TEXT,
                instruction_id TEXT,
                message_id TEXT,
                payment_info_id TEXT,
                uetr TEXT,
                counterparty_name TEXT,
                counterparty_account TEXT,
                counterparty_bank TEXT,
                remittance_info TEXT,
                structured_reference TEXT,
                btc_domain TEXT,
                btc_family TEXT,
                btc_sub_family TEXT,
                btc_proprietary TEXT,
                balance_after INTEGER,
                additional_info TEXT,
                source_line INTEGER,
                source_path TEXT,
                match_state TEXT NOT NULL DEFAULT 'unmatched',
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                UNIQUE (account_id, identity)
            );
            CREATE INDEX bank_transactions_account ON bank_transactions (account_id, booking_date, id);
            CREATE INDEX bank_transactions_match ON bank_transactions (match_state, account_id);
            CREATE INDEX bank_transactions_e2e ON bank_transactions (end_to_end_id) WHERE end_to_end_id IS NOT NULL;
            CREATE TABLE balances (
                account_id TEXT NOT NULL,
                type TEXT NOT NULL,
                date TEXT NOT NULL,
                amount_minor INTEGER NOT NULL,
                currency TEXT NOT NULL,
                statement_row INTEGER NOT NULL,
                recorded_at INTEGER NOT NULL,
                PRIMARY KEY (account_id, type, date)
            );
            CREATE TABLE statement_gaps (
                id INTEGER PRIMARY KEY,
                account_id TEXT NOT NULL,
                report_kind TEXT NOT NULL,
                from_seq INTEGER,
                to_seq INTEGER,
                from_date TEXT NOT NULL,
                to_date TEXT NOT NULL,
                reason TEXT NOT NULL,
                state TEXT NOT NULL,
                pulls INTEGER NOT NULL DEFAULT 0,
                detected_at INTEGER NOT NULL,
                closed_at INTEGER
            );
            CREATE INDEX statement_gaps_open ON statement_gaps (state, account_id);
            CREATE TABLE expected_payments (
                id TEXT PRIMARY KEY,
                account_id TEXT NOT NULL,
                currency TEXT NOT NULL,
                amount_min INTEGER NOT NULL,
                amount_max INTEGER NOT NULL,
                counterparty_name TEXT,
                counterparty_account TEXT,
                reference TEXT,
                window_from TEXT NOT NULL,
                window_to TEXT NOT NULL,
                status TEXT NOT NULL,
                client TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            );
            CREATE INDEX expected_payments_open ON expected_payments (status, account_id);
            CREATE TABLE reconciliation_matches (
                id INTEGER PRIMARY KEY,
                transaction_id INTEGER NOT NULL REFERENCES bank_transactions (id),
                target_kind TEXT NOT NULL,
                target_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                score_permille INTEGER NOT NULL,
                reasons TEXT NOT NULL,
                state TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                decided_at INTEGER,
                decided_by TEXT
            );
            CREATE INDEX reconciliation_matches_transaction ON reconciliation_matches (transaction_id, state);
            CREATE INDEX reconciliation_matches_target ON reconciliation_matches (target_kind, target_id, state);
            CREATE INDEX reconciliation_matches_state ON reconciliation_matches (state, id);
            CREATE TABLE audit_log (
                id INTEGER PRIMARY KEY,
                at INTEGER NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                subject_kind TEXT NOT NULL,
                subject_id TEXT NOT NULL,
                details TEXT
            );
            CREATE INDEX audit_log_subject ON audit_log (subject_kind, subject_id, id);
            CREATE TABLE webhook_subscriptions (
                id TEXT PRIMARY KEY,
                url TEXT NOT NULL,
                event_types TEXT NOT NULL,
                secret TEXT NOT NULL,
                state TEXT NOT NULL,
                cursor_seq INTEGER NOT NULL,
                consecutive_failures INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER NOT NULL DEFAULT 0,
                last_error TEXT,
                last_delivered_at INTEGER,
                created_by TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            );
            CREATE INDEX outbox_events_type ON outbox_events (type, seq);
            """),
        // Transaction identity no longer depends on the format an entry came in, and tells apart
        // entries that share a reference but not their signed amount (see TransactionIdentity):
        // stored identities are derived again, and rows that turn out to be one entry stored twice
        // (an MT940 `ref:` and a camt `asr:` of the same bank reference) are merged into the
        // earliest, each merge audited. Statements remember which entries they carried, so that what
        // de-duplication kept can be checked against their balances, and an inconsistent statement
        // is quarantined: its entries stay out of matching and the balance reconciliation until an
        // operator accepts it or a consistent statement vouches for them.
        Migration(name: "003_identity_and_quarantine", sql: """
            ALTER TABLE statements ADD COLUMN warnings TEXT;
            ALTER TABLE statements ADD COLUMN review TEXT NOT NULL DEFAULT 'none';
            ALTER TABLE statements ADD COLUMN reviewed_at INTEGER;
            ALTER TABLE statements ADD COLUMN reviewed_by TEXT;
            ALTER TABLE statements ADD COLUMN review_reason TEXT;
            ALTER TABLE bank_transactions ADD COLUMN quarantined INTEGER NOT NULL DEFAULT 0;
            CREATE TABLE statement_entries (
                statement_row INTEGER NOT NULL REFERENCES statements (id),
                transaction_id INTEGER NOT NULL REFERENCES bank_transactions (id),
                booked INTEGER NOT NULL,
                PRIMARY KEY (statement_row, transaction_id)
            ) WITHOUT ROWID;
            CREATE INDEX statement_entries_transaction ON statement_entries (transaction_id);
            CREATE TABLE statement_balances (
                statement_row INTEGER NOT NULL REFERENCES statements (id),
                type TEXT NOT NULL,
                date TEXT NOT NULL,
                amount_minor INTEGER NOT NULL,
                currency TEXT NOT NULL,
                PRIMARY KEY (statement_row, type, date)
            ) WITHOUT ROWID;
            CREATE INDEX statements_review ON statements (review, account_id);

            CREATE TEMP TABLE rederived AS
                SELECT id, account_id, identity AS old_identity, new_identity,
                       MIN(id) OVER (PARTITION BY account_id, new_identity) AS keeper
                FROM (SELECT t.id, t.account_id, t.identity,
                          CASE
                              WHEN upper(trim(COALESCE(t.account_servicer_reference, ''))) NOT IN ('', 'NONREF', 'NOTPROVIDED', 'NONE')
                                  THEN 'asr:' || trim(t.account_servicer_reference) || '|' || t.amount_minor
                              WHEN s.format IN ('MT940', 'MT942')
                                   AND upper(trim(COALESCE(t.bank_reference, ''))) NOT IN ('', 'NONREF', 'NOTPROVIDED', 'NONE')
                                  THEN 'asr:' || trim(t.bank_reference) || '|' || t.amount_minor
                              ELSE t.identity
                          END AS new_identity
                      FROM bank_transactions t JOIN statements s ON s.id = t.statement_row);
            INSERT INTO audit_log (at, actor, action, subject_kind, subject_id, details)
                SELECT CAST(strftime('%s', 'now') AS INTEGER) * 1000, 'migration', 'transaction.merged', 'transaction', 'btx_' || id,
                       'the same bank entry as btx_' || keeper || ' (' || new_identity || '), stored twice under ' || old_identity
                FROM rederived WHERE id != keeper;
            UPDATE reconciliation_matches SET transaction_id = (SELECT keeper FROM rederived r WHERE r.id = reconciliation_matches.transaction_id)
                WHERE transaction_id IN (SELECT id FROM rederived WHERE id != keeper);
            UPDATE bank_transactions SET match_state = (SELECT d.match_state FROM bank_transactions d JOIN rederived r ON r.id = d.id
                                                        WHERE r.keeper = bank_transactions.id AND r.id != r.keeper
                                                          AND d.match_state != 'unmatched' LIMIT 1)
                WHERE match_state = 'unmatched' AND id IN (SELECT keeper FROM rederived WHERE id != keeper)
                  AND EXISTS (SELECT 1 FROM bank_transactions d JOIN rederived r ON r.id = d.id
                              WHERE r.keeper = bank_transactions.id AND r.id != r.keeper AND d.match_state != 'unmatched');
            INSERT INTO statement_entries (statement_row, transaction_id, booked)
                SELECT t.statement_row, COALESCE(r.keeper, t.id), t.status = 'booked'
                FROM bank_transactions t LEFT JOIN rederived r ON r.id = t.id
                WHERE true ON CONFLICT DO NOTHING;
            DELETE FROM bank_transactions WHERE id IN (SELECT id FROM rederived WHERE id != keeper);
            UPDATE bank_transactions SET identity = (SELECT new_identity FROM rederived r WHERE r.id = bank_transactions.id)
                WHERE id IN (SELECT id FROM rederived WHERE new_identity != old_identity AND id = keeper);
            DROP TABLE rederived;

            UPDATE statements SET review = 'quarantined', review_reason = 'opening balance and entries do not add up to the closing balance'
                WHERE integrity = 'inconsistent';
            UPDATE bank_transactions SET quarantined = 1
                WHERE statement_row IN (SELECT id FROM statements WHERE review = 'quarantined');
            """, postgresEdits: [
                // A PostgreSQL store starts empty: these only have to parse there.
                ("FROM bank_transactions t JOIN statements s ON s.id = t.statement_row);",
                 "FROM bank_transactions t JOIN statements s ON s.id = t.statement_row) AS retagged;"),
                ("SELECT t.statement_row, COALESCE(r.keeper, t.id), t.status = 'booked'",
                 "SELECT t.statement_row, COALESCE(r.keeper, t.id), CASE WHEN t.status = 'booked' THEN 1 ELSE 0 END"),
                ("CAST(strftime('%s', 'now') AS BIGINT) * 1000", "CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT)"),
            ]),
        // Every exchange with a bank is archived, not only payment messages: each message says which
        // exchange it belongs to (`BankExchange`), the account it concerns, its size and SHA-256 (the
        // digest of rows archived before cannot be computed in SQL; it is computed when they are
        // read), and, for an inbox file too large to hold in memory, the file it was copied to
        // (relative to the data directory; `bytes` is then empty); an answer names the archived request it
        // answers when they are not a submission's. Statements remember the archived
        // message that brought them.
        Migration(name: "004_exchange_archive", sql: """
            ALTER TABLE bank_messages ADD COLUMN exchange TEXT;
            ALTER TABLE bank_messages ADD COLUMN account_id TEXT;
            ALTER TABLE bank_messages ADD COLUMN size INTEGER;
            ALTER TABLE bank_messages ADD COLUMN sha256 TEXT;
            ALTER TABLE bank_messages ADD COLUMN stored_file TEXT;
            ALTER TABLE bank_messages ADD COLUMN request_row INTEGER REFERENCES bank_messages (id);
            UPDATE bank_messages SET size = length(bytes);
            UPDATE bank_messages SET exchange = CASE
                    WHEN direction = 'outbound' AND kind LIKE 'pacs.028%' THEN 'status_query'
                    WHEN direction = 'outbound' THEN 'payment'
                END;
            UPDATE bank_messages SET account_id = (SELECT debtor_account_id FROM submissions s WHERE s.id = bank_messages.submission_id)
                WHERE submission_id IS NOT NULL;
            CREATE INDEX bank_messages_account ON bank_messages (account_id, id);
            CREATE TABLE statement_messages (
                statement_row INTEGER NOT NULL REFERENCES statements (id),
                message_row INTEGER NOT NULL REFERENCES bank_messages (id),
                PRIMARY KEY (statement_row, message_row)
            ) WITHOUT ROWID;
            CREATE INDEX statement_messages_message ON statement_messages (message_row);
            """),
        // A statement is imported all or nothing as seen from outside. The entries it brings for the
        // first time are `staged` while it imports: no listing, matching, balance or event sees them,
        // and its `transaction.booked` events are written in the transaction that completes it, with
        // the booking of pending entries it reports booked (the booking date it reports waits in
        // `statement_entries.booking_date` until then). An import interrupted by a crash is rolled
        // back at start-up (its staged entries deleted, the statement `failed`, audited); statements
        // left `importing` before this migration keep the entries they had published. `store_probe`
        // is the one row `/readyz` writes to learn whether the store can write again after a failure.
        Migration(name: "005_staged_imports", sql: """
            ALTER TABLE bank_transactions ADD COLUMN staged INTEGER NOT NULL DEFAULT 0;
            CREATE INDEX bank_transactions_staged ON bank_transactions (account_id, id) WHERE staged = 1;
            ALTER TABLE statement_entries ADD COLUMN booking_date TEXT;
            CREATE TABLE store_probe (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                at INTEGER NOT NULL
            );
            """),
        // Running totals of the archive per bank, kept in the transaction that archives a message,
        // so `GET /v1/queue` can show what each bank's exchanges hold without scanning the archive:
        // messages, bytes held (a row's `bytes`, or a copied inbox file's size) and how many are
        // only a prefix of a refused answer (whose `size` and `sha256` are then the whole answer's).
        Migration(name: "006_archive_totals", sql: """
            CREATE TABLE bank_archive_totals (
                bank_id TEXT PRIMARY KEY,
                messages INTEGER NOT NULL,
                bytes INTEGER NOT NULL,
                prefixes INTEGER NOT NULL
            ) WITHOUT ROWID;
            INSERT INTO bank_archive_totals (bank_id, messages, bytes, prefixes)
                SELECT bank_id, COUNT(*), SUM(CASE WHEN stored_file IS NULL THEN length(bytes) ELSE COALESCE(size, 0) END), 0
                FROM bank_messages GROUP BY bank_id;
            """),
            // What Chinese and international banks need besides amount and parties: the purpose text,
        // priority, category purpose, charge bearer and same-bank flag of a payment, the creditor's
        // bank name and branch, and the creditor's postal address (its lines joined with a line feed,
        // which validated text cannot contain). Payments accepted before have them NULL; their
        // messages are sent as before (`ChrgBr` SLEV). Batches are read by their id.
        Migration(name: "007_payment_details", sql: """
            ALTER TABLE payments ADD COLUMN purpose TEXT;
            ALTER TABLE payments ADD COLUMN priority TEXT;
            ALTER TABLE payments ADD COLUMN category_purpose TEXT;
            ALTER TABLE payments ADD COLUMN charge_bearer TEXT;
            ALTER TABLE payments ADD COLUMN same_bank INTEGER;
            ALTER TABLE payments ADD COLUMN creditor_bank_name TEXT;
            ALTER TABLE payments ADD COLUMN creditor_bank_branch TEXT;
            ALTER TABLE payments ADD COLUMN creditor_street TEXT;
            ALTER TABLE payments ADD COLUMN creditor_town TEXT;
            ALTER TABLE payments ADD COLUMN creditor_postal_code TEXT;
            ALTER TABLE payments ADD COLUMN creditor_country TEXT;
            ALTER TABLE payments ADD COLUMN creditor_address_lines TEXT;
            CREATE INDEX payments_batch ON payments (batch_id, seq) WHERE batch_id IS NOT NULL;
            """),
        // The life of each signing key (the U-key, U盾): issued when a configured key is first seen,
        // bound to the accounts and the operator role it signs for, replaced by another key, reported
        // lost, revoked, retired. Each step is audited (`audit_log`, subject kind `key`) with its
        // event. `accounts` holds the bound account ids joined with a line feed. A submission the
        // signer cannot sign for a key's state is held, still queued: `held_reason` says why,
        // `held_since` since when; both are cleared when it is sent.
        Migration(name: "008_signing_keys", sql: """
            CREATE TABLE signing_keys (
                id TEXT PRIMARY KEY,
                bank_id TEXT NOT NULL,
                algorithm TEXT NOT NULL,
                material TEXT NOT NULL,
                state TEXT NOT NULL,
                accounts TEXT NOT NULL DEFAULT '',
                role TEXT,
                replaces TEXT,
                replaced_by TEXT,
                reason TEXT,
                issued_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            );
            CREATE INDEX signing_keys_bank ON signing_keys (bank_id, id);
            ALTER TABLE submissions ADD COLUMN held_reason TEXT;
            ALTER TABLE submissions ADD COLUMN held_since INTEGER;
            CREATE INDEX submissions_held ON submissions (bank_id) WHERE held_reason IS NOT NULL;
            """),
        // Electronic receipts (电子回单): one row per receipt the bank gave (its document, or its data
        // rendered by bankgate into a PDF kept under `sha256`), unique per account on the bank's
        // identity of it (`receipt_key`: its receipt number, else its serial, else the file's hash);
        // `source_message_id` is the archived answer it came from. `receipt_links` ties a receipt to
        // the payment and/or bank transaction (`bank_transactions.id`) it proves, and how it was found;
        // a link found by amount, date and counterparty among several candidates is not confirmed.
        Migration(name: "009_receipts", sql: """
            CREATE TABLE receipts (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                bank_id TEXT NOT NULL,
                account_id TEXT NOT NULL,
                receipt_key TEXT NOT NULL,
                booking_date TEXT NOT NULL,
                amount_minor INTEGER NOT NULL,
                currency TEXT NOT NULL,
                direction TEXT NOT NULL,
                counterparty_name TEXT,
                counterparty_account TEXT,
                counterparty_bank TEXT,
                receipt_number TEXT,
                bank_serial TEXT,
                client_reference TEXT,
                kind TEXT,
                purpose TEXT,
                content_type TEXT NOT NULL,
                sha256 TEXT NOT NULL,
                size INTEGER NOT NULL,
                origin TEXT NOT NULL,
                template TEXT,
                source_message_id INTEGER,
                created_at INTEGER NOT NULL,
                UNIQUE (account_id, receipt_key)
            );
            CREATE INDEX receipts_account_date ON receipts (account_id, booking_date, id);
            CREATE TABLE receipt_links (
                id INTEGER PRIMARY KEY,
                receipt_id INTEGER NOT NULL REFERENCES receipts (id),
                payment_id TEXT,
                transaction_id INTEGER,
                method TEXT NOT NULL,
                confirmed INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                UNIQUE (receipt_id, payment_id, transaction_id)
            );
            CREATE INDEX receipt_links_payment ON receipt_links (payment_id) WHERE payment_id IS NOT NULL;
            CREATE INDEX receipt_links_transaction ON receipt_links (transaction_id) WHERE transaction_id IS NOT NULL;
            """),
        // Receipt pulls: `receipt_pulls` holds one row per pull of an account's booking day (its trigger,
        // times, outcome, counts, the error's code and message, its attempt number and when the next
        // attempt is due, if any). `receipt_pulls_due` holds the pulls still to make, one per account and
        // day: after payments completed (`after_payment`, `since` the first completion, `last_completed_at`
        // the latest), or again after a failed pull (`retry`); `attempts` made so far, `next_attempt_at`
        // (NULL: not tried yet). `receipt_pull_cursor` is the last `outbox_events.seq` looked at for
        // completed payments (it starts at the events already written: older payments are not pulled for).
        Migration(name: "010_receipt_pulls", sql: """
            CREATE TABLE receipt_pulls (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                account_id TEXT NOT NULL,
                booking_date TEXT NOT NULL,
                trigger TEXT NOT NULL,
                attempt INTEGER NOT NULL,
                started_at INTEGER NOT NULL,
                finished_at INTEGER NOT NULL,
                outcome TEXT NOT NULL,
                listed INTEGER NOT NULL DEFAULT 0,
                new_receipts INTEGER NOT NULL DEFAULT 0,
                error_code TEXT,
                error_message TEXT,
                next_attempt_at INTEGER
            );
            CREATE INDEX receipt_pulls_account_date ON receipt_pulls (account_id, booking_date, id);
            CREATE INDEX receipt_pulls_trigger ON receipt_pulls (account_id, trigger, booking_date);
            CREATE TABLE receipt_pulls_due (
                account_id TEXT NOT NULL,
                booking_date TEXT NOT NULL,
                trigger TEXT NOT NULL,
                since INTEGER NOT NULL,
                last_completed_at INTEGER,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER,
                PRIMARY KEY (account_id, booking_date)
            ) WITHOUT ROWID;
            CREATE TABLE receipt_pull_cursor (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                last_seq INTEGER NOT NULL
            );
            INSERT INTO receipt_pull_cursor (id, last_seq) SELECT 1, COALESCE(MAX(seq), 0) FROM outbox_events;
            """),
        // Receipt exports for finance: the accounts (joined with a line feed) and booking dates asked
        // for, by which token; `queued`, `running`, then `ready` (the ZIP `file_name` in the exports
        // folder, its size and SHA-256) or `failed` (`error_code`, `error_message`). Every step is
        // audited (subject kind `receipt_export`); `progress_permille` is updated as it is written.
        Migration(name: "011_receipt_exports", sql: """
            CREATE TABLE receipt_exports (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                requested_by TEXT NOT NULL,
                accounts TEXT NOT NULL,
                from_date TEXT NOT NULL,
                to_date TEXT NOT NULL,
                state TEXT NOT NULL,
                receipt_count INTEGER NOT NULL,
                bytes INTEGER,
                sha256 TEXT,
                file_name TEXT,
                error_code TEXT,
                error_message TEXT,
                progress_permille INTEGER NOT NULL DEFAULT 0,
                created_at INTEGER NOT NULL,
                started_at INTEGER,
                finished_at INTEGER
            );
            CREATE INDEX receipt_exports_state ON receipt_exports (state, id);
            """),
        // The audit trail as a hash chain (AuditChain): each record holds its predecessor's hash and
        // the hash of its own canonical content; the records written before are chained here, in id
        // order. From now on records are written only through AuditChain.append — a migration must
        // not INSERT INTO audit_log in SQL (the record would be unchained, and `audit verify` says so).
        Migration(name: "012_audit_chain", sql: """
            ALTER TABLE audit_log ADD COLUMN previous_hash TEXT;
            ALTER TABLE audit_log ADD COLUMN hash TEXT;
            CREATE INDEX audit_log_at ON audit_log (at, id);
            """, then: { try AuditChain.chainExisting($0) }),
        // Suspected duplicates (DuplicateCheck): a payment held at intake names the payment it
        // resembles; the index finds the same debtor account, creditor account and amount fast.
        Migration(name: "013_duplicate_holds", sql: """
            ALTER TABLE payments ADD COLUMN suspected_duplicate_of TEXT;
            CREATE INDEX payments_resemblance ON payments (debtor_account_id, creditor_account, amount_minor, created_at);
            """),
        // Account status as operators set it (frozen, closed; no row: active), and which kind of hold
        // keeps a queued submission back (`signing`: no usable key; `account`: its account is not
        // active), so that its release is announced as what it was.
        Migration(name: "014_account_status", sql: """
            CREATE TABLE account_status (
                account_id TEXT PRIMARY KEY,
                status TEXT NOT NULL,
                reason TEXT,
                changed_by TEXT NOT NULL,
                changed_at INTEGER NOT NULL
            );
            ALTER TABLE submissions ADD COLUMN held_kind TEXT;
            UPDATE submissions SET held_kind = 'signing' WHERE held_reason IS NOT NULL AND state = 'queued';
            """),
        // Limits per API client and per account (PaymentLimit): who submitted each payment, and the
        // indexes that sum a day's payments of a client or an account in a currency.
        Migration(name: "015_payment_limits", sql: """
            ALTER TABLE payments ADD COLUMN submitted_by TEXT;
            CREATE INDEX payments_submitter_day ON payments (submitted_by, currency, created_at);
            CREATE INDEX payments_account_day ON payments (debtor_account_id, currency, created_at);
            """),
        // Maker-checker (ApprovalPolicy): what a payment needs (approvals from distinct principals,
        // the rules it matched, when it expires), each decision once per payment and principal, and
        // the index the expiry service and the pending list read.
        Migration(name: "016_approvals", sql: """
            ALTER TABLE payments ADD COLUMN approvals_needed INTEGER;
            ALTER TABLE payments ADD COLUMN approval_rules TEXT;
            ALTER TABLE payments ADD COLUMN approval_expires_at INTEGER;
            CREATE TABLE payment_approvals (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                payment_id TEXT NOT NULL REFERENCES payments (id),
                principal TEXT NOT NULL,
                decision TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
                note TEXT,
                at INTEGER NOT NULL,
                UNIQUE (payment_id, principal)
            );
            CREATE INDEX payments_approval_due ON payments (approval_expires_at) WHERE status = 'pending_approval';
            """),
        // Tenants (TenantDirectory): which tenant each account belongs to, as configured (kept by
        // PaymentStore.assignTenants; empty without [[tenants]]); the tenant of each event, taken
        // from its account when appended (NULL: about no account, or no tenants configured); the
        // tenant that created each webhook subscription (NULL: every event, as before).
        Migration(name: "017_tenants", sql: """
            CREATE TABLE account_tenants (
                account_id TEXT PRIMARY KEY,
                tenant TEXT NOT NULL
            );
            ALTER TABLE outbox_events ADD COLUMN tenant TEXT;
            ALTER TABLE webhook_subscriptions ADD COLUMN tenant TEXT;
            """),
        // Alert rules (issue 11): each firing once per rule, subject and occurrence (the unique key
        // makes a repeated evaluation after a restart a no-op), with the condition's details as
        // JSON and the payment it is about, if any. `alert_cursor` is the last `outbox_events.seq`
        // the alert service looked at (it starts at the events already written: rules do not fire
        // for the past); `alert_rejection_streaks` counts each bank's payments rejected in a row.
        // Cursor, streaks and firings move in one transaction.
        Migration(name: "018_alert_firings", sql: """
            CREATE TABLE alert_firings (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                rule TEXT NOT NULL,
                subject_kind TEXT NOT NULL,
                subject_id TEXT NOT NULL,
                occurrence TEXT NOT NULL,
                condition TEXT NOT NULL,
                payment_id TEXT,
                fired_at INTEGER NOT NULL,
                details TEXT NOT NULL,
                UNIQUE (rule, subject_kind, subject_id, occurrence)
            );
            CREATE INDEX alert_firings_rule ON alert_firings (rule, id);
            CREATE INDEX alert_firings_at ON alert_firings (fired_at, id);
            CREATE TABLE alert_cursor (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                last_seq INTEGER NOT NULL
            );
            INSERT INTO alert_cursor (id, last_seq) SELECT 1, COALESCE(MAX(seq), 0) FROM outbox_events;
            CREATE TABLE alert_rejection_streaks (
                bank_id TEXT PRIMARY KEY,
                rejections INTEGER NOT NULL
            ) WITHOUT ROWID;
            """),
        // The day's running totals of each limit holder (LimitUsage): one row read per daily limit
        // checked, instead of summing the day's payments on every intake. And the creditors an
        // account has paid, for the new-creditor rules (approvals, alerts): one index probe instead
        // of walking every earlier payment to that creditor.
        Migration(name: "019_limit_usage", sql: """
            CREATE TABLE limit_usage (
                holder TEXT NOT NULL,
                currency TEXT NOT NULL,
                day TEXT NOT NULL,
                total INTEGER NOT NULL,
                count INTEGER NOT NULL,
                PRIMARY KEY (holder, currency, day)
            ) WITHOUT ROWID;
            CREATE INDEX payments_paid_creditors ON payments (debtor_account_id, creditor_account)
                WHERE status IN ('completed', 'returned');
            """),
        // The bank exchange log (PaymentStore+Exchanges) reads the answer of a pull, a balance or a
        // receipt request by the request it names: an index on `request_row`, which only answers
        // (and the files an answer listed) carry.
        Migration(name: "020_exchange_log", sql: """
            CREATE INDEX bank_messages_request ON bank_messages (request_row) WHERE request_row IS NOT NULL;
            """),
        // Schedules and calendars: each run of a plan (`[[schedules]]`) is a job, started at most
        // once per plan and occurrence (the unique key), with the tasks it did.
        Migration(name: "021_schedule_jobs", sql: """
            CREATE TABLE schedule_jobs (
                id INTEGER PRIMARY KEY,
                plan TEXT NOT NULL,
                occurrence INTEGER NOT NULL,
                trigger TEXT NOT NULL,
                actor TEXT NOT NULL,
                started_at INTEGER NOT NULL,
                finished_at INTEGER,
                outcome TEXT NOT NULL,
                error TEXT,
                UNIQUE (plan, occurrence)
            );
            CREATE TABLE schedule_tasks (
                id INTEGER PRIMARY KEY,
                job_id INTEGER NOT NULL REFERENCES schedule_jobs (id),
                kind TEXT NOT NULL,
                account_id TEXT,
                payment_id TEXT,
                outcome TEXT NOT NULL,
                detail TEXT,
                at INTEGER NOT NULL
            );
            CREATE INDEX schedule_tasks_job ON schedule_tasks (job_id, id);
            CREATE INDEX submissions_scheduled ON submissions (state, held_kind) WHERE state = 'scheduled';
            """),
        // Issue 12, what operators see: the API request (`X-Request-Id`) that created a submission,
        // so the log lines of its bank calls name it, also after a restart.
        Migration(name: "023_request_ids", sql: """
            ALTER TABLE submissions ADD COLUMN request_id TEXT;
            """),
        // Plans made through the API (`POST /v1/schedules`): the TOML lines of a `[[schedules]]` entry,
        // checked as the file's are and put in force at once and at every start.
        Migration(name: "022_schedule_plans", sql: """
            CREATE TABLE schedule_plans (
                name TEXT PRIMARY KEY,
                definition TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            """),
        // Issue 12, intake closer to the floor: two B-tree entries fewer per accepted payment.
        // Events are read by type only for `payment.completed` (the receipt pulls' collector), so the
        // index on every event's type becomes a partial index of those alone; intake's
        // `payment.accepted` events no longer enter it. The idempotency keys are stored in their
        // primary key's B-tree (WITHOUT ROWID) instead of a row table and a separate key index.
        Migration(name: "024_intake_indexes", sql: """
            DROP INDEX outbox_events_type;
            CREATE INDEX outbox_events_completed ON outbox_events (seq) WHERE type = 'payment.completed';
            CREATE TABLE idempotency_keys_024 (
                client TEXT NOT NULL,
                key TEXT NOT NULL,
                fingerprint TEXT NOT NULL,
                payment_ids TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                PRIMARY KEY (client, key)
            ) WITHOUT ROWID;
            INSERT INTO idempotency_keys_024 (client, key, fingerprint, payment_ids, created_at)
                SELECT client, key, fingerprint, payment_ids, created_at FROM idempotency_keys;
            DROP TABLE idempotency_keys;
            ALTER TABLE idempotency_keys_024 RENAME TO idempotency_keys;
            """),
        // Issue 12, several instances on one PostgreSQL database: the instance working on a submission
        // (sending it, or asking the bank about it) and until when; another instance takes it over
        // only after that time (a holder alive renews it). Unused on SQLite, whose file one process holds.
        Migration(name: "025_work_leases", sql: """
            ALTER TABLE submissions ADD COLUMN lease_owner TEXT;
            ALTER TABLE submissions ADD COLUMN lease_expires_at INTEGER;
            """),
        // Issue 12, intake on PostgreSQL with prepared statements: the resemblance index leads with
        // the creditor account and the amount, and the duplicate check compares the debtor account
        // as an expression (DuplicateCheck), so that this index is the only one that check can use:
        // a plan made without statistics (PostgreSQL's generic plan of a young table) can no longer
        // take one of the four indexes that lead with the debtor account and read the account's
        // every payment. The new-creditor look-up (creditor and debtor account) searches it by
        // creditor account.
        Migration(name: "026_resemblance_by_creditor", sql: """
            DROP INDEX payments_resemblance;
            CREATE INDEX payments_resemblance ON payments (creditor_account, amount_minor, debtor_account_id, created_at);
            """),
    ]
}

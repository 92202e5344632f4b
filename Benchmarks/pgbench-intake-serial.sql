-- pgbench script for the PostgreSQL intake comparison, serialized as bankgate's writes are
-- (Benchmarks/run.sh, step intake-postgres): the transaction of pgbench-intake.sql (the six rows of one
-- payment) after taking one advisory lock that every transaction of the script takes (bankgate's
-- store takes one such lock in every write transaction, so that instances sharing a database write
-- one at a time), with its audit record chained to the one before it (the next id and the previous
-- record's hash read under that lock, as bankgate's audit chain does). Tables in a schema of their own.
-- usage: PGOPTIONS="-c search_path=SCHEMA" pgbench -n -f Benchmarks/pgbench-intake-serial.sql -c32 -j2 -T8 URL
\set amount random(100, 99999999)
\set now 1796000000000
BEGIN;
SELECT pg_advisory_xact_lock(7089068696032867430);
SELECT COALESCE(MAX(id), 0) + 1 AS next_id FROM audit_log \gset
INSERT INTO submissions (id, bank_id, debtor_account_id, message_id, payment_info_id, message_kind, created_at,
                         requested_execution_date, state, next_attempt_at)
    VALUES ('sub_pgs' || txid_current(), 'bench-bank', 'acme-eur', 'BGMPGS' || txid_current(), 'BGMPGS' || txid_current() || '-1',
            'pain.001.001.09', :now, '2026-12-04', 'queued', :now);
INSERT INTO payments (id, submission_id, debtor_account_id, bank_id, amount_minor, currency, creditor_name, creditor_account,
                      creditor_bank_code, remittance_info, end_to_end_id, instruction_id, requested_execution_date, status,
                      created_at, updated_at, submitted_by)
    VALUES ('pay_pgs' || txid_current(), 'sub_pgs' || txid_current(), 'acme-eur', 'bench-bank', :amount, 'EUR', 'Müller GmbH',
            'GB82WEST12345698765432', 'WESTGB2L', 'Invoice ' || :amount, 'E2EPGS' || txid_current(), 'IPGS' || txid_current(),
            '2026-12-04', 'queued', :now, :now, 'bench');
INSERT INTO payment_transitions (payment_id, from_status, to_status, at, cause, reason, attempt)
    VALUES ('pay_pgs' || txid_current(), NULL, 'received', :now, 'api', 'accepted from bench', 0);
INSERT INTO audit_log (id, at, actor, action, subject_kind, subject_id, details, previous_hash, hash)
    VALUES (:next_id, :now, 'bench', 'payment.accepted', 'payment', 'pay_pgs' || txid_current(), 'EUR ' || :amount || ' to Müller GmbH',
            COALESCE((SELECT hash FROM audit_log WHERE id = :next_id - 1), repeat('0', 64)), md5('record' || txid_current()));
INSERT INTO outbox_events (type, payment_id, at, payload)
    VALUES ('payment.accepted', 'pay_pgs' || txid_current(), :now,
            '{"id":"pay_pgs' || txid_current() || '","status":"queued","amount":"' || :amount || '","currency":"EUR"}');
INSERT INTO idempotency_keys (client, key, fingerprint, payment_ids, created_at)
    VALUES ('bench', 'pgs-' || txid_current(), md5('body' || txid_current()), 'pay_pgs' || txid_current(), :now);
COMMIT;

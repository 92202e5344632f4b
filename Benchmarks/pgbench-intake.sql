-- pgbench script for the PostgreSQL intake comparison (Benchmarks/run.sh, step intake-postgres):
-- one transaction with the six rows bankgate's intake writes for one payment, into copies of bankgate's
-- tables (CREATE TABLE … (LIKE … INCLUDING ALL): the same columns, defaults and indexes, and the
-- payment's foreign key to its submission) in a schema of their own: the submission, the payment,
-- its history row, an audit record, the outbox event and the idempotency key. Ids come from the
-- transaction id.
-- usage: PGOPTIONS="-c search_path=SCHEMA" pgbench -n -f Benchmarks/pgbench-intake.sql -c32 -j2 -T8 URL
\set amount random(100, 99999999)
\set now 1796000000000
BEGIN;
INSERT INTO submissions (id, bank_id, debtor_account_id, message_id, payment_info_id, message_kind, created_at,
                         requested_execution_date, state, next_attempt_at)
    VALUES ('sub_pgb' || txid_current(), 'bench-bank', 'acme-eur', 'BGMPGB' || txid_current(), 'BGMPGB' || txid_current() || '-1',
            'pain.001.001.09', :now, '2026-12-04', 'queued', :now);
INSERT INTO payments (id, submission_id, debtor_account_id, bank_id, amount_minor, currency, creditor_name, creditor_account,
                      creditor_bank_code, remittance_info, end_to_end_id, instruction_id, requested_execution_date, status,
                      created_at, updated_at, submitted_by)
    VALUES ('pay_pgb' || txid_current(), 'sub_pgb' || txid_current(), 'acme-eur', 'bench-bank', :amount, 'EUR', 'Müller GmbH',
            'GB82WEST12345698765432', 'WESTGB2L', 'Invoice ' || :amount, 'E2EPGB' || txid_current(), 'IPGB' || txid_current(),
            '2026-12-04', 'queued', :now, :now, 'bench');
INSERT INTO payment_transitions (payment_id, from_status, to_status, at, cause, reason, attempt)
    VALUES ('pay_pgb' || txid_current(), NULL, 'received', :now, 'api', 'accepted from bench', 0);
INSERT INTO audit_log (at, actor, action, subject_kind, subject_id, details, previous_hash, hash)
    VALUES (:now, 'bench', 'payment.accepted', 'payment', 'pay_pgb' || txid_current(), 'EUR ' || :amount || ' to Müller GmbH',
            md5('previous' || txid_current()), md5('record' || txid_current()));
INSERT INTO outbox_events (type, payment_id, at, payload)
    VALUES ('payment.accepted', 'pay_pgb' || txid_current(), :now,
            '{"id":"pay_pgb' || txid_current() || '","status":"queued","amount":"' || :amount || '","currency":"EUR"}');
INSERT INTO idempotency_keys (client, key, fingerprint, payment_ids, created_at)
    VALUES ('bench', 'pgb-' || txid_current(), md5('body' || txid_current()), 'pay_pgb' || txid_current(), :now);
COMMIT;

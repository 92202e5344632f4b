#!/usr/bin/env bash
# Runs every bankgate benchmark and its Python peer; figures go to Benchmarks/out/<stamp>/results.txt
# and are copied by hand, with this script's commands, into docs/benchmarks.md.
#
#   bash Benchmarks/run.sh            # everything (`make bench`)
#   bash Benchmarks/run.sh intake     # only some: intake, intake-floor, intake-postgres, controls, pain001, e2e, statements, reconcile, cli, json, sign
#   bash Benchmarks/run.sh sign       # the signing step is not in the default selection: name it
#
# Environment: SCRATCH (SwiftPM scratch path, default .build-static: the binaries `make release`
# builds, with the Swift runtime and Foundation linked in), INTAKE_COUNT (10000),
# CLIENTS (32), E2E_COUNT (5000), E2E_MAX_IN_FLIGHT ("8 32"), XSD_DIR (the ISO 20022 XSDs, for
# validating the generated files; skipped when absent), SKIP_BUILD=1, SKIP_PEERS=1, KEEP_DBS=1,
# CLI_RUNS (hyperfine runs per command in the cli step, 20), FLOOR_WRK (the wrk settings of the
# intake-floor step, "-t2 -c$CLIENTS -d8s"), BANKGATE (another bankgate binary to run, for a
# before/after in one run).
# Only 127.0.0.1 is used: API on 18080, bank simulator on 19101.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
SCRATCH=${SCRATCH:-$ROOT/.build-static}
# As `make release` builds them: one self-contained binary, the Swift runtime and Foundation linked
# statically (half the start-up time of a dynamically linked one, see docs/benchmarks.md section 6).
RELEASE_FLAGS=(-c release --static-swift-stdlib --scratch-path "$SCRATCH")
INTAKE_COUNT=${INTAKE_COUNT:-10000}
CLIENTS=${CLIENTS:-32}
E2E_COUNT=${E2E_COUNT:-5000}
E2E_MAX_IN_FLIGHT=${E2E_MAX_IN_FLIGHT:-"8 32"}
XSD_DIR=${XSD_DIR:-/work/shared/schemas/iso20022}
API_PORT=18080
SIM_PORT=19101
TOKEN=bench-token-0123456789abcdef
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=$ROOT/Benchmarks/out/$STAMP
VENV=$ROOT/Benchmarks/.venv
SELECTED=${*:-"intake intake-floor intake-postgres controls pain001 e2e statements reconcile json cli"}
CLI_RUNS=${CLI_RUNS:-20}
# Entries of the large statement files (about 520 MB of camt.053, 550 MB of MT940 with the generator's
# entries); BIG_PEERS=1 also runs the Python peers on them (slow: minutes, and gigabytes of memory for camt053).
BIG_CAMT_ENTRIES=${BIG_CAMT_ENTRIES:-720000}
BIG_MT940_ENTRIES=${BIG_MT940_ENTRIES:-3300000}
mkdir -p "$OUT"
RESULTS=$OUT/results.txt
PIDS=()

log() { echo "$@" | tee -a "$RESULTS"; }
run() { echo "\$ $*" | tee -a "$RESULTS"; "$@" 2>&1 | tee -a "$RESULTS"; }
stop_all() { # SIGTERM, then SIGKILL after 10 s
    for pid in "${PIDS[@]:-}"; do
        [ -n "$pid" ] || continue
        kill -TERM "$pid" 2>/dev/null || continue
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then
            echo "process $pid did not stop within 10 s of SIGTERM; killing it" | tee -a "$RESULTS"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    done
    PIDS=()
}
trap stop_all EXIT
proc_cpu() { # pid → user+system CPU time in clock ticks (1/100 s)
    awk '{print $14 + $15}' "/proc/$1/stat"
}
wait_ready() { # url
    for _ in $(seq 1 200); do
        curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
        sleep 0.05
    done
    echo "not ready: $1" >&2
    return 1
}
machine() {
    log "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    log "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GB RAM, $(uname -sr)"
    log "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
}

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    swift build "${RELEASE_FLAGS[@]}" --product bankgate
    swift build "${RELEASE_FLAGS[@]}" --product bankgate-bench
fi
BIN=$(swift build "${RELEASE_FLAGS[@]}" --show-bin-path)
BANKGATE=${BANKGATE:-$BIN/bankgate}   # BANKGATE=path runs another build (a before/after in one run)
BENCH=$BIN/bankgate-bench
if [ "${SKIP_PEERS:-0}" != 1 ] && [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q persist-queue sepaxml camt053 mt-940
fi

log "== bankgate benchmarks $STAMP, output in $OUT"
machine
log "swift: $(swift --version 2>&1 | head -1)"
log "sqlite: $(sqlite3 --version 2>/dev/null | cut -d' ' -f1-2 || echo '?')"
"$BENCH" gen --count "$INTAKE_COUNT" --out-dir "$OUT/data" >/dev/null

# A configuration with one bank at `url` and the sample debtor account.
write_config() { # file data_dir url max_in_flight extra_bank_lines
    cat >"$1" <<EOF
[server]
listen = "127.0.0.1:$API_PORT"
data_dir = "$2"

[[tokens]]
name = "bench"
token = "$TOKEN"
scopes = ["payments:write", "payments:read", "operate"]

[[banks]]
id = "bench-bank"
adapter = "iso20022"
pain001_version = "pain.001.001.09"
transport = "http"
url = "$3"
max_in_flight = $4
$5

[[accounts]]
id = "acme-eur"
bank = "bench-bank"
number = "DE75512108001245126199"
bank_code = "SOGEDEFFXXX"
name = "ACME Trading GmbH"
currency = "EUR"
EOF
}

port_free() { # port
    if ss -ltn 2>/dev/null | grep -q ":$1 "; then
        echo "port $1 is already in use: stop whatever listens there first" >&2
        exit 1
    fi
}
start_gateway() { # config
    port_free $API_PORT
    "$BANKGATE" serve --config "$1" >"$OUT/gateway-$(basename "$1" .toml).log" 2>&1 &
    PIDS+=($!)
    wait_ready "http://127.0.0.1:$API_PORT/readyz"
}

# 1. Intake: the bank URL is a closed port, the circuit opens on the first failed send and stays
#    open for an hour, so the dispatcher sends nothing while we measure (it still looks at the
#    queue when woken, a read on a reader connection).
if [[ " $SELECTED " == *" intake "* ]]; then
    log ""
    log "== 1. intake: $INTAKE_COUNT payments, $CLIENTS clients, WAL + synchronous=FULL"
    write_config "$OUT/intake.toml" "$OUT/intake-db" "http://127.0.0.1:9" 8 \
        "circuit_failure_threshold = 1
circuit_cooldown_ms = 3600000
backoff_base_ms = 3600000
backoff_max_ms = 3600000"
    start_gateway "$OUT/intake.toml"
    run "$BENCH" intake --port $API_PORT --token "$TOKEN" --clients "$CLIENTS" --count 1000 --key-prefix warmup
    cpu_before=$(proc_cpu "${PIDS[0]}")
    for round in 1 2 3; do
        log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
        run "$BENCH" intake --port $API_PORT --token "$TOKEN" --clients "$CLIENTS" --count "$INTAKE_COUNT" --key-prefix "round$round"
    done
    cpu_after=$(proc_cpu "${PIDS[0]}")
    log "gateway CPU (user+system) per request over the 3 rounds: $(( (cpu_after - cpu_before) * 10000 / (3 * INTAKE_COUNT) )) µs"
    # Supplementary: the same payments 100 to a request (POST /v1/payment-batches).
    run "$BENCH" intake --port $API_PORT --token "$TOKEN" --clients "$CLIENTS" --count 30000 --batch 100 --key-prefix batch
    if command -v wrk >/dev/null; then
        log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
        run env BENCH_TOKEN="$TOKEN" wrk -t2 -c"$CLIENTS" -d10s --latency -s Benchmarks/wrk-intake.lua \
            "http://127.0.0.1:$API_PORT/v1/payments"
    fi
    run curl -fsS -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$API_PORT/v1/queue"
    echo | tee -a "$RESULTS"
    stop_all
    if command -v sqlite3 >/dev/null; then
        run sqlite3 "$OUT/intake-db/bankgate.sqlite" \
            "SELECT count(*) AS payments, sum(status = 'queued') AS queued FROM payments; PRAGMA journal_mode;"
    fi
    # The same intake transaction without HTTP, and what one fsync costs on this disk right now.
    run "$BENCH" store --dir "$OUT/store-db" --count "$INTAKE_COUNT" --concurrency "$CLIENTS"
    run python3 Benchmarks/peers/fsync_latency.py "$OUT" 300
    if [ "${SKIP_PEERS:-0}" != 1 ]; then
        log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
        run "$VENV/bin/python" Benchmarks/peers/persistqueue_intake.py "$OUT/data/payments.jsonl" "$OUT" --threads 1
        run "$VENV/bin/python" Benchmarks/peers/persistqueue_intake.py "$OUT/data/payments.jsonl" "$OUT" --threads "$CLIENTS"
    fi
fi

# 1a. Intake against its floor (issue 12): wrk on `GET /healthz` (no authentication, no body, no store:
#     what the HTTP server alone does) and wrk on `POST /v1/payments` (Benchmarks/wrk-intake.lua, a
#     unique Idempotency-Key per request), same settings, same gateway, alternating, three rounds; the
#     bank is a closed port as in step 1. Prints both rates, the gateway's CPU per request (user +
#     system from /proc) and the ratio intake ÷ healthz. Target: ≥ 0.5.
FLOOR_WRK=${FLOOR_WRK:-"-t2 -c$CLIENTS -d8s"}
wrk_rate() { # file → requests/s as wrk printed it
    awk '/^Requests\/sec:/ {print int($2)}' "$1"
}
if [[ " $SELECTED " == *" intake-floor "* ]] && command -v wrk >/dev/null; then
    log ""
    log "== 1a. intake against the healthz floor: wrk $FLOOR_WRK, WAL + synchronous=FULL, 3 rounds"
    write_config "$OUT/floor.toml" "$OUT/floor-db" "http://127.0.0.1:9" 8 \
        "circuit_failure_threshold = 1
circuit_cooldown_ms = 3600000
backoff_base_ms = 3600000
backoff_max_ms = 3600000"
    start_gateway "$OUT/floor.toml"
    # Warm-up: both paths, so neither round pays for first use.
    env BENCH_TOKEN="$TOKEN" wrk -t2 -c"$CLIENTS" -d2s -s Benchmarks/wrk-intake.lua "http://127.0.0.1:$API_PORT/v1/payments" >/dev/null
    wrk -t2 -c"$CLIENTS" -d2s "http://127.0.0.1:$API_PORT/healthz" >/dev/null
    health_sum=0; intake_sum=0
    for round in 1 2 3; do
        log "round $round, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
        cpu0=$(proc_cpu "${PIDS[0]}")
        # shellcheck disable=SC2086
        run wrk $FLOOR_WRK "http://127.0.0.1:$API_PORT/healthz" > "$OUT/floor-healthz-$round.txt"
        cpu1=$(proc_cpu "${PIDS[0]}")
        # shellcheck disable=SC2086
        run env BENCH_TOKEN="$TOKEN" wrk $FLOOR_WRK -s Benchmarks/wrk-intake.lua \
            "http://127.0.0.1:$API_PORT/v1/payments" > "$OUT/floor-intake-$round.txt"
        cpu2=$(proc_cpu "${PIDS[0]}")
        health=$(wrk_rate "$OUT/floor-healthz-$round.txt"); intake=$(wrk_rate "$OUT/floor-intake-$round.txt")
        health_n=$(awk '/requests in/ {print $1}' "$OUT/floor-healthz-$round.txt")
        intake_n=$(awk '/requests in/ {print $1}' "$OUT/floor-intake-$round.txt")
        log "round $round: healthz $health req/s ($(( (cpu1 - cpu0) * 10000 / health_n )) µs gateway CPU per request)," \
            "intake $intake req/s ($(( (cpu2 - cpu1) * 10000 / intake_n )) µs per request)," \
            "ratio $(awk -v a="$intake" -v b="$health" 'BEGIN {printf "%.2f", a / b}')"
        health_sum=$((health_sum + health)); intake_sum=$((intake_sum + intake))
    done
    log "intake ÷ healthz over the 3 rounds: $(awk -v a="$intake_sum" -v b="$health_sum" 'BEGIN {printf "%.2f", a / b}') (target ≥ 0.50)"
    stop_all
    if command -v sqlite3 >/dev/null; then
        run sqlite3 "$OUT/floor-db/bankgate.sqlite" \
            "SELECT count(*) AS payments, sum(status = 'queued') AS queued FROM payments;"
    fi
fi

# 1c. Intake on PostgreSQL against pgbench: a throwaway PostgreSQL server (Tests/Postgres/start-postgres.sh,
#     durable defaults: fsync and synchronous_commit on), bankgate's store in one schema of it; each
#     round runs pgbench with a transaction inserting the six rows of one payment into that schema's
#     tables (Benchmarks/pgbench-intake.sql), then the same serialized as bankgate's writes are (one
#     advisory lock per transaction, audit ids chained: made from it into the output folder, a figure
#     for the analysis), then bankgate's intake, with the same client count.
if [[ " $SELECTED " == *" intake-postgres "* ]] && command -v wrk >/dev/null; then
    PGBENCH_THREADS=$(( CLIENTS < 2 ? CLIENTS : 2 ))
    log ""
    log "== 1c. intake on PostgreSQL against pgbench: $CLIENTS clients, wrk $FLOOR_WRK, pgbench -c$CLIENTS -j$PGBENCH_THREADS -T8, 3 rounds"
    PG_DIR=${TMPDIR:-/tmp}/bankgate-bench-postgres-$STAMP
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    PG_URL=$(bash Tests/Postgres/start-postgres.sh "$PG_DIR" 55434)
    trap 'stop_all; bash Tests/Postgres/start-postgres.sh --stop "$PG_DIR"' EXIT
    log "postgresql: $("$PG_BIN/postgres" --version), $PG_URL"
    write_config "$OUT/postgres.toml" "$OUT/postgres-data" "http://127.0.0.1:9" 8 \
        "circuit_failure_threshold = 1
circuit_cooldown_ms = 3600000
backoff_base_ms = 3600000
backoff_max_ms = 3600000"
    sed -i "/^data_dir = /a database = \"$PG_URL?schema=bench_intake\"" "$OUT/postgres.toml"
    start_gateway "$OUT/postgres.toml"
    # The serialized variant of pgbench's transaction, made from pgbench-intake.sql: after BEGIN one
    # advisory lock that every transaction of it takes (as the store takes one in every write
    # transaction, so that instances sharing a database write one at a time), and its audit record
    # chained to the one before it (the next id read under the lock, the previous record's hash), as
    # the store's audit chain is.
    SERIAL_SQL=$OUT/pgbench-intake-serial.sql
    sed -e 's/^BEGIN;$/BEGIN;\nSELECT pg_advisory_xact_lock(7089068696032867430);\nSELECT COALESCE(MAX(id), 0) + 1 AS next_id FROM audit_log \\gset/' \
        -e 's/^INSERT INTO audit_log (at, /INSERT INTO audit_log (id, at, /' \
        -e "s/^    VALUES (:now, 'bench', 'payment.accepted'/    VALUES (:next_id, :now, 'bench', 'payment.accepted'/" \
        -e "s/md5('previous' || txid_current())/COALESCE((SELECT hash FROM audit_log WHERE id = :next_id - 1), repeat('0', 64))/" \
        Benchmarks/pgbench-intake.sql > "$SERIAL_SQL"
    [ "$(grep -c -e pg_advisory_xact_lock -e ':next_id, :now' -e 'id = :next_id - 1' "$SERIAL_SQL")" = 3 ] \
        || { log "could not make the serialized pgbench script from Benchmarks/pgbench-intake.sql"; exit 1; }
    # pgbench's tables: copies of the store's six intake tables, in a schema of their own for each
    # script (the parallel one, and the serialized one whose audit ids are its own).
    {
        for schema in bench_pgbench bench_pgbench_serial; do
            echo "CREATE SCHEMA $schema;"
            for table in submissions payments payment_transitions audit_log outbox_events idempotency_keys; do
                echo "CREATE TABLE $schema.$table (LIKE bench_intake.$table INCLUDING ALL);"
            done
            echo "ALTER TABLE $schema.payments ADD FOREIGN KEY (submission_id) REFERENCES $schema.submissions (id);"
        done
    } | "$PG_BIN/psql" -q -v ON_ERROR_STOP=1 "$PG_URL" >/dev/null
    env BENCH_TOKEN="$TOKEN" wrk -t"$PGBENCH_THREADS" -c"$CLIENTS" -d2s -s Benchmarks/wrk-intake.lua "http://127.0.0.1:$API_PORT/v1/payments" \
        > "$OUT/postgres-intake-warm-up.txt"
    log "warm-up (2 s, the new store's first payments): bankgate intake $(wrk_rate "$OUT/postgres-intake-warm-up.txt") payments/s"
    PGOPTIONS="-c search_path=bench_pgbench" "$PG_BIN/pgbench" -n -f Benchmarks/pgbench-intake.sql -c"$CLIENTS" -j"$PGBENCH_THREADS" -T2 "$PG_URL" \
        >"$OUT/pgbench-warm-up.txt" 2>&1 || { log "pgbench failed:"; tail -5 "$OUT/pgbench-warm-up.txt" | tee -a "$RESULTS"; exit 1; }
    PGOPTIONS="-c search_path=bench_pgbench_serial" "$PG_BIN/pgbench" -n -f "$SERIAL_SQL" -c"$CLIENTS" -j"$PGBENCH_THREADS" -T2 "$PG_URL" \
        >"$OUT/pgbench-serial-warm-up.txt" 2>&1 || { log "pgbench (serialized) failed:"; tail -5 "$OUT/pgbench-serial-warm-up.txt" | tee -a "$RESULTS"; exit 1; }
    pgbench_sum=0; intake_sum=0; serial_sum=0
    for round in 1 2 3; do
        log "round $round, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
        run env PGOPTIONS="-c search_path=bench_pgbench" "$PG_BIN/pgbench" -n -f Benchmarks/pgbench-intake.sql \
            -c"$CLIENTS" -j"$PGBENCH_THREADS" -T8 "$PG_URL" > "$OUT/pgbench-$round.txt"
        run env PGOPTIONS="-c search_path=bench_pgbench_serial" "$PG_BIN/pgbench" -n -f "$SERIAL_SQL" \
            -c"$CLIENTS" -j"$PGBENCH_THREADS" -T8 "$PG_URL" > "$OUT/pgbench-serial-$round.txt"
        # shellcheck disable=SC2086
        run env BENCH_TOKEN="$TOKEN" wrk $FLOOR_WRK -s Benchmarks/wrk-intake.lua \
            "http://127.0.0.1:$API_PORT/v1/payments" > "$OUT/postgres-intake-$round.txt"
        tps=$(awk '/^tps = / {print int($3)}' "$OUT/pgbench-$round.txt"); intake=$(wrk_rate "$OUT/postgres-intake-$round.txt")
        serial=$(awk '/^tps = / {print int($3)}' "$OUT/pgbench-serial-$round.txt")
        log "round $round: pgbench $tps transactions/s (serialized: $serial), bankgate intake $intake payments/s," \
            "ratio $(awk -v a="$intake" -v b="$tps" 'BEGIN {printf "%.2f", a / b}')" \
            "(to the serialized pgbench: $(awk -v a="$intake" -v b="$serial" 'BEGIN {printf "%.2f", a / b}'))"
        pgbench_sum=$((pgbench_sum + tps)); intake_sum=$((intake_sum + intake)); serial_sum=$((serial_sum + serial))
    done
    log "intake ÷ pgbench over the 3 rounds: $(awk -v a="$intake_sum" -v b="$pgbench_sum" 'BEGIN {printf "%.2f", a / b}') (target ≥ 0.50)"
    log "intake ÷ pgbench serialized as the store's writes are (one lock, chained audit ids): $(awk -v a="$intake_sum" -v b="$serial_sum" 'BEGIN {printf "%.2f", a / b}') (for the analysis, no target)"
    stop_all
    run "$PG_BIN/psql" "$PG_URL" -tAc "SELECT (SELECT count(*) FROM bench_intake.payments) AS by_bankgate, (SELECT count(*) FROM bench_pgbench.payments) AS by_pgbench, (SELECT count(*) FROM bench_pgbench_serial.payments) AS by_pgbench_serialized"
    bash Tests/Postgres/start-postgres.sh --stop "$PG_DIR"
    trap stop_all EXIT
    [ "${KEEP_DBS:-0}" = 1 ] || rm -rf "$PG_DIR"
fi

# 1b. Intake with the payment controls on, next to the same intake with them off, in one run:
#     duplicate detection (default window) against none, [[limits]] per account and per token (high
#     enough never to refuse) and two approval rules (amount, new creditor: with the bank closed no
#     creditor is ever paid, so every payment is evaluated to the end and waits for approval). Each
#     round on a fresh database, off and on alternating, so drift on a shared machine hits both.
if [[ " $SELECTED " == *" controls "* ]]; then
    log ""
    log "== 1b. intake with payment controls off / on, $INTAKE_COUNT payments, $CLIENTS clients, fresh database each round"
    closed_bank="circuit_failure_threshold = 1
circuit_cooldown_ms = 3600000
backoff_base_ms = 3600000
backoff_max_ms = 3600000"
    write_config "$OUT/controls-off.toml" "$OUT/controls-off-db" "http://127.0.0.1:9" 8 "$closed_bank"
    printf '\n[payment_controls]\nduplicate_window_minutes = 0\n' >>"$OUT/controls-off.toml"
    write_config "$OUT/controls-on.toml" "$OUT/controls-on-db" "http://127.0.0.1:9" 8 "$closed_bank"
    cat >>"$OUT/controls-on.toml" <<CONTROLS

[payment_controls]
duplicate_window_minutes = 1440

[[limits]]
account = "acme-eur"
currency = "EUR"
single = "1000000.00"
daily_total = "100000000000.00"
daily_count = 10000000

[[limits]]
token = "bench"
currency = "EUR"
single = "1000000.00"
daily_count = 10000000

[[approval_rules]]
name = "large"
currencies = ["EUR"]
amount_at_least = "90000.00"
approvals = 2

[[approval_rules]]
name = "new-creditor"
accounts = ["acme-eur"]
new_creditor = true
approvals = 1
CONTROLS
    for round in 1 2 3; do
        for mode in off on; do
            rm -rf "$OUT/controls-$mode-db"
            start_gateway "$OUT/controls-$mode.toml"
            "$BENCH" intake --port $API_PORT --token "$TOKEN" --clients "$CLIENTS" --count 1000 --key-prefix warmup >/dev/null
            log "round $round, controls $mode, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
            run "$BENCH" intake --port $API_PORT --token "$TOKEN" --clients "$CLIENTS" --count "$INTAKE_COUNT" --key-prefix "round$round"
            stop_all
            if command -v sqlite3 >/dev/null; then
                run sqlite3 "$OUT/controls-$mode-db/bankgate.sqlite" \
                    "SELECT status, count(*) FROM payments GROUP BY status ORDER BY status;"
            fi
        done
    done
fi

# 2. pain.001.001.09 generation, in-process and through the CLI.
if [[ " $SELECTED " == *" pain001 "* ]]; then
    log ""
    log "== 2. pain.001.001.09 generation, $INTAKE_COUNT transfers"
    log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    run "$BENCH" pain001 --transfers "$INTAKE_COUNT" --runs 9 --out "$OUT/pain001-bankgate.xml"
    if [ "${SKIP_PEERS:-0}" != 1 ]; then
        run "$VENV/bin/python" Benchmarks/peers/sepaxml_pain001.py "$OUT/data/payments.json" --runs 5 \
            --out "$OUT/pain001-sepaxml.xml"
    fi
    if [ -f "$XSD_DIR/pain.001.001.09.xsd" ] && command -v xmllint >/dev/null; then
        for file in "$OUT"/pain001-*.xml; do
            run xmllint --noout --huge --schema "$XSD_DIR/pain.001.001.09.xsd" "$file"
        done
    fi
    [ -f "$OUT/intake.toml" ] || write_config "$OUT/intake.toml" "$OUT/intake-db" "http://127.0.0.1:9" 8 ""
    render=("$BANKGATE" messages render --config "$OUT/intake.toml" --bank bench-bank --message pain.001.001.09
            --input "$OUT/data/payments.json" --out "$OUT/render.xml")
    log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    if command -v hyperfine >/dev/null; then
        run hyperfine --warmup 1 --runs 10 --export-json "$OUT/render.json" "${render[*]}"
    else
        run bash -c "time ${render[*]}"
    fi
fi

# 3. End to end against the simulator, once per max_in_flight.
if [[ " $SELECTED " == *" e2e "* ]]; then
    for inflight in $E2E_MAX_IN_FLIGHT; do
        log ""
        log "== 3. end to end: $E2E_COUNT payments, bank-sim on loopback, max_in_flight = $inflight"
        rm -rf "$OUT/e2e-db-$inflight" "$OUT/sim-$inflight"
        port_free $SIM_PORT
        "$BANKGATE" bank-sim --listen "127.0.0.1:$SIM_PORT" --data-dir "$OUT/sim-$inflight" >"$OUT/sim-$inflight.log" 2>&1 &
        PIDS+=($!)
        wait_ready "http://127.0.0.1:$SIM_PORT/healthz"
        write_config "$OUT/e2e-$inflight.toml" "$OUT/e2e-db-$inflight" "http://127.0.0.1:$SIM_PORT" "$inflight" ""
        start_gateway "$OUT/e2e-$inflight.toml"
        log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
        run "$BENCH" e2e --port $API_PORT --token "$TOKEN" --clients "$CLIENTS" --count "$E2E_COUNT"
        stop_all
    done
fi

# 4. Statement parsing: bankgate's streaming parsers, the Python peers and xmllint --stream (the floor of
#    what libxml2 reads), on a 10,000-entry file and on a file of more than 500 MB, camt.053 and MT940.
#    Peak memory is the whole process's (GNU time's maximum resident set size).
if [[ " $SELECTED " == *" statements "* ]]; then
    log ""
    log "== 4. statement parsing"
    mem() { /usr/bin/time -f "peak resident memory: %M KB, %e s elapsed" "$@"; }
    for spec in "camt053 10000 xml" "mt940 10000 sta" "camt053 $BIG_CAMT_ENTRIES xml" "mt940 $BIG_MT940_ENTRIES sta"; do
        set -- $spec
        file="$OUT/stmt-$1-$2.$3"
        run "$BENCH" statements-gen --format "$1" --entries "$2" --out "$file"
        log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
        runs=5; [ "$2" -gt 100000 ] && runs=1
        run mem "$BENCH" statements-parse --file "$file" --runs "$runs"
        if [ "$1" = camt053 ]; then
            for _ in 1 2 3; do run mem xmllint --stream --noout "$file"; done
        fi
        if [ "${SKIP_PEERS:-0}" != 1 ] && { [ "$2" -le 100000 ] || [ "${BIG_PEERS:-0}" = 1 ]; }; then
            peer=Benchmarks/peers/camt053_parse.py; [ "$1" = mt940 ] && peer=Benchmarks/peers/mt940_parse.py
            run "$VENV/bin/python" "$peer" "$file" --runs "$runs"
        fi
        [ "$2" -gt 100000 ] && rm -f "$file"
    done
fi

# 5. Reconciliation: 100,000 bank transactions against 100,000 payments, in-process.
if [[ " $SELECTED " == *" reconcile "* ]]; then
    log ""
    log "== 5. reconciliation"
    log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    run "$BENCH" reconcile --count 100000 --runs 5
    run "$BENCH" reconcile-store --dir "$OUT/reconcile-db" --count 100000
    rm -rf "$OUT/reconcile-db"
fi

# 5b. JSON input, in-process: the intake reader (A) against Foundation's JSONDecoder and
#     JSONSerialization (B) on one payment body ×100,000 and a batch body of 10,000 payments.
if [[ " $SELECTED " == *" json "* ]]; then
    log ""
    log "== 5b. JSON input: intake reader vs Foundation"
    log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    run "$BENCH" json --count 100000 --batch 10000 --runs 5
fi

# 5c. Signatures, in-process, one thread: RSA-2048 SHA-256 and SM2 (SM3, default user id) signatures
#     and verifications per second of a 1 KiB message, next to `openssl speed` for the same algorithms
#     on the same machine in the same minute (target: ≥ 0.8× openssl speed). Only when selected.
if [[ " $SELECTED " == *" sign "* ]]; then
    log ""
    log "== 5c. signatures: bankgate-bench sign vs openssl speed"
    log "openssl: $(openssl version)"
    log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    run openssl speed -seconds 3 rsa2048
    log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    run openssl speed -seconds 3 sm2
    log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    run "$BENCH" sign --seconds 3 --runs 3 --size 1024
    log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
fi

# 6. Whole-process commands, what users run: bankgate and its peers timed from outside by hyperfine in
#    the same run (process start-up, reading, parsing, output), and the ratios against the targets:
#    bankgate ≥ 10× as fast as the Python peers, ≥ 0.5× as fast as `xmllint --stream --noout`.
#    `bankgate --help` is the floor: starting the process and parsing a command line.
if [[ " $SELECTED " == *" cli "* ]]; then
    log ""
    log "== 6. whole-process commands, $INTAKE_COUNT entries / payments, hyperfine ($CLI_RUNS runs each, output to /dev/null)"
    if ! command -v hyperfine >/dev/null; then
        log "hyperfine is not installed (apt-get install hyperfine): step skipped"
    else
        mt940="$OUT/stmt-mt940-$INTAKE_COUNT.sta"; camt="$OUT/stmt-camt053-$INTAKE_COUNT.xml"
        [ -f "$mt940" ] || run "$BENCH" statements-gen --format mt940 --entries "$INTAKE_COUNT" --out "$mt940"
        [ -f "$camt" ] || run "$BENCH" statements-gen --format camt053 --entries "$INTAKE_COUNT" --out "$camt"
        [ -f "$OUT/intake.toml" ] || write_config "$OUT/intake.toml" "$OUT/intake-db" "http://127.0.0.1:9" 8 ""
        commands=(-n "bankgate --help" "$BANKGATE --help"
                  -n "bankgate mt940" "$BANKGATE statements parse $mt940 --json"
                  -n "bankgate camt053" "$BANKGATE statements parse $camt --json"
                  -n "xmllint --stream" "xmllint --stream --noout $camt"
                  -n "bankgate render" "$BANKGATE messages render --config $OUT/intake.toml --bank bench-bank --message pain.001.001.09 --input $OUT/data/payments.json --out $OUT/cli-render.xml")
        ratios=("bankgate camt053" "xmllint --stream" 0.5)
        if [ "${SKIP_PEERS:-0}" != 1 ]; then
            commands+=(-n "mt-940" "$VENV/bin/python Benchmarks/peers/mt940_parse.py $mt940 --runs 1"
                       -n "camt053" "$VENV/bin/python Benchmarks/peers/camt053_parse.py $camt --runs 1"
                       -n "sepaxml" "$VENV/bin/python Benchmarks/peers/sepaxml_pain001.py $OUT/data/payments.json --once --out $OUT/cli-sepaxml.xml")
            ratios=("bankgate mt940" "mt-940" 10 "bankgate camt053" "camt053" 10 "${ratios[@]}" "bankgate render" "sepaxml" 10)
        fi
        log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
        run hyperfine -N --style basic --warmup 2 --runs "$CLI_RUNS" --export-json "$OUT/cli.json" "${commands[@]}"
        log ""
        log "whole-process ratios (bankgate speed ÷ peer speed; wall: medians, CPU: user + system):"
        run python3 Benchmarks/cli_ratios.py "$OUT/cli.json" "${ratios[@]}"
    fi
fi

# The databases are large (hundreds of MB after the intake rounds); keep them with KEEP_DBS=1.
if [ "${KEEP_DBS:-0}" != 1 ]; then
    rm -rf "$OUT"/intake-db "$OUT"/store-db "$OUT"/e2e-db-* "$OUT"/sim-* "$OUT"/persistqueue-*
fi

log ""
log "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
log "results: $RESULTS"

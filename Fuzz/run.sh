#!/usr/bin/env bash
# Builds the fuzz targets with libFuzzer and AddressSanitizer and runs each for a bounded time.
#
#   bash Fuzz/run.sh                     # every target, FUZZ_SECONDS (20) each
#   FUZZ_SECONDS=300 bash Fuzz/run.sh camt mt940
#   FUZZ_INTAKE=0 bash Fuzz/run.sh       # without the payment body target (it needs BankGateEngine)
#
# Each target starts from its seeds (Fuzz/Corpus/<target>) and its regression inputs
# (Fuzz/Regressions/<target>); what it learns goes to .build-fuzz/corpus/<target>, not to the
# repository. A crash, a hang (FUZZ_TIMEOUT seconds on one input), running out of memory
# (FUZZ_RSS_MB) or a leak fails the run: the script goes on with the other targets, prints each
# reproducer's path and exits 1. Replay one with `.build-fuzz/debug/bankgate-fuzz <target> <file>`;
# keep it under Fuzz/Regressions/<target>/ once the decoder refuses it with a typed error.
set -euo pipefail
cd "$(dirname "$0")/.."

SWIFT=${SWIFT:-swift}
SECONDS_EACH=${FUZZ_SECONDS:-20}
TIMEOUT=${FUZZ_TIMEOUT:-5}
RSS_MB=${FUZZ_RSS_MB:-2048}
INTAKE=${FUZZ_INTAKE:-1}
SCRATCH=.build-fuzz
FLAGS=(-c debug --scratch-path "$SCRATCH" -j 2 -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING)

started=$(date +%s)
echo "fuzz: building (libFuzzer + AddressSanitizer, $SCRATCH)"
"$SWIFT" build "${FLAGS[@]}" --product bankgate-fuzz 2>&1 | grep -v -e 'ld.gold: warning' -e 'prohibited flag' | tail -3
programs=("$SCRATCH/debug/bankgate-fuzz")
if [ "$INTAKE" = 1 ]; then
  "$SWIFT" build "${FLAGS[@]}" --product bankgate-fuzz-intake 2>&1 | grep -v -e 'ld.gold: warning' -e 'prohibited flag' | tail -3
  programs+=("$SCRATCH/debug/bankgate-fuzz-intake")
fi
echo "fuzz: built in $(( $(date +%s) - started )) s"

# Which program has which target.
declare -A program_of=()
for program in "${programs[@]}"; do
  while IFS=$'\t' read -r name _; do program_of[$name]=$program; done < <("$program" list)
done
if [ $# -gt 0 ]; then targets=("$@"); else
  targets=()
  for program in "${programs[@]}"; do while IFS=$'\t' read -r name _; do targets+=("$name"); done < <("$program" list); done
fi

failed=()
for target in "${targets[@]}"; do
  program=${program_of[$target]:-}
  if [ -z "$program" ]; then echo "fuzz: no target $target"; failed+=("$target"); continue; fi
  corpus=$SCRATCH/corpus/$target
  artifacts=$SCRATCH/artifacts/$target
  log=$SCRATCH/logs/$target.log
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")" "Fuzz/Regressions/$target"
  rm -f "$artifacts"/*
  # The first folder receives new inputs; the committed ones are only read.
  if ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} "$program" "$target" \
       -max_total_time="$SECONDS_EACH" -timeout="$TIMEOUT" -rss_limit_mb="$RSS_MB" \
       -artifact_prefix="$artifacts/" -print_final_stats=1 \
       "$corpus" "Fuzz/Corpus/$target" "Fuzz/Regressions/$target" >"$log" 2>&1; then
    runs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    echo "fuzz: $target ok (${runs:-?} inputs in ${SECONDS_EACH} s, ${cov:-cov: ?})"
  else
    status=$?
    echo "fuzz: $target FAILED (exit $status); the end of $log:"
    tail -40 "$log"
    for reproducer in "$artifacts"/*; do
      [ -e "$reproducer" ] || continue
      echo "fuzz: reproducer $reproducer"
      # CI's folder is gone after the run: small reproducers are printed so the log keeps them.
      if [ "$(wc -c <"$reproducer")" -le 16384 ]; then echo "fuzz: reproducer (base64): $(base64 -w0 "$reproducer")"; fi
    done
    failed+=("$target")
  fi
done

echo "fuzz: ${#targets[@]} targets in $(( $(date +%s) - started )) s, ${#failed[@]} failed${failed:+: ${failed[*]}}"
[ ${#failed[@]} -eq 0 ]

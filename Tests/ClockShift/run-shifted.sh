#!/usr/bin/env bash
# Runs the already built test bundle a second time with the wall clock of the whole process, and of
# every process it starts (bank-sim, serve), moved to CLOCK_SHIFT_TO — by default a leap day a minute
# before midnight, UTC — while monotonic clocks stay real (see clockshift.c). A test that depends on
# today's date, directly or through a hard-coded date that is one day past, fails here.
#
#   bash Tests/ClockShift/run-shifted.sh             # after `swift build --build-tests`
#   CLOCK_SHIFT_TO='2031-12-31 23:59:45' bash Tests/ClockShift/run-shifted.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
SWIFT=${SWIFT:-swift}
TARGET=${CLOCK_SHIFT_TO:-2028-02-29 23:59:30}
BIN=$($SWIFT build --show-bin-path)
LIBRARY=$BIN/libclockshift.so
if [ ! -f "$LIBRARY" ] || [ Tests/ClockShift/clockshift.c -nt "$LIBRARY" ]; then
    cc -shared -fPIC -O2 -Wall -o "$LIBRARY" Tests/ClockShift/clockshift.c -ldl
fi
OFFSET=$(( $(date -u -d "$TARGET UTC" +%s) - $(date -u +%s) ))
echo "clock moved to $TARGET UTC (offset ${OFFSET}s); monotonic clocks unchanged"
CLOCKSHIFT_OFFSET_SECONDS=$OFFSET LD_PRELOAD=$LIBRARY "$BIN/bankgatePackageTests.xctest" "$@"

#!/usr/bin/env bash
# run.sh: every benchmark of vqlite, one after the other (make bench).
# Each tests/bench/bench-*.sh builds what it needs, measures vqlite against a
# peer tool in the same run, and prints times and ratios.
set -u
cd "$(dirname "$0")/../.."
export VQLITE_SO=${VQLITE_SO:-./vqlite}
status=0
for bench in tests/bench/bench-*.sh; do
  echo "=================== $(basename "$bench" .sh)"
  bash "$bench" || { echo "$(basename "$bench"): FAILED"; status=1; }
done
exit $status

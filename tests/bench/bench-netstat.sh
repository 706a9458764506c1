#!/usr/bin/env bash
# bench-netstat.sh: the netstat table against ss, with 10,000 established
# loopback TCP connections (20,000 endpoints) plus a listener held open by
# tests/bench/hold_connections.c. Whole-process times, in one hyperfine run:
#
#   SELECT * FROM netstat         (sqlite3 shell)  vs  ss -tanp
#   SELECT count(*) FROM netstat  (sqlite3 shell)  vs  ss -tan | wc -l
#   floor: the raw kernel dump alone (tests/bench/dump_floor.c: the four
#          sock_diag dumps, counted, nothing parsed)
#
# Targets: both ratios against ss at most 1.0; the count query within 2x of
# the floor. Needs root (the helper raises RLIMIT_NOFILE), hyperfine, ss,
# sqlite3 and the extension at $VQLITE_SO (default ./vqlite).
#   VQLITE_BENCH_CONNECTIONS=10000 VQLITE_BENCH_RUNS=20 tests/bench/bench-netstat.sh
set -euo pipefail

cd "$(dirname "$0")/../.."
so=${VQLITE_SO:-./vqlite}
connections=${VQLITE_BENCH_CONNECTIONS:-10000}
runs=${VQLITE_BENCH_RUNS:-20}
work=$(mktemp -d /tmp/vqlite-bench-netstat.XXXXXX)
holder=

cleanup() {
  # The helper runs in its own session: end its group (it and its child).
  if [ -n "$holder" ]; then kill -- "-$holder" 2>/dev/null || true; wait "$holder" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

for tool in hyperfine ss sqlite3 cc; do
  command -v "$tool" >/dev/null || { echo "bench-netstat: $tool is missing (tests/install-deps.sh bench)" >&2; exit 1; }
done
[ -e "$so.so" ] || [ -e "$so" ] || { echo "bench-netstat: no extension at $so (run make first)" >&2; exit 1; }

cc -O2 -o "$work/hold_connections" tests/bench/hold_connections.c
cc -O2 -o "$work/dump_floor" tests/bench/dump_floor.c

setsid "$work/hold_connections" "$connections" > "$work/ready" &
holder=$!
for _ in $(seq 1 300); do
  grep -q ready "$work/ready" 2>/dev/null && break
  kill -0 "$holder" 2>/dev/null || { echo "bench-netstat: hold_connections failed" >&2; exit 1; }
  sleep 0.1
done
grep -q ready "$work/ready" || { echo "bench-netstat: connections not up after 30 s" >&2; exit 1; }

load=".load $so"
rows=$(sqlite3 :memory: -cmd "$load" "SELECT count(*) FROM netstat")
echo "netstat bench: $connections connections held; netstat has $rows rows; ss -tan lists $(($(ss -tan | wc -l) - 1))"

hyperfine --style basic --warmup 3 --runs "$runs" --export-json "$work/times.json" \
  -n "vqlite SELECT *" "sqlite3 :memory: -cmd '$load' 'SELECT * FROM netstat' > /dev/null" \
  -n "ss -tanp" "ss -tanp > /dev/null" \
  -n "vqlite SELECT count(*)" "sqlite3 :memory: -cmd '$load' 'SELECT count(*) FROM netstat' > /dev/null" \
  -n "ss -tan | wc -l" "ss -tan | wc -l > /dev/null" \
  -n "floor (raw sock_diag dump)" "$work/dump_floor > /dev/null" > "$work/hyperfine.log"

/usr/bin/python3 - "$work/times.json" <<'EOF'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
mean = {name: r["mean"] * 1000 for name, r in results.items()}
print("%-28s %10s %10s" % ("command", "mean ms", "stddev"))
for name, r in results.items():
    print("%-28s %10.2f %10.2f" % (name, r["mean"] * 1000, r["stddev"] * 1000))
checks = [
    ("SELECT * / ss -tanp", mean["vqlite SELECT *"] / mean["ss -tanp"], 1.0),
    ("SELECT count(*) / ss -tan | wc -l", mean["vqlite SELECT count(*)"] / mean["ss -tan | wc -l"], 1.0),
    ("SELECT count(*) / floor", mean["vqlite SELECT count(*)"] / mean["floor (raw sock_diag dump)"], 2.0),
]
print()
for label, ratio, target in checks:
    print("%-36s %6.2f  (target <= %.1f: %s)" % (label, ratio, target, "met" if ratio <= target else "MISSED"))
EOF

#!/usr/bin/env bash
# bench-views.sh: Windows.Network.NetstatEnriched as built (sql/50-netstat-
# enriched.sql) against the literal translation of the seed's shape
# (tests/bench/views_peer.sql: every process read, hashed and verified, and
# one correlated scalar subquery per process column per socket).
#
# The host gets 1,000 extra processes from 20 distinct executables (copies of
# tests/bench/views_holder.c, each with different trailing bytes), holding 10
# loopback sockets each: 10,000 sockets. Whole-process times in one hyperfine
# run of the Debian sqlite3 shell with the extension at $VQLITE_SO:
#
#   built                 SELECT * FROM "Windows.Network.NetstatEnriched"
#   seed shape            views_peer.sql (SQLite gives the correlated
#                         subqueries an automatic index on `process`)
#   seed shape, no index  the same with PRAGMA automatic_index = OFF: each
#                         subquery scans `process` once per socket, as VQL
#                         evaluates { SELECT ... FROM process WHERE PsId = Pid }
#                         and as the issue describes the peer
#   floor                 netstat's own columns with the owning pid: the part
#                         of the work that any answer (the peer's too) must do
#
# Then how many files one query of each hashed (vqlite_counter('files_hashed'))
# and verified (signatures_checked). Targets: built at most 0.1x the seed
# shape evaluated as written (one subquery per process column per socket,
# the "no index" run), and at most 20 files hashed. The ratio against the
# indexed run is printed too, with the floor's: SQLite's automatic index
# turns the peer into a hash join whose cost is mostly the floor itself, so
# no view can be 10x faster than it.
#   VQLITE_BENCH_PROCESSES=1000 VQLITE_BENCH_SOCKETS_EACH=10 VQLITE_BENCH_RUNS=5
set -euo pipefail

cd "$(dirname "$0")/../.."
so=${VQLITE_SO:-./vqlite}
processes=${VQLITE_BENCH_PROCESSES:-1000}
sockets_each=${VQLITE_BENCH_SOCKETS_EACH:-10}
executables=20
runs=${VQLITE_BENCH_RUNS:-5}
work=$(mktemp -d /tmp/vqlite-bench-views.XXXXXX)
launcher=

cleanup() {
  # Every holder runs in the launcher's session and process group: end that group.
  if [ -n "$launcher" ]; then kill -- "-$launcher" 2>/dev/null || true; wait "$launcher" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

for tool in hyperfine sqlite3 cc setsid; do
  command -v "$tool" >/dev/null || { echo "bench-views: $tool is missing (tests/install-deps.sh bench)" >&2; exit 1; }
done
if [ -z "${VQLITE_SO:-}" ]; then make -s vqlite.so >/dev/null; fi
[ -e "$so.so" ] || [ -e "$so" ] || { echo "bench-views: no extension at $so (run make first)" >&2; exit 1; }

cc -O2 -o "$work/views_holder" tests/bench/views_holder.c
for i in $(seq 1 $executables); do
  cp "$work/views_holder" "$work/holder$i"
  printf 'vqlite bench executable %d\n' "$i" >> "$work/holder$i"
done

# One launcher in its own session starts every holder and waits for them.
setsid bash -c '
  for i in $(seq 1 '"$processes"'); do
    "'"$work"'/holder$(( (i - 1) % '"$executables"' + 1 ))" '"$sockets_each"' &
  done
  wait' > "$work/ready" 2>"$work/errors" &
launcher=$!
for _ in $(seq 1 600); do
  [ "$(grep -c ready "$work/ready" 2>/dev/null || true)" -ge "$processes" ] && break
  kill -0 "$launcher" 2>/dev/null || { echo "bench-views: the holders failed: $(head -3 "$work/errors")" >&2; exit 1; }
  sleep 0.1
done
[ "$(grep -c ready "$work/ready")" -ge "$processes" ] || { echo "bench-views: holders not up after 60 s" >&2; exit 1; }

load=".load $so"
sockets=$(sqlite3 :memory: -cmd "$load" "SELECT count(*) FROM netstat")
bench_sockets=$(sqlite3 :memory: -cmd "$load" \
  "SELECT count(*) FROM netstat WHERE pid IN (SELECT pid FROM processes WHERE path LIKE '$work/%')")
host_processes=$(sqlite3 :memory: -cmd "$load" "SELECT count(*) FROM processes")
echo "views bench: $processes holders from $executables executables hold $bench_sockets sockets;"
echo "             the host has $sockets sockets and $host_processes processes in all"

# The three queries as files, so that hyperfine's shell quoting stays simple.
echo 'SELECT * FROM "Windows.Network.NetstatEnriched";' > "$work/built.sql"
echo 'SELECT pid, family, type, status, local_address, local_port, remote_address, remote_port, created FROM netstat;' > "$work/floor.sql"
cp tests/bench/views_peer.sql "$work/peer.sql"
{ echo 'PRAGMA automatic_index = OFF;'; cat tests/bench/views_peer.sql; } > "$work/peer_noindex.sql"

# Rows agree, and what one query of each hashed and verified.
built_rows=$(sqlite3 :memory: -cmd "$load" -cmd ".read $work/built.sql" </dev/null | wc -l)
peer_rows=$(sqlite3 :memory: -cmd "$load" -cmd ".read $work/peer.sql" </dev/null | wc -l)
built_work=$(sqlite3 :memory: -cmd "$load" -cmd ".output /dev/null" -cmd ".read $work/built.sql" -cmd ".output stdout" \
  "SELECT vqlite_counter('files_hashed') || ' files hashed, ' || vqlite_counter('signatures_checked') || ' signatures checked'" </dev/null)
peer_work=$(sqlite3 :memory: -cmd "$load" -cmd ".output /dev/null" -cmd ".read $work/peer.sql" -cmd ".output stdout" \
  "SELECT vqlite_counter('files_hashed') || ' files hashed, ' || vqlite_counter('signatures_checked') || ' signatures checked'" </dev/null)
distinct=$(sqlite3 :memory: -cmd "$load" 'SELECT count(DISTINCT Path) FROM "Windows.Network.NetstatEnriched"')
echo "rows: built $built_rows, seed shape $peer_rows"

hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$work/times.json" \
  -n "built" "sqlite3 :memory: -cmd '$load' '.read $work/built.sql' > /dev/null" \
  -n "seed shape" "sqlite3 :memory: -cmd '$load' '.read $work/peer.sql' > /dev/null" \
  -n "seed shape, no index" "sqlite3 :memory: -cmd '$load' '.read $work/peer_noindex.sql' > /dev/null" \
  -n "floor" "sqlite3 :memory: -cmd '$load' '.read $work/floor.sql' > /dev/null" \
  > "$work/hyperfine.log" 2>&1

/usr/bin/python3 - "$work/times.json" "$built_work" "$peer_work" "$distinct" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
print("%-24s %10s %10s" % ("query", "mean ms", "stddev"))
for name, r in results.items():
    print("%-24s %10.1f %10.1f" % (name, r["mean"] * 1000, r["stddev"] * 1000))
built = results["built"]["mean"]
literal, indexed, floor = (results[n]["mean"] for n in ("seed shape, no index", "seed shape", "floor"))
print()
ratio = built / literal
print("built / seed shape as written (no index)  %6.3fx  (target <= 0.1: %s)" % (ratio, "met" if ratio <= 0.1 else "MISSED"))
print("built / seed shape, automatic index       %6.3fx  (floor / the same: %.3fx, the least any view could reach)"
      % (built / indexed, floor / indexed))
print("built / floor                             %6.3fx" % (built / floor))
hashed = int(sys.argv[2].split()[0])
print("built:      %s (%s distinct executables own a connection)" % (sys.argv[2], sys.argv[4]))
print("seed shape: %s" % sys.argv[3])
print("files hashed by built: %d  (target <= 20: %s)" % (hashed, "met" if hashed <= 20 else "MISSED"))
PY

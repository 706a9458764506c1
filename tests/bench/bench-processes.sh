#!/usr/bin/env bash
# bench-processes.sh: the `processes` table with 1,000 extra sleeping
# processes, in one run:
#
#  1. listing: `SELECT pid, ppid, name, path, cmdline, username FROM processes`
#     through Debian's sqlite3 shell against `ps -eo pid,ppid,comm,args,user`
#     (whole-process times, hyperfine means; target: at most 1.0x ps);
#  2. digests: `SELECT count(sha256) FROM processes`, the first query of a
#     connection (every distinct executable hashed) against the second (served
#     from the connection's cache), both in one process (the cache lives with
#     the connection) through Debian's python3 sqlite3 module; medians of
#     several fresh connections (target: the second at least 10x faster).
set -euo pipefail
cd "$(dirname "$0")/../.."
so=${VQLITE_SO:-./vqlite}
[ -f "$so.so" ] || make -s "SO=$so.so" "$so.so"
out=build/bench/processes
mkdir -p "$out"
runs=${BENCH_RUNS:-20}
sleepers=${BENCH_SLEEPERS:-1000}

pids=()
cleanup() {
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null
  wait 2>/dev/null || true
}
trap cleanup EXIT
for ((i = 0; i < sleepers; i++)); do
  sleep 3600 &
  pids+=($!)
done
# Wait until every sleeper has exec'd sleep (its comm says so).
for _ in $(seq 100); do
  started=$(grep -lx sleep $(printf '/proc/%s/comm ' "${pids[@]}") 2>/dev/null | wc -l)
  [ "$started" -ge "$sleepers" ] && break
  sleep 0.1
done
echo "started $started sleeping processes"

query="SELECT pid, ppid, name, path, cmdline, username FROM processes"
rows=$(sqlite3 :memory: -cmd ".load $so" "$query" | wc -l)
ps_rows=$(($(ps -eo pid,ppid,comm,args,user | wc -l) - 1))
echo "rows: vqlite $rows, ps $ps_rows"
[ "$rows" -ge "$sleepers" ] || { echo "bench-processes: vqlite listed only $rows processes" >&2; exit 1; }

hyperfine -N --style basic --warmup 3 --runs "$runs" --export-json "$out/listing.json" \
  -n vqlite "sqlite3 :memory: -cmd '.load $so' '$query'" \
  -n ps "ps -eo pid,ppid,comm,args,user" >/dev/null

/usr/bin/python3 - "$out/listing.json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
v, p = results["vqlite"]["mean"], results["ps"]["mean"]
print(f"listing  vqlite {v * 1000:8.2f} ms   ps {p * 1000:8.2f} ms   ratio {v / p:5.2f}x  (target <= 1.0x)")
PY

/usr/bin/python3 - "$so" <<'PY'
import sqlite3, statistics, sys, time
so = sys.argv[1]
firsts, seconds, thirds, counts = [], [], [], set()
for _ in range(7):
    con = sqlite3.connect(":memory:")
    con.enable_load_extension(True)
    con.load_extension(so)
    times = []
    before = con.execute("SELECT vqlite_counter('files_hashed')").fetchone()[0]
    for _ in range(3):
        start = time.perf_counter()
        counts.add(con.execute("SELECT count(sha256) FROM processes").fetchone()[0] > 0)
        times.append(time.perf_counter() - start)
        if len(times) == 1:
            hashed = con.execute("SELECT vqlite_counter('files_hashed')").fetchone()[0] - before
    con.close()
    firsts.append(times[0]), seconds.append(times[1]), thirds.append(times[2])
if counts != {True}:
    sys.exit("bench-processes: no digest was computed")
first, second, third = statistics.median(firsts), statistics.median(seconds), statistics.median(thirds)
print(f"sha256   first {first * 1000:8.2f} ms   second (cached) {second * 1000:8.2f} ms   "
      f"speed-up {first / second:5.1f}x  (target >= 10x; {hashed} files hashed by the first query)")
print(f"         third (cached, steady) {third * 1000:8.2f} ms   speed-up {first / third:5.1f}x")
PY

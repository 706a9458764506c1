#!/usr/bin/env bash
# bench-neighbors.sh: arp_cache and interface_addresses against iproute2.
#
# In a network namespace made for the run (root needed) holding 10,000
# permanent neighbour entries and 1,000 addresses (500 IPv4, 500 IPv6), each
# added with one `ip -batch`, it times whole processes, all inside the
# namespace so no wrapper is counted:
#   sqlite3 -cmd '.load vqlite' 'SELECT * FROM arp_cache'            vs  ip neigh show
#   sqlite3 -cmd '.load vqlite' 'SELECT * FROM interface_addresses'  vs  ip -o addr show
# with hyperfine -N (no shell in between; its JSON export read back for the
# means), and prints the times and the ratios (target: at most 1.0x). Two
# floors are timed beside them, so a ratio can be read against what no table
# can go below:
#   sqlite3 + .load vqlite, SELECT 1   starting the shell and loading vqlite
#   the shell alone, the same rows     Debian's sqlite3 without vqlite printing
#                                      the very rows the table gave, read back
#                                      from a plain table in a database file
# The namespace is deleted on exit, also after a failure or Ctrl-C.
#
#   tests/bench/bench-neighbors.sh          VQLITE_SO=path/to/vqlite (no .so) to pick a build
set -euo pipefail
cd "$(dirname "$0")/../.."

so=${VQLITE_SO:-./vqlite}
if [ -z "${VQLITE_SO:-}" ]; then make -s vqlite.so >/dev/null; fi
so=$(realpath -m "$so")
[ -e "$so.so" ] || [ -e "$so" ] || { echo "bench-neighbors: no extension at $so(.so)" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "bench-neighbors: needs root (it makes a network namespace)" >&2; exit 1; }
for tool in ip sqlite3 hyperfine; do
  command -v "$tool" >/dev/null || { echo "bench-neighbors: $tool is missing (tests/install-deps.sh bench)" >&2; exit 1; }
done

ns=vqbench-$$
work=$(mktemp -d)
cleanup() { ip netns del "$ns" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT INT TERM

neighbours=10000 addresses=1000
ip netns add "$ns"
in_ns() { ip netns exec "$ns" "$@"; }
# Permanent entries are exempt from the neighbour garbage collector, so
# gc_thresh3 (1024 by default, not settable outside the initial namespace)
# does not cap them.
{
  echo "link set lo up"
  echo "link add vb0 type veth peer name vb1"
  echo "link set vb0 up"
  echo "link set vb1 up"
} > "$work/links"
ip -n "$ns" -batch "$work/links"
/usr/bin/python3 - "$work" "$neighbours" "$addresses" <<'PY'
import sys
work, neighbours, addresses = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(f"{work}/neigh", "w") as out:
    for i in range(neighbours):
        out.write(f"neigh add 10.{64 + i // 65536}.{i // 256 % 256}.{i % 256} "
                  f"lladdr 02:00:00:{i >> 16 & 255:02x}:{i >> 8 & 255:02x}:{i & 255:02x} dev vb0 nud permanent\n")
with open(f"{work}/addr", "w") as out:
    for i in range(addresses // 2):
        out.write(f"addr add 172.16.{i // 250}.{i % 250 + 1}/16 dev vb0\n")
        out.write(f"addr add fd00:1::{i + 1:x}/64 dev vb0 nodad\n")
PY
start=$(date +%s%N)
ip -n "$ns" -batch "$work/neigh"
ip -n "$ns" -batch "$work/addr"
echo "setup: $neighbours neighbours and $addresses addresses added in $(( ($(date +%s%N) - start) / 1000000 )) ms"

# Sanity: both sides see the same data before anything is timed.
arp_rows=$(in_ns sqlite3 :memory: -cmd ".load $so" "SELECT count(*) FROM arp_cache WHERE state = 'Permanent' AND ip_address GLOB '10.*'")
ip_rows=$(in_ns ip neigh show nud permanent | grep -c '^10\.')
addr_rows=$(in_ns sqlite3 :memory: -cmd ".load $so" "SELECT count(*) FROM interface_addresses WHERE address IS NOT NULL")
ip_addr_rows=$(in_ns ip -o addr show | wc -l)
echo "rows: arp_cache $arp_rows vs ip neigh $ip_rows; interface_addresses $addr_rows vs ip -o addr $ip_addr_rows"
[ "$arp_rows" -eq "$neighbours" ] && [ "$ip_rows" -eq "$neighbours" ] ||
  { echo "bench-neighbors: the neighbour counts disagree" >&2; exit 1; }
[ "$addr_rows" -ge "$addresses" ] && [ "$addr_rows" -eq "$ip_addr_rows" ] ||
  { echo "bench-neighbors: the address counts disagree" >&2; exit 1; }

# The floor's rows: what each table answers now, copied into a plain table.
for table in arp_cache interface_addresses; do
  in_ns sqlite3 "$work/$table.db" -cmd ".load $so" "CREATE TABLE copy AS SELECT * FROM $table"
done

sql() { printf "sqlite3 :memory: -cmd '.load %s' '%s'" "$so" "$1"; }
copy() { printf "sqlite3 -readonly %s 'SELECT * FROM copy'" "$work/$1.db"; }
in_ns hyperfine -N --style none --warmup 5 --min-runs 40 --export-json "$work/times.json" \
  -n "arp_cache" "$(sql 'SELECT * FROM arp_cache')" \
  -n "ip neigh show" "ip neigh show" \
  -n "interface_addresses" "$(sql 'SELECT * FROM interface_addresses')" \
  -n "ip -o addr show" "ip -o addr show" \
  -n "sqlite3 + .load vqlite, SELECT 1" "$(sql 'SELECT 1')" \
  -n "the shell alone, arp_cache's rows" "$(copy arp_cache)" \
  -n "the shell alone, interface_addresses's rows" "$(copy interface_addresses)" >/dev/null

/usr/bin/python3 - "$work/times.json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
def ms(name):
    return results[name]["mean"] * 1000, results[name]["stddev"] * 1000
print(f"{'command':<40} {'mean':>10} {'stddev':>9}")
for name in results:
    mean, dev = ms(name)
    print(f"{name:<40} {mean:8.2f} ms {dev:6.2f} ms")
for ours, theirs in (("arp_cache", "ip neigh show"), ("interface_addresses", "ip -o addr show")):
    ratio = ms(ours)[0] / ms(theirs)[0]
    verdict = "meets" if ratio <= 1.0 else "MISSES"
    print(f"ratio {ours} / {theirs}: {ratio:.2f}x ({verdict} the 1.0x target)")
    alone = ms(f"the shell alone, {ours}'s rows")[0]
    print(f"  floor: sqlite3 without vqlite printing the same rows {alone:.2f} ms, "
          f"{alone / ms(theirs)[0]:.2f}x {theirs}; vqlite adds {ms(ours)[0] - alone:.2f} ms")
floor = ms("sqlite3 + .load vqlite, SELECT 1")[0]
print(f"starting sqlite3 and loading vqlite: {floor:.2f} ms per run")
PY

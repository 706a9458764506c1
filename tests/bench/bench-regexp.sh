#!/usr/bin/env bash
# bench-regexp.sh: vqlite's REGEXP over 1,000,000 rows of Windows paths and
# command lines, for three patterns, against two peers in the same run:
# SQLite's ext/misc/regexp.c (built into Debian's sqlite3 shell) and Debian's
# sqlite3-pcre (/usr/lib/sqlite3/pcre.so); and two floors: the scan alone
# (length(x) > 0) and a C loop calling PCRE2 directly. Whole-process times,
# medians of hyperfine runs; every tool must count the same rows.
set -euo pipefail
cd "$(dirname "$0")/../.."
so=${VQLITE_SO:-./vqlite}
out=build/bench/regexp
mkdir -p "$out"
runs=${BENCH_RUNS:-5}

db=$out/rows.db
if [ ! -s "$db" ]; then
  sqlite3 "$db" <<'SQL'
CREATE TABLE dirs(i INTEGER PRIMARY KEY, d TEXT);
INSERT INTO dirs(d) VALUES ('C:\Windows\System32'), ('C:\Windows\SysWOW64'),
  ('C:\Program Files\Google\Chrome\Application'), ('C:\Program Files (x86)\Microsoft\Edge\Application'),
  ('C:\Users\alice\AppData\Local\Temp'), ('C:\Program Files\Mozilla Firefox'),
  ('C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.23110.3-0'), ('C:\Windows'),
  ('C:\Users\bob\AppData\Roaming\Zoom\bin'), ('D:\Tools\Sysinternals');
CREATE TABLE exes(i INTEGER PRIMARY KEY, e TEXT);
INSERT INTO exes(e) VALUES ('svchost.exe'), ('lsass.exe'), ('chrome.exe'), ('msedge.exe'),
  ('firefox.exe'), ('explorer.exe'), ('powershell.exe'), ('cmd.exe'), ('rundll32.exe'),
  ('MsMpEng.exe'), ('conhost.exe'), ('Zoom.exe'), ('procexp64.exe'), ('wininit.exe');
CREATE TABLE args(i INTEGER PRIMARY KEY, a TEXT);
INSERT INTO args(a) VALUES ('-k netsvcs -p -s Schedule'), ('--type=renderer --field-trial-handle=1736,i,5563 --lang=en-US'),
  ('/c whoami /all'), ('-NoProfile -ExecutionPolicy Bypass -File C:\Scripts\collect.ps1'),
  (''), ('shell32.dll,Control_RunDLL'), ('--no-startup-window /prefetch:5'), ('-k LocalServiceNetworkRestricted');
CREATE TABLE t(x TEXT);
WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k < 999999)
INSERT INTO t SELECT '"' || d || '\' || e || '" ' || a || ' ' || k
FROM n, dirs, exes, args
WHERE dirs.i = 1 + (k * 7919) % 10 AND exes.i = 1 + (k * 104729) % 14 AND args.i = 1 + (k * 1299709) % 8;
DROP TABLE dirs; DROP TABLE exes; DROP TABLE args;
VACUUM;
SQL
fi

floor=$out/regexp_floor
[ "$floor" -nt tests/bench/regexp_floor.c ] ||
  gcc -O2 -o "$floor" tests/bench/regexp_floor.c -lpcre2-8 -lsqlite3

names=(literal alternation class)
patterns=('svchost' 'chrome|firefox|msedge' '\\[A-Za-z]+32\\[a-z]+\.exe')

# Queries go through files (.read) so no shell ever rewrites a backslash.
echo "SELECT count(*) FROM t WHERE length(x) > 0;" > "$out/scan.sql"
for i in 0 1 2; do
  p=${patterns[$i]}
  q=$out/${names[$i]}.sql
  printf "SELECT count(*) FROM t WHERE x REGEXP '%s';\n" "$p" > "$q"
  # Same answer from every tool, or the timing means nothing.
  printf '%s\n' "$p" > "$out/${names[$i]}.pattern"
  expect=$("$floor" "$db" "$out/${names[$i]}.pattern")
  for load in "" ".load /usr/lib/sqlite3/pcre" ".load $so"; do
    got=$(sqlite3 "$db" ${load:+"$load"} ".read $q")
    [ "$got" = "$expect" ] || { echo "bench-regexp: '$load' counted $got for $p, expected $expect" >&2; exit 1; }
  done
  hyperfine -N --style none --warmup 1 --runs "$runs" --export-json "$out/${names[$i]}.json" \
    -n scan "sqlite3 $db '.read $out/scan.sql'" \
    -n c-pcre2 "$floor $db $out/${names[$i]}.pattern" \
    -n regexp.c "sqlite3 $db '.read $q'" \
    -n sqlite3-pcre "sqlite3 $db '.load /usr/lib/sqlite3/pcre' '.read $q'" \
    -n vqlite "sqlite3 $db '.load $so' '.read $q'" >/dev/null
  echo "${names[$i]}: $p  ($expect of 1000000 rows match)"
done

/usr/bin/python3 - "$out" "${names[@]}" <<'PY'
import json, sys
out, names = sys.argv[1], sys.argv[2:]
print(f"{'pattern':<12}{'scan':>8}{'C+PCRE2':>9}{'regexp.c':>10}{'pcre.so':>9}{'vqlite':>8}"
      f"{'vs faster peer':>16}{'vs scan':>9}{'vs C':>7}")
worst = 0.0
for name in names:
    runs = {r["command"]: r["median"] for r in json.load(open(f"{out}/{name}.json"))["results"]}
    peer = min(runs["regexp.c"], runs["sqlite3-pcre"])
    ratio = runs["vqlite"] / peer
    worst = max(worst, ratio)
    print(f"{name:<12}{runs['scan']:>8.3f}{runs['c-pcre2']:>9.3f}{runs['regexp.c']:>10.3f}"
          f"{runs['sqlite3-pcre']:>9.3f}{runs['vqlite']:>8.3f}{ratio:>15.2f}x"
          f"{runs['vqlite'] / runs['scan']:>8.2f}x{runs['vqlite'] / runs['c-pcre2']:>6.2f}x")
print("seconds, medians of whole-process times; target: vqlite <= 1.00x the faster peer")
print(f"worst ratio to the faster peer: {worst:.2f}x ({'met' if worst <= 1.0 else 'NOT met'})")
PY

#!/usr/bin/env bash
# demo.sh: the main job (make demo): load vqlite into the sqlite3 shell and
# ask the live host, through Velociraptor's network artifacts as views, what
# listens where, which process owns which connection, what the neighbours and
# interfaces are.
set -euo pipefail
cd "$(dirname "$0")/.."
so=${VQLITE_SO:-./vqlite}
show() {
  echo
  echo "-- $1"
  sqlite3 -box :memory: ".load $so" "$2"
}
show "vqlite itself" "SELECT vqlite_version() AS version"
show "Windows.Network.ListeningPorts: who listens where" \
  'SELECT * FROM "Windows.Network.ListeningPorts" ORDER BY Port'
show "Windows.Network.Netstat: every socket and its process (first 25)" \
  'SELECT * FROM "Windows.Network.Netstat" ORDER BY Type, Status, "Laddr.Port" LIMIT 25'
show "Windows.Network.NetstatEnriched: established connections with path, user and hash" \
  "UPDATE artifact_params SET value = 'ESTABLISHED' WHERE name = 'Status';
   SELECT Pid, Name, Path, Username, json_extract(Hash, '\$.SHA256') AS SHA256,
          \"Laddr.IP\", \"Laddr.Port\", \"Raddr.IP\", \"Raddr.Port\"
   FROM \"Windows.Network.NetstatEnriched\" LIMIT 15"
show "Windows.Network.InterfaceAddresses" 'SELECT * FROM "Windows.Network.InterfaceAddresses"'
show "Windows.Network.ArpCache" 'SELECT * FROM "Windows.Network.ArpCache" LIMIT 25'
show "The artifacts and their parameters" \
  'SELECT name, parameters FROM vqlite_artifacts'

#!/usr/bin/env bash
# demo.sh: the main job (make demo): load vqlite into the sqlite3 shell and
# ask the live host, through Velociraptor's network artifacts as views, what
# listens where, which process owns which connection, and what the
# interfaces and neighbours are. So that a quiet machine still shows an owned
# connection, the demo first starts a small Python server on 127.0.0.1 with
# one client connected to it, and stops it at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
so=${VQLITE_SO:-./vqlite}

port_file=$(mktemp)
/usr/bin/python3 -c '
import socket, sys, time
server = socket.socket(); server.bind(("127.0.0.1", 0)); server.listen()
client = socket.create_connection(server.getsockname()); peer, _ = server.accept()
print(server.getsockname()[1], flush=True); time.sleep(120)' > "$port_file" &
server=$!
trap 'kill $server 2>/dev/null; rm -f "$port_file"' EXIT
for _ in $(seq 50); do [ -s "$port_file" ] && break; sleep 0.1; done
port=$(cat "$port_file")

show() {
  echo
  echo "-- $1"
  sqlite3 -box :memory: ".load $so" "$2"
}
show "vqlite itself" "SELECT vqlite_version() AS version"
show "The artifacts (SELECT name, description FROM vqlite_artifacts)" \
  "SELECT name, description FROM vqlite_artifacts"
show "Windows.Network.ListeningPorts: who listens where" \
  'SELECT * FROM "Windows.Network.ListeningPorts" ORDER BY Port'
show "Windows.Network.Netstat: sockets with an owning process, the demo's own first" \
  "SELECT * FROM \"Windows.Network.Netstat\" WHERE Pid IS NOT NULL
   ORDER BY \"Laddr.Port\" = $port OR \"Raddr.Port\" = $port DESC, Type, Status LIMIT 20"
show "Windows.Network.NetstatEnriched with Status = ESTABLISHED: path, user, hash, signature" \
  "UPDATE artifact_params SET value = 'ESTABLISHED' WHERE name = 'Status';
   SELECT Pid, Name, Path, Username, json_extract(Hash, '\$.SHA256') AS SHA256,
          json_extract(Authenticode, '\$.Trusted') AS Trusted,
          \"Laddr.IP\", \"Laddr.Port\", \"Raddr.IP\", \"Raddr.Port\"
   FROM \"Windows.Network.NetstatEnriched\" LIMIT 15"
show "Windows.Network.InterfaceAddresses" 'SELECT * FROM "Windows.Network.InterfaceAddresses"'
show "Windows.Network.ArpCache" 'SELECT * FROM "Windows.Network.ArpCache" LIMIT 20'
show "The parameters you can set (UPDATE artifact_params SET value = ... WHERE name = ...)" \
  "SELECT name, type, default_value, choices FROM artifact_params WHERE type <> 'hidden'"

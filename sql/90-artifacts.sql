-- 90-artifacts.sql: vqlite_artifacts, the list of the artifact views.
--
--   SELECT name, description, parameters FROM vqlite_artifacts;
--
-- One row per view: its name (as the Velociraptor artifact), what it shows,
-- its output columns, and its parameters (names in artifact_params, with
-- their current values as a JSON object; '{}' when it has none).
DROP VIEW IF EXISTS temp.vqlite_artifacts;
CREATE TEMP VIEW vqlite_artifacts AS
WITH artifact(position, name, description, columns) AS (
  VALUES
    (1, 'Windows.Network.ArpCache',
     'Address resolution cache, both static and dynamic (from ARP, NDP).',
     'AddressFamily, Store, State, InterfaceIndex, LocalAddress, HardwareAddr, RemoteAddress, InterfaceAlias, RemoteMACAddress'),
    (2, 'Windows.Network.InterfaceAddresses',
     'Network interfaces and relevant metadata.',
     'Index, MTU, Name, HardwareAddr, Flags, IP, Mask'),
    (3, 'Windows.Network.ListeningPorts',
     'Processes with listening (bound) network sockets/ports.',
     'Pid, Name, Port, Protocol, Family, Address'),
    (4, 'Windows.Network.Netstat',
     'Show information about open sockets. On windows the time when the socket was first bound is also shown.',
     'Pid, Name, Family, Type, Status, Laddr.IP, Laddr.Port, Raddr.IP, Raddr.Port, Timestamp'),
    (5, 'Windows.Network.NetstatEnriched',
     'Netstat with the owning process''s name, path, command line, hashes, user and Authenticode, and search options over all of them.',
     'Pid, Ppid, Name, Path, CommandLine, Hash, Username, Authenticode, Family, Type, Status, Laddr.IP, Laddr.Port, Raddr.IP, Raddr.Port, Timestamp'))
SELECT
  a.name,
  a.description,
  a.columns,
  (SELECT json_group_object(p.name, p.value)
   FROM (SELECT name, value FROM artifact_params WHERE artifact = a.name ORDER BY rowid) p)
    AS parameters
FROM artifact a ORDER BY a.position;

-- 30-listening-ports.sql: Windows.Network.ListeningPorts.
--
-- Processes with listening (bound) network sockets/ports: one row per TCP
-- LISTEN socket whose pid is a listed process (the seed's foreach is an inner
-- join; pslist() never lists pid 0, so sockets of pid 0 give no row).
--
--   LET process <= SELECT Name, Pid FROM pslist()
--   SELECT * FROM foreach(
--     row={ SELECT Pid AS PortPid, Laddr.Port AS Port, TypeString AS Protocol,
--                  FamilyString AS Family, Laddr.IP AS Address
--           FROM netstat() WHERE Status = 'LISTEN' },
--     query={ SELECT Pid, Name, Port, Protocol, Family, Address
--             FROM process WHERE Pid = PortPid })
--
-- The listeners are read first and only their processes are read, once.
DROP VIEW IF EXISTS temp."Windows.Network.ListeningPorts";
CREATE TEMP VIEW "Windows.Network.ListeningPorts" AS
WITH
  listener AS MATERIALIZED (
    SELECT pid AS PortPid, local_port AS Port, type AS Protocol, family AS Family,
           local_address AS Address
    FROM netstat WHERE status = 'LISTEN'),
  process AS MATERIALIZED (
    SELECT name AS Name, pid AS Pid FROM processes
    WHERE pid IN (SELECT PortPid FROM listener) AND pid <> 0)
SELECT p.Pid, p.Name, l.Port, l.Protocol, l.Family, l.Address
FROM listener l CROSS JOIN process p ON p.Pid = l.PortPid;

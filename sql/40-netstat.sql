-- 40-netstat.sql: Windows.Network.Netstat.
--
-- Show information about open sockets. On windows the time when the socket
-- was first bound is also shown. One row per socket; Name is NULL when the
-- socket's pid is not a listed process (pid 0 included: pslist() never lists
-- it).
--
--   LET processes <= SELECT Name, Pid AS ProcPid FROM pslist()
--   SELECT Pid, { SELECT Name FROM processes WHERE Pid = ProcPid } AS Name,
--          FamilyString AS Family, TypeString AS Type, Status,
--          Laddr.IP, Laddr.Port, Raddr.IP, Raddr.Port, Timestamp
--   FROM netstat()
--
-- The per-row subquery is one join; the seed's `processes` is `process` here
-- (a CTE cannot share the name of the table it reads). UDP sockets have no remote end: as in
-- Velociraptor, "Raddr.IP" is '' and "Raddr.Port" 0 (Status is '').
DROP VIEW IF EXISTS temp."Windows.Network.Netstat";
CREATE TEMP VIEW "Windows.Network.Netstat" AS
WITH
  socket AS MATERIALIZED (
    SELECT pid, family, type, status, local_address, local_port, remote_address,
           remote_port, created
    FROM netstat),
  process AS MATERIALIZED (
    SELECT name AS Name, pid AS ProcPid FROM processes
    WHERE pid IN (SELECT pid FROM socket) AND pid <> 0)
SELECT
  s.pid AS Pid,
  p.Name,
  s.family AS Family,
  s.type AS Type,
  s.status AS Status,
  s.local_address AS "Laddr.IP",
  s.local_port AS "Laddr.Port",
  coalesce(s.remote_address, '') AS "Raddr.IP",
  coalesce(s.remote_port, 0) AS "Raddr.Port",
  s.created AS Timestamp
FROM socket s LEFT JOIN process p ON p.ProcPid = s.pid;

-- 50-netstat-enriched.sql: Windows.Network.NetstatEnriched.
--
-- Netstat with the owning process's details (name, path, command line,
-- hashes, user, Authenticode) and the seed's search parameters, read from
-- artifact_params. The seed's shape:
--
--   LET VerifiedRegex <= SELECT Regex FROM parse_csv(AuthenticodeVerifiedMap)
--                        WHERE Choice = AuthenticodeVerified LIMIT 1
--   (StatusRegex, FamilyRegex, TypeRegex likewise)
--   LET process <= SELECT Pid AS PsId, Ppid, Name, CommandLine, Exe, Hash,
--                         Authenticode, Username
--                  FROM Artifact.Windows.System.Pslist()
--                  WHERE Name =~ ProcessNameRegex
--   SELECT Pid, { SELECT Ppid FROM process WHERE PsId = Pid } AS Ppid,
--          ... one such subquery per process column ...,
--          FamilyString AS Family, TypeString AS Type, Status,
--          Laddr.IP, Laddr.Port, Raddr.IP, Raddr.Port, Timestamp
--   FROM netstat()
--   WHERE Path =~ ProcessPathRegex AND CommandLine =~ CommandLineRegex
--     AND Username =~ UsernameRegex
--     AND (Hash.MD5 =~ HashRegex OR Hash.SHA1 =~ HashRegex
--          OR Hash.SHA256 =~ HashRegex OR not Hash)
--     AND (Authenticode.IssuerName =~ AuthenticodeIssuerRegex OR not Authenticode)
--     AND (Authenticode.SubjectName =~ AuthenticodeSubjectRegex OR not Authenticode)
--     AND (Authenticode.Trusted =~ VerifiedRegex.Regex[0] OR not Authenticode)
--     AND Status =~ StatusRegex.Regex[0] AND Family =~ FamilyRegex.Regex[0]
--     AND Type =~ TypeRegex.Regex[0]
--     AND (format("%v", Laddr.IP) =~ IPRegex OR format("%v", Raddr.IP) =~ IPRegex)
--     AND (format("%v", Laddr.Port) =~ PortRegex OR format("%v", Raddr.Port) =~ PortRegex)
--
-- Translated so that cost grows with sockets plus processes:
--   connection   netstat() once, with the filters on the socket's own columns;
--   process      the processes table once, only the pids that own a kept
--                connection (pushed down as pid IN (...)), with the filters on
--                the process's own columns applied before its digests are read;
--   executable   each distinct executable of those processes whose hashes pass
--                HashRegex, verified once by the authenticode table;
--   the result   the per-row subqueries as one LEFT JOIN (no row: NULLs), and
--                the seed's WHERE applied to the joined row, so a connection
--                whose process is unlisted or was filtered out is judged on
--                NULLs exactly as in VQL (only '', '.', '.*' match NULL).
-- One deliberate difference: ProcessNameRegex filters the connections by
-- their process's name (its documented meaning); the seed only blanks the
-- process columns of the others. Authenticode is NULL where the table says
-- 'error' (missing or unreadable file, not a PE), as VQL's authenticode()
-- gives NULL there.
DROP VIEW IF EXISTS temp."Windows.Network.NetstatEnriched";
CREATE TEMP VIEW "Windows.Network.NetstatEnriched" AS
WITH
  parameter AS MATERIALIZED (
    SELECT
      max(value) FILTER (WHERE name = 'IPRegex') AS IPRegex,
      max(value) FILTER (WHERE name = 'PortRegex') AS PortRegex,
      max(value) FILTER (WHERE name = 'Family') AS Family,
      max(value) FILTER (WHERE name = 'FamilyMap') AS FamilyMap,
      max(value) FILTER (WHERE name = 'Type') AS Type,
      max(value) FILTER (WHERE name = 'TypeMap') AS TypeMap,
      max(value) FILTER (WHERE name = 'Status') AS Status,
      max(value) FILTER (WHERE name = 'StatusMap') AS StatusMap,
      max(value) FILTER (WHERE name = 'ProcessNameRegex') AS ProcessNameRegex,
      max(value) FILTER (WHERE name = 'ProcessPathRegex') AS ProcessPathRegex,
      max(value) FILTER (WHERE name = 'CommandLineRegex') AS CommandLineRegex,
      max(value) FILTER (WHERE name = 'HashRegex') AS HashRegex,
      max(value) FILTER (WHERE name = 'UsernameRegex') AS UsernameRegex,
      max(value) FILTER (WHERE name = 'AuthenticodeSubjectRegex') AS AuthenticodeSubjectRegex,
      max(value) FILTER (WHERE name = 'AuthenticodeIssuerRegex') AS AuthenticodeIssuerRegex,
      max(value) FILTER (WHERE name = 'AuthenticodeVerified') AS AuthenticodeVerified,
      max(value) FILTER (WHERE name = 'AuthenticodeVerifiedMap') AS AuthenticodeVerifiedMap
    FROM artifact_params WHERE artifact = 'Windows.Network.NetstatEnriched'),
  -- LET VerifiedRegex, StatusRegex, FamilyRegex, TypeRegex <= (the *Map lookups)
  choice AS MATERIALIZED (
    SELECT
      vqlite_artifact_map(AuthenticodeVerifiedMap, AuthenticodeVerified) AS VerifiedRegex,
      vqlite_artifact_map(StatusMap, Status) AS StatusRegex,
      vqlite_artifact_map(FamilyMap, Family) AS FamilyRegex,
      vqlite_artifact_map(TypeMap, Type) AS TypeRegex
    FROM parameter),
  connection AS MATERIALIZED (
    SELECT
      n.pid AS Pid,
      n.family AS Family,
      n.type AS Type,
      n.status AS Status,
      n.local_address AS "Laddr.IP",
      n.local_port AS "Laddr.Port",
      coalesce(n.remote_address, '') AS "Raddr.IP",
      coalesce(n.remote_port, 0) AS "Raddr.Port",
      n.created AS Timestamp
    FROM parameter, choice, netstat n
    WHERE vql_match(n.status, StatusRegex)
      AND vql_match(n.family, FamilyRegex)
      AND vql_match(n.type, TypeRegex)
      AND (vql_match(n.local_address, IPRegex)
           OR vql_match(coalesce(n.remote_address, ''), IPRegex))
      AND (vql_match(n.local_port, PortRegex)
           OR vql_match(coalesce(n.remote_port, 0), PortRegex))),
  process AS MATERIALIZED (
    SELECT
      p.pid AS PsId,
      p.ppid AS Ppid,
      p.name AS Name,
      p.cmdline AS CommandLine,
      p.path AS Exe,
      p.md5 AS MD5,
      p.sha1 AS SHA1,
      p.sha256 AS SHA256,
      p.username AS Username
    FROM parameter, processes p
    WHERE p.pid IN (SELECT Pid FROM connection) AND p.pid <> 0
      AND vql_match(p.name, ProcessNameRegex)
      AND vql_match(p.path, ProcessPathRegex)
      AND vql_match(p.cmdline, CommandLineRegex)
      AND vql_match(p.username, UsernameRegex)),
  executable AS MATERIALIZED (
    SELECT DISTINCT Exe FROM parameter, process
    WHERE Exe IS NOT NULL
      AND (vql_match(MD5, HashRegex) OR vql_match(SHA1, HashRegex)
           OR vql_match(SHA256, HashRegex) OR MD5 IS NULL)),
  signature AS MATERIALIZED (
    SELECT
      e.Exe,
      a.issuer_name AS IssuerName,
      a.subject_name AS SubjectName,
      a.trusted AS Trusted,
      CASE WHEN a.trusted IS NOT NULL AND a.trusted <> 'error' THEN json_object(
        'Filename', a.filename,
        'ProgramName', a.program_name,
        'PublisherLink', a.publisher_link,
        'MoreInfoLink', a.more_info_link,
        'SerialNumber', a.serial_number,
        'IssuerName', a.issuer_name,
        'SubjectName', a.subject_name,
        'Timestamp', a.timestamp,
        'Trusted', a.trusted,
        '_ExtraInfo', CASE WHEN a.catalog IS NOT NULL THEN json_object('Catalog', a.catalog) END)
      END AS Authenticode
    FROM executable e LEFT JOIN authenticode a ON a.path = e.Exe)
SELECT
  c.Pid,
  p.Ppid,
  p.Name,
  p.Exe AS Path,
  p.CommandLine,
  CASE WHEN p.MD5 IS NOT NULL THEN json_object('MD5', p.MD5, 'SHA1', p.SHA1, 'SHA256', p.SHA256)
  END AS Hash,
  p.Username,
  s.Authenticode,
  c.Family,
  c.Type,
  c.Status,
  c."Laddr.IP",
  c."Laddr.Port",
  c."Raddr.IP",
  c."Raddr.Port",
  c.Timestamp
FROM parameter
  CROSS JOIN choice
  CROSS JOIN connection c
  LEFT JOIN process p ON p.PsId = c.Pid
  LEFT JOIN signature s ON s.Exe = p.Exe
WHERE vql_match(p.Name, ProcessNameRegex)
  AND vql_match(p.Exe, ProcessPathRegex)
  AND vql_match(p.CommandLine, CommandLineRegex)
  AND vql_match(p.Username, UsernameRegex)
  AND (vql_match(p.MD5, HashRegex) OR vql_match(p.SHA1, HashRegex)
       OR vql_match(p.SHA256, HashRegex) OR p.MD5 IS NULL)
  AND (vql_match(s.IssuerName, AuthenticodeIssuerRegex) OR s.Authenticode IS NULL)
  AND (vql_match(s.SubjectName, AuthenticodeSubjectRegex) OR s.Authenticode IS NULL)
  AND (vql_match(s.Trusted, VerifiedRegex) OR s.Authenticode IS NULL);

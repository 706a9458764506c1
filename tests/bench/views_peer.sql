-- views_peer.sql: the peer of tests/bench/bench-views.sh: NetstatEnriched
-- translated literally from the seed's shape. `LET process <=` reads every
-- process with its Hash and Authenticode (hashing and verifying every
-- process, as Windows.System.Pslist does), and each process column of each
-- socket is its own correlated scalar subquery, as in
--   { SELECT Ppid FROM process WHERE PsId = Pid } AS Ppid, ...
-- The seed's WHERE follows, with the parameters read from artifact_params.
WITH
  process AS MATERIALIZED (
    SELECT
      p.pid AS PsId, p.ppid AS Ppid, p.name AS Name, p.cmdline AS CommandLine, p.path AS Exe,
      CASE WHEN p.md5 IS NOT NULL THEN json_object('MD5', p.md5, 'SHA1', p.sha1, 'SHA256', p.sha256) END AS Hash,
      CASE WHEN p.path IS NOT NULL THEN (
        SELECT CASE WHEN a.trusted <> 'error' THEN json_object(
          'Filename', a.filename, 'ProgramName', a.program_name, 'PublisherLink', a.publisher_link,
          'MoreInfoLink', a.more_info_link, 'SerialNumber', a.serial_number,
          'IssuerName', a.issuer_name, 'SubjectName', a.subject_name, 'Timestamp', a.timestamp,
          'Trusted', a.trusted,
          '_ExtraInfo', CASE WHEN a.catalog IS NOT NULL THEN json_object('Catalog', a.catalog) END) END
        FROM authenticode(p.path) a) END AS Authenticode,
      p.username AS Username
    FROM processes p
    WHERE p.pid <> 0
      AND vql_match(p.name, (SELECT value FROM artifact_params WHERE name = 'ProcessNameRegex'))),
  netstat_rows AS (
    SELECT
      n.pid AS Pid,
      (SELECT Ppid FROM process WHERE PsId = n.pid) AS Ppid,
      (SELECT Name FROM process WHERE PsId = n.pid) AS Name,
      (SELECT Exe FROM process WHERE PsId = n.pid) AS Path,
      (SELECT CommandLine FROM process WHERE PsId = n.pid) AS CommandLine,
      (SELECT Hash FROM process WHERE PsId = n.pid) AS Hash,
      (SELECT Username FROM process WHERE PsId = n.pid) AS Username,
      (SELECT Authenticode FROM process WHERE PsId = n.pid) AS Authenticode,
      n.family AS Family, n.type AS Type, n.status AS Status,
      n.local_address AS "Laddr.IP", n.local_port AS "Laddr.Port",
      coalesce(n.remote_address, '') AS "Raddr.IP", coalesce(n.remote_port, 0) AS "Raddr.Port",
      n.created AS Timestamp
    FROM netstat n)
SELECT * FROM netstat_rows
WHERE vql_match(Path, (SELECT value FROM artifact_params WHERE name = 'ProcessPathRegex'))
  AND vql_match(CommandLine, (SELECT value FROM artifact_params WHERE name = 'CommandLineRegex'))
  AND vql_match(Username, (SELECT value FROM artifact_params WHERE name = 'UsernameRegex'))
  AND (vql_match(Hash ->> '$.MD5', (SELECT value FROM artifact_params WHERE name = 'HashRegex'))
       OR vql_match(Hash ->> '$.SHA1', (SELECT value FROM artifact_params WHERE name = 'HashRegex'))
       OR vql_match(Hash ->> '$.SHA256', (SELECT value FROM artifact_params WHERE name = 'HashRegex'))
       OR Hash IS NULL)
  AND (vql_match(Authenticode ->> '$.IssuerName', (SELECT value FROM artifact_params WHERE name = 'AuthenticodeIssuerRegex'))
       OR Authenticode IS NULL)
  AND (vql_match(Authenticode ->> '$.SubjectName', (SELECT value FROM artifact_params WHERE name = 'AuthenticodeSubjectRegex'))
       OR Authenticode IS NULL)
  AND (vql_match(Authenticode ->> '$.Trusted', (SELECT vqlite_artifact_map(m.value, c.value)
         FROM artifact_params m, artifact_params c
         WHERE m.name = 'AuthenticodeVerifiedMap' AND c.name = 'AuthenticodeVerified'))
       OR Authenticode IS NULL)
  AND vql_match(Status, (SELECT vqlite_artifact_map(m.value, c.value) FROM artifact_params m, artifact_params c
                         WHERE m.name = 'StatusMap' AND c.name = 'Status'))
  AND vql_match(Family, (SELECT vqlite_artifact_map(m.value, c.value) FROM artifact_params m, artifact_params c
                         WHERE m.name = 'FamilyMap' AND c.name = 'Family'))
  AND vql_match(Type, (SELECT vqlite_artifact_map(m.value, c.value) FROM artifact_params m, artifact_params c
                       WHERE m.name = 'TypeMap' AND c.name = 'Type'))
  AND (vql_match("Laddr.IP", (SELECT value FROM artifact_params WHERE name = 'IPRegex'))
       OR vql_match("Raddr.IP", (SELECT value FROM artifact_params WHERE name = 'IPRegex')))
  AND (vql_match("Laddr.Port", (SELECT value FROM artifact_params WHERE name = 'PortRegex'))
       OR vql_match("Raddr.Port", (SELECT value FROM artifact_params WHERE name = 'PortRegex')));

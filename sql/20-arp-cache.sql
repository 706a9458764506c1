-- 20-arp-cache.sql: Windows.Network.ArpCache.
--
-- Address resolution cache, both static and dynamic (from ARP, NDP). One row
-- per neighbor and per address of its interface (the seed's foreach over the
-- neighbors with an inner query on the interfaces): a neighbor whose interface
-- is unknown gives no row; one whose interface has no address gives one row
-- with LocalAddress NULL.
--
--   LET interfaces <= SELECT Index, HardwareAddr, IP
--                     FROM Artifact.Windows.Network.InterfaceAddresses()
--   LET arp_cache = SELECT AddressFamily, Store,
--          get(item=parse_json(data=kMapOfState), member=str(State)) AS State,
--          InterfaceIndex, IPAddress, InterfaceAlias, LinkLayerAddress
--     FROM wmi(MSFT_NetNeighbor)
--   SELECT * FROM foreach(row=arp_cache, query={
--     SELECT AddressFamily, Store, State, InterfaceIndex, IP AS LocalAddress,
--            HardwareAddr, IPAddress AS RemoteAddress, InterfaceAlias,
--            LinkLayerAddress AS RemoteMACAddress
--     FROM interfaces WHERE InterfaceIndex = Index })
--
-- The arp_cache table already spells AddressFamily and Store as the seed's
-- if() chains do and names the state; the name is turned back into its
-- NL_NEIGHBOR_STATE number so that kMapOfState (artifact_params) names it, as
-- in the seed. The seed's `arp_cache` is `neighbors` here (a CTE cannot share
-- the name of the table it reads).
DROP VIEW IF EXISTS temp."Windows.Network.ArpCache";
CREATE TEMP VIEW "Windows.Network.ArpCache" AS
WITH
  parameter AS MATERIALIZED (
    SELECT max(value) FILTER (WHERE name = 'kMapOfState') AS kMapOfState
    FROM artifact_params WHERE artifact = 'Windows.Network.ArpCache'),
  interfaces AS MATERIALIZED (
    SELECT "Index", HardwareAddr, IP FROM "Windows.Network.InterfaceAddresses"),
  neighbors AS MATERIALIZED (
    SELECT
      address_family AS AddressFamily,
      store AS Store,
      json_extract(parameter.kMapOfState, '$."' || CASE state
        WHEN 'Unreachable' THEN 0 WHEN 'Incomplete' THEN 1 WHEN 'Probe' THEN 2
        WHEN 'Delay' THEN 3 WHEN 'Stale' THEN 4 WHEN 'Reachable' THEN 5
        WHEN 'Permanent' THEN 6 END || '"') AS State,
      interface_index AS InterfaceIndex,
      ip_address AS IPAddress,
      interface_alias AS InterfaceAlias,
      link_layer_address AS LinkLayerAddress
    FROM arp_cache, parameter)
SELECT
  a.AddressFamily, a.Store, a.State, a.InterfaceIndex,
  i.IP AS LocalAddress, i.HardwareAddr, a.IPAddress AS RemoteAddress,
  a.InterfaceAlias, a.LinkLayerAddress AS RemoteMACAddress
FROM neighbors a CROSS JOIN interfaces i ON a.InterfaceIndex = i."Index";

-- 10-interface-addresses.sql: Windows.Network.InterfaceAddresses.
--
-- Network interfaces and relevant metadata. One row per address of each
-- interface (VQL's flatten over Addrs); an interface without addresses
-- appears once with IP and Mask NULL.
--
--   LET interface_address = SELECT Index, MTU, Name, HardwareAddr, Flags, Addrs
--                           FROM interfaces()
--   SELECT Index, MTU, Name, HardwareAddr.String AS HardwareAddr,
--          Flags, Addrs.IP AS IP, Addrs.Mask.String AS Mask
--   FROM flatten(query=interface_address)
--
-- Formats as Go prints them: HardwareAddr.String is lowercase colon form and
-- '' for an interface without one; Mask.String is the mask's bytes in hex,
-- 4 bytes for IPv4 (ffffff00), 16 for IPv6, computed from the prefix length.
DROP VIEW IF EXISTS temp."Windows.Network.InterfaceAddresses";
CREATE TEMP VIEW "Windows.Network.InterfaceAddresses" AS
SELECT
  interface_index AS "Index",
  mtu AS MTU,
  name AS Name,
  coalesce(mac, '') AS HardwareAddr,
  flags AS Flags,
  address AS IP,
  CASE
    WHEN prefix_length IS NULL THEN NULL
    WHEN family = 'IPv4' THEN printf('%08x', (0xffffffff << (32 - prefix_length)) & 0xffffffff)
    WHEN family = 'IPv6' THEN printf('%016x%016x',
      CASE WHEN prefix_length >= 64 THEN -1 ELSE -1 << (64 - prefix_length) END,
      CASE WHEN prefix_length <= 64 THEN 0 ELSE -1 << (128 - prefix_length) END)
  END AS Mask
FROM interface_addresses;

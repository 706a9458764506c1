/*
** check_views.c: the five artifact views, artifact_params and
** vqlite_artifacts, on both builds (vqlite.so in process, vqlite.dll under
** Wine run the same SQL cases).
**
** Fixture cases: tests/fixtures/views/host.sql creates TEMP tables named like
** the OS tables (they shadow them), with a Windows host's sockets, processes,
** signatures, interfaces and neighbors; every expected output below is worked
** out by hand from those rows and the VQL semantics of DESIGN.md. Every local
** port in the fixture is unique, so a NetstatEnriched result is written as the
** list of its local ports, in netstat order:
**    135 49664 50000 50001 50002 5353 50003 50004 53 8080 50005 50006 445 68 5985 9000
**    svc svc   chr   chr   evil  evil  pid0  999   lck bash untr  note  sys  -  pid0 998
**
** Live cases: every view runs on the real host; ListeningPorts has one row per
** TCP LISTEN socket of a listed process; a listener the test opens shows up in
** Netstat, ListeningPorts and NetstatEnriched with the test's name, path and
** sha256 natively; under Wine (which reports pid 0 for every socket) it shows
** up in Netstat and NetstatEnriched with no process, and not in
** ListeningPorts (pslist() never lists pid 0).
**
** Natively also: loading twice and through sqlite3_auto_extension, nothing
** written to the database file, an install failure's message, and the
** Choice,Regex CSV reader on its own.
*/
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "artifacts.h"
#include "harness.h"

#define FIXTURE "tests/fixtures/views/host.sql"
#define ENRICHED "\"Windows.Network.NetstatEnriched\""
#define ALL_PORTS \
  "135 49664 50000 50001 50002 5353 50003 50004 53 8080 50005 50006 445 68 5985 9000"

static char *fixture_text;

static void fixture_load(void) {
  if (fixture_text == NULL) {
    FILE *file = fopen(FIXTURE, "rb");
    ck_assert_msg(file != NULL, "cannot open %s (run from the repository root)", FIXTURE);
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    fixture_text = calloc(1, (size_t)size + 1);
    ck_assert_uint_eq(fread(fixture_text, 1, (size_t)size, file), (size_t)size);
    fclose(file);
  }
  ck_assert_sql("", "%s", fixture_text);
}

static void fixture_open(void) {
  harness_open();
  fixture_load();
}

/* value as a SQL string literal's body: quotes doubled (malloc'd). */
static char *sql_escape(const char *value) {
  char *out = malloc(strlen(value) * 2 + 1), *end = out;
  ck_assert_ptr_nonnull(out);
  for (; *value; value++) {
    if (*value == '\'') *end++ = '\'';
    *end++ = *value;
  }
  *end = 0;
  return out;
}

/* NetstatEnriched's local ports after setting one parameter. */
static void assert_enriched_ports(const char *name, const char *value, const char *expected) {
  char *escaped = sql_escape(value);
  ck_assert_sql("", "UPDATE artifact_params SET value = '%s' WHERE name = '%s'", escaped, name);
  free(escaped);
  ck_assert_sql(expected, "SELECT group_concat(\"Laddr.Port\", ' ') FROM " ENRICHED);
}

/* ---- Netstat ------------------------------------------------------------- */
START_TEST(netstat_tcp_rows) {
  ck_assert_sql(
      "100|'svchost.exe'|'IPv4'|'TCP'|'LISTEN'|'0.0.0.0'|135|'0.0.0.0'|0|'2026-12-03T07:00:00Z'\n"
      "200|'chrome.exe'|'IPv4'|'TCP'|'ESTAB'|'192.168.1.10'|50000|'142.250.1.1'|443|'2026-12-03T07:"
      "10:00Z'",
      "SELECT * FROM \"Windows.Network.Netstat\" WHERE \"Laddr.Port\" IN (135, 50000)");
}
END_TEST
START_TEST(netstat_udp_format) {
  ck_assert_sql(
      "300|'evil.exe'|'IPv4'|'UDP'|''|'0.0.0.0'|5353|''|0|NULL\n"
      "400|'locked.exe'|'IPv6'|'UDP'|''|'::1'|53|''|0|NULL",
      "SELECT * FROM \"Windows.Network.Netstat\" WHERE Type = 'UDP' AND Pid IS NOT NULL");
}
END_TEST
START_TEST(netstat_unlisted_pids_have_no_name) {
  ck_assert_sql(
      "0|NULL|50003\n999|NULL|50004\nNULL|NULL|68\n0|NULL|5985\n998|NULL|9000",
      "SELECT Pid, Name, \"Laddr.Port\" FROM \"Windows.Network.Netstat\" WHERE Name IS NULL");
}
END_TEST
START_TEST(netstat_every_socket_once) {
  ck_assert_sql("16|16",
                "SELECT count(*), count(DISTINCT \"Laddr.Port\") FROM \"Windows.Network.Netstat\"");
}
END_TEST
START_TEST(netstat_column_names) {
  ck_assert_sql("'Pid,Name,Family,Type,Status,Laddr.IP,Laddr.Port,Raddr.IP,Raddr.Port,Timestamp'",
                "SELECT group_concat(name, ',') FROM pragma_table_info('Windows.Network.Netstat')");
}
END_TEST

/* ---- ListeningPorts --------------------------------------------------------- */
START_TEST(listening_ports_inner_join) {
  /* LISTEN sockets of pid 0 (5985) and of unlisted 998 (9000) give no row; UDP never. */
  ck_assert_sql(
      "100|'svchost.exe'|135|'TCP'|'IPv4'|'0.0.0.0'\n"
      "100|'svchost.exe'|49664|'TCP'|'IPv6'|'::'\n"
      "500|'bash'|8080|'TCP'|'IPv4'|'127.0.0.1'\n"
      "4|'System'|445|'TCP'|'IPv4'|'0.0.0.0'",
      "SELECT * FROM \"Windows.Network.ListeningPorts\"");
}
END_TEST
START_TEST(listening_ports_column_names) {
  ck_assert_sql(
      "'Pid,Name,Port,Protocol,Family,Address'",
      "SELECT group_concat(name, ',') FROM pragma_table_info('Windows.Network.ListeningPorts')");
}
END_TEST

/* ---- InterfaceAddresses ------------------------------------------------------ */
START_TEST(interface_addresses_rows) {
  ck_assert_sql(
      "1|-1|'Loopback Pseudo-Interface "
      "1'|''|'up|loopback|multicast|running'|'127.0.0.1'|'ff000000'\n"
      "1|-1|'Loopback Pseudo-Interface "
      "1'|''|'up|loopback|multicast|running'|'::1'|'ffffffffffffffffffffffffffffffff'\n"
      "7|1500|'Ethernet'|'00:15:5d:01:02:03'|'up|broadcast|multicast|running'|'192.168.1.10'|'"
      "ffffff00'",
      "SELECT * FROM \"Windows.Network.InterfaceAddresses\" WHERE \"Index\" = 1 OR IP = "
      "'192.168.1.10'");
}
END_TEST
START_TEST(interface_addresses_masks) {
  ck_assert_sql(
      "'192.168.1.10'|'ffffff00'\n'fe80::215:5dff:fe01:203'|'ffffffffffffffff0000000000000000'\n"
      "'2001:db8::10'|'ffffffffffffff000000000000000000'\n'172.20.0.1'|'fffff000'\n"
      "'0.0.0.0'|'00000000'\n'2001:db8:1::1'|'ffffffffffffffff8000000000000000'",
      "SELECT IP, Mask FROM \"Windows.Network.InterfaceAddresses\" WHERE \"Index\" IN (7, 12, 13)");
}
END_TEST
START_TEST(interface_addresses_without_address) {
  ck_assert_sql("9|1500|'Wi-Fi'|'a0:b1:c2:d3:e4:f5'|'broadcast|multicast'|NULL|NULL",
                "SELECT * FROM \"Windows.Network.InterfaceAddresses\" WHERE \"Index\" = 9");
}
END_TEST
START_TEST(interface_addresses_column_names) {
  ck_assert_sql("'Index,MTU,Name,HardwareAddr,Flags,IP,Mask'",
                "SELECT group_concat(name, ',') FROM "
                "pragma_table_info('Windows.Network.InterfaceAddresses')");
}
END_TEST

/* ---- ArpCache ------------------------------------------------------------------ */
START_TEST(arp_cache_one_row_per_local_address) {
  ck_assert_sql(
      "'IPv4'|'Active'|'Reachable'|7|'192.168.1.10'|'00:15:5d:01:02:03'|'192.168.1.1'|'Ethernet'|'"
      "00-15-5D-AA-BB-CC'\n"
      "'IPv4'|'Active'|'Reachable'|7|'2001:db8::10'|'00:15:5d:01:02:03'|'192.168.1.1'|'Ethernet'|'"
      "00-15-5D-AA-BB-CC'\n"
      "'IPv4'|'Active'|'Reachable'|7|'fe80::215:5dff:fe01:203'|'00:15:5d:01:02:03'|'192.168.1.1'|'"
      "Ethernet'|'00-15-5D-AA-BB-CC'",
      "SELECT * FROM \"Windows.Network.ArpCache\" WHERE RemoteAddress = '192.168.1.1' ORDER BY "
      "LocalAddress");
}
END_TEST
START_TEST(arp_cache_rows_per_neighbor) {
  /* 3 + 3 on Ethernet, 1 on Wi-Fi (no address), 2 on loopback, none for interface 42. */
  ck_assert_sql(
      "'10.1.1.1'|1\n'192.168.1.1'|3\n'224.0.0.22'|2\n'fe80::1'|3",
      "SELECT RemoteAddress, count(*) FROM \"Windows.Network.ArpCache\" GROUP BY 1 ORDER BY 1");
}
END_TEST
START_TEST(arp_cache_interface_without_address) {
  ck_assert_sql("'IPv4'|'Active'|'Incomplete'|9|NULL|'a0:b1:c2:d3:e4:f5'|'10.1.1.1'|'Wi-Fi'|''",
                "SELECT * FROM \"Windows.Network.ArpCache\" WHERE InterfaceIndex = 9");
}
END_TEST
START_TEST(arp_cache_state_map_parameter) {
  ck_assert_sql("",
                "UPDATE artifact_params SET value = '{\"5\": \"OK\", \"6\": \"Fixed\"}' WHERE name "
                "= 'kMapOfState'");
  ck_assert_sql(
      "'10.1.1.1'|NULL\n'192.168.1.1'|'OK'\n'224.0.0.22'|'Fixed'\n'fe80::1'|NULL",
      "SELECT DISTINCT RemoteAddress, State FROM \"Windows.Network.ArpCache\" ORDER BY 1");
}
END_TEST
START_TEST(arp_cache_column_names) {
  ck_assert_sql(
      "'AddressFamily,Store,State,InterfaceIndex,LocalAddress,HardwareAddr,RemoteAddress,"
      "InterfaceAlias,RemoteMACAddress'",
      "SELECT group_concat(name, ',') FROM pragma_table_info('Windows.Network.ArpCache')");
}
END_TEST

/* ---- NetstatEnriched: rows ------------------------------------------------------ */
START_TEST(enriched_defaults_keep_every_socket) {
  ck_assert_sql("'" ALL_PORTS "'", "SELECT group_concat(\"Laddr.Port\", ' ') FROM " ENRICHED);
}
END_TEST
START_TEST(enriched_full_row) {
  ck_assert_sql(
      "200|100|'chrome.exe'|'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe'|"
      "'\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\" --type=utility'|"
      "'{\"MD5\":\"b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1\",\"SHA1\":"
      "\"b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2\","
      "\"SHA256\":\"b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3b3\"}'|'"
      "HOST\\alice'|"
      "'{\"Filename\":\"C:\\\\Program Files\\\\Google\\\\Chrome\\\\Application\\\\chrome.exe\","
      "\"ProgramName\":\"Google "
      "Chrome\",\"PublisherLink\":\"http://www.google.com/\",\"MoreInfoLink\":null,"
      "\"SerialNumber\":\"0e4418e2dede36dd2974c3443afb5ce5\","
      "\"IssuerName\":\"DigiCert Trusted G4 Code Signing RSA4096 SHA384 2021 "
      "CA1\",\"SubjectName\":\"Google LLC\","
      "\"Timestamp\":\"2026-11-20T01:02:03Z\",\"Trusted\":\"trusted\",\"_ExtraInfo\":null}'|"
      "'IPv4'|'TCP'|'ESTAB'|'192.168.1.10'|50000|'142.250.1.1'|443|'2026-12-03T07:10:00Z'",
      "SELECT * FROM " ENRICHED " WHERE \"Laddr.Port\" = 50000");
}
END_TEST
START_TEST(enriched_catalog_signed) {
  ck_assert_sql(
      "'trusted'|'{\"Catalog\":\"C:\\\\Windows\\\\system32\\\\CatRoot\\\\{F750E6C3-38EE-11D1-85E5-"
      "00C04FC295EE}\\\\Package_2.cat\"}'",
      "SELECT Authenticode ->> '$.Trusted', Authenticode -> '$._ExtraInfo' FROM " ENRICHED
      " WHERE \"Laddr.Port\" = 50006");
}
END_TEST
START_TEST(enriched_unreadable_file) {
  /* 400's file cannot be read: no digests, Authenticode 'error' is NULL as in VQL. */
  ck_assert_sql(
      "400|4|'locked.exe'|'C:\\Secure\\locked.exe'|NULL|NULL|'HOST\\bob'|NULL|'IPv6'|'UDP'|''|'::1'"
      "|53|''|0|NULL",
      "SELECT * FROM " ENRICHED " WHERE \"Laddr.Port\" = 53");
}
END_TEST
START_TEST(enriched_not_a_pe) {
  ck_assert_sql("'bash'|'d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3'|NULL",
                "SELECT Name, Hash ->> '$.SHA256', Authenticode FROM " ENRICHED
                " WHERE \"Laddr.Port\" = 8080");
}
END_TEST
START_TEST(enriched_pid0_and_unlisted) {
  ck_assert_sql(
      "0|NULL|NULL|NULL|NULL|NULL|NULL|NULL|50003\n999|NULL|NULL|NULL|NULL|NULL|NULL|NULL|50004\n"
      "NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|68\n0|NULL|NULL|NULL|NULL|NULL|NULL|NULL|5985\n"
      "998|NULL|NULL|NULL|NULL|NULL|NULL|NULL|9000",
      "SELECT Pid, Ppid, Name, Path, CommandLine, Hash, Username, Authenticode, \"Laddr.Port\" "
      "FROM " ENRICHED " WHERE Ppid IS NULL");
}
END_TEST
START_TEST(enriched_system_without_path) {
  ck_assert_sql(
      "4|0|'System'|NULL|NULL|NULL|'NT AUTHORITY\\SYSTEM'|NULL",
      "SELECT Pid, Ppid, Name, Path, CommandLine, Hash, Username, Authenticode FROM " ENRICHED
      " WHERE \"Laddr.Port\" = 445");
}
END_TEST
START_TEST(enriched_column_names) {
  ck_assert_sql(
      "'Pid,Ppid,Name,Path,CommandLine,Hash,Username,Authenticode,Family,Type,Status,"
      "Laddr.IP,Laddr.Port,Raddr.IP,Raddr.Port,Timestamp'",
      "SELECT group_concat(name, ',') FROM pragma_table_info('Windows.Network.NetstatEnriched')");
}
END_TEST

/* ---- NetstatEnriched: choices ---------------------------------------------------- */
START_TEST(enriched_family_ipv4) {
  assert_enriched_ports("Family", "IPv4",
                        "'135 50000 50002 5353 50003 50004 8080 50005 50006 445 68 5985'");
}
END_TEST
START_TEST(enriched_family_ipv6) {
  assert_enriched_ports("Family", "IPv6", "'49664 50001 53 9000'");
}
END_TEST
START_TEST(enriched_family_all) { assert_enriched_ports("Family", "ALL", "'" ALL_PORTS "'"); }
END_TEST
START_TEST(enriched_type_tcp) {
  assert_enriched_ports("Type", "TCP",
                        "'135 49664 50000 50001 50002 50003 50004 8080 50005 50006 445 5985 9000'");
}
END_TEST
START_TEST(enriched_type_udp) { assert_enriched_ports("Type", "UDP", "'5353 53 68'"); }
END_TEST
START_TEST(enriched_type_all) { assert_enriched_ports("Type", "ALL", "'" ALL_PORTS "'"); }
END_TEST
START_TEST(enriched_status_established) {
  assert_enriched_ports("Status", "ESTABLISHED", "'50000 50001 50004 50006'");
}
END_TEST
START_TEST(enriched_status_listening) {
  assert_enriched_ports("Status", "LISTENING", "'135 49664 8080 445 5985 9000'");
}
END_TEST
START_TEST(enriched_status_other) {
  assert_enriched_ports("Status", "OTHER", "'50002 50003 50005'");
}
END_TEST
START_TEST(enriched_status_all) { assert_enriched_ports("Status", "ALL", "'" ALL_PORTS "'"); }
END_TEST
START_TEST(enriched_verified_trusted) {
  /* unsigned evil.exe and untrusted.exe go; no Authenticode (error, no path, no process) stays. */
  assert_enriched_ports("AuthenticodeVerified", "TRUSTED",
                        "'135 49664 50000 50001 50003 50004 53 8080 50006 445 68 5985 9000'");
}
END_TEST
START_TEST(enriched_verified_unsigned) {
  assert_enriched_ports("AuthenticodeVerified", "UNSIGNED",
                        "'50002 5353 50003 50004 53 8080 445 68 5985 9000'");
}
END_TEST
START_TEST(enriched_verified_not_trusted) {
  assert_enriched_ports("AuthenticodeVerified", "NOT TRUSTED",
                        "'50002 5353 50003 50004 53 8080 50005 445 68 5985 9000'");
}
END_TEST
START_TEST(enriched_verified_all) {
  assert_enriched_ports("AuthenticodeVerified", "ALL", "'" ALL_PORTS "'");
}
END_TEST
START_TEST(enriched_map_drives_choice) {
  /* The hidden map turns a choice into its regex, as parse_csv does in the seed. */
  ck_assert_sql(
      "",
      "UPDATE artifact_params SET value = 'Choice,Regex\nALL,\".*\"\nESTABLISHED,\"^SYN_SENT$\"\n"
      "LISTENING,\"^LISTEN$\"\nOTHER,\"x\"\n' WHERE name = 'StatusMap'");
  assert_enriched_ports("Status", "ESTABLISHED", "'50002'");
}
END_TEST

/* ---- NetstatEnriched: regexes -------------------------------------------------- */
START_TEST(enriched_ip_regex) { assert_enriched_ports("IPRegex", "^10\\.", "'50002 50005'"); }
END_TEST
START_TEST(enriched_ip_regex_caseless) {
  assert_enriched_ports("IPRegex", "2001:DB8::1$", "'50001'");
}
END_TEST
START_TEST(enriched_ip_regex_udp_remote_is_empty) {
  assert_enriched_ports("IPRegex", "^$", "'5353 53 68'");
}
END_TEST
START_TEST(enriched_port_regex) {
  assert_enriched_ports("PortRegex", "^443$", "'50000 50001 50003 50006'");
}
END_TEST
START_TEST(enriched_port_regex_udp_remote_is_zero) {
  assert_enriched_ports("PortRegex", "^0$", "'135 49664 5353 53 8080 445 68 5985 9000'");
}
END_TEST
START_TEST(enriched_process_name_filters_connections) {
  /* The documented difference: unlisted pids and other names go. */
  assert_enriched_ports("ProcessNameRegex", "CHROME", "'50000 50001'");
}
END_TEST
START_TEST(enriched_process_name_match_all_keeps_null) {
  assert_enriched_ports("ProcessNameRegex", ".", "'" ALL_PORTS "'");
}
END_TEST
START_TEST(enriched_process_path_regex) {
  assert_enriched_ports("ProcessPathRegex", "\\\\SYSTEM32\\\\", "'135 49664 50006'");
}
END_TEST
START_TEST(enriched_process_path_empty_keeps_null) {
  assert_enriched_ports("ProcessPathRegex", "", "'" ALL_PORTS "'");
}
END_TEST
START_TEST(enriched_command_line_regex) {
  assert_enriched_ports("CommandLineRegex", "--TYPE=", "'50000 50001'");
}
END_TEST
START_TEST(enriched_username_regex) {
  assert_enriched_ports("UsernameRegex", "^host\\\\alice$", "'50000 50001 50002 5353 50006'");
}
END_TEST
START_TEST(enriched_hash_regex_sha256) {
  /* evil.exe's SHA256, plus every row without Hash (not Hash). */
  assert_enriched_ports("HashRegex", "^C3C3", "'50002 5353 50003 50004 53 445 68 5985 9000'");
}
END_TEST
START_TEST(enriched_hash_regex_sha1) {
  assert_enriched_ports("HashRegex", "b2b2b2", "'50000 50001 50003 50004 53 445 68 5985 9000'");
}
END_TEST
START_TEST(enriched_hash_regex_md5) {
  assert_enriched_ports("HashRegex", "^f1f1", "'50003 50004 53 50006 445 68 5985 9000'");
}
END_TEST
START_TEST(enriched_subject_regex) {
  /* Chrome, plus every row without Authenticode; unsigned evil.exe has a NULL subject. */
  assert_enriched_ports("AuthenticodeSubjectRegex", "google",
                        "'50000 50001 50003 50004 53 8080 445 68 5985 9000'");
}
END_TEST
START_TEST(enriched_issuer_regex) {
  assert_enriched_ports("AuthenticodeIssuerRegex", "FAKE CORP CA",
                        "'50003 50004 53 8080 50005 445 68 5985 9000'");
}
END_TEST
START_TEST(enriched_two_parameters_combine) {
  ck_assert_sql("", "UPDATE artifact_params SET value = 'IPv4' WHERE name = 'Family'");
  assert_enriched_ports("UsernameRegex", "alice", "'50000 50002 5353 50006'");
}
END_TEST

/* ---- artifact_params --------------------------------------------------------------- */
START_TEST(params_listed) {
  ck_assert_sql(
      "'Windows.Network.ArpCache'|'kMapOfState'|'json'\n"
      "'Windows.Network.NetstatEnriched'|'IPRegex'|'regex'\n"
      "'Windows.Network.NetstatEnriched'|'PortRegex'|'regex'\n"
      "'Windows.Network.NetstatEnriched'|'Family'|'choices'\n"
      "'Windows.Network.NetstatEnriched'|'FamilyMap'|'hidden'\n"
      "'Windows.Network.NetstatEnriched'|'Type'|'choices'\n"
      "'Windows.Network.NetstatEnriched'|'TypeMap'|'hidden'\n"
      "'Windows.Network.NetstatEnriched'|'Status'|'choices'\n"
      "'Windows.Network.NetstatEnriched'|'StatusMap'|'hidden'\n"
      "'Windows.Network.NetstatEnriched'|'ProcessNameRegex'|'regex'\n"
      "'Windows.Network.NetstatEnriched'|'ProcessPathRegex'|'regex'\n"
      "'Windows.Network.NetstatEnriched'|'CommandLineRegex'|'regex'\n"
      "'Windows.Network.NetstatEnriched'|'HashRegex'|'regex'\n"
      "'Windows.Network.NetstatEnriched'|'UsernameRegex'|'regex'\n"
      "'Windows.Network.NetstatEnriched'|'AuthenticodeSubjectRegex'|'regex'\n"
      "'Windows.Network.NetstatEnriched'|'AuthenticodeIssuerRegex'|'regex'\n"
      "'Windows.Network.NetstatEnriched'|'AuthenticodeVerified'|'choices'\n"
      "'Windows.Network.NetstatEnriched'|'AuthenticodeVerifiedMap'|'hidden'",
      "SELECT artifact, name, type FROM artifact_params ORDER BY rowid");
}
END_TEST
START_TEST(params_defaults_and_choices) {
  ck_assert_sql(
      "'ALL'|'ALL'|'[\"ALL\",\"TRUSTED\",\"UNSIGNED\",\"NOT TRUSTED\"]'|'Authenticode signiture "
      "selection'",
      "SELECT default_value, value, choices, description FROM artifact_params WHERE name = "
      "'AuthenticodeVerified'");
  ck_assert_sql("18|18", "SELECT count(*), sum(value = default_value) FROM artifact_params");
}
END_TEST
START_TEST(params_set_and_reset) {
  ck_assert_sql("", "UPDATE artifact_params SET value = 'chrome' WHERE name = 'ProcessNameRegex'");
  ck_assert_sql("'chrome'|'.*'",
                "SELECT value, default_value FROM artifact_params WHERE name = 'ProcessNameRegex'");
  ck_assert_sql("",
                "UPDATE artifact_params SET value = default_value WHERE name = 'ProcessNameRegex'");
  ck_assert_sql("'.*'", "SELECT value FROM artifact_params WHERE name = 'ProcessNameRegex'");
  ck_assert_sql(
      "", "UPDATE artifact_params SET value = 'NOT TRUSTED' WHERE name = 'AuthenticodeVerified'");
  ck_assert_sql("'NOT TRUSTED'",
                "SELECT value FROM artifact_params WHERE name = 'AuthenticodeVerified'");
}
END_TEST
START_TEST(params_refuse_unknown_choice) {
  ck_assert_sql(
      "error: artifact_params: Status must be one of ALL, ESTABLISHED, LISTENING, OTHER (got "
      "'FOO')",
      "UPDATE artifact_params SET value = 'FOO' WHERE name = 'Status'");
  ck_assert_sql("'ALL'", "SELECT value FROM artifact_params WHERE name = 'Status'");
  /* Choices are exact, as in VQL. */
  ck_assert_sql("error: artifact_params: Family must be one of ALL, IPv4, IPv6 (got 'ipv4')",
                "UPDATE artifact_params SET value = 'ipv4' WHERE name = 'Family'");
}
END_TEST
START_TEST(params_refuse_bad_regex) {
  ck_assert_sql("", "UPDATE artifact_params SET value = 'svc' WHERE name = 'ProcessPathRegex'");
  ck_assert_sql(
      "error: artifact_params: ProcessPathRegex must be a valid regex: missing closing parenthesis "
      "at offset 4 (got 'svc(')",
      "UPDATE artifact_params SET value = 'svc(' WHERE name = 'ProcessPathRegex'");
  ck_assert_sql("'svc'", "SELECT value FROM artifact_params WHERE name = 'ProcessPathRegex'");
}
END_TEST
START_TEST(params_refuse_bad_map) {
  ck_assert_sql(
      "error: artifact_params: TypeMap must be CSV with the header Choice,Regex and a valid regex "
      "in "
      "each row: line 3: regex '^(UDP$': missing closing parenthesis at offset 6 "
      "(got 'Choice,Regex\nTCP,^TCP$\nUDP,^(UDP$\n')",
      "UPDATE artifact_params SET value = 'Choice,Regex\nTCP,^TCP$\nUDP,^(UDP$\n' WHERE name = "
      "'TypeMap'");
  ck_assert_sql(
      "error: artifact_params: TypeMap must be CSV with the header Choice,Regex and a valid regex "
      "in "
      "each row: line 1: the header row does not name both columns Choice and Regex (got "
      "'TCP,^TCP$')",
      "UPDATE artifact_params SET value = 'TCP,^TCP$' WHERE name = 'TypeMap'");
  ck_assert_sql("1", "SELECT value = default_value FROM artifact_params WHERE name = 'TypeMap'");
}
END_TEST
START_TEST(params_refuse_bad_json) {
  ck_assert_sql(
      "error: artifact_params: kMapOfState must be a JSON object such as {\"5\": \"Reachable\"} "
      "(got '[\"a\"]')",
      "UPDATE artifact_params SET value = '[\"a\"]' WHERE name = 'kMapOfState'");
  ck_assert_sql_prefix("error: artifact_params: kMapOfState must be a JSON object",
                       "UPDATE artifact_params SET value = '{' WHERE name = 'kMapOfState'");
}
END_TEST
START_TEST(params_refuse_null_delete_and_other_columns) {
  ck_assert_sql(
      "error: artifact_params: IPRegex needs a value (reset it with SET value = default_value)",
      "UPDATE artifact_params SET value = NULL WHERE name = 'IPRegex'");
  ck_assert_sql_prefix("error: artifact_params: a parameter cannot be deleted",
                       "DELETE FROM artifact_params");
  ck_assert_sql("error: artifact_params: only the value column can be changed",
                "UPDATE artifact_params SET default_value = 'x' WHERE name = 'IPRegex'");
  ck_assert_sql("18|'.*'",
                "SELECT count(*), max(value) FILTER (WHERE name = 'IPRegex') FROM artifact_params");
}
END_TEST
START_TEST(params_refused_update_is_atomic) {
  /* One bad row fails the whole statement: the good rows keep their values too. */
  ck_assert_sql_prefix(
      "error: artifact_params: PortRegex must be a valid regex",
      "UPDATE artifact_params SET value = CASE name WHEN 'IPRegex' THEN '^10' ELSE '[' END "
      "WHERE name IN ('IPRegex', 'PortRegex')");
  ck_assert_sql("'.*'|'.*'",
                "SELECT max(value) FILTER (WHERE name = 'IPRegex'), max(value) FILTER (WHERE name "
                "= 'PortRegex') "
                "FROM artifact_params");
}
END_TEST
START_TEST(params_map_function) {
  ck_assert_sql(
      "'^LISTEN$'|'CLOS|SENT|RCVD|LAST|WAIT|DELETE'|NULL|NULL",
      "SELECT vqlite_artifact_map(value, 'LISTENING'), vqlite_artifact_map(value, 'OTHER'), "
      "vqlite_artifact_map(value, 'listening'), vqlite_artifact_map(NULL, 'ALL') "
      "FROM artifact_params WHERE name = 'StatusMap'");
  ck_assert_sql_prefix("error: vqlite_artifact_map: not a Choice,Regex CSV map: line 1",
                       "SELECT vqlite_artifact_map('a,b', 'x')");
}
END_TEST

/* ---- vqlite_artifacts --------------------------------------------------------------- */
START_TEST(artifacts_listing) {
  ck_assert_sql(
      "'Windows.Network.ArpCache'|'[\"kMapOfState\"]'\n"
      "'Windows.Network.InterfaceAddresses'|'[]'\n"
      "'Windows.Network.ListeningPorts'|'[]'\n"
      "'Windows.Network.Netstat'|'[]'\n"
      "'Windows.Network.NetstatEnriched'|'[\"IPRegex\",\"PortRegex\",\"Family\",\"FamilyMap\","
      "\"Type\","
      "\"TypeMap\",\"Status\",\"StatusMap\",\"ProcessNameRegex\",\"ProcessPathRegex\","
      "\"CommandLineRegex\","
      "\"HashRegex\",\"UsernameRegex\",\"AuthenticodeSubjectRegex\",\"AuthenticodeIssuerRegex\","
      "\"AuthenticodeVerified\",\"AuthenticodeVerifiedMap\"]'",
      "SELECT name, (SELECT json_group_array(key) FROM json_each(parameters)) FROM "
      "vqlite_artifacts");
}
END_TEST
START_TEST(artifacts_listing_shows_current_values) {
  ck_assert_sql("", "UPDATE artifact_params SET value = 'UDP' WHERE name = 'Type'");
  ck_assert_sql("'UDP'",
                "SELECT parameters ->> '$.Type' FROM vqlite_artifacts WHERE name = "
                "'Windows.Network.NetstatEnriched'");
}
END_TEST
START_TEST(artifacts_columns_match_views) {
  ck_assert_sql("5",
                "SELECT count(*) FROM vqlite_artifacts a WHERE columns = "
                "(SELECT group_concat(name, ', ') FROM pragma_table_info(a.name))");
}
END_TEST
START_TEST(artifacts_all_temp) {
  ck_assert_sql("0", "SELECT count(*) FROM main.sqlite_schema");
  ck_assert_sql(
      "'Windows.Network.ArpCache'|'view'\n'Windows.Network.InterfaceAddresses'|'view'\n"
      "'Windows.Network.ListeningPorts'|'view'\n'Windows.Network.Netstat'|'view'\n"
      "'Windows.Network.NetstatEnriched'|'view'\n'artifact_params'|'table'\n'vqlite_artifacts'|'"
      "view'",
      "SELECT name, type FROM temp.sqlite_schema WHERE type IN ('table', 'view') AND name NOT IN "
      "('netstat', 'processes', 'authenticode', 'arp_cache', 'interface_addresses') ORDER BY name");
}
END_TEST

/* ---- live ------------------------------------------------------------------------------ */
START_TEST(live_every_view_runs) {
  const char *views[] = {"Windows.Network.ArpCache", "Windows.Network.InterfaceAddresses",
                         "Windows.Network.ListeningPorts", "Windows.Network.Netstat",
                         "Windows.Network.NetstatEnriched"};
  for (size_t i = 0; i < sizeof views / sizeof views[0]; i++)
    ck_assert_sql("1", "SELECT count(*) >= 0 FROM \"%s\"", views[i]);
  ck_assert_sql("1", "SELECT count(*) > 0 FROM \"Windows.Network.InterfaceAddresses\"");
  ck_assert_sql("1", "SELECT count(*) > 0 FROM \"Windows.Network.Netstat\"");
}
END_TEST
START_TEST(live_listening_ports_match_netstat) {
  /* A socket may come or go between the two reads; a few tries settle it. */
  char *result = NULL;
  for (int attempt = 0; attempt < 5; attempt++) {
    free(result);
    result = harness_sql(
        "SELECT (SELECT count(*) FROM \"Windows.Network.ListeningPorts\") = "
        "(SELECT count(*) FROM netstat WHERE status = 'LISTEN' AND type = 'TCP' AND "
        "pid IN (SELECT pid FROM processes WHERE pid <> 0))");
    if (strcmp(result, "1") == 0) break;
  }
  ck_assert_str_eq(result, "1");
  free(result);
}
END_TEST

/* The OS tables are DIRECTONLY: TEMP views may use them, a view of the
 * database file may not (nor can it see the TEMP views). */
START_TEST(live_only_temp_views_reach_the_tables) {
  ck_assert_sql("", "CREATE VIEW main.persistent_netstat AS SELECT * FROM netstat");
  ck_assert_sql("error: unsafe use of virtual table \"netstat\"",
                "SELECT count(*) FROM persistent_netstat");
  ck_assert_sql(
      "", "CREATE VIEW main.persistent_artifact AS SELECT * FROM \"Windows.Network.Netstat\"");
  ck_assert_sql("error: no such table: main.Windows.Network.Netstat",
                "SELECT count(*) FROM persistent_artifact");
}
END_TEST

static int live_listener(int *port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ck_assert_int_ge(fd, 0);
  struct sockaddr_in address = {.sin_family = AF_INET};
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ck_assert_int_eq(bind(fd, (struct sockaddr *)&address, sizeof address), 0);
  ck_assert_int_eq(listen(fd, 4), 0);
  socklen_t length = sizeof address;
  ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&address, &length), 0);
  *port = ntohs(address.sin_port);
  return fd;
}

START_TEST(live_own_listener) {
  int port;
  int fd = live_listener(&port);
  if (harness_is_wine()) {
    /* Wine reports pid 0 for every socket: no process, and not a listening port of one. */
    ck_assert_sql("0|NULL|'IPv4'|'TCP'|'LISTEN'|'127.0.0.1'",
                  "SELECT Pid, Name, Family, Type, Status, \"Laddr.IP\" "
                  "FROM \"Windows.Network.Netstat\" WHERE \"Laddr.Port\" = %d",
                  port);
    ck_assert_sql("0", "SELECT count(*) FROM \"Windows.Network.ListeningPorts\" WHERE Port = %d",
                  port);
    ck_assert_sql(
        "0|NULL|NULL|NULL|'LISTEN'",
        "SELECT Pid, Name, Path, Hash, Status FROM " ENRICHED " WHERE \"Laddr.Port\" = %d", port);
    close(fd);
    return;
  }
  char path[4096];
  ssize_t length = readlink("/proc/self/exe", path, sizeof path - 1);
  ck_assert_int_gt(length, 0);
  path[length] = 0;
  int status;
  char *sum = harness_command(&status, "sha256sum '%s' | cut -c1-64", path);
  ck_assert_int_eq(status, 0);
  sum[strcspn(sum, "\n")] = 0;
  /* The kernel's name for this process: 'check_views', or the tool's under valgrind. */
  char comm[32];
  harness_own_comm(comm, sizeof comm);
  char expected[8192];
  snprintf(expected, sizeof expected, "%d|'%s'", (int)getpid(), comm);
  ck_assert_sql(expected,
                "SELECT Pid, Name FROM \"Windows.Network.Netstat\" WHERE \"Laddr.Port\" = %d",
                port);
  snprintf(expected, sizeof expected, "%d|'%s'|%d|'TCP'|'IPv4'|'127.0.0.1'", (int)getpid(), comm,
           port);
  ck_assert_sql(expected, "SELECT * FROM \"Windows.Network.ListeningPorts\" WHERE Port = %d", port);
  snprintf(expected, sizeof expected, "%d|%d|'%s'|'%s'|'%s'|'LISTEN'|'127.0.0.1'|'0.0.0.0'|0",
           (int)getpid(), (int)getppid(), comm, path, sum);
  ck_assert_sql(
      expected,
      "SELECT Pid, Ppid, Name, Path, Hash ->> '$.SHA256', Status, \"Laddr.IP\", \"Raddr.IP\", "
      "\"Raddr.Port\" FROM " ENRICHED " WHERE \"Laddr.Port\" = %d",
      port);
  /* The parameters reach the live view: a name that is not ours hides it. */
  ck_assert_sql(
      "", "UPDATE artifact_params SET value = '^no-such-process$' WHERE name = 'ProcessNameRegex'");
  ck_assert_sql("0", "SELECT count(*) FROM " ENRICHED " WHERE \"Laddr.Port\" = %d", port);
  free(sum);
  close(fd);
}
END_TEST

START_TEST(live_enriched_hashes_only_its_processes) {
  /* Only the processes that own a kept connection are hashed: with a filter
   * that keeps just our listener, at most our one executable is read. */
  int port;
  int fd = live_listener(&port);
  ck_assert_sql("", "UPDATE artifact_params SET value = '^%d$' WHERE name = 'PortRegex'", port);
  ck_assert_sql("1", "SELECT count(*) FROM " ENRICHED);
  char *before = harness_sql("SELECT vqlite_counter('files_hashed')");
  ck_assert_sql("1", "SELECT count(*) FROM " ENRICHED);
  char *after = harness_sql("SELECT vqlite_counter('files_hashed') - %s", before);
  ck_assert_msg(atoi(after) <= 1, "hashed %s files for one process", after);
  free(before);
  free(after);
  close(fd);
}
END_TEST

/* ---- native: loading ----------------------------------------------------------------------- */
static const char *so_path(void) {
  const char *path = getenv("VQLITE_SO");
  return path && *path ? path : "./vqlite";
}

static int load(sqlite3 *db, char **error) {
  sqlite3_enable_load_extension(db, 1);
  return sqlite3_load_extension(db, so_path(), NULL, error);
}

static char *value_of(sqlite3 *db, const char *sql) {
  sqlite3_stmt *stmt = NULL;
  ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
  ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
  const char *text = (const char *)sqlite3_column_text(stmt, 0);
  char *copy = strdup(text ? text : "NULL");
  sqlite3_finalize(stmt);
  return copy;
}

START_TEST(load_twice_keeps_values) {
  sqlite3 *db;
  char *error = NULL;
  ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
  ck_assert_int_eq(load(db, &error), SQLITE_OK);
  ck_assert_int_eq(sqlite3_exec(db, "UPDATE artifact_params SET value = 'UDP' WHERE name = 'Type'",
                                NULL, NULL, NULL),
                   SQLITE_OK);
  ck_assert_msg(load(db, &error) == SQLITE_OK, "second load: %s", error ? error : "?");
  char *value = value_of(db, "SELECT value FROM artifact_params WHERE name = 'Type'");
  ck_assert_str_eq(value, "UDP");
  free(value);
  value = value_of(db, "SELECT count(*) FROM temp.sqlite_schema");
  ck_assert_str_eq(value, "11"); /* table + its index + 3 triggers + 6 views */
  free(value);
  sqlite3_close(db);
}
END_TEST

typedef int (*init_function)(sqlite3 *, char **, const sqlite3_api_routines *);

START_TEST(load_through_auto_extension) {
  char path[4096];
  snprintf(path, sizeof path, "%s.so", so_path());
  void *library = dlopen(path, RTLD_NOW);
  ck_assert_msg(library != NULL, "dlopen %s: %s", path, dlerror());
  init_function init = (init_function)dlsym(library, "sqlite3_vqlite_init");
  ck_assert_ptr_nonnull(init);
  ck_assert_int_eq(sqlite3_auto_extension((void (*)(void))init), SQLITE_OK);
  sqlite3 *db;
  char *error = NULL;
  ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
  char *value = value_of(db, "SELECT count(*) FROM vqlite_artifacts");
  ck_assert_str_eq(value, "5");
  free(value);
  ck_assert_msg(load(db, &error) == SQLITE_OK, "explicit load after auto: %s", error ? error : "?");
  sqlite3_close(db);
  sqlite3_reset_auto_extension();
}
END_TEST

START_TEST(load_writes_nothing_to_the_file) {
  char name[] = "/tmp/vqlite-views-XXXXXX";
  int fd = mkstemp(name);
  ck_assert_int_ge(fd, 0);
  close(fd);
  sqlite3 *db;
  char *error = NULL;
  ck_assert_int_eq(sqlite3_open(name, &db), SQLITE_OK);
  ck_assert_int_eq(load(db, &error), SQLITE_OK);
  ck_assert_int_eq(sqlite3_exec(db,
                                "UPDATE artifact_params SET value = 'TCP' WHERE name = 'Type'; "
                                "SELECT * FROM \"Windows.Network.Netstat\"",
                                NULL, NULL, NULL),
                   SQLITE_OK);
  sqlite3_close(db);
  struct stat info;
  ck_assert_int_eq(stat(name, &info), 0);
  ck_assert_int_eq(info.st_size, 0);
  unlink(name);
}
END_TEST

START_TEST(load_failure_names_the_file) {
  sqlite3 *db;
  char *error = NULL;
  ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
  ck_assert_int_eq(load(db, &error), SQLITE_OK);
  ck_assert_int_eq(sqlite3_exec(db,
                                "DROP VIEW \"Windows.Network.Netstat\"; "
                                "CREATE TEMP TABLE \"Windows.Network.Netstat\"(x)",
                                NULL, NULL, NULL),
                   SQLITE_OK);
  ck_assert_int_ne(load(db, &error), SQLITE_OK);
  ck_assert_str_eq(error,
                   "error during initialization: vqlite: installing the artifact views failed in "
                   "sql/40-netstat.sql: "
                   "use DROP TABLE to delete table Windows.Network.Netstat");
  sqlite3_free(error);
  /* Nothing half-installed: the views of the failed load are the old ones, still there. */
  char *value = value_of(db, "SELECT count(*) FROM temp.sqlite_schema WHERE type = 'view'");
  ck_assert_str_eq(value, "5");
  free(value);
  sqlite3_close(db);
}
END_TEST

/* ---- native: the CSV map reader -------------------------------------------------------------- */
static int map_rows(const char *text, char *out, size_t size, char *error) {
  vq_map_reader reader;
  vq_map_row row;
  out[0] = 0;
  if (vq_map_reader_init(&reader, text, strlen(text), error, 256) < 0) return -1;
  int rc;
  while ((rc = vq_map_reader_next(&reader, &row, error, 256)) == 1)
    snprintf(out + strlen(out), size - strlen(out), "[%s=%s@%d]", row.choice, row.regex, row.line);
  return rc;
}

START_TEST(map_reader_seed_form) {
  char out[512], error[256];
  ck_assert_int_eq(map_rows("Choice,Regex\nALL,\".*\"\nNOT TRUSTED,\"unsigned|error\"\n", out,
                            sizeof out, error),
                   0);
  ck_assert_str_eq(out, "[ALL=.*@2][NOT TRUSTED=unsigned|error@3]");
}
END_TEST
START_TEST(map_reader_quotes_crlf_blank_lines) {
  char out[512], error[256];
  ck_assert_int_eq(map_rows("\r\nRegex,Note,Choice\r\n\"a\"\"b\",\"x,\ny\",Q\r\n\r\n^c$,,R", out,
                            sizeof out, error),
                   0);
  ck_assert_str_eq(out, "[Q=a\"b@3][R=^c$@6]");
}
END_TEST
START_TEST(map_reader_errors) {
  char out[512], error[256];
  ck_assert_int_eq(map_rows("", out, sizeof out, error), -1);
  ck_assert_str_eq(error, "line 1: no header row (expected Choice,Regex)");
  ck_assert_int_eq(map_rows("Choice,Pattern\n", out, sizeof out, error), -1);
  ck_assert_str_eq(error, "line 1: the header row does not name both columns Choice and Regex");
  ck_assert_int_eq(map_rows("Choice,Regex\nA,a,extra\n", out, sizeof out, error), -1);
  ck_assert_str_eq(error, "line 2: 3 fields where the header has 2");
  ck_assert_int_eq(map_rows("Choice,Regex\nA,\"open\n", out, sizeof out, error), -1);
  ck_assert_str_eq(error, "line 3: a quoted field is not closed");
  ck_assert_int_eq(map_rows("Choice,Regex\nA,\"x\"y\n", out, sizeof out, error), -1);
  ck_assert_str_eq(error, "line 2: a character after the closing quote of a field");
  ck_assert_int_eq(map_rows("Choice,Regex\nA,x\"y\n", out, sizeof out, error), -1);
  ck_assert_str_eq(error, "line 2: a quote inside a field that is not quoted");
}
END_TEST
START_TEST(map_reader_long_field) {
  char text[3000], out[512], error[256];
  snprintf(text, sizeof text, "Choice,Regex\nA,%02000d\n", 0);
  ck_assert_int_eq(map_rows(text, out, sizeof out, error), -1);
  ck_assert_str_eq(error, "line 3: a field is too long");
}
END_TEST

static TCase *fixture_cases(void) {
  TCase *tcase = tcase_create("fixture");
  tcase_add_checked_fixture(tcase, fixture_open, harness_close);
  tcase_set_timeout(tcase, 60);
  TTest const *const tests[] = {netstat_tcp_rows,
                                netstat_udp_format,
                                netstat_unlisted_pids_have_no_name,
                                netstat_every_socket_once,
                                netstat_column_names,
                                listening_ports_inner_join,
                                listening_ports_column_names,
                                interface_addresses_rows,
                                interface_addresses_masks,
                                interface_addresses_without_address,
                                interface_addresses_column_names,
                                arp_cache_one_row_per_local_address,
                                arp_cache_rows_per_neighbor,
                                arp_cache_interface_without_address,
                                arp_cache_state_map_parameter,
                                arp_cache_column_names,
                                enriched_defaults_keep_every_socket,
                                enriched_full_row,
                                enriched_catalog_signed,
                                enriched_unreadable_file,
                                enriched_not_a_pe,
                                enriched_pid0_and_unlisted,
                                enriched_system_without_path,
                                enriched_column_names,
                                enriched_family_ipv4,
                                enriched_family_ipv6,
                                enriched_family_all,
                                enriched_type_tcp,
                                enriched_type_udp,
                                enriched_type_all,
                                enriched_status_established,
                                enriched_status_listening,
                                enriched_status_other,
                                enriched_status_all,
                                enriched_verified_trusted,
                                enriched_verified_unsigned,
                                enriched_verified_not_trusted,
                                enriched_verified_all,
                                enriched_map_drives_choice,
                                enriched_ip_regex,
                                enriched_ip_regex_caseless,
                                enriched_ip_regex_udp_remote_is_empty,
                                enriched_port_regex,
                                enriched_port_regex_udp_remote_is_zero,
                                enriched_process_name_filters_connections,
                                enriched_process_name_match_all_keeps_null,
                                enriched_process_path_regex,
                                enriched_process_path_empty_keeps_null,
                                enriched_command_line_regex,
                                enriched_username_regex,
                                enriched_hash_regex_sha256,
                                enriched_hash_regex_sha1,
                                enriched_hash_regex_md5,
                                enriched_subject_regex,
                                enriched_issuer_regex,
                                enriched_two_parameters_combine,
                                artifacts_columns_match_views,
                                artifacts_all_temp};
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) tcase_add_test(tcase, tests[i]);
  return tcase;
}

static TCase *param_cases(void) {
  TCase *tcase = harness_tcase("params");
  TTest const *const tests[] = {params_listed,
                                params_defaults_and_choices,
                                params_set_and_reset,
                                params_refuse_unknown_choice,
                                params_refuse_bad_regex,
                                params_refuse_bad_map,
                                params_refuse_bad_json,
                                params_refuse_null_delete_and_other_columns,
                                params_refused_update_is_atomic,
                                params_map_function,
                                artifacts_listing,
                                artifacts_listing_shows_current_values};
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) tcase_add_test(tcase, tests[i]);
  return tcase;
}

static TCase *live_cases(void) {
  TCase *tcase = harness_tcase("live");
  tcase_add_test(tcase, live_every_view_runs);
  tcase_add_test(tcase, live_listening_ports_match_netstat);
  tcase_add_test(tcase, live_own_listener);
  tcase_add_test(tcase, live_only_temp_views_reach_the_tables);
  if (!harness_is_wine()) tcase_add_test(tcase, live_enriched_hashes_only_its_processes);
  return tcase;
}

int main(void) {
  Suite *suite = suite_create(harness_is_wine() ? "views (wine)" : "views");
  suite_add_tcase(suite, fixture_cases());
  suite_add_tcase(suite, param_cases());
  suite_add_tcase(suite, live_cases());
  if (!harness_is_wine()) {
    TCase *native = tcase_create("native");
    tcase_set_timeout(native, 30);
    tcase_add_test(native, load_twice_keeps_values);
    tcase_add_test(native, load_through_auto_extension);
    tcase_add_test(native, load_writes_nothing_to_the_file);
    tcase_add_test(native, load_failure_names_the_file);
    tcase_add_test(native, map_reader_seed_form);
    tcase_add_test(native, map_reader_quotes_crlf_blank_lines);
    tcase_add_test(native, map_reader_errors);
    tcase_add_test(native, map_reader_long_field);
    suite_add_tcase(suite, native);
  }
  int rc = harness_run(suite);
  free(fixture_text);
  return rc;
}

/*
** check_neighbors.c: the `arp_cache` and `interface_addresses` tables.
**
**   sql (both builds)  invariants that hold on any host: every arp_cache row
**                      has a valid family, state, store and address; the
**                      loopback addresses are present; the interface rows are
**                      well formed. Under Wine these run against vqlite.dll
**                      (GetIpNetTable2, GetAdaptersAddresses).
**   parsers (native)   the Linux rtnetlink parsers on canned dumps under
**                      tests/fixtures/neighbors/, truncated and malformed ones
**                      included, and on thousands of corrupted copies.
**   netns (native)     exact values in a network namespace that the suite
**                      makes itself (it must run as root): a veth with a set
**                      MAC, MTU and addresses, an up interface without any
**                      address, a down one, loopback, and neighbours added
**                      with `ip neigh` in known states. Each test enters the
**                      namespace with setns() in its own forked process and
**                      queries in-process; the namespace is deleted at exit,
**                      also after a failure.
*/
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "platform.h"
#include "../linux/interfaces.h"
#include "../linux/neighbors.h"

#define FIXTURES "tests/fixtures/neighbors/"

/* ---- SQL, on both builds ---------------------------------------------- */
START_TEST(arp_rows_are_valid) {
  ck_assert_sql("0",
                "SELECT count(*) FROM arp_cache WHERE address_family NOT IN ('IPv4','IPv6') "
                "OR state NOT IN "
                "('Unreachable','Incomplete','Probe','Delay','Stale','Reachable','Permanent') "
                "OR store NOT IN ('Active','Persistent') OR is_router NOT IN (0,1) "
                "OR typeof(interface_index) <> 'integer' OR typeof(interface_alias) <> 'text'");
}
END_TEST
START_TEST(arp_addresses_are_valid) {
  /* IPv4 text has three dots and no colon; IPv6 has a colon; link-layer
   * addresses are '' or uppercase hex pairs joined by dashes. */
  ck_assert_sql(
      "0",
      "SELECT count(*) FROM arp_cache WHERE "
      "(address_family = 'IPv4' AND NOT ip_address GLOB '[0-9]*.[0-9]*.[0-9]*.[0-9]*') "
      "OR (address_family = 'IPv6' AND instr(ip_address, ':') = 0) "
      "OR (link_layer_address <> '' AND NOT link_layer_address GLOB '[0-9A-F][0-9A-F]*' ) "
      "OR (link_layer_address <> '' AND (length(link_layer_address) + 1) %% 3 <> 0) "
      "OR link_layer_address GLOB '*[a-f:]*' OR link_layer_address IS NULL");
}
END_TEST
START_TEST(arp_is_read_only) {
  ck_assert_sql_prefix("error: table arp_cache may not be modified", "DELETE FROM arp_cache");
}
END_TEST
START_TEST(interfaces_loopback_ipv4) {
  ck_assert_sql("1",
                "SELECT count(*) >= 1 FROM interface_addresses WHERE address = '127.0.0.1' "
                "AND family = 'IPv4' AND prefix_length = 8 AND kind = 'unicast' "
                "AND flags LIKE '%%loopback%%' AND mac IS NULL");
}
END_TEST
START_TEST(interfaces_loopback_ipv6) {
  ck_assert_sql("1",
                "SELECT count(*) >= 1 FROM interface_addresses WHERE address = '::1' "
                "AND family = 'IPv6' AND prefix_length = 128 AND kind = 'unicast' "
                "AND flags LIKE '%%loopback%%'");
}
END_TEST
START_TEST(interfaces_rows_are_valid) {
  ck_assert_sql(
      "0",
      "SELECT count(*) FROM interface_addresses WHERE typeof(interface_index) <> 'integer' "
      "OR name IS NULL OR name = '' OR typeof(mtu) <> 'integer' OR mtu < -1 "
      "OR (mac IS NOT NULL AND (mac GLOB '*[A-F-]*' OR mac = '00:00:00:00:00:00')) "
      "OR (family IS NULL) <> (address IS NULL) OR (family IS NULL) <> (kind IS NULL) "
      "OR (family IS NULL) <> (prefix_length IS NULL) "
      "OR family NOT IN ('IPv4','IPv6') OR kind NOT IN ('unicast','anycast') "
      "OR prefix_length < 0 OR prefix_length > CASE family WHEN 'IPv4' THEN 32 ELSE 128 END");
}
END_TEST
START_TEST(interfaces_flags_in_order) {
  /* Each flags value is a subsequence of the canonical order. */
  ck_assert_sql(
      "0",
      "SELECT count(*) FROM interface_addresses WHERE flags REGEXP '^\\||\\|$|\\|\\||[^a-z|]' "
      "OR NOT flags REGEXP '^((up)?\\|?)((broadcast)?\\|?)((loopback)?\\|?)((pointtopoint)?\\|?)"
      "((multicast)?\\|?)((running)?)$'");
}
END_TEST
START_TEST(interfaces_listed_once_without_address) {
  /* An interface appears with NULL address columns only if it has no address. */
  ck_assert_sql("0",
                "SELECT count(*) FROM interface_addresses a WHERE a.address IS NULL AND "
                "(SELECT count(*) FROM interface_addresses b WHERE b.interface_index = "
                "a.interface_index) <> 1");
}
END_TEST
START_TEST(catalog_lists_columns) {
  ck_assert_sql("'arp_cache'|8\n'interface_addresses'|9",
                "SELECT table_name, count(*) FROM vqlite_columns WHERE table_name IN "
                "('arp_cache','interface_addresses') GROUP BY 1 ORDER BY 1");
}
END_TEST

static TCase *sql_cases(void) {
  TCase *tcase = harness_tcase("sql");
  tcase_add_test(tcase, arp_rows_are_valid);
  tcase_add_test(tcase, arp_addresses_are_valid);
  tcase_add_test(tcase, arp_is_read_only);
  tcase_add_test(tcase, interfaces_loopback_ipv4);
  tcase_add_test(tcase, interfaces_loopback_ipv6);
  tcase_add_test(tcase, interfaces_rows_are_valid);
  tcase_add_test(tcase, interfaces_flags_in_order);
  tcase_add_test(tcase, interfaces_listed_once_without_address);
  tcase_add_test(tcase, catalog_lists_columns);
  return tcase;
}

/* ---- parsers, on canned dumps ------------------------------------------ */
typedef struct fixture {
  unsigned char *data;
  size_t length;
} fixture;

static fixture fixture_read(const char *name) {
  char path[256];
  snprintf(path, sizeof path, FIXTURES "%s", name);
  FILE *file = fopen(path, "rb");
  ck_assert_msg(file != NULL, "cannot open %s: %s", path, strerror(errno));
  fixture result = {malloc(65536), 0};
  result.length = fread(result.data, 1, 65536, file);
  fclose(file);
  return result;
}

static const char *const state_names[] = {"Unreachable", "Incomplete", "Probe",    "Delay",
                                          "Stale",       "Reachable",  "Permanent"};

/* The rows as "index|family|ip|lladdr|state|router" lines. */
static char *neighbors_text(const vq_neighbor_set *set) {
  size_t size = 64 + set->count * 256;
  char *text = malloc(size);
  size_t used = 0;
  text[0] = 0;
  for (size_t i = 0; i < set->count; i++) {
    const vq_neighbor *row = &set->rows[i];
    char hardware[VQ_HARDWARE_TEXT_SIZE];
    vq_hardware_address_text(row->link_layer_address, row->link_layer_length, '-', 1, hardware);
    used += (size_t)snprintf(text + used, size - used, "%s%lld|%d|%s|%s|%s|%d", i ? "\n" : "",
                             (long long)row->interface_index, row->family, row->ip_address,
                             hardware, state_names[row->state], row->is_router);
  }
  return text;
}

static char *neighbors_parse_text(const char *name, int *status, vq_error *error) {
  fixture input = fixture_read(name);
  vq_neighbor_set set = {0};
  *status = linux_neighbors_parse(input.data, input.length, &set, error);
  char *text = neighbors_text(&set);
  vq_neighbors_free(&set);
  free(input.data);
  return text;
}

START_TEST(parse_neighbor_dump) {
  vq_error error = {{0}};
  int status;
  char *text = neighbors_parse_text("neigh-dump.bin", &status, &error);
  ck_assert_int_eq(status, 0);
  ck_assert_str_eq(text,
                   "2|4|192.168.1.1|00-15-5D-01-02-03|Reachable|0\n"
                   "2|6|fe80::1|00-15-5D-0A-0B-0C|Stale|1\n"
                   "2|4|192.168.1.77||Incomplete|0\n"
                   "2|4|192.168.1.99||Unreachable|0\n"
                   "3|6|2001:db8::5|02-00-00-00-00-05|Permanent|0\n"
                   "2|4|224.0.0.22|01-00-5E-00-00-16|Permanent|0\n"
                   "2|4|192.168.1.2|00-15-5D-01-02-04|Delay|0\n"
                   "2|6|2001:db8::6|00-15-5D-01-02-06|Probe|0\n"
                   "2|6|2001:db8::7||Unreachable|0");
  free(text);
}
END_TEST

START_TEST(parse_neighbor_malformed_rows) {
  vq_error error = {{0}};
  int status;
  char *text = neighbors_parse_text("neigh-malformed-rows.bin", &status, &error);
  ck_assert_int_eq(status, 0);
  /* The overrunning LLADDR ends the attribute walk: the row keeps its
   * destination and has no link-layer address. */
  ck_assert_str_eq(text, "2|4|10.0.0.3||Stale|0\n2|4|10.0.0.4|02-00-00-00-00-04|Reachable|0");
  free(text);
}
END_TEST

START_TEST(parse_neighbor_truncated) {
  vq_error error = {{0}};
  int status;
  free(neighbors_parse_text("neigh-truncated.bin", &status, &error));
  ck_assert_int_eq(status, -1);
  ck_assert_str_eq(error.message,
                   "arp_cache: malformed netlink message at byte 136: length 36, "
                   "expected 16 to 18");
}
END_TEST

START_TEST(parse_neighbor_short_tail) {
  vq_error error = {{0}};
  int status;
  free(neighbors_parse_text("neigh-short-tail.bin", &status, &error));
  ck_assert_int_eq(status, -1);
  ck_assert_str_eq(error.message,
                   "arp_cache: netlink answer truncated at byte 136: 7 bytes left, "
                   "a message header needs 16");
}
END_TEST

START_TEST(parse_neighbor_bad_length) {
  vq_error error = {{0}};
  int status;
  free(neighbors_parse_text("neigh-bad-length.bin", &status, &error));
  ck_assert_int_eq(status, -1);
  ck_assert_str_eq(error.message,
                   "arp_cache: malformed netlink message at byte 76: length 8, "
                   "expected 16 to 16");
}
END_TEST

START_TEST(parse_neighbor_empty) {
  vq_error error = {{0}};
  vq_neighbor_set set = {0};
  ck_assert_int_eq(linux_neighbors_parse(NULL, 0, &set, &error), 0);
  ck_assert_uint_eq(set.count, 0);
  vq_neighbors_free(&set);
}
END_TEST

START_TEST(parse_neighbor_unaligned) {
  /* A fuzzer's buffer may start anywhere: the parse must not depend on it. */
  fixture input = fixture_read("neigh-dump.bin");
  unsigned char *shifted = malloc(input.length + 1);
  memcpy(shifted + 1, input.data, input.length);
  vq_error error = {{0}};
  vq_neighbor_set aligned = {0}, unaligned = {0};
  ck_assert_int_eq(linux_neighbors_parse(input.data, input.length, &aligned, &error), 0);
  ck_assert_int_eq(linux_neighbors_parse(shifted + 1, input.length, &unaligned, &error), 0);
  char *a = neighbors_text(&aligned), *b = neighbors_text(&unaligned);
  ck_assert_str_eq(a, b);
  free(a), free(b), free(shifted), free(input.data);
  vq_neighbors_free(&aligned);
  vq_neighbors_free(&unaligned);
}
END_TEST

START_TEST(nud_state_mapping) {
  ck_assert_int_eq(linux_neighbors_state_from_nud(0x01), VQ_NEIGHBOR_INCOMPLETE);
  ck_assert_int_eq(linux_neighbors_state_from_nud(0x02), VQ_NEIGHBOR_REACHABLE);
  ck_assert_int_eq(linux_neighbors_state_from_nud(0x04), VQ_NEIGHBOR_STALE);
  ck_assert_int_eq(linux_neighbors_state_from_nud(0x08), VQ_NEIGHBOR_DELAY);
  ck_assert_int_eq(linux_neighbors_state_from_nud(0x10), VQ_NEIGHBOR_PROBE);
  ck_assert_int_eq(linux_neighbors_state_from_nud(0x20), VQ_NEIGHBOR_UNREACHABLE);
  ck_assert_int_eq(linux_neighbors_state_from_nud(0x40), VQ_NEIGHBOR_PERMANENT);
  ck_assert_int_eq(linux_neighbors_state_from_nud(0x80), VQ_NEIGHBOR_PERMANENT);
  ck_assert_int_eq(linux_neighbors_state_from_nud(0x00), VQ_NEIGHBOR_UNREACHABLE);
}
END_TEST

static const char *flags_text(unsigned flags, char *out) {
  static const char *const names[] = {"up",           "broadcast", "loopback",
                                      "pointtopoint", "multicast", "running"};
  out[0] = 0;
  for (int i = 0; i < 6; i++)
    if (flags & (1u << i)) strcat(strcat(out, out[0] ? "|" : ""), names[i]);
  return out;
}

/* The rows as "index|name|mtu|mac|flags|family|address|prefix|kind" lines. */
static char *interfaces_text(const vq_interface_set *set) {
  size_t size = 64 + set->count * 512;
  char *text = malloc(size);
  size_t used = 0;
  text[0] = 0;
  for (size_t i = 0; i < set->count; i++) {
    const vq_interface_address *row = &set->rows[i];
    char flags[80];
    used += (size_t)snprintf(text + used, size - used, "%s%lld|%s|%lld|%s|%s|", i ? "\n" : "",
                             (long long)row->interface_index, row->name, (long long)row->mtu,
                             row->mac, flags_text(row->flags, flags));
    if (row->kind == VQ_ADDRESS_NONE)
      used += (size_t)snprintf(text + used, size - used, "-");
    else
      used += (size_t)snprintf(text + used, size - used, "%d|%s|%d|%s", row->family, row->address,
                               row->prefix_length,
                               row->kind == VQ_ADDRESS_ANYCAST ? "anycast" : "unicast");
  }
  return text;
}

static char *interfaces_parse_text(const char *links_name, const char *addresses_name,
                                   const char *anycast_name, int *status, vq_error *error) {
  fixture links = fixture_read(links_name), addresses = fixture_read(addresses_name);
  fixture anycast = anycast_name ? fixture_read(anycast_name) : (fixture){NULL, 0};
  vq_interface_set set = {0};
  *status =
      linux_interfaces_parse((linux_interfaces_bytes){links.data, links.length},
                             (linux_interfaces_bytes){addresses.data, addresses.length},
                             (linux_interfaces_bytes){anycast.data, anycast.length}, &set, error);
  char *text = interfaces_text(&set);
  vq_interfaces_free(&set);
  free(links.data), free(addresses.data), free(anycast.data);
  return text;
}

START_TEST(parse_interfaces_join) {
  vq_error error = {{0}};
  int status;
  char *text = interfaces_parse_text("links.bin", "addrs.bin", "anycast.bin", &status, &error);
  ck_assert_int_eq(status, 0);
  ck_assert_str_eq(
      text,
      "1|lo|65536||up|loopback|running|4|127.0.0.1|8|unicast\n"
      "1|lo|65536||up|loopback|running|6|::1|128|unicast\n"
      "2|eth0|1500|00:15:5d:01:02:03|up|broadcast|multicast|running|4|192.168.1.10|24|unicast\n"
      "2|eth0|1500|00:15:5d:01:02:03|up|broadcast|multicast|running|4|192.168.1.11|24|unicast\n"
      "2|eth0|1500|00:15:5d:01:02:03|up|broadcast|multicast|running|6|fe80::215:5dff:fe01:203|64|"
      "unicast\n"
      "2|eth0|1500|00:15:5d:01:02:03|up|broadcast|multicast|running|6|2001:db8::10|64|unicast\n"
      "2|eth0|1500|00:15:5d:01:02:03|up|broadcast|multicast|running|6|2001:db8::|128|anycast\n"
      "3|sit0|1480|||-\n"
      "4|wlan0|1500|3c:22:fb:aa:bb:cc|broadcast|multicast|-\n"
      "5|tun0|1420||up|pointtopoint|multicast|running|4|10.8.0.2|32|unicast");
  free(text);
}
END_TEST

START_TEST(parse_interfaces_without_anycast) {
  vq_error error = {{0}};
  int status;
  char *text = interfaces_parse_text("links.bin", "addrs.bin", NULL, &status, &error);
  ck_assert_int_eq(status, 0);
  ck_assert_ptr_null(strstr(text, "anycast"));
  ck_assert_ptr_nonnull(strstr(text, "2001:db8::10|64|unicast\n3|sit0"));
  free(text);
}
END_TEST

START_TEST(parse_interfaces_malformed_rows) {
  vq_error error = {{0}};
  int status;
  char *text = interfaces_parse_text("links.bin", "addrs-malformed.bin", NULL, &status, &error);
  ck_assert_int_eq(status, 0);
  /* Only the one good address survives; every link still appears. */
  ck_assert_str_eq(
      text,
      "1|lo|65536||up|loopback|running|-\n"
      "2|eth0|1500|00:15:5d:01:02:03|up|broadcast|multicast|running|4|192.168.1.10|24|unicast\n"
      "3|sit0|1480|||-\n"
      "4|wlan0|1500|3c:22:fb:aa:bb:cc|broadcast|multicast|-\n"
      "5|tun0|1420||up|pointtopoint|multicast|running|-");
  free(text);
}
END_TEST

START_TEST(parse_interfaces_truncated) {
  vq_error error = {{0}};
  int status;
  free(interfaces_parse_text("links.bin", "addrs-truncated.bin", NULL, &status, &error));
  ck_assert_int_eq(status, -1);
  ck_assert_str_eq(error.message,
                   "interface_addresses: malformed RTM_GETADDR message at byte 296: "
                   "length 40, expected 16 to 30");
}
END_TEST

START_TEST(parse_interfaces_links_as_addresses) {
  /* A dump of the wrong kind yields no addresses (its messages are skipped),
   * never garbage. */
  vq_error error = {{0}};
  int status;
  char *text = interfaces_parse_text("links.bin", "links.bin", "neigh-dump.bin", &status, &error);
  ck_assert_int_eq(status, 0);
  ck_assert_ptr_null(strstr(text, "unicast"));
  ck_assert_ptr_null(strstr(text, "anycast"));
  free(text);
}
END_TEST

/* Thousands of corrupted copies of each dump: every parse ends with 0 or -1
 * and leaves only well-formed rows (run under ASan/valgrind for the rest). */
START_TEST(parse_corrupted_copies) {
  fixture neighbors = fixture_read("neigh-dump.bin"), links = fixture_read("links.bin"),
          addresses = fixture_read("addrs.bin");
  unsigned seed = 12345;
  for (int round = 0; round < 3000; round++) {
    fixture copies[3] = {neighbors, links, addresses};
    unsigned char *buffers[3];
    for (int c = 0; c < 3; c++) {
      buffers[c] = malloc(copies[c].length);
      memcpy(buffers[c], copies[c].data, copies[c].length);
      for (int flips = 0; flips < 1 + round % 4; flips++) {
        seed = seed * 1103515245u + 12345u;
        buffers[c][(seed >> 8) % copies[c].length] = (unsigned char)(seed >> 16);
      }
      seed = seed * 1103515245u + 12345u;
      if (round % 5 == 0) copies[c].length -= (seed >> 8) % copies[c].length;
    }
    vq_error error;
    vq_neighbor_set neighbor_set = {0};
    int status = linux_neighbors_parse(buffers[0], copies[0].length, &neighbor_set, &error);
    ck_assert(status == 0 || status == -1);
    for (size_t i = 0; i < neighbor_set.count; i++) {
      ck_assert(neighbor_set.rows[i].family == 4 || neighbor_set.rows[i].family == 6);
      ck_assert(neighbor_set.rows[i].state < VQ_NEIGHBOR_STATE_COUNT);
      ck_assert(strlen(neighbor_set.rows[i].ip_address) > 0);
    }
    vq_neighbors_free(&neighbor_set);
    vq_interface_set interface_set = {0};
    status = linux_interfaces_parse((linux_interfaces_bytes){buffers[1], copies[1].length},
                                    (linux_interfaces_bytes){buffers[2], copies[2].length},
                                    (linux_interfaces_bytes){NULL, 0}, &interface_set, &error);
    ck_assert(status == 0 || status == -1);
    for (size_t i = 0; i < interface_set.count; i++) {
      const vq_interface_address *row = &interface_set.rows[i];
      ck_assert(row->kind == VQ_ADDRESS_NONE ||
                row->prefix_length <= (row->family == 4 ? 32 : 128));
      ck_assert(strlen(row->name) > 0);
    }
    vq_interfaces_free(&interface_set);
    for (int c = 0; c < 3; c++) free(buffers[c]);
  }
  free(neighbors.data), free(links.data), free(addresses.data);
}
END_TEST

START_TEST(hardware_address_text) {
  char out[VQ_HARDWARE_TEXT_SIZE];
  const unsigned char mac[] = {0x00, 0x15, 0x5d, 0x01, 0xab, 0xff};
  vq_hardware_address_text(mac, 6, '-', 1, out);
  ck_assert_str_eq(out, "00-15-5D-01-AB-FF");
  vq_interface_mac_text(mac, 6, out);
  ck_assert_str_eq(out, "00:15:5d:01:ab:ff");
  const unsigned char zeros[6] = {0};
  vq_interface_mac_text(zeros, 6, out);
  ck_assert_str_eq(out, "");
  unsigned char long_address[40];
  memset(long_address, 0xab, sizeof long_address);
  vq_hardware_address_text(long_address, sizeof long_address, '-', 1, out);
  ck_assert_uint_eq(strlen(out), VQ_HARDWARE_ADDRESS_MAX * 3 - 1);
}
END_TEST

START_TEST(ip_text_matches_inet_ntop) {
  /* Special forms first, then pseudo-random addresses with many zero groups. */
  static const char *const samples[] = {"::",
                                        "::1",
                                        "::ffff:192.0.2.1",
                                        "::192.0.2.1",
                                        "::0.0.1.0",
                                        "1::",
                                        "1:0:0:2::3",
                                        "1:0:0:2:0:0:0:3",
                                        "fe80::1:0:0:1",
                                        "2001:db8:0:0:1:0:0:1",
                                        "0:0:1::",
                                        "::ffff:0:1",
                                        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                                        "::fffe:1.2.3.4"};
  unsigned char bytes[16];
  char ours[64], theirs[64];
  for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
    ck_assert_int_eq(inet_pton(AF_INET6, samples[i], bytes), 1);
    linux_ip_text(AF_INET6, bytes, ours);
    inet_ntop(AF_INET6, bytes, theirs, sizeof theirs);
    ck_assert_str_eq(ours, theirs);
  }
  unsigned seed = 99;
  for (int round = 0; round < 20000; round++) {
    for (int b = 0; b < 16; b += 2) {
      seed = seed * 1103515245u + 12345u;
      unsigned pick = seed >> 16;
      bytes[b] = pick % 3 == 0 ? 0 : (unsigned char)(pick >> 4);
      bytes[b + 1] = pick % 3 == 0 ? 0 : (unsigned char)(pick >> 8);
    }
    if (round % 7 == 0) memset(bytes, 0, 10), bytes[10] = bytes[11] = (round % 14 == 0) ? 0xff : 0;
    linux_ip_text(AF_INET6, bytes, ours);
    inet_ntop(AF_INET6, bytes, theirs, sizeof theirs);
    ck_assert_str_eq(ours, theirs);
    linux_ip_text(AF_INET, bytes, ours);
    inet_ntop(AF_INET, bytes, theirs, sizeof theirs);
    ck_assert_str_eq(ours, theirs);
  }
}
END_TEST

static TCase *parser_cases(void) {
  TCase *tcase = tcase_create("parsers");
  tcase_set_timeout(tcase, 60);
  tcase_add_test(tcase, parse_neighbor_dump);
  tcase_add_test(tcase, parse_neighbor_malformed_rows);
  tcase_add_test(tcase, parse_neighbor_truncated);
  tcase_add_test(tcase, parse_neighbor_short_tail);
  tcase_add_test(tcase, parse_neighbor_bad_length);
  tcase_add_test(tcase, parse_neighbor_empty);
  tcase_add_test(tcase, parse_neighbor_unaligned);
  tcase_add_test(tcase, nud_state_mapping);
  tcase_add_test(tcase, parse_interfaces_join);
  tcase_add_test(tcase, parse_interfaces_without_anycast);
  tcase_add_test(tcase, parse_interfaces_malformed_rows);
  tcase_add_test(tcase, parse_interfaces_truncated);
  tcase_add_test(tcase, parse_interfaces_links_as_addresses);
  tcase_add_test(tcase, parse_corrupted_copies);
  tcase_add_test(tcase, hardware_address_text);
  tcase_add_test(tcase, ip_text_matches_inet_ntop);
  return tcase;
}

/* ---- a network namespace of known contents (native, root) ------------- */
static char netns_name[64];
static int netns_made;
static pid_t netns_owner; /* Check forks each test: only the maker deletes */

static const char *const netns_setup[] = {
    "ip netns add %s",
    "ip -n %s link set lo up",
    "ip -n %s link add vq0 type veth peer name vq1",
    "ip -n %s link set vq0 address 02:11:22:33:44:55 mtu 1400 addrgenmode none",
    "ip -n %s link set vq1 address 02:11:22:33:44:66 addrgenmode none",
    "ip -n %s link add vq2 type veth peer name vq3",
    "ip -n %s link set vq2 address 02:11:22:33:44:77 addrgenmode none",
    /* forwarding makes the kernel add the subnet-router anycast address */
    "ip netns exec %s sysctl -qw net.ipv6.conf.all.forwarding=1",
    /* reachable entries stay reachable for the whole run */
    "ip netns exec %s sysctl -qw net.ipv4.neigh.vq0.base_reachable_time_ms=3600000",
    "ip netns exec %s sysctl -qw net.ipv6.neigh.vq0.base_reachable_time_ms=3600000",
    "ip -n %s addr add 192.0.2.1/24 dev vq0",
    "ip -n %s addr add 2001:db8::1/64 dev vq0 nodad",
    "ip -n %s link set vq0 up",
    "ip -n %s link set vq1 up",
    "ip -n %s neigh add 192.0.2.10 lladdr 02:aa:bb:cc:dd:01 dev vq0 nud permanent",
    "ip -n %s neigh add 192.0.2.11 lladdr 02:aa:bb:cc:dd:02 dev vq0 nud reachable",
    "ip -n %s neigh add 192.0.2.12 lladdr 02:aa:bb:cc:dd:03 dev vq0 nud stale",
    "ip -n %s neigh add 192.0.2.13 dev vq0 nud incomplete",
    "ip -n %s -6 neigh add 2001:db8::12 lladdr 02:aa:bb:cc:dd:04 dev vq0 nud stale router",
    "ip -n %s -6 neigh add 2001:db8::13 lladdr 02:aa:bb:cc:dd:05 dev vq0 nud permanent",
};

static void netns_remove(void) {
  if (!netns_made || getpid() != netns_owner) return;
  char command[160];
  snprintf(command, sizeof command, "ip netns del %s 2>/dev/null", netns_name);
  if (system(command) != 0)
    fprintf(stderr, "check_neighbors: could not delete namespace %s\n", netns_name);
  netns_made = 0;
}

static void netns_on_signal(int signal_number) {
  netns_remove();
  signal(signal_number, SIG_DFL);
  raise(signal_number);
}

/* Makes the namespace; returns NULL or what failed (the tests then fail
 * with that message: nothing is skipped). */
static const char *netns_make(void) {
  static char failure[512];
  netns_owner = getpid();
  snprintf(netns_name, sizeof netns_name, "vqtest-%d", (int)netns_owner);
  atexit(netns_remove);
  signal(SIGINT, netns_on_signal);
  signal(SIGTERM, netns_on_signal);
  for (size_t i = 0; i < sizeof netns_setup / sizeof netns_setup[0]; i++) {
    char command[256];
    snprintf(command, sizeof command, netns_setup[i], netns_name);
    char quiet[sizeof command + 32];
    snprintf(quiet, sizeof quiet, "%s >/dev/null 2>&1", command);
    if (system(quiet) != 0) {
      snprintf(failure, sizeof failure,
               "setting up the test namespace failed (root and "
               "iproute2 are needed): %s",
               command);
      return failure;
    }
    if (i == 0) netns_made = 1;
  }
  /* IFF_RUNNING follows the carrier, which the kernel reports a moment
   * after the link is set up: wait until both ends are up. */
  for (int tries = 0; tries < 50; tries++) {
    char command[160];
    snprintf(command, sizeof command, "ip -n %s -o link show up | grep -c 'LOWER_UP' | grep -qx 3",
             netns_name);
    if (system(command) == 0) return NULL;
    usleep(100 * 1000);
  }
  snprintf(failure, sizeof failure, "the veth pair in namespace %s never came up", netns_name);
  return failure;
}

static const char *netns_failure;

/* Enters the namespace (each Check test runs in its own forked process). */
static void netns_enter(void) {
  ck_assert_msg(netns_failure == NULL, "%s", netns_failure);
  char path[128];
  snprintf(path, sizeof path, "/var/run/netns/%s", netns_name);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  ck_assert_msg(fd >= 0, "cannot open %s: %s", path, strerror(errno));
  ck_assert_msg(setns(fd, CLONE_NEWNET) == 0, "setns(%s) failed: %s", path, strerror(errno));
  close(fd);
}

START_TEST(netns_veth_exact) {
  netns_enter();
  int index = (int)if_nametoindex("vq0");
  ck_assert_int_gt(index, 0);
  char expected[1024];
  const char *shared = "'vq0'|1400|'02:11:22:33:44:55'|'up|broadcast|multicast|running'";
  snprintf(expected, sizeof expected,
           "%d|%s|'IPv4'|'192.0.2.1'|24|'unicast'\n"
           "%d|%s|'IPv6'|'2001:db8::1'|64|'unicast'\n"
           "%d|%s|'IPv6'|'2001:db8::'|128|'anycast'",
           index, shared, index, shared, index, shared);
  ck_assert_sql(expected, "SELECT * FROM interface_addresses WHERE name = 'vq0'");
}
END_TEST

START_TEST(netns_interface_without_address) {
  netns_enter();
  char expected[512];
  snprintf(expected, sizeof expected,
           "%d|'vq1'|1500|'02:11:22:33:44:66'|'up|broadcast|multicast|running'|NULL|NULL|NULL|NULL",
           (int)if_nametoindex("vq1"));
  ck_assert_sql(expected, "SELECT * FROM interface_addresses WHERE name = 'vq1'");
}
END_TEST

START_TEST(netns_interface_down) {
  netns_enter();
  ck_assert_sql(
      "'vq2'|'02:11:22:33:44:77'|'broadcast|multicast'|NULL\n'vq3'|1|'broadcast|multicast'|NULL",
      "SELECT name, CASE name WHEN 'vq3' THEN mac IS NOT NULL ELSE mac END, flags, address "
      "FROM interface_addresses WHERE flags NOT LIKE 'up%%' ORDER BY name");
}
END_TEST

START_TEST(netns_loopback) {
  netns_enter();
  ck_assert_sql(
      "1|'lo'|65536|NULL|'up|loopback|running'|'IPv4'|'127.0.0.1'|8|'unicast'\n"
      "1|'lo'|65536|NULL|'up|loopback|running'|'IPv6'|'::1'|128|'unicast'",
      "SELECT * FROM interface_addresses WHERE name = 'lo'");
}
END_TEST

START_TEST(netns_every_interface_once_or_per_address) {
  netns_enter();
  ck_assert_sql("'lo'|2\n'vq0'|3\n'vq1'|1\n'vq2'|1\n'vq3'|1",
                "SELECT name, count(*) FROM interface_addresses GROUP BY name ORDER BY name");
}
END_TEST

START_TEST(netns_matches_getifaddrs) {
  /* Every address that glibc's getifaddrs reports appears with its name. */
  netns_enter();
  struct ifaddrs *list = NULL;
  ck_assert_int_eq(getifaddrs(&list), 0);
  int checked = 0;
  for (struct ifaddrs *entry = list; entry; entry = entry->ifa_next) {
    if (!entry->ifa_addr) continue;
    int family = entry->ifa_addr->sa_family;
    if (family != AF_INET && family != AF_INET6) continue;
    char text[64];
    const void *bytes = family == AF_INET
                            ? (void *)&((struct sockaddr_in *)entry->ifa_addr)->sin_addr
                            : (void *)&((struct sockaddr_in6 *)entry->ifa_addr)->sin6_addr;
    inet_ntop(family, bytes, text, sizeof text);
    /* Interface names and address texts hold no quote. */
    ck_assert_sql("1",
                  "SELECT count(*) FROM interface_addresses WHERE name = '%s' AND address = '%s' "
                  "AND kind = 'unicast'",
                  entry->ifa_name, text);
    checked++;
  }
  freeifaddrs(list);
  ck_assert_int_eq(checked, 4);
}
END_TEST

START_TEST(netns_neighbors_exact) {
  netns_enter();
  ck_assert_sql(
      "'vq0'|'IPv4'|'192.0.2.10'|'02-AA-BB-CC-DD-01'|'Permanent'|'Active'|0\n"
      "'vq0'|'IPv4'|'192.0.2.11'|'02-AA-BB-CC-DD-02'|'Reachable'|'Active'|0\n"
      "'vq0'|'IPv4'|'192.0.2.12'|'02-AA-BB-CC-DD-03'|'Stale'|'Active'|0\n"
      "'vq0'|'IPv4'|'192.0.2.13'|''|'Incomplete'|'Active'|0\n"
      "'vq0'|'IPv6'|'2001:db8::12'|'02-AA-BB-CC-DD-04'|'Stale'|'Active'|1\n"
      "'vq0'|'IPv6'|'2001:db8::13'|'02-AA-BB-CC-DD-05'|'Permanent'|'Active'|0",
      "SELECT interface_alias, address_family, ip_address, link_layer_address, state, "
      "store, is_router FROM arp_cache WHERE ip_address GLOB '192.0.2.*' "
      "OR ip_address GLOB '2001:db8::*' ORDER BY address_family, ip_address");
}
END_TEST

START_TEST(netns_neighbor_interface_index) {
  netns_enter();
  char expected[64];
  snprintf(expected, sizeof expected, "%d|6", (int)if_nametoindex("vq0"));
  ck_assert_sql(expected,
                "SELECT DISTINCT interface_index, count(*) FROM arp_cache "
                "WHERE interface_alias = 'vq0' AND (ip_address GLOB '192.0.2.*' "
                "OR ip_address GLOB '2001:db8::*')");
}
END_TEST

START_TEST(netns_mac_behind_ip) {
  /* The docs' example: the MAC behind an IP, joined to its interface. */
  netns_enter();
  ck_assert_sql("'02-AA-BB-CC-DD-02'|'vq0'|'02:11:22:33:44:55'",
                "SELECT n.link_layer_address, i.name, i.mac FROM arp_cache n "
                "JOIN interface_addresses i ON i.interface_index = n.interface_index "
                "AND i.family = 'IPv4' WHERE n.ip_address = '192.0.2.11'");
}
END_TEST

START_TEST(netns_snapshot_is_fresh) {
  /* Each scan sees the kernel's current table. */
  netns_enter();
  ck_assert_sql("0", "SELECT count(*) FROM arp_cache WHERE ip_address = '192.0.2.99'");
  ck_assert_int_eq(system("ip neigh add 192.0.2.99 lladdr 02:aa:bb:cc:dd:99 dev vq0 nud permanent"),
                   0);
  ck_assert_sql("'Permanent'", "SELECT state FROM arp_cache WHERE ip_address = '192.0.2.99'");
  ck_assert_int_eq(system("ip neigh del 192.0.2.99 dev vq0"), 0);
  ck_assert_sql("0", "SELECT count(*) FROM arp_cache WHERE ip_address = '192.0.2.99'");
}
END_TEST

static TCase *netns_cases(void) {
  netns_failure = netns_make();
  TCase *tcase = harness_tcase("netns");
  tcase_add_test(tcase, netns_veth_exact);
  tcase_add_test(tcase, netns_interface_without_address);
  tcase_add_test(tcase, netns_interface_down);
  tcase_add_test(tcase, netns_loopback);
  tcase_add_test(tcase, netns_every_interface_once_or_per_address);
  tcase_add_test(tcase, netns_matches_getifaddrs);
  tcase_add_test(tcase, netns_neighbors_exact);
  tcase_add_test(tcase, netns_neighbor_interface_index);
  tcase_add_test(tcase, netns_mac_behind_ip);
  tcase_add_test(tcase, netns_snapshot_is_fresh);
  return tcase;
}

int main(void) {
  Suite *suite = suite_create(harness_is_wine() ? "neighbors (wine)" : "neighbors");
  suite_add_tcase(suite, sql_cases());
  if (!harness_is_wine()) {
    suite_add_tcase(suite, parser_cases());
    suite_add_tcase(suite, netns_cases());
  }
  int status = harness_run(suite);
  netns_remove();
  return status;
}

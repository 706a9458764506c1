/*
** check_authenticode.c: the `authenticode(path)` table-valued function.
**
** Inputs are made at test time by tests/make-signed-fixtures.sh (next to this
** binary, in authenticode-fixtures/): a tiny PE built with mingw-w64, the
** same signed by osslsigncode with a throwaway openssl chain, a copy with one
** byte changed after signing, and a text file. Nothing signed is committed.
**
** Both builds: no path or a literal NULL fails the query with "a path is
** required"; a missing file and a directory are 'error' rows saying which; a
** NULL path from a join gives no row; the join with processes works; results
** are cached per connection by file identity (signatures_checked).
** Natively: ELF and text files are 'unsigned', PE files 'error' (not
** available on Linux yet), a FIFO 'error'; the PE sniffer on real and corrupt
** headers. Under Wine: the signed file's signer exactly (serial, issuer,
** subject, program name, link, signing time) and Wine's verdict, the
** unsigned file 'unsigned', the changed one 'untrusted' for its digest
** mismatch, the text file 'error'; and, with a test catalog installed in the
** Wine prefix's catroot, a file listed only there 'trusted' with the catalog's
** path and signer, a changed copy of it 'unsigned', other files unaffected.
*/
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "platform.h"

static char fixtures[4096]; /* Unix path of the fixtures directory */

/* The path of a fixture as the target sees it: Unix, or Wine's Z:\... form. */
static char *target_path(const char *name) {
  char *path =
      sqlite3_mprintf("%s%s%s", harness_is_wine() ? "Z:" : "", fixtures, name[0] ? "/" : "");
  char *full = sqlite3_mprintf("%s%s", path, name);
  sqlite3_free(path);
  if (harness_is_wine())
    for (char *p = full; *p; p++)
      if (*p == '/') *p = '\\';
  return full;
}

static long counter(const char *name) {
  char *text = harness_sql("SELECT vqlite_counter('%s')", name);
  long value = strtol(text, NULL, 10);
  free(text);
  return value;
}

#define NEEDS_PATH \
  "error: authenticode: a path is required, as in SELECT * FROM authenticode('C:\\x.exe')"

/* ---- both builds --------------------------------------------------------------- */

START_TEST(no_path_fails) {
  ck_assert_sql(NEEDS_PATH, "SELECT * FROM authenticode");
  ck_assert_sql(NEEDS_PATH, "SELECT trusted FROM authenticode WHERE filename = 'x'");
  ck_assert_sql(NEEDS_PATH, "SELECT trusted FROM authenticode(NULL)");
}
END_TEST

START_TEST(missing_file_is_an_error_row) {
  char *path = target_path("no-such-file.exe");
  char *expected = sqlite3_mprintf("%Q|%Q|'error'|1", path, path);
  ck_assert_sql(
      expected,
      "SELECT filename, path, trusted, detail LIKE 'file not found: %%' FROM authenticode('%s')",
      path);
  sqlite3_free(expected);
  sqlite3_free(path);
}
END_TEST

START_TEST(directory_is_an_error_row) {
  char *path = target_path("");
  ck_assert_sql("'error'|'a directory, not a file'|NULL|NULL",
                "SELECT trusted, detail, subject_name, catalog FROM authenticode('%s')", path);
  sqlite3_free(path);
}
END_TEST

START_TEST(null_from_a_join_gives_no_row) {
  char *path = target_path("no-such-file.exe");
  ck_assert_sql("0|'error'",
                "WITH t(p) AS (VALUES (NULL), ('%s')) SELECT t.p IS NULL, a.trusted FROM t, "
                "authenticode(t.p) a",
                path);
  ck_assert_sql("2|1",
                "WITH t(p) AS (VALUES (NULL), ('%s')) SELECT count(*), count(a.trusted) FROM t "
                "LEFT JOIN authenticode(t.p) a",
                path);
  sqlite3_free(path);
}
END_TEST

START_TEST(joins_with_processes) {
  if (harness_is_wine())
    ck_assert_sql("'sqlrun.exe'|'unsigned'",
                  "SELECT p.name, a.trusted FROM processes p, authenticode(p.path) a "
                  "WHERE p.path LIKE '%%\\sqlrun.exe' AND p.cmdline LIKE '%%%s'",
                  getenv("VQLITE_DLL") ? getenv("VQLITE_DLL") : "build/win32/vqlite.dll");
  else
    ck_assert_sql("'unsigned'",
                  "SELECT a.trusted FROM processes p, authenticode(p.path) a WHERE p.pid = %d",
                  (int)getpid());
  /* Either order in the FROM clause: the planner runs processes first. */
  ck_assert_sql("1", "SELECT count(*) = count(a.trusted) FROM authenticode(p.path) a, processes p");
}
END_TEST

START_TEST(results_are_cached_by_identity) {
  char unix_path[4200];
  snprintf(unix_path, sizeof unix_path, "%s/cache-probe-%d.txt", fixtures, (int)getpid());
  FILE *file = fopen(unix_path, "w");
  ck_assert_ptr_nonnull(file);
  fputs("probe\n", file);
  fclose(file);
  char name[64];
  snprintf(name, sizeof name, "cache-probe-%d.txt", (int)getpid());
  char *path = target_path(name);
  long before = counter("signatures_checked");
  char *first = harness_sql("SELECT trusted, detail FROM authenticode('%s')", path);
  ck_assert_int_eq(counter("signatures_checked"), before + 1);
  char *second = harness_sql("SELECT trusted, detail FROM authenticode('%s')", path);
  ck_assert_str_eq(second, first);
  ck_assert_int_eq(counter("signatures_checked"), before + 1);
  /* A changed file is checked again. */
  struct timespec times[2] = {{1577836800, 0}, {1577836800, 0}};
  ck_assert_int_eq(utimensat(AT_FDCWD, unix_path, times, 0), 0);
  free(harness_sql("SELECT trusted FROM authenticode('%s')", path));
  ck_assert_int_eq(counter("signatures_checked"), before + 2);
  free(first), free(second);
  sqlite3_free(path);
  unlink(unix_path);
}
END_TEST

/* ---- native -------------------------------------------------------------------------- */

START_TEST(elf_is_unsigned) {
  char self[4096];
  ssize_t length = readlink("/proc/self/exe", self, sizeof self - 1);
  ck_assert_int_gt(length, 0);
  self[length] = 0;
  ck_assert_sql(
      "'unsigned'|'not signed: an ELF file (Authenticode covers PE files only)'|NULL|NULL",
      "SELECT trusted, detail, subject_name, timestamp FROM authenticode('%s')", self);
}
END_TEST

START_TEST(text_is_unsigned_on_linux) {
  char *path = target_path("notes.txt");
  ck_assert_sql("'unsigned'|'not signed: not a PE file (Authenticode covers PE files only)'",
                "SELECT trusted, detail FROM authenticode('%s')", path);
  sqlite3_free(path);
}
END_TEST

START_TEST(pe_is_not_verified_on_linux_yet) {
  char *signed_path = target_path("signed.exe"), *unsigned_path = target_path("unsigned.exe");
  ck_assert_sql(
      "'error'|1|NULL",
      "SELECT trusted, detail GLOB 'embedded-signature verification on Linux is not available yet "
      "(a PE file with a [0-9]*-byte certificate table)', subject_name FROM authenticode('%s')",
      signed_path);
  ck_assert_sql(
      "'error'|'embedded-signature verification on Linux is not available yet (a PE file without a "
      "certificate table)'",
      "SELECT trusted, detail FROM authenticode('%s')", unsigned_path);
  sqlite3_free(signed_path), sqlite3_free(unsigned_path);
}
END_TEST

START_TEST(fifo_is_an_error_row) {
  char path[4200];
  snprintf(path, sizeof path, "%s/fifo-%d", fixtures, (int)getpid());
  ck_assert_int_eq(mkfifo(path, 0600), 0);
  ck_assert_sql("'error'|'not a regular file'", "SELECT trusted, detail FROM authenticode('%s')",
                path);
  unlink(path);
}
END_TEST

static unsigned char *read_fixture(const char *name, size_t *length) {
  char path[4200];
  snprintf(path, sizeof path, "%s/%s", fixtures, name);
  FILE *file = fopen(path, "rb");
  ck_assert_ptr_nonnull(file);
  unsigned char *bytes = malloc(1 << 20);
  *length = fread(bytes, 1, 1 << 20, file);
  fclose(file);
  return bytes;
}

START_TEST(sniff_real_pe_files) {
  size_t length = 0;
  unsigned char *bytes = read_fixture("signed.exe", &length);
  vq_pe_info info;
  vq_pe_sniff(bytes, length, &info);
  ck_assert_int_eq(info.format, VQ_FORMAT_PE);
  ck_assert_int_eq(info.is_pe32_plus, 1);
  ck_assert_uint_gt(info.certificate_size, 0);
  /* osslsigncode appends the certificate table at the end of the file. */
  ck_assert_uint_eq((size_t)info.certificate_offset + info.certificate_size, length);
  /* Only the first 4 KiB are needed. */
  vq_pe_sniff(bytes, 4096, &info);
  ck_assert_int_eq(info.format, VQ_FORMAT_PE);
  ck_assert_uint_gt(info.certificate_size, 0);
  free(bytes);
  bytes = read_fixture("unsigned.exe", &length);
  vq_pe_sniff(bytes, length, &info);
  ck_assert_int_eq(info.format, VQ_FORMAT_PE);
  ck_assert_uint_eq(info.certificate_size, 0);
  ck_assert_uint_eq(info.certificate_offset, 0);
  free(bytes);
}
END_TEST

/* A minimal PE32 header: MZ, e_lfanew 0x40, "PE\0\0", COFF, optional header. */
static void synthetic_pe(unsigned char *bytes, size_t size, uint16_t magic, uint32_t directories) {
  memset(bytes, 0, size);
  bytes[0] = 'M', bytes[1] = 'Z';
  bytes[0x3c] = 0x40;
  memcpy(bytes + 0x40, "PE\0\0", 4);
  uint16_t optional_size = magic == 0x20b ? 240 : 224;
  bytes[0x40 + 20] = (unsigned char)optional_size,
               bytes[0x40 + 21] = (unsigned char)(optional_size >> 8);
  size_t optional = 0x40 + 24;
  bytes[optional] = (unsigned char)magic, bytes[optional + 1] = (unsigned char)(magic >> 8);
  size_t count = optional + (magic == 0x20b ? 108 : 92);
  bytes[count] = (unsigned char)directories;
  size_t security = optional + (magic == 0x20b ? 112 : 96) + 32;
  bytes[security] = 0x00, bytes[security + 1] = 0x10; /* offset 0x1000 */
  bytes[security + 4] = 0x20;                         /* size 0x20 */
}

START_TEST(sniff_corrupt_headers) {
  unsigned char bytes[1024];
  vq_pe_info info;
  synthetic_pe(bytes, sizeof bytes, 0x10b, 16);
  vq_pe_sniff(bytes, sizeof bytes, &info);
  ck_assert_int_eq(info.format, VQ_FORMAT_PE);
  ck_assert_int_eq(info.is_pe32_plus, 0);
  ck_assert_uint_eq(info.certificate_offset, 0x1000);
  ck_assert_uint_eq(info.certificate_size, 0x20);
  /* Too few data directories: a PE without a certificate table. */
  synthetic_pe(bytes, sizeof bytes, 0x10b, 4);
  vq_pe_sniff(bytes, sizeof bytes, &info);
  ck_assert_int_eq(info.format, VQ_FORMAT_PE);
  ck_assert_uint_eq(info.certificate_size, 0);
  /* Unknown optional header magic: MZ only. */
  synthetic_pe(bytes, sizeof bytes, 0x777, 16);
  vq_pe_sniff(bytes, sizeof bytes, &info);
  ck_assert_int_eq(info.format, VQ_FORMAT_MZ);
  /* e_lfanew past the bytes we have, or pointing at garbage. */
  synthetic_pe(bytes, sizeof bytes, 0x20b, 16);
  bytes[0x3c] = 0xff, bytes[0x3d] = 0xff, bytes[0x3e] = 0xff, bytes[0x3f] = 0xff;
  vq_pe_sniff(bytes, sizeof bytes, &info);
  ck_assert_int_eq(info.format, VQ_FORMAT_MZ);
  synthetic_pe(bytes, sizeof bytes, 0x20b, 16);
  bytes[0x40] = 'X';
  vq_pe_sniff(bytes, sizeof bytes, &info);
  ck_assert_int_eq(info.format, VQ_FORMAT_MZ);
  /* The header cut short before the security directory. */
  synthetic_pe(bytes, sizeof bytes, 0x20b, 16);
  vq_pe_sniff(bytes, 0x40 + 24 + 120, &info);
  ck_assert_int_eq(info.format, VQ_FORMAT_PE);
  ck_assert_uint_eq(info.certificate_size, 0);
  /* Too short to be anything; ELF; text. */
  vq_pe_sniff((const unsigned char *)"MZ", 2, &info);
  ck_assert_int_eq(info.format, VQ_FORMAT_UNKNOWN);
  vq_pe_sniff((const unsigned char *)"\x7f" "ELF\x02\x01", 6, &info);
  ck_assert_int_eq(info.format, VQ_FORMAT_ELF);
  vq_pe_sniff((const unsigned char *)"hello", 5, &info);
  ck_assert_int_eq(info.format, VQ_FORMAT_UNKNOWN);
  vq_pe_sniff(NULL, 0, &info);
  ck_assert_int_eq(info.format, VQ_FORMAT_UNKNOWN);
}
END_TEST

/* ---- Wine ----------------------------------------------------------------------------- */

START_TEST(wine_signed_file_names_its_signer) {
  char *path = target_path("signed.exe");
  /* Wine does not check that the chain's root is in a trusted store: the
   * throwaway chain verifies as trusted (Windows would say CERT_E_UNTRUSTEDROOT). */
  char *expected = sqlite3_mprintf(
      "%Q|'vqlite test program'|NULL|'https://example.invalid/vqlite'|'5a17c0de0001'|"
      "'vqlite test root'|'vqlite test signer'|'2026-01-01T00:00:00Z'|'trusted'|"
      "'the signature verifies and chains to a trusted root (ERROR_SUCCESS 0x00000000)'|NULL",
      path);
  ck_assert_sql(expected, "SELECT * FROM authenticode('%s')", path);
  sqlite3_free(expected);
  sqlite3_free(path);
}
END_TEST

START_TEST(wine_unsigned_file) {
  char *path = target_path("unsigned.exe");
  ck_assert_sql(
      "'unsigned'|'no signature: the file has no embedded signature and no system catalog signs it "
      "(TRUST_E_NOSIGNATURE 0x800b0100)'|NULL|NULL|NULL",
      "SELECT trusted, detail, subject_name, serial_number, catalog FROM authenticode('%s')", path);
  sqlite3_free(path);
}
END_TEST

START_TEST(wine_changed_file_is_untrusted) {
  char *path = target_path("tampered.exe");
  ck_assert_sql(
      "'untrusted'|'digest mismatch: the file''s hash does not match its signature (changed after "
      "signing) "
      "(TRUST_E_BAD_DIGEST 0x80096010)'|'vqlite test signer'|'5a17c0de0001'",
      "SELECT trusted, detail, subject_name, serial_number FROM authenticode('%s')", path);
  sqlite3_free(path);
}
END_TEST

START_TEST(wine_text_file_is_an_error) {
  char *path = target_path("notes.txt");
  ck_assert_sql(
      "'error'|'not a format that Authenticode covers (TRUST_E_SUBJECT_FORM_UNKNOWN 0x800b0003)'",
      "SELECT trusted, detail FROM authenticode('%s')", path);
  sqlite3_free(path);
}
END_TEST

START_TEST(wine_missing_file_names_code) {
  char *path = target_path("no-such-file.exe");
  ck_assert_sql("1", "SELECT detail GLOB 'file not found: * (2)' FROM authenticode('%s')", path);
  sqlite3_free(path);
}
END_TEST

/* ---- Wine: a file signed through a catalog ---------------------------------------
 * The catalog is installed where CryptCATAdminEnumCatalogFromHash looks for
 * DRIVER_ACTION_VERIFY's catalogs, in the Wine prefix the suite runs in, and
 * removed after each test. */

#define CATALOG_DIRECTORY "windows/system32/catroot/{f750e6c3-38ee-11d1-85e5-00c04fc295ee}"
#define CATALOG_WINDOWS_PATH \
  "C:\\windows\\system32\\catroot\\{f750e6c3-38ee-11d1-85e5-00c04fc295ee}\\vqlite-test.cat"

static char installed_catalog[4300];

static void catalog_install(void) {
  harness_open();
  const char *prefix = getenv("WINEPREFIX");
  ck_assert_msg(prefix && *prefix, "the Wine suites need WINEPREFIX (make check-wine sets it)");
  char command[9000];
  snprintf(installed_catalog, sizeof installed_catalog,
           "%s/drive_c/" CATALOG_DIRECTORY "/vqlite-test.cat", prefix);
  snprintf(command, sizeof command,
           "mkdir -p '%s/drive_c/" CATALOG_DIRECTORY "' && cp '%s/%s' '%s'", prefix, fixtures,
           "vqlite-test.cat", installed_catalog);
  ck_assert_msg(system(command) == 0, "installing the test catalog: %s", command);
}

static void catalog_remove(void) {
  unlink(installed_catalog);
  harness_close();
}

START_TEST(wine_catalogued_file_names_the_catalog_signer) {
  char *path = target_path("catalogued.exe");
  char *expected = sqlite3_mprintf(
      "%Q|'vqlite test catalog'|NULL|NULL|'5a17c0de0002'|'vqlite test root'|"
      "'vqlite catalog signer'|'2026-01-01T00:00:00Z'|'trusted'|"
      "'the signature verifies and chains to a trusted root (ERROR_SUCCESS 0x00000000)'|'%s'",
      path, CATALOG_WINDOWS_PATH);
  ck_assert_sql(expected, "SELECT * FROM authenticode('%s')", path);
  sqlite3_free(expected);
  sqlite3_free(path);
}
END_TEST

START_TEST(wine_changed_catalogued_file_is_unsigned) {
  /* The catalog lists hashes, not names: one byte changed and no catalog signs it. */
  char *path = target_path("catalogued-changed.exe");
  ck_assert_sql("'unsigned'|NULL|NULL",
                "SELECT trusted, subject_name, catalog FROM authenticode('%s')", path);
  sqlite3_free(path);
}
END_TEST

START_TEST(wine_catalog_leaves_other_files_alone) {
  char *unsigned_path = target_path("unsigned.exe"), *signed_path = target_path("signed.exe");
  ck_assert_sql("'unsigned'|NULL\n'trusted'|NULL",
                "SELECT trusted, catalog FROM authenticode('%s') UNION ALL "
                "SELECT trusted, catalog FROM authenticode('%s')",
                unsigned_path, signed_path);
  sqlite3_free(unsigned_path);
  sqlite3_free(signed_path);
}
END_TEST

static TCase *catalog_cases(void) {
  TCase *tcase = tcase_create("catalog");
  tcase_add_checked_fixture(tcase, catalog_install, catalog_remove);
  tcase_set_timeout(tcase, 60);
  tcase_add_test(tcase, wine_catalogued_file_names_the_catalog_signer);
  tcase_add_test(tcase, wine_changed_catalogued_file_is_unsigned);
  tcase_add_test(tcase, wine_catalog_leaves_other_files_alone);
  return tcase;
}

static void make_fixtures(void) {
  char self[2048];
  ssize_t length = readlink("/proc/self/exe", self, sizeof self - 1);
  if (length <= 0) abort();
  self[length] = 0;
  *strrchr(self, '/') = 0;
  snprintf(fixtures, sizeof fixtures, "%s/authenticode-fixtures", self);
  char command[8400];
  snprintf(command, sizeof command, "tests/make-signed-fixtures.sh '%s'", fixtures);
  if (system(command) != 0) {
    fprintf(stderr, "check_authenticode: %s failed (needs mingw-w64, openssl, osslsigncode)\n",
            command);
    exit(1);
  }
}

int main(void) {
  make_fixtures();
  Suite *suite = suite_create(harness_is_wine() ? "authenticode (wine)" : "authenticode");
  TCase *sql = harness_tcase("sql");
  tcase_add_test(sql, no_path_fails);
  tcase_add_test(sql, missing_file_is_an_error_row);
  tcase_add_test(sql, directory_is_an_error_row);
  tcase_add_test(sql, null_from_a_join_gives_no_row);
  tcase_add_test(sql, joins_with_processes);
  tcase_add_test(sql, results_are_cached_by_identity);
  if (harness_is_wine()) {
    tcase_add_test(sql, wine_signed_file_names_its_signer);
    tcase_add_test(sql, wine_unsigned_file);
    tcase_add_test(sql, wine_changed_file_is_untrusted);
    tcase_add_test(sql, wine_text_file_is_an_error);
    tcase_add_test(sql, wine_missing_file_names_code);
  } else {
    tcase_add_test(sql, elf_is_unsigned);
    tcase_add_test(sql, text_is_unsigned_on_linux);
    tcase_add_test(sql, pe_is_not_verified_on_linux_yet);
    tcase_add_test(sql, fifo_is_an_error_row);
  }
  suite_add_tcase(suite, sql);
  if (harness_is_wine()) suite_add_tcase(suite, catalog_cases());
  if (!harness_is_wine()) {
    TCase *sniff = tcase_create("sniff");
    tcase_add_test(sniff, sniff_real_pe_files);
    tcase_add_test(sniff, sniff_corrupt_headers);
    suite_add_tcase(suite, sniff);
  }
  return harness_run(suite);
}

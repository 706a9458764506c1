/*
** authenticode.c (Linux): the `authenticode(path)` backend, and the PE
** sniffer both backends may use.
**
** Linux has no WinVerifyTrust and no security catalogs. A file's first 4 KiB
** decide: ELF and every other non-PE file is 'unsigned' (Authenticode covers
** PE files only); a PE file is 'error', with a detail saying that
** embedded-signature verification on Linux is not available yet and whether
** the file carries a certificate table. A missing file, a directory or an
** unreadable file is 'error' with a detail saying which.
*/
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tables/platform.h"

/* ---- the PE sniffer (pure) ------------------------------------------------------ */

static uint16_t pe_read16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t pe_read32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void vq_pe_sniff(const unsigned char *bytes, size_t length, vq_pe_info *info) {
  memset(info, 0, sizeof *info);
  if (length >= 4 && memcmp(bytes,
                            "\x7f"
                            "ELF",
                            4) == 0) {
    info->format = VQ_FORMAT_ELF;
    return;
  }
  if (length < 0x40 || bytes[0] != 'M' || bytes[1] != 'Z') return;
  info->format = VQ_FORMAT_MZ;
  uint64_t pe = pe_read32(bytes + 0x3c);
  /* "PE\0\0" (4) + COFF header (20) + optional header magic (2). */
  if (pe + 26 > length || memcmp(bytes + pe, "PE\0\0", 4) != 0) return;
  uint64_t optional = pe + 24;
  uint16_t optional_size = pe_read16(bytes + pe + 20);
  uint16_t magic = pe_read16(bytes + optional);
  uint64_t count_offset, directories;
  if (magic == 0x10b)
    count_offset = 92, directories = 96;
  else if (magic == 0x20b)
    count_offset = 108, directories = 112;
  else
    return;
  info->format = VQ_FORMAT_PE;
  info->is_pe32_plus = magic == 0x20b;
  /* IMAGE_DIRECTORY_ENTRY_SECURITY is directory 4; it must lie inside both
   * the optional header (as its size claims) and the bytes we have. */
  uint64_t security = directories + 4 * 8;
  if (optional + count_offset + 4 > length || pe_read32(bytes + optional + count_offset) <= 4)
    return;
  if (security + 8 > optional_size || optional + security + 8 > length) return;
  info->certificate_offset = pe_read32(bytes + optional + security);
  info->certificate_size = pe_read32(bytes + optional + security + 4);
  if (info->certificate_offset == 0 || info->certificate_size == 0)
    info->certificate_offset = info->certificate_size = 0;
}

/* ---- the check ----------------------------------------------------------------- */

void vq_signature_check(const char *path, vq_signature *signature) {
  memset(signature, 0, sizeof *signature);
  signature->timestamp = -1;
  struct stat info;
  if (stat(path, &info) != 0) {
    vq_signature_set_result(signature, VQ_TRUST_ERROR, "%s: %s (errno %d)",
                            errno == ENOENT ? "file not found" : "cannot stat the file",
                            strerror(errno), errno);
    return;
  }
  if (S_ISDIR(info.st_mode)) {
    vq_signature_set_result(signature, VQ_TRUST_ERROR, "a directory, not a file");
    return;
  }
  if (!S_ISREG(info.st_mode)) {
    vq_signature_set_result(signature, VQ_TRUST_ERROR, "not a regular file");
    return;
  }
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    vq_signature_set_result(signature, VQ_TRUST_ERROR, "cannot read the file: %s (errno %d)",
                            strerror(errno), errno);
    return;
  }
  unsigned char header[4096];
  ssize_t got = read(fd, header, sizeof header);
  int read_errno = errno;
  close(fd);
  if (got < 0) {
    vq_signature_set_result(signature, VQ_TRUST_ERROR, "cannot read the file: %s (errno %d)",
                            strerror(read_errno), read_errno);
    return;
  }
  vq_counter_add(VQ_COUNTER_SIGNATURES_CHECKED, 1);
  vq_pe_info pe;
  vq_pe_sniff(header, (size_t)got, &pe);
  switch (pe.format) {
    case VQ_FORMAT_PE:
      if (pe.certificate_size)
        vq_signature_set_result(
            signature, VQ_TRUST_ERROR,
            "embedded-signature verification on Linux is not available yet (a PE file "
            "with a %u-byte certificate table)",
            (unsigned)pe.certificate_size);
      else
        vq_signature_set_result(
            signature, VQ_TRUST_ERROR,
            "embedded-signature verification on Linux is not available yet (a PE file "
            "without a certificate table)");
      break;
    case VQ_FORMAT_ELF:
      vq_signature_set_result(signature, VQ_TRUST_UNSIGNED,
                              "not signed: an ELF file (Authenticode covers PE files only)");
      break;
    default:
      vq_signature_set_result(signature, VQ_TRUST_UNSIGNED,
                              "not signed: not a PE file (Authenticode covers PE files only)");
      break;
  }
}

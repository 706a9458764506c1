/*
** fuzz_pe_sniff.c: the PE sniffer vq_pe_sniff() (what a file's first bytes
** say: ELF, MZ, PE and where its certificate table lies), and then the whole
** Linux `authenticode` check of the same bytes as a file (through a memfd),
** which reads the file's start and sniffs it as a user's query would.
** Promises checked: the format is one of the four; a certificate table is
** reported only for a PE, offset and size both set or both zero; the check
** always gives a trust word and a detail, never fails.
*/
#include <sys/mman.h>
#include <unistd.h>

#include "../../tables/platform.h"
#include "fuzz.h"

static void fuzz_pe_sniff_check_file(const uint8_t *data, size_t size) {
  int fd = memfd_create("vqlite-fuzz-pe", MFD_CLOEXEC);
  if (fd < 0) return;
  if (size == 0 || write(fd, data, size) == (ssize_t)size) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    vq_signature signature;
    vq_signature_check(path, &signature);
    FUZZ_CHECK(signature.trust >= VQ_TRUST_TRUSTED && signature.trust <= VQ_TRUST_ERROR);
    FUZZ_CHECK(vq_trust_name(signature.trust) != NULL);
    FUZZ_CHECK(signature.detail != NULL);
    vq_signature_clear(&signature);
  }
  close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  unsigned char *bytes = fuzz_copy(data, size);
  if (bytes == NULL) return 0;
  vq_pe_info info;
  vq_pe_sniff(bytes, size, &info);
  FUZZ_CHECK(info.format == VQ_FORMAT_UNKNOWN || info.format == VQ_FORMAT_ELF ||
             info.format == VQ_FORMAT_MZ || info.format == VQ_FORMAT_PE);
  if (info.format != VQ_FORMAT_PE)
    FUZZ_CHECK(info.certificate_offset == 0 && info.certificate_size == 0);
  FUZZ_CHECK((info.certificate_offset == 0) == (info.certificate_size == 0));
  free(bytes);
  fuzz_pe_sniff_check_file(data, size);
  return 0;
}

/*
** hashing.c (Linux): file identities (fstat: size, mtime, inode, device) and
** md5, sha1 and sha256 of a file in one pass, through OpenSSL's libcrypto
** (EVP). Each file read whole counts once in VQ_COUNTER_FILES_HASHED.
*/
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tables/platform.h"

static void linux_hashing_identity_from_stat(const struct stat *info, vq_file_identity *identity) {
  identity->size = (uint64_t)info->st_size;
  identity->mtime_ns = (int64_t)info->st_mtim.tv_sec * 1000000000 + info->st_mtim.tv_nsec;
  identity->inode = (uint64_t)info->st_ino;
  identity->device = (uint64_t)info->st_dev;
}

static int linux_hashing_check_regular(const char *path, const struct stat *info, vq_error *error) {
  if (S_ISDIR(info->st_mode)) return vq_fail(error, "%s is a directory, not a file", path);
  if (!S_ISREG(info->st_mode)) return vq_fail(error, "%s is not a regular file", path);
  return 0;
}

int vq_file_identity_read(const char *path, vq_file_identity *identity, vq_error *error) {
  struct stat info;
  if (stat(path, &info) != 0)
    return vq_fail(error, "stat(%s) failed: %s (%d)", path, strerror(errno), errno);
  if (linux_hashing_check_regular(path, &info, error) != 0) return -1;
  linux_hashing_identity_from_stat(&info, identity);
  return 0;
}

/* Feeds every byte of fd to the three digests; 0 or -1 with error. */
static int linux_hashing_digest_fd(int fd, const char *path, EVP_MD_CTX *contexts[3],
                                   vq_error *error) {
  unsigned char local[1 << 16];
  for (;;) {
    ssize_t got = read(fd, local, sizeof local);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return vq_fail(error, "read(%s) failed: %s (%d)", path, strerror(errno), errno);
    if (got == 0) return 0;
    for (int i = 0; i < 3; i++)
      if (EVP_DigestUpdate(contexts[i], local, (size_t)got) != 1)
        return vq_fail(error, "EVP_DigestUpdate failed");
  }
}

int vq_file_digests_compute(const char *path, vq_file_digests *digests, vq_file_identity *identity,
                            vq_error *error) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return vq_fail(error, "open(%s) failed: %s (%d)", path, strerror(errno), errno);
  struct stat info;
  int rc = fstat(fd, &info) == 0
               ? 0
               : vq_fail(error, "fstat(%s) failed: %s (%d)", path, strerror(errno), errno);
  if (rc == 0) rc = linux_hashing_check_regular(path, &info, error);
  if (rc == 0) linux_hashing_identity_from_stat(&info, identity);
  const EVP_MD *kinds[3] = {EVP_md5(), EVP_sha1(), EVP_sha256()};
  char *outputs[3] = {digests->md5, digests->sha1, digests->sha256};
  EVP_MD_CTX *contexts[3] = {NULL, NULL, NULL};
  for (int i = 0; rc == 0 && i < 3; i++) {
    contexts[i] = EVP_MD_CTX_new();
    if (contexts[i] == NULL || EVP_DigestInit_ex(contexts[i], kinds[i], NULL) != 1)
      rc = vq_fail(error, "EVP_DigestInit_ex failed for %s", path);
  }
  if (rc == 0) {
    vq_counter_add(VQ_COUNTER_FILES_HASHED, 1);
    rc = linux_hashing_digest_fd(fd, path, contexts, error);
  }
  for (int i = 0; rc == 0 && i < 3; i++) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(contexts[i], digest, &length) != 1)
      rc = vq_fail(error, "EVP_DigestFinal_ex failed");
    else
      vq_hex_lower(digest, length, outputs[i]);
  }
  for (int i = 0; i < 3; i++) EVP_MD_CTX_free(contexts[i]);
  close(fd);
  return rc;
}

/*
** hashing.c (Linux): file identities (fstat: size, mtime, inode, device) and
** md5, sha1 and sha256 of a file in one pass, through OpenSSL's libcrypto
** (EVP). Each file read whole counts once in VQ_COUNTER_FILES_HASHED.
** A process's image is found and read through /proc/<pid>/exe (see
** platform_processes.h): one stat per process names it for the cache.
**
** libcrypto is opened with dlopen the first time a digest is asked for, not
** linked: relocating it costs about a millisecond, which every `.load` would
** pay even when no query ever hashes. If it cannot be opened, digests fail
** with a message naming it (the hash columns are NULL), nothing else does.
*/
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tables/platform.h"

/* The part of libcrypto's EVP API that hashing uses, resolved once. */
typedef struct linux_crypto_api {
  EVP_MD_CTX *(*context_new)(void);
  void (*context_free)(EVP_MD_CTX *);
  int (*digest_init)(EVP_MD_CTX *, const EVP_MD *, ENGINE *);
  int (*digest_update)(EVP_MD_CTX *, const void *, size_t);
  int (*digest_final)(EVP_MD_CTX *, unsigned char *, unsigned int *);
  const EVP_MD *(*md5)(void);
  const EVP_MD *(*sha1)(void);
  const EVP_MD *(*sha256)(void);
} linux_crypto_api;

static linux_crypto_api linux_crypto;
static int linux_crypto_loaded; /* 1 ready, -1 unavailable */
static char linux_crypto_problem[256];
static pthread_once_t linux_crypto_once = PTHREAD_ONCE_INIT;

static void linux_crypto_load(void) {
  static const char *const names[] = {"libcrypto.so.3", "libcrypto.so"};
  void *library = NULL;
  for (size_t i = 0; library == NULL && i < sizeof names / sizeof names[0]; i++)
    library = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
  if (library == NULL) {
    const char *why = dlerror();
    snprintf(linux_crypto_problem, sizeof linux_crypto_problem, "cannot load libcrypto.so.3: %s",
             why ? why : "not found");
    linux_crypto_loaded = -1;
    return;
  }
  /* POSIX lets a void * from dlsym be converted to a function pointer. */
  void *symbols[8];
  static const char *const wanted[8] = {
      "EVP_MD_CTX_new",     "EVP_MD_CTX_free", "EVP_DigestInit_ex", "EVP_DigestUpdate",
      "EVP_DigestFinal_ex", "EVP_md5",         "EVP_sha1",          "EVP_sha256"};
  for (int i = 0; i < 8; i++) {
    symbols[i] = dlsym(library, wanted[i]);
    if (symbols[i] == NULL) {
      snprintf(linux_crypto_problem, sizeof linux_crypto_problem, "libcrypto lacks %s", wanted[i]);
      linux_crypto_loaded = -1;
      return;
    }
  }
  memcpy(&linux_crypto.context_new, &symbols[0], sizeof(void *));
  memcpy(&linux_crypto.context_free, &symbols[1], sizeof(void *));
  memcpy(&linux_crypto.digest_init, &symbols[2], sizeof(void *));
  memcpy(&linux_crypto.digest_update, &symbols[3], sizeof(void *));
  memcpy(&linux_crypto.digest_final, &symbols[4], sizeof(void *));
  memcpy(&linux_crypto.md5, &symbols[5], sizeof(void *));
  memcpy(&linux_crypto.sha1, &symbols[6], sizeof(void *));
  memcpy(&linux_crypto.sha256, &symbols[7], sizeof(void *));
  linux_crypto_loaded = 1;
}

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
      if (linux_crypto.digest_update(contexts[i], local, (size_t)got) != 1)
        return vq_fail(error, "EVP_DigestUpdate failed");
  }
}

/* The digests of the open file fd (named `label` in messages) and the
 * identity of the version read; closes fd. 0 or -1 with error. */
static int linux_hashing_digest_file(int fd, const char *label, vq_file_digests *digests,
                                     vq_file_identity *identity, vq_error *error) {
  struct stat info;
  int rc = fstat(fd, &info) == 0
               ? 0
               : vq_fail(error, "fstat(%s) failed: %s (%d)", label, strerror(errno), errno);
  if (rc == 0) rc = linux_hashing_check_regular(label, &info, error);
  if (rc == 0) linux_hashing_identity_from_stat(&info, identity);
  pthread_once(&linux_crypto_once, linux_crypto_load);
  if (rc == 0 && linux_crypto_loaded != 1) rc = vq_fail(error, "%s", linux_crypto_problem);
  if (rc != 0) {
    close(fd);
    return rc;
  }
  const EVP_MD *kinds[3] = {linux_crypto.md5(), linux_crypto.sha1(), linux_crypto.sha256()};
  char *outputs[3] = {digests->md5, digests->sha1, digests->sha256};
  EVP_MD_CTX *contexts[3] = {NULL, NULL, NULL};
  for (int i = 0; rc == 0 && i < 3; i++) {
    contexts[i] = linux_crypto.context_new();
    if (contexts[i] == NULL || linux_crypto.digest_init(contexts[i], kinds[i], NULL) != 1)
      rc = vq_fail(error, "EVP_DigestInit_ex failed for %s", label);
  }
  if (rc == 0) {
    vq_counter_add(VQ_COUNTER_FILES_HASHED, 1);
    rc = linux_hashing_digest_fd(fd, label, contexts, error);
  }
  for (int i = 0; rc == 0 && i < 3; i++) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (linux_crypto.digest_final(contexts[i], digest, &length) != 1)
      rc = vq_fail(error, "EVP_DigestFinal_ex failed");
    else
      vq_hex_lower(digest, length, outputs[i]);
  }
  for (int i = 0; i < 3; i++) linux_crypto.context_free(contexts[i]);
  close(fd);
  return rc;
}

int vq_file_digests_compute(const char *path, vq_file_digests *digests, vq_file_identity *identity,
                            vq_error *error) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return vq_fail(error, "open(%s) failed: %s (%d)", path, strerror(errno), errno);
  return linux_hashing_digest_file(fd, path, digests, identity, error);
}

/* ---- process images: /proc/<pid>/exe ------------------------------------------ */

/* /proc, opened once: the per-process lookups below start from it, which
 * spares a path component per process (a cached scan is little else). */
static int linux_proc_directory = -1;
static pthread_once_t linux_proc_directory_once = PTHREAD_ONCE_INIT;

static void linux_proc_directory_open(void) {
  linux_proc_directory = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
}

/* SQLite unloads the extension when its last connection closes: the
 * descriptor goes with it, so load cycles do not leak one each. */
__attribute__((destructor)) static void linux_proc_directory_close(void) {
  if (linux_proc_directory >= 0) close(linux_proc_directory);
  linux_proc_directory = -1;
}

/* "<pid>/exe" into out (at least 32 bytes), relative to /proc. */
static const char *linux_image_link(int64_t pid, char *out) {
  char digits[24];
  int length = 0;
  uint64_t value = pid > 0 ? (uint64_t)pid : 0;
  do digits[length++] = (char)('0' + value % 10);
  while ((value /= 10) != 0);
  char *p = out;
  while (length > 0) *p++ = digits[--length];
  memcpy(p, "/exe", 5);
  return out;
}

/* Lowercase hex of value at out; returns the end. */
static char *linux_image_hex(uint64_t value, char *out) {
  static const char digits[] = "0123456789abcdef";
  char reversed[16];
  int length = 0;
  do reversed[length++] = digits[value & 15];
  while ((value >>= 4) != 0);
  while (length > 0) *out++ = reversed[--length];
  return out;
}

unsigned vq_process_image_fields(void) { return 0; }

int vq_process_image_locate(const vq_process *row, vq_process_image *image) {
  pthread_once(&linux_proc_directory_once, linux_proc_directory_open);
  char link[32];
  linux_image_link(row->pid, link);
  /* stat follows the link to the file the process runs (kernel threads and
   * processes of other users without ptrace access fail here). */
  struct stat info;
  if (linux_proc_directory < 0 || fstatat(linux_proc_directory, link, &info, 0) != 0 ||
      !S_ISREG(info.st_mode))
    return -1;
  linux_hashing_identity_from_stat(&info, &image->identity);
  image->identity_known = 1;
  char *end = linux_image_hex((uint64_t)info.st_dev, image->key_buffer);
  *end++ = ':';
  end = linux_image_hex((uint64_t)info.st_ino, end);
  *end = 0;
  image->key = image->key_buffer;
  return 0;
}

int vq_process_image_identify(const vq_process *row, vq_process_image *image, vq_error *error) {
  (void)row;
  return image->identity_known ? 0 : vq_fail(error, "the image identity is unknown");
}

int vq_process_image_digests(const vq_process *row, vq_file_digests *digests,
                             vq_file_identity *identity, vq_error *error) {
  char link[48];
  snprintf(link, sizeof link, "/proc/%lld/exe", (long long)row->pid);
  int fd = open(link, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return vq_fail(error, "open(%s) failed: %s (%d)", link, strerror(errno), errno);
  return linux_hashing_digest_file(fd, link, digests, identity, error);
}

/*
** hashing.c (Windows): file identities (GetFileInformationByHandle: size,
** last write time, file index, volume serial number) and md5, sha1 and
** sha256 of a file in one pass through BCrypt. Each file read whole counts
** once in VQ_COUNTER_FILES_HASHED. Paths are UTF-8, converted to UTF-16.
** A process's image is its path (see platform_processes.h).
*/
#include <windows.h>
#include <bcrypt.h>

#include <stdio.h>
#include <stdlib.h>

#include "../tables/platform.h"
#include "text.h"

/* 100 ns intervals between 1601-01-01 and 1970-01-01. */
#define WIN32_HASHING_EPOCH_DIFFERENCE 116444736000000000LL

/* "The system cannot find the file specified (2)" into out. */
static void win32_hashing_error_text(DWORD code, char *out, size_t size) {
  char words[512];
  win32_text_error_words(code, words, sizeof words);
  snprintf(out, size, "%s (%lu)", words, (unsigned long)code);
}

static int win32_hashing_fail(vq_error *error, const char *call, const char *path, DWORD code) {
  char words[600];
  win32_hashing_error_text(code, words, sizeof words);
  return vq_fail(error, "%s(%s) failed: %s", call, path, words);
}

static int win32_hashing_identity_from_handle(HANDLE file, const char *path,
                                              vq_file_identity *identity, vq_error *error) {
  BY_HANDLE_FILE_INFORMATION info;
  if (!GetFileInformationByHandle(file, &info))
    return win32_hashing_fail(error, "GetFileInformationByHandle", path, GetLastError());
  if (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
    return vq_fail(error, "%s is a directory, not a file", path);
  identity->size = (uint64_t)info.nFileSizeHigh << 32 | info.nFileSizeLow;
  int64_t ticks = (int64_t)((uint64_t)info.ftLastWriteTime.dwHighDateTime << 32 |
                            info.ftLastWriteTime.dwLowDateTime);
  identity->mtime_ns = (ticks - WIN32_HASHING_EPOCH_DIFFERENCE) * 100;
  identity->inode = (uint64_t)info.nFileIndexHigh << 32 | info.nFileIndexLow;
  identity->device = info.dwVolumeSerialNumber;
  return 0;
}

/* Opens path for `access`; directories open too (to be told apart). */
static HANDLE win32_hashing_open(const char *path, DWORD access, vq_error *error) {
  wchar_t *wide = win32_text_wide(path);
  if (wide == NULL) {
    vq_fail(error, "%s is not valid UTF-8", path);
    return INVALID_HANDLE_VALUE;
  }
  HANDLE file =
      CreateFileW(wide, access, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                  OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_SEQUENTIAL_SCAN, NULL);
  if (file == INVALID_HANDLE_VALUE) win32_hashing_fail(error, "CreateFileW", path, GetLastError());
  free(wide);
  return file;
}

int vq_file_identity_read(const char *path, vq_file_identity *identity, vq_error *error) {
  HANDLE file = win32_hashing_open(path, FILE_READ_ATTRIBUTES, error);
  if (file == INVALID_HANDLE_VALUE) return -1;
  int rc = win32_hashing_identity_from_handle(file, path, identity, error);
  CloseHandle(file);
  return rc;
}

typedef struct win32_hashing_state {
  BCRYPT_ALG_HANDLE algorithms[3];
  BCRYPT_HASH_HANDLE hashes[3];
} win32_hashing_state;

static const wchar_t *const win32_hashing_algorithm_ids[3] = {
    BCRYPT_MD5_ALGORITHM, BCRYPT_SHA1_ALGORITHM, BCRYPT_SHA256_ALGORITHM};

static int win32_hashing_begin(win32_hashing_state *state, vq_error *error) {
  for (int i = 0; i < 3; i++) {
    NTSTATUS status =
        BCryptOpenAlgorithmProvider(&state->algorithms[i], win32_hashing_algorithm_ids[i], NULL, 0);
    if (status < 0)
      return vq_fail(error, "BCryptOpenAlgorithmProvider failed (0x%08lx)", (unsigned long)status);
    status = BCryptCreateHash(state->algorithms[i], &state->hashes[i], NULL, 0, NULL, 0, 0);
    if (status < 0)
      return vq_fail(error, "BCryptCreateHash failed (0x%08lx)", (unsigned long)status);
  }
  return 0;
}

static void win32_hashing_end(win32_hashing_state *state) {
  for (int i = 0; i < 3; i++) {
    if (state->hashes[i]) BCryptDestroyHash(state->hashes[i]);
    if (state->algorithms[i]) BCryptCloseAlgorithmProvider(state->algorithms[i], 0);
  }
}

static int win32_hashing_read_all(HANDLE file, const char *path, win32_hashing_state *state,
                                  vq_error *error) {
  static const DWORD chunk = 1 << 16;
  unsigned char *buffer = malloc(chunk);
  if (buffer == NULL) return vq_fail(error, "out of memory hashing %s", path);
  int rc = 0;
  for (;;) {
    DWORD got = 0;
    if (!ReadFile(file, buffer, chunk, &got, NULL)) {
      rc = win32_hashing_fail(error, "ReadFile", path, GetLastError());
      break;
    }
    if (got == 0) break;
    for (int i = 0; rc == 0 && i < 3; i++) {
      NTSTATUS status = BCryptHashData(state->hashes[i], buffer, got, 0);
      if (status < 0) rc = vq_fail(error, "BCryptHashData failed (0x%08lx)", (unsigned long)status);
    }
    if (rc) break;
  }
  free(buffer);
  return rc;
}

int vq_file_digests_compute(const char *path, vq_file_digests *digests, vq_file_identity *identity,
                            vq_error *error) {
  HANDLE file = win32_hashing_open(path, GENERIC_READ, error);
  if (file == INVALID_HANDLE_VALUE) return -1;
  win32_hashing_state state = {{0}, {0}};
  int rc = win32_hashing_identity_from_handle(file, path, identity, error);
  if (rc == 0) rc = win32_hashing_begin(&state, error);
  if (rc == 0) {
    vq_counter_add(VQ_COUNTER_FILES_HASHED, 1);
    rc = win32_hashing_read_all(file, path, &state, error);
  }
  static const ULONG sizes[3] = {16, 20, 32};
  char *outputs[3] = {digests->md5, digests->sha1, digests->sha256};
  for (int i = 0; rc == 0 && i < 3; i++) {
    unsigned char digest[32];
    NTSTATUS status = BCryptFinishHash(state.hashes[i], digest, sizes[i], 0);
    if (status < 0)
      rc = vq_fail(error, "BCryptFinishHash failed (0x%08lx)", (unsigned long)status);
    else
      vq_hex_lower(digest, sizes[i], outputs[i]);
  }
  win32_hashing_end(&state);
  CloseHandle(file);
  return rc;
}

/* ---- process images: the path ------------------------------------------------ */

unsigned vq_process_image_fields(void) { return VQ_PROCESS_FIELD_PATH; }

int vq_process_image_locate(const vq_process *row, vq_process_image *image) {
  if (row->path == NULL) return -1;
  image->key = row->path;
  image->identity_known = 0;
  return 0;
}

int vq_process_image_identify(const vq_process *row, vq_process_image *image, vq_error *error) {
  if (image->identity_known) return 0;
  if (vq_file_identity_read(row->path, &image->identity, error) != 0) return -1;
  image->identity_known = 1;
  return 0;
}

int vq_process_image_digests(const vq_process *row, vq_file_digests *digests,
                             vq_file_identity *identity, vq_error *error) {
  return vq_file_digests_compute(row->path, digests, identity, error);
}

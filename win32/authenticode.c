/*
** authenticode.c (Windows): the `authenticode(path)` backend.
**
** 1. WinVerifyTrust(WINTRUST_ACTION_GENERIC_VERIFY_V2) on the file's embedded
**    signature: no UI, no revocation check and cached URL retrieval only, so
**    a check never touches the network.
** 2. A file without one is looked up in the system catalogs:
**    CryptCATAdminAcquireContext2 with SHA-256, then SHA-1, the file's hash
**    from CryptCATAdminCalcHashFromFileHandle2 (both looked up at run time:
**    not every Windows has them, and Wine 8's AcquireContext2 is a stub that
**    fails; SHA-1 falls back to CryptCATAdminAcquireContext and
**    CryptCATAdminCalcHashFromFileHandle when they are missing or fail),
**    CryptCATAdminEnumCatalogFromHash,
**    and WinVerifyTrust on the file as a member of the catalog found. The
**    catalog APIs are not thread-safe: one lock serialises them.
** 3. The signer (of the file, or of its catalog) through CryptQueryObject and
**    CryptMsgGetParam(CMSG_SIGNER_INFO_PARAM): serial (lowercase hex, most
**    significant byte first), issuer and subject simple display names,
**    SpcSpOpusInfo program name and links, and the signing time (from a
**    countersignature when there is one, else from the signer's own
**    signingTime attribute).
**
** The WinVerifyTrust result maps onto the vocabulary: ERROR_SUCCESS trusted;
** TRUST_E_NOSIGNATURE (and no catalog) unsigned; TRUST_E_EXPLICIT_DISTRUST and
** CERT_E_REVOKED disallowed; the chain, digest and signature failures
** untrusted; anything else, and a missing, directory or unreadable file,
** error. `detail` gives the result in words, its symbol and its code.
*/
#include <windows.h>
#include <wincrypt.h>
#include <wintrust.h>
#include <softpub.h>
#include <mscat.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tables/platform.h"
#include "text.h"

#define WIN32_AUTHENTICODE_ENCODING (X509_ASN_ENCODING | PKCS_7_ASN_ENCODING)
#define WIN32_AUTHENTICODE_EPOCH_DIFFERENCE 116444736000000000LL

/* The catalog APIs are not thread-safe. */
static SRWLOCK win32_authenticode_catalog_lock = SRWLOCK_INIT;

/* ---- text ------------------------------------------------------------------------------- */

/* ---- the result codes ---------------------------------------------------------------------- */

typedef struct win32_trust_code {
  LONG code;
  const char *symbol;
  vq_trust trust;
  const char *words;
} win32_trust_code;

static const win32_trust_code win32_trust_codes[] = {
    {ERROR_SUCCESS, "ERROR_SUCCESS", VQ_TRUST_TRUSTED,
     "the signature verifies and chains to a trusted root"},
    {TRUST_E_NOSIGNATURE, "TRUST_E_NOSIGNATURE", VQ_TRUST_UNSIGNED,
     "no signature: the file has no embedded signature and no system catalog signs it"},
    {TRUST_E_SUBJECT_FORM_UNKNOWN, "TRUST_E_SUBJECT_FORM_UNKNOWN", VQ_TRUST_ERROR,
     "not a format that Authenticode covers"},
    {TRUST_E_PROVIDER_UNKNOWN, "TRUST_E_PROVIDER_UNKNOWN", VQ_TRUST_ERROR,
     "no trust provider knows this file"},
    {TRUST_E_ACTION_UNKNOWN, "TRUST_E_ACTION_UNKNOWN", VQ_TRUST_ERROR,
     "the trust provider does not know the action"},
    {TRUST_E_EXPLICIT_DISTRUST, "TRUST_E_EXPLICIT_DISTRUST", VQ_TRUST_DISALLOWED,
     "the signer's certificate is explicitly distrusted"},
    {CERT_E_REVOKED, "CERT_E_REVOKED", VQ_TRUST_DISALLOWED,
     "a certificate in the chain was revoked"},
    {TRUST_E_BAD_DIGEST, "TRUST_E_BAD_DIGEST", VQ_TRUST_UNTRUSTED,
     "digest mismatch: the file's hash does not match its signature (changed after signing)"},
    {TRUST_E_SUBJECT_NOT_TRUSTED, "TRUST_E_SUBJECT_NOT_TRUSTED", VQ_TRUST_UNTRUSTED,
     "the signer is not trusted for this action"},
    {CERT_E_UNTRUSTEDROOT, "CERT_E_UNTRUSTEDROOT", VQ_TRUST_UNTRUSTED,
     "the chain ends in a root that is not trusted"},
    {CERT_E_CHAINING, "CERT_E_CHAINING", VQ_TRUST_UNTRUSTED,
     "no chain to a trusted root could be built"},
    {CERT_E_EXPIRED, "CERT_E_EXPIRED", VQ_TRUST_UNTRUSTED,
     "a certificate in the chain has expired"},
    {CERT_E_UNTRUSTEDTESTROOT, "CERT_E_UNTRUSTEDTESTROOT", VQ_TRUST_UNTRUSTED,
     "the chain ends in a test root"},
    {CERT_E_WRONG_USAGE, "CERT_E_WRONG_USAGE", VQ_TRUST_UNTRUSTED,
     "the certificate is not valid for code signing"},
    {CERT_E_PURPOSE, "CERT_E_PURPOSE", VQ_TRUST_UNTRUSTED,
     "the certificate is not valid for this purpose"},
    {TRUST_E_CERT_SIGNATURE, "TRUST_E_CERT_SIGNATURE", VQ_TRUST_UNTRUSTED,
     "a certificate's signature does not verify"},
    {TRUST_E_TIME_STAMP, "TRUST_E_TIME_STAMP", VQ_TRUST_UNTRUSTED, "the timestamp does not verify"},
    {TRUST_E_BASIC_CONSTRAINTS, "TRUST_E_BASIC_CONSTRAINTS", VQ_TRUST_UNTRUSTED,
     "the chain's basic constraints are not met"},
    {CRYPT_E_SECURITY_SETTINGS, "CRYPT_E_SECURITY_SETTINGS", VQ_TRUST_UNTRUSTED,
     "the administrator's security settings refuse this signature"},
    {CRYPT_E_FILE_ERROR, "CRYPT_E_FILE_ERROR", VQ_TRUST_ERROR, "the file could not be read"},
    {TRUST_E_FAIL, "TRUST_E_FAIL", VQ_TRUST_UNTRUSTED,
     "the signature or its chain does not verify"},
};

static void win32_authenticode_set_result(vq_signature *signature, LONG status) {
  for (size_t i = 0; i < sizeof win32_trust_codes / sizeof win32_trust_codes[0]; i++) {
    const win32_trust_code *known = &win32_trust_codes[i];
    if (known->code != status) continue;
    vq_signature_set_result(signature, known->trust, "%s (%s 0x%08lx)", known->words, known->symbol,
                            (unsigned long)status);
    return;
  }
  char words[300];
  win32_text_error_words((DWORD)status, words, sizeof words);
  vq_signature_set_result(signature, VQ_TRUST_ERROR, "WinVerifyTrust failed: %s (0x%08lx)", words,
                          (unsigned long)status);
}

/* ---- WinVerifyTrust ------------------------------------------------------------------------- */

static LONG win32_authenticode_verify(WINTRUST_DATA *data) {
  GUID action = WINTRUST_ACTION_GENERIC_VERIFY_V2;
  data->cbStruct = sizeof *data;
  data->dwUIChoice = WTD_UI_NONE;
  data->fdwRevocationChecks = WTD_REVOKE_NONE;
  data->dwStateAction = WTD_STATEACTION_VERIFY;
  data->dwProvFlags = WTD_REVOCATION_CHECK_NONE | WTD_CACHE_ONLY_URL_RETRIEVAL;
  LONG status = WinVerifyTrust((HWND)INVALID_HANDLE_VALUE, &action, data);
  data->dwStateAction = WTD_STATEACTION_CLOSE;
  WinVerifyTrust((HWND)INVALID_HANDLE_VALUE, &action, data);
  return status;
}

static LONG win32_authenticode_verify_embedded(const wchar_t *path, HANDLE file) {
  WINTRUST_FILE_INFO file_info;
  memset(&file_info, 0, sizeof file_info);
  file_info.cbStruct = sizeof file_info;
  file_info.pcwszFilePath = path;
  file_info.hFile = file;
  WINTRUST_DATA data;
  memset(&data, 0, sizeof data);
  data.dwUnionChoice = WTD_CHOICE_FILE;
  data.pFile = &file_info;
  return win32_authenticode_verify(&data);
}

/* ---- signer details ------------------------------------------------------------------------ */

static void *win32_authenticode_decode(LPCSTR type, const CRYPT_ATTR_BLOB *blob) {
  DWORD size = 0;
  if (!CryptDecodeObject(WIN32_AUTHENTICODE_ENCODING, type, blob->pbData, blob->cbData, 0, NULL,
                         &size))
    return NULL;
  void *decoded = malloc(size);
  if (decoded && !CryptDecodeObject(WIN32_AUTHENTICODE_ENCODING, type, blob->pbData, blob->cbData,
                                    0, decoded, &size)) {
    free(decoded);
    decoded = NULL;
  }
  return decoded;
}

static const CRYPT_ATTRIBUTE *win32_authenticode_attribute(const CRYPT_ATTRIBUTES *attributes,
                                                           const char *oid) {
  for (DWORD i = 0; i < attributes->cAttr; i++)
    if (strcmp(attributes->rgAttr[i].pszObjId, oid) == 0 && attributes->rgAttr[i].cValue > 0)
      return &attributes->rgAttr[i];
  return NULL;
}

static char *win32_authenticode_link(const SPC_LINK *link) {
  if (link == NULL) return NULL;
  if (link->dwLinkChoice == SPC_URL_LINK_CHOICE) return win32_text_utf8(link->pwszUrl);
  if (link->dwLinkChoice == SPC_FILE_LINK_CHOICE) return win32_text_utf8(link->pwszFile);
  return NULL;
}

/* One DER header at bytes[*at]: its tag and content length; 0, or -1 when
 * the lengths run past `length`. */
static int win32_authenticode_der(const BYTE *bytes, size_t length, size_t *at, BYTE *tag,
                                  size_t *content) {
  if (*at + 2 > length) return -1;
  *tag = bytes[(*at)++];
  size_t size = bytes[(*at)++];
  if (size & 0x80) {
    size_t count = size & 0x7f;
    if (count == 0 || count > 4 || *at + count > length) return -1;
    size = 0;
    while (count--) size = size << 8 | bytes[(*at)++];
  }
  if (size > length - *at) return -1;
  *content = size;
  return 0;
}

/*
** The program name of an encoded SpcSpOpusInfo, read here rather than through
** CryptDecodeObject, which in Wine reads an IA5String name (the `ascii`
** choice, as osslsigncode writes it) as UTF-16:
**   SpcSpOpusInfo ::= SEQUENCE { programName [0] EXPLICIT SpcString OPTIONAL, ... }
**   SpcString ::= CHOICE { unicode [0] IMPLICIT BMPString, ascii [1] IMPLICIT IA5String }
*/
static char *win32_authenticode_program_name(const BYTE *bytes, size_t length) {
  size_t at = 0, size = 0;
  BYTE tag = 0;
  if (win32_authenticode_der(bytes, length, &at, &tag, &size) != 0 || tag != 0x30) return NULL;
  size_t end = at + size;
  if (at >= end || win32_authenticode_der(bytes, end, &at, &tag, &size) != 0 || tag != 0xa0)
    return NULL;
  if (win32_authenticode_der(bytes, at + size, &at, &tag, &size) != 0) return NULL;
  if (tag == 0x81) {
    char *text = malloc(size + 1);
    if (text == NULL) return NULL;
    for (size_t i = 0; i < size; i++) text[i] = bytes[at + i] < 0x80 ? (char)bytes[at + i] : '?';
    text[size] = 0;
    return text;
  }
  if (tag != 0x80) return NULL;
  wchar_t *wide = malloc((size / 2 + 1) * sizeof *wide);
  if (wide == NULL) return NULL;
  for (size_t i = 0; i < size / 2; i++)
    wide[i] = (wchar_t)(bytes[at + 2 * i] << 8 | bytes[at + 2 * i + 1]);
  wide[size / 2] = 0;
  char *text = win32_text_utf8(wide);
  free(wide);
  return text;
}

static void win32_authenticode_opus(const CMSG_SIGNER_INFO *signer, vq_signature *signature) {
  const CRYPT_ATTRIBUTE *attribute =
      win32_authenticode_attribute(&signer->AuthAttrs, SPC_SP_OPUS_INFO_OBJID);
  if (attribute == NULL) return;
  signature->program_name =
      win32_authenticode_program_name(attribute->rgValue[0].pbData, attribute->rgValue[0].cbData);
  SPC_SP_OPUS_INFO *opus =
      win32_authenticode_decode(SPC_SP_OPUS_INFO_OBJID, &attribute->rgValue[0]);
  if (opus == NULL) return;
  if (signature->program_name == NULL)
    signature->program_name = win32_text_utf8(opus->pwszProgramName);
  signature->publisher_link = win32_authenticode_link(opus->pPublisherInfo);
  signature->more_info_link = win32_authenticode_link(opus->pMoreInfo);
  free(opus);
}

/* The signingTime attribute of a signer, as Unix seconds; -1 if none. */
static int64_t win32_authenticode_signing_time(const CRYPT_ATTRIBUTES *attributes) {
  const CRYPT_ATTRIBUTE *attribute =
      win32_authenticode_attribute(attributes, szOID_RSA_signingTime);
  if (attribute == NULL) return -1;
  FILETIME time;
  DWORD size = sizeof time;
  if (!CryptDecodeObject(WIN32_AUTHENTICODE_ENCODING, szOID_RSA_signingTime,
                         attribute->rgValue[0].pbData, attribute->rgValue[0].cbData, 0, &time,
                         &size))
    return -1;
  int64_t ticks = (int64_t)((uint64_t)time.dwHighDateTime << 32 | time.dwLowDateTime);
  return ticks > WIN32_AUTHENTICODE_EPOCH_DIFFERENCE
             ? (ticks - WIN32_AUTHENTICODE_EPOCH_DIFFERENCE) / 10000000
             : -1;
}

static int64_t win32_authenticode_timestamp(const CMSG_SIGNER_INFO *signer) {
  const CRYPT_ATTRIBUTE *counter =
      win32_authenticode_attribute(&signer->UnauthAttrs, szOID_RSA_counterSign);
  if (counter) {
    CMSG_SIGNER_INFO *countersigner =
        win32_authenticode_decode(PKCS7_SIGNER_INFO, &counter->rgValue[0]);
    if (countersigner) {
      int64_t time = win32_authenticode_signing_time(&countersigner->AuthAttrs);
      free(countersigner);
      if (time >= 0) return time;
    }
  }
  return win32_authenticode_signing_time(&signer->AuthAttrs);
}

static char *win32_authenticode_serial(const CRYPT_INTEGER_BLOB *serial) {
  /* The blob is little-endian; certificates print it big-endian. */
  char *text = malloc((size_t)serial->cbData * 2 + 1);
  if (text == NULL) return NULL;
  for (DWORD i = 0; i < serial->cbData; i++)
    vq_hex_lower(&serial->pbData[serial->cbData - 1 - i], 1, text + 2 * i);
  text[serial->cbData * 2] = 0;
  return text;
}

static char *win32_authenticode_cert_name(PCCERT_CONTEXT cert, DWORD flags) {
  wchar_t name[512];
  if (CertGetNameStringW(cert, CERT_NAME_SIMPLE_DISPLAY_TYPE, flags, NULL, name, 512) <= 1)
    return NULL;
  return win32_text_utf8(name);
}

/* Fills the signer fields from the PKCS#7 signature of `path` (a signed file,
 * or a catalog). Missing parts stay NULL. */
static void win32_authenticode_signer(const wchar_t *path, vq_signature *signature) {
  HCERTSTORE store = NULL;
  HCRYPTMSG message = NULL;
  DWORD encoding = 0, content = 0, format = 0;
  if (!CryptQueryObject(
          CERT_QUERY_OBJECT_FILE, path,
          CERT_QUERY_CONTENT_FLAG_PKCS7_SIGNED_EMBED | CERT_QUERY_CONTENT_FLAG_PKCS7_SIGNED,
          CERT_QUERY_FORMAT_FLAG_BINARY, 0, &encoding, &content, &format, &store, &message, NULL))
    return;
  DWORD size = 0;
  CMSG_SIGNER_INFO *signer = NULL;
  if (CryptMsgGetParam(message, CMSG_SIGNER_INFO_PARAM, 0, NULL, &size) && size > 0) {
    signer = malloc(size);
    if (signer && !CryptMsgGetParam(message, CMSG_SIGNER_INFO_PARAM, 0, signer, &size)) {
      free(signer);
      signer = NULL;
    }
  }
  if (signer) {
    signature->serial_number = win32_authenticode_serial(&signer->SerialNumber);
    win32_authenticode_opus(signer, signature);
    signature->timestamp = win32_authenticode_timestamp(signer);
    CERT_INFO wanted;
    memset(&wanted, 0, sizeof wanted);
    wanted.Issuer = signer->Issuer;
    wanted.SerialNumber = signer->SerialNumber;
    PCCERT_CONTEXT cert = CertFindCertificateInStore(store, WIN32_AUTHENTICODE_ENCODING, 0,
                                                     CERT_FIND_SUBJECT_CERT, &wanted, NULL);
    if (cert) {
      signature->subject_name = win32_authenticode_cert_name(cert, 0);
      signature->issuer_name = win32_authenticode_cert_name(cert, CERT_NAME_ISSUER_FLAG);
      CertFreeCertificateContext(cert);
    }
    free(signer);
  }
  CryptMsgClose(message);
  CertCloseStore(store, 0);
}

/* ---- catalogs -------------------------------------------------------------------------------- */

typedef BOOL(WINAPI *win32_calc_hash2_fn)(HCATADMIN, HANDLE, DWORD *, BYTE *, DWORD);
typedef BOOL(WINAPI *win32_acquire_context2_fn)(HCATADMIN *, const GUID *, PCWSTR,
                                                PCCERT_STRONG_SIGN_PARA, DWORD);

/* The *2 catalog functions, looked up at run time: mingw's import library and
 * Wine 8's wintrust.dll lack some of them, and importing one that is missing
 * would stop the DLL from loading at all. */
static FARPROC win32_authenticode_wintrust(const char *name) {
  HMODULE wintrust = GetModuleHandleW(L"wintrust.dll");
  return wintrust ? GetProcAddress(wintrust, name) : NULL;
}

static win32_calc_hash2_fn win32_authenticode_calc_hash2(void) {
  return (win32_calc_hash2_fn)(void (*)(void))win32_authenticode_wintrust(
      "CryptCATAdminCalcHashFromFileHandle2");
}

/* A catalog admin context for `algorithm`. SHA-1 falls back to the older
 * call when the *2 one is missing or refuses (Wine 8 exports it as a stub
 * that fails). */
static BOOL win32_authenticode_acquire(HCATADMIN *admin, const GUID *action,
                                       const wchar_t *algorithm) {
  win32_acquire_context2_fn acquire2 = (win32_acquire_context2_fn)(void (*)(
      void))win32_authenticode_wintrust("CryptCATAdminAcquireContext2");
  if (acquire2 && acquire2(admin, action, algorithm, NULL, 0)) return TRUE;
  if (wcscmp(algorithm, BCRYPT_SHA1_ALGORITHM) != 0) return FALSE;
  return CryptCATAdminAcquireContext(admin, action, 0);
}

/* The file's hash for a catalog admin context of `algorithm`; 0 or -1.
 * SHA-1 falls back to the older call as above. */
static int win32_authenticode_catalog_hash(HCATADMIN admin, const wchar_t *algorithm, HANDLE file,
                                           BYTE *hash, DWORD *hash_size) {
  win32_calc_hash2_fn calc_hash2 = win32_authenticode_calc_hash2();
  DWORD capacity = *hash_size;
  SetFilePointer(file, 0, NULL, FILE_BEGIN);
  if (calc_hash2 && calc_hash2(admin, file, hash_size, hash, 0)) return 0;
  if (wcscmp(algorithm, BCRYPT_SHA1_ALGORITHM) != 0) return -1;
  *hash_size = capacity;
  SetFilePointer(file, 0, NULL, FILE_BEGIN);
  return CryptCATAdminCalcHashFromFileHandle(file, hash_size, hash, 0) ? 0 : -1;
}

/* Looks the file up in the catalogs hashed with `algorithm`. When one signs
 * it, verifies it as a member, fills *signature and returns 1; else 0. */
static int win32_authenticode_try_catalog(const wchar_t *algorithm, const wchar_t *path,
                                          HANDLE file, vq_signature *signature) {
  static const GUID driver_action = DRIVER_ACTION_VERIFY;
  HCATADMIN admin = NULL;
  if (!win32_authenticode_acquire(&admin, &driver_action, algorithm)) return 0;
  BYTE hash[64];
  DWORD hash_size = sizeof hash;
  int found = 0;
  if (win32_authenticode_catalog_hash(admin, algorithm, file, hash, &hash_size) == 0) {
    HCATINFO catalog = CryptCATAdminEnumCatalogFromHash(admin, hash, hash_size, 0, NULL);
    CATALOG_INFO info;
    memset(&info, 0, sizeof info);
    info.cbStruct = sizeof info;
    if (catalog && CryptCATCatalogInfoFromContext(catalog, &info, 0)) {
      wchar_t tag[129];
      for (DWORD i = 0; i < hash_size && i < 64; i++) _snwprintf(tag + 2 * i, 3, L"%02X", hash[i]);
      tag[2 * (hash_size < 64 ? hash_size : 64)] = 0;
      WINTRUST_CATALOG_INFO member;
      memset(&member, 0, sizeof member);
      member.cbStruct = sizeof member;
      member.pcwszCatalogFilePath = info.wszCatalogFile;
      member.pcwszMemberTag = tag;
      member.pcwszMemberFilePath = path;
      member.hMemberFile = file;
      member.pbCalculatedFileHash = hash;
      member.cbCalculatedFileHash = hash_size;
      member.hCatAdmin = admin;
      WINTRUST_DATA data;
      memset(&data, 0, sizeof data);
      data.dwUnionChoice = WTD_CHOICE_CATALOG;
      data.pCatalog = &member;
      SetFilePointer(file, 0, NULL, FILE_BEGIN);
      win32_authenticode_set_result(signature, win32_authenticode_verify(&data));
      signature->catalog = win32_text_utf8(info.wszCatalogFile);
      win32_authenticode_signer(info.wszCatalogFile, signature);
      found = 1;
    }
    if (catalog) CryptCATAdminReleaseCatalogContext(admin, catalog, 0);
  }
  CryptCATAdminReleaseContext(admin, 0);
  return found;
}

static int win32_authenticode_catalogs(const wchar_t *path, HANDLE file, vq_signature *signature) {
  AcquireSRWLockExclusive(&win32_authenticode_catalog_lock);
  int found = win32_authenticode_try_catalog(BCRYPT_SHA256_ALGORITHM, path, file, signature) ||
              win32_authenticode_try_catalog(BCRYPT_SHA1_ALGORITHM, path, file, signature);
  ReleaseSRWLockExclusive(&win32_authenticode_catalog_lock);
  return found;
}

/* ---- the check ----------------------------------------------------------------------------------
 */

static HANDLE win32_authenticode_open(const wchar_t *wide, vq_signature *signature) {
  DWORD attributes = GetFileAttributesW(wide);
  char words[300];
  if (attributes == INVALID_FILE_ATTRIBUTES) {
    DWORD code = GetLastError();
    win32_text_error_words(code, words, sizeof words);
    int missing =
        code == ERROR_FILE_NOT_FOUND || code == ERROR_PATH_NOT_FOUND || code == ERROR_INVALID_NAME;
    vq_signature_set_result(signature, VQ_TRUST_ERROR, "%s: %s (%lu)",
                            missing ? "file not found" : "cannot open the file", words,
                            (unsigned long)code);
    return INVALID_HANDLE_VALUE;
  }
  if (attributes & FILE_ATTRIBUTE_DIRECTORY) {
    vq_signature_set_result(signature, VQ_TRUST_ERROR, "a directory, not a file");
    return INVALID_HANDLE_VALUE;
  }
  HANDLE file =
      CreateFileW(wide, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                  OPEN_EXISTING, 0, NULL);
  if (file == INVALID_HANDLE_VALUE) {
    DWORD code = GetLastError();
    win32_text_error_words(code, words, sizeof words);
    vq_signature_set_result(signature, VQ_TRUST_ERROR, "cannot read the file: %s (%lu)", words,
                            (unsigned long)code);
  }
  return file;
}

void vq_signature_check(const char *path, vq_signature *signature) {
  memset(signature, 0, sizeof *signature);
  signature->timestamp = -1;
  wchar_t *wide = win32_text_wide(path);
  if (wide == NULL) {
    vq_signature_set_result(signature, VQ_TRUST_ERROR, "the path is not valid UTF-8");
    return;
  }
  HANDLE file = win32_authenticode_open(wide, signature);
  if (file == INVALID_HANDLE_VALUE) {
    free(wide);
    return;
  }
  vq_counter_add(VQ_COUNTER_SIGNATURES_CHECKED, 1);
  LONG status = win32_authenticode_verify_embedded(wide, file);
  int unsigned_embedded = status == TRUST_E_NOSIGNATURE || status == TRUST_E_SUBJECT_FORM_UNKNOWN ||
                          status == TRUST_E_PROVIDER_UNKNOWN;
  if (!unsigned_embedded) {
    win32_authenticode_set_result(signature, status);
    win32_authenticode_signer(wide, signature);
  } else if (!win32_authenticode_catalogs(wide, file, signature)) {
    win32_authenticode_set_result(signature, status);
  }
  CloseHandle(file);
  free(wide);
}

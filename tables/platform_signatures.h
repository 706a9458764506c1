/*
** platform_signatures.h: the backend interface of the `authenticode(path)`
** table-valued function.
**
** vq_signature_check() verifies one file and never fails: a missing file, a
** directory, an unreadable file or a failed verification is a result with
** trust VQ_TRUST_ERROR and a detail that says which. Strings are UTF-8, owned
** by the result and freed with vq_signature_clear(). Each check that reaches
** the file bumps VQ_COUNTER_SIGNATURES_CHECKED.
**
**   Windows: WinVerifyTrust (no UI, no revocation check, so no network) on
**            the embedded signature; a file without one is looked up in the
**            system catalogs and verified as a catalog member; signer details
**            through CryptQueryObject and CryptMsgGetParam.
**   Linux:   ELF and other non-PE files are unsigned; PE files are an error
**            saying that embedded-signature verification on Linux is not
**            available yet.
*/
#ifndef VQLITE_PLATFORM_SIGNATURES_H
#define VQLITE_PLATFORM_SIGNATURES_H

#include <stddef.h>
#include <stdint.h>

#include "platform.h"

/* The `trusted` vocabulary, the same on every platform. */
typedef enum vq_trust {
  VQ_TRUST_TRUSTED,    /* a valid signature that chains to a trusted root */
  VQ_TRUST_UNSIGNED,   /* no signature, embedded or in a catalog */
  VQ_TRUST_UNTRUSTED,  /* signed, but the signature or its chain does not verify */
  VQ_TRUST_DISALLOWED, /* signed by a certificate the system explicitly distrusts or revoked */
  VQ_TRUST_ERROR       /* the file could not be checked; detail says why */
} vq_trust;

/* "trusted", "unsigned", "untrusted", "disallowed", "error". */
const char *vq_trust_name(vq_trust trust);

typedef struct vq_signature {
  vq_trust trust;
  char *detail;         /* never NULL after a check: words and code */
  char *program_name;   /* SpcSpOpusInfo program name; NULL if none */
  char *publisher_link; /* SpcSpOpusInfo publisher information link */
  char *more_info_link; /* SpcSpOpusInfo more-info link */
  char *serial_number;  /* signer certificate serial, lowercase hex */
  char *issuer_name;    /* signer certificate issuer (simple display name) */
  char *subject_name;   /* signer certificate subject (simple display name) */
  int64_t timestamp;    /* signing time, Unix seconds UTC; -1 if none */
  char *catalog;        /* catalog file that signs the file; NULL if embedded or none */
} vq_signature;

/* Checks the file at `path` (UTF-8) into *signature (zeroed first). */
void vq_signature_check(const char *path, vq_signature *signature);
void vq_signature_clear(vq_signature *signature);
/* Sets the result's trust and its detail (printf-style, replacing any
 * earlier detail); what each backend's checks end with. */
void vq_signature_set_result(vq_signature *signature, vq_trust trust, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* A deep copy (for caches); returns 0, or -1 when out of memory. */
int vq_signature_copy(vq_signature *dest, const vq_signature *src);

/*
** What the first bytes of a file say about its format, for the backends that
** sniff before they verify. Pure: fed from (bytes, length), never the OS.
*/
typedef enum vq_file_format {
  VQ_FORMAT_UNKNOWN, /* none of the below */
  VQ_FORMAT_ELF,     /* \x7fELF */
  VQ_FORMAT_MZ,      /* an MZ (DOS) header without a valid PE header */
  VQ_FORMAT_PE       /* MZ + e_lfanew -> "PE\0\0" + an optional header we know */
} vq_file_format;

typedef struct vq_pe_info {
  vq_file_format format;
  int is_pe32_plus;            /* PE32+ (64-bit) optional header */
  uint32_t certificate_offset; /* IMAGE_DIRECTORY_ENTRY_SECURITY: file offset; 0 if none */
  uint32_t certificate_size;   /* its size; 0 if the PE has no embedded signature */
} vq_pe_info;

/* Sniffs bytes[length] (the file's start; 4 KiB is plenty) into *info. A
 * header that claims offsets past `length` is not a PE. Implemented by the
 * Linux backend, the one that decides by format; on Windows WinVerifyTrust
 * decides. */
void vq_pe_sniff(const unsigned char *bytes, size_t length, vq_pe_info *info);

#endif /* VQLITE_PLATFORM_SIGNATURES_H */

/*
** text.h (Windows): the text conversions every Win32 backend file needs:
** UTF-16 <-> UTF-8, and the system's words for a Win32 error code. Plain C
** over Windows calls; no SQLite.
*/
#ifndef VQLITE_WIN32_TEXT_H
#define VQLITE_WIN32_TEXT_H

#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include <stddef.h>

/* A malloc'd UTF-8 copy of a NUL-terminated UTF-16 string; NULL for NULL
 * or when it cannot be converted. */
char *win32_text_utf8(const wchar_t *wide);

/* A malloc'd UTF-16 copy of a NUL-terminated UTF-8 string; NULL on failure. */
wchar_t *win32_text_wide(const char *utf8);

/* The system's words for a Win32 error code in UTF-8, without the trailing
 * period and line break ("The parameter is incorrect"), or "unknown error"
 * when the system has none. */
void win32_text_error_words(DWORD code, char *out, size_t size);

#endif

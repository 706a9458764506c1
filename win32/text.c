/*
** text.c (Windows): see text.h.
*/
#include "text.h"

#include <stdio.h>
#include <stdlib.h>

char *win32_text_utf8(const wchar_t *wide) {
  if (wide == NULL) return NULL;
  int size = WideCharToMultiByte(CP_UTF8, 0, wide, -1, NULL, 0, NULL, NULL);
  if (size <= 0) return NULL;
  char *text = malloc((size_t)size);
  if (text && WideCharToMultiByte(CP_UTF8, 0, wide, -1, text, size, NULL, NULL) <= 0) {
    free(text);
    text = NULL;
  }
  return text;
}

wchar_t *win32_text_wide(const char *utf8) {
  if (utf8 == NULL) return NULL;
  int count = MultiByteToWideChar(CP_UTF8, 0, utf8, -1, NULL, 0);
  if (count <= 0) return NULL;
  wchar_t *wide = malloc((size_t)count * sizeof *wide);
  if (wide && MultiByteToWideChar(CP_UTF8, 0, utf8, -1, wide, count) <= 0) {
    free(wide);
    wide = NULL;
  }
  return wide;
}

void win32_text_error_words(DWORD code, char *out, size_t size) {
  if (size == 0) return;
  /* The wide form, so a localised message reaches UTF-8 intact. */
  wchar_t words[256];
  DWORD length = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                                code, 0, words, sizeof words / sizeof words[0], NULL);
  while (length > 0 && (words[length - 1] == L'\r' || words[length - 1] == L'\n' ||
                        words[length - 1] == L'.' || words[length - 1] == L' '))
    length--;
  words[length] = 0;
  if (length == 0 || WideCharToMultiByte(CP_UTF8, 0, words, -1, out, (int)size, NULL, NULL) <= 0)
    snprintf(out, size, "unknown error");
}

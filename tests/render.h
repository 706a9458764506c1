/*
** render.h: a statement's results as one string, the way the test suites
** compare them, identical for the native build and for vqlite.dll under Wine:
**
**   rows separated by "\n", columns by "|", each value in SQL literal form
**   as the sqlite3 shell's `.mode quote` prints it: NULL, 42, 1.5, 'text'
**   (quotes doubled), X'0aff'. An error is "error: <sqlite3_errmsg>".
**
** Only the sqlite3 C API is used (no extension API), so the same file builds
** into the native harness and into the Windows test driver sqlrun.exe.
*/
#ifndef VQLITE_RENDER_H
#define VQLITE_RENDER_H

#include <sqlite3.h>

/* Runs every statement of sql; returns the rendered rows of all of them, or
 * the first error. The result is malloc'd; the caller frees it. */
char *render_sql(sqlite3 *db, const char *sql);

#endif

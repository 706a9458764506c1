/*
** stress.h: many connections at once, each in its own thread, for the
** concurrency test of vqlite.dll under Wine (tests/check_hardening.c runs
** `sqlrun.exe vqlite.dll --stress THREADS SECONDS < queries`).
**
** Each thread opens its own in-memory connection, loads the extension, and
** runs every query of stdin (one per line) in turn, round after round, until
** SECONDS have passed. Each query answers one row of two integers: the rows
** it looked at and how many of them were invalid, as in
**   SELECT count(*), count(*) FILTER (WHERE pid < 0) FROM processes
** It prints one summary line ("stress: 8 threads, ... 0 invalid") and a line
** per failing thread, and returns 0 only when every thread ran at least one
** whole round, no query failed and no row was invalid.
**
** Only the sqlite3 C API and the OS's threads (Win32, or pthreads natively,
** where it is debugged) are used.
*/
#ifndef VQLITE_STRESS_H
#define VQLITE_STRESS_H

#include <sqlite3.h>
#include <stdio.h>

int stress_main(const char *extension, int thread_count, double seconds, FILE *input);

#endif

/*
** stress.c: see stress.h.
*/
#include "stress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef _WIN32
#include <windows.h>
#else
#include <pthread.h>
#endif

enum { STRESS_MAX_THREADS = 64, STRESS_MAX_QUERIES = 64 };

typedef struct stress_worker {
  const char *extension;
  char *const *queries;
  int query_count;
  double seconds;
  long rounds, rows, invalid;
  char error[512];
} stress_worker;

static double stress_now(void) {
#ifdef _WIN32
  return (double)GetTickCount64() / 1e3;
#else
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec + now.tv_nsec / 1e9;
#endif
}

/* One query: its first row's two integers (rows, invalid rows); 0 or -1. */
static int stress_query(sqlite3 *db, const char *sql, stress_worker *worker) {
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) {
    worker->rows += sqlite3_column_int64(stmt, 0);
    worker->invalid += sqlite3_column_int64(stmt, 1);
    rc = sqlite3_step(stmt);
  }
  if (rc != SQLITE_DONE)
    snprintf(worker->error, sizeof worker->error, "%s: %s", sql, sqlite3_errmsg(db));
  sqlite3_finalize(stmt);
  return rc == SQLITE_DONE ? 0 : -1;
}

/* A connection of its own, every query in turn until the time is up. */
static void stress_work(stress_worker *worker) {
  sqlite3 *db = NULL;
  char *message = NULL;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
      sqlite3_enable_load_extension(db, 1) != SQLITE_OK ||
      sqlite3_load_extension(db, worker->extension, NULL, &message) != SQLITE_OK) {
    snprintf(worker->error, sizeof worker->error, "loading %s: %s", worker->extension,
             message ? message : sqlite3_errmsg(db));
    sqlite3_free(message);
    sqlite3_close(db);
    return;
  }
  double deadline = stress_now() + worker->seconds;
  do {
    for (int i = 0; i < worker->query_count; i++)
      if (stress_query(db, worker->queries[i], worker) != 0) goto done;
    worker->rounds++;
  } while (stress_now() < deadline);
done:
  sqlite3_close(db);
}

#ifdef _WIN32
static DWORD WINAPI stress_thread(LPVOID argument) {
  stress_work(argument);
  return 0;
}
#else
static void *stress_thread(void *argument) {
  stress_work(argument);
  return NULL;
}
#endif

/* Reads one query per line; returns how many, or -1 when there are too many. */
static int stress_read_queries(FILE *input, char **queries) {
  char line[8192];
  int count = 0;
  while (fgets(line, sizeof line, input)) {
    line[strcspn(line, "\r\n")] = 0;
    if (line[0] == 0) continue;
    if (count == STRESS_MAX_QUERIES) return -1;
    queries[count] = strdup(line);
    if (queries[count] == NULL) return -1;
    count++;
  }
  return count;
}

/* Starts `count` workers and waits for them; 0, or -1 when a thread could
 * not be started. */
static int stress_run_threads(stress_worker *workers, int count) {
#ifdef _WIN32
  HANDLE threads[STRESS_MAX_THREADS];
  int started = 0;
  for (; started < count; started++) {
    threads[started] = CreateThread(NULL, 0, stress_thread, &workers[started], 0, NULL);
    if (threads[started] == NULL) break;
  }
  for (int i = 0; i < started; i++) {
    WaitForSingleObject(threads[i], INFINITE);
    CloseHandle(threads[i]);
  }
#else
  pthread_t threads[STRESS_MAX_THREADS];
  int started = 0;
  for (; started < count; started++)
    if (pthread_create(&threads[started], NULL, stress_thread, &workers[started]) != 0) break;
  for (int i = 0; i < started; i++) pthread_join(threads[i], NULL);
#endif
  return started == count ? 0 : -1;
}

int stress_main(const char *extension, int thread_count, double seconds, FILE *input) {
  if (thread_count < 1 || thread_count > STRESS_MAX_THREADS || seconds <= 0) {
    fprintf(stderr, "stress: want 1 to %d threads and a positive number of seconds\n",
            STRESS_MAX_THREADS);
    return 2;
  }
  char *queries[STRESS_MAX_QUERIES];
  int query_count = stress_read_queries(input, queries);
  if (query_count <= 0) {
    fprintf(stderr, "stress: want 1 to %d queries on stdin, one per line\n", STRESS_MAX_QUERIES);
    return 2;
  }
  static stress_worker workers[STRESS_MAX_THREADS];
  for (int i = 0; i < thread_count; i++) {
    memset(&workers[i], 0, sizeof workers[i]);
    workers[i].extension = extension;
    workers[i].queries = queries;
    workers[i].query_count = query_count;
    workers[i].seconds = seconds;
  }
  double start = stress_now();
  int status = stress_run_threads(workers, thread_count) == 0 ? 0 : 1;
  if (status) printf("stress: a thread could not be started\n");
  long rounds = 0, rows = 0, invalid = 0;
  for (int i = 0; i < thread_count; i++) {
    rounds += workers[i].rounds, rows += workers[i].rows, invalid += workers[i].invalid;
    if (workers[i].error[0]) printf("stress: thread %d: %s\n", i, workers[i].error), status = 1;
    if (workers[i].rounds == 0) printf("stress: thread %d ran no whole round\n", i), status = 1;
  }
  printf(
      "stress: %d threads, a connection each, %.1f s: %ld rounds of %d queries, %ld rows, "
      "%ld invalid\n",
      thread_count, stress_now() - start, rounds, query_count, rows, invalid);
  if (invalid) status = 1;
  for (int i = 0; i < query_count; i++) free(queries[i]);
  return status;
}

/*
** artifacts.h: the five Velociraptor artifact views, their parameters and
** the vqlite_artifacts listing (ext/artifacts.c installs the files of sql/), and the
** reader of the seed's Choice,Regex CSV maps (pure C, for tests and fuzzers).
*/
#ifndef VQLITE_ARTIFACTS_H
#define VQLITE_ARTIFACTS_H

#include <stddef.h>

/* As sqlite3.h and sqlite3ext.h declare it; this header includes neither, so
 * tests can use the CSV reader beside sqlite3.h. */
typedef struct sqlite3 sqlite3;

/*
** Registers vqlite_artifact_map() and vqlite_artifact_param_check(), then
** runs every embedded file of sql/, in file-name order, inside one
** savepoint: the TEMP table artifact_params, its triggers, the five TEMP
** views and vqlite_artifacts. Loading twice keeps the parameter values a user
** set and replaces the views. On failure nothing is left behind and *errmsg
** (sqlite3_malloc'd) names the file and SQLite's message.
*/
int vq_artifacts_install(sqlite3 *db, char **errmsg);

/*
** A Choice,Regex map as the seed writes it (parse_csv of a hidden
** parameter): a header row naming the columns Choice and Regex (others are
** allowed and ignored), then one row per choice. Fields follow RFC 4180 as
** Go's encoding/csv reads them: separated by commas, optionally quoted with
** "" for a quote, CRLF or LF line ends, blank lines skipped, every row as
** many fields as the header.
*/
enum { VQ_MAP_FIELD_MAX = 1024 };

typedef struct vq_map_row {
  char choice[VQ_MAP_FIELD_MAX];
  char regex[VQ_MAP_FIELD_MAX];
  int line; /* 1-based line where the row starts */
} vq_map_row;

typedef struct vq_map_reader {
  const char *text;
  size_t length, offset;
  int line;
  int field_count;  /* fields per row, from the header */
  int choice_field; /* index of Choice */
  int regex_field;  /* index of Regex */
} vq_map_reader;

/* Reads the header. 0 on success, -1 with the reason in error. */
int vq_map_reader_init(vq_map_reader *reader, const char *text, size_t length, char *error,
                       size_t error_size);

/* The next row: 1 with *row filled, 0 at the end, -1 with the reason in error. */
int vq_map_reader_next(vq_map_reader *reader, vq_map_row *row, char *error, size_t error_size);

#endif /* VQLITE_ARTIFACTS_H */

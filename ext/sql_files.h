/*
** sql_files.h: the SQL files of sql/, embedded at build time by
** tests/embed-sql.sh, so the extension is self-contained.
*/
#ifndef VQLITE_SQL_FILES_H
#define VQLITE_SQL_FILES_H

typedef struct vq_sql_file {
  const char *name; /* "netstat.sql" */
  const char *text; /* the file's bytes, NUL-terminated */
} vq_sql_file;

/* In file-name order, ended by {NULL, NULL}. */
extern const vq_sql_file vq_sql_files[];

#endif

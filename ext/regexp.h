/*
** regexp.h: registration of REGEXP, vql_match and vqlite_regex_check.
*/
#ifndef VQLITE_REGEXP_H
#define VQLITE_REGEXP_H

#include "sqlite3ext.h"

int vq_regexp_register(sqlite3 *db);

/* 1 for the VQL patterns that match every row, NULL included: '', '.', '.*'. */
int vq_vql_matches_everything(const char *pattern, int length);

#endif

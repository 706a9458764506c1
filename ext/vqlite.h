/*
** vqlite.h: the extension's entry point, for programs that link vqlite
** statically and register it with sqlite3_auto_extension().
*/
#ifndef VQLITE_H
#define VQLITE_H

#include <sqlite3.h>

int sqlite3_vqlite_init(sqlite3 *db, char **errmsg, const sqlite3_api_routines *api);

#endif

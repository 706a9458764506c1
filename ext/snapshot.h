/*
** snapshot.h: snapshots of what the host shows, saved into a .db file that
** any SQLite tool reads without vqlite; replay of the artifact views over a
** stored snapshot; what appeared and disappeared between two snapshots.
**
**   SELECT vqlite_snapshot('host.db' [, 'label']);     -- the new snapshot's id
**   SELECT vqlite_replay(3 [, 'schema']);              -- views read snapshot 3
**   SELECT vqlite_replay(NULL);                        -- views read the host again
**   SELECT * FROM vqlite_snapshot_diff(1, 2 [, 'schema']);
**
** ext/snapshot.c has the contract; docs/snapshots.md the file format.
*/
#ifndef VQLITE_SNAPSHOT_H
#define VQLITE_SNAPSHOT_H

#include "sqlite3ext.h"

/* Registers vqlite_snapshot(), vqlite_replay() and vqlite_snapshot_diff on
 * db (all DIRECTONLY). */
int vq_snapshot_register(sqlite3 *db);

#endif /* VQLITE_SNAPSHOT_H */

/* version.h: vqlite's version, the one place it is written. */
#ifndef VQLITE_VERSION_H
#define VQLITE_VERSION_H
#define VQLITE_VERSION "0.1.0"
#endif

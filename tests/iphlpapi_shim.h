/*
** iphlpapi_shim.h: lets sqlrun.exe show a loaded vqlite.dll a Windows whose
** IP Helper refuses the OWNER_MODULE socket tables, so that the Wine runs of
** check_netstat reach netstat's OWNER_PID fallback (win32/sockets.c), which
** Wine itself never takes: it answers the OWNER_MODULE classes.
**
**   shim_refuse_owner_module("vqlite.dll");   // NULL, or why it could not
**   ... netstat queries: OWNER_MODULE calls get ERROR_NOT_SUPPORTED ...
**   shim_counts(&refused, &forwarded);        // calls refused and passed on
**   shim_restore();                           // before the DLL is unloaded
**
** It rewrites two slots of the DLL's import address table (test code only:
** vqlite itself has no switch for this). Elsewhere than Windows,
** shim_refuse_owner_module says it needs Windows.
*/
#ifndef VQLITE_IPHLPAPI_SHIM_H
#define VQLITE_IPHLPAPI_SHIM_H

const char *shim_refuse_owner_module(const char *module_name);
void shim_restore(void);
void shim_counts(long *refused, long *forwarded);

#endif

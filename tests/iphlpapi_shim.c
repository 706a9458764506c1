/*
** iphlpapi_shim.c: see iphlpapi_shim.h.
**
** The loaded DLL's import address table holds one slot per imported
** function; the shim finds the slots of GetExtendedTcpTable and
** GetExtendedUdpTable in the IPHLPAPI.DLL descriptor (by name, through the
** descriptor's name table) and points them at two wrappers that answer
** ERROR_NOT_SUPPORTED for the OWNER_MODULE classes, as a Windows without
** those classes does, and pass every other class to the real call.
*/
#include "iphlpapi_shim.h"

#ifdef _WIN32
#include <winsock2.h>
#include <windows.h>
#include <iphlpapi.h>

#include <string.h>

typedef DWORD(WINAPI *shim_tcp_call)(PVOID, PDWORD, BOOL, ULONG, TCP_TABLE_CLASS, ULONG);
typedef DWORD(WINAPI *shim_udp_call)(PVOID, PDWORD, BOOL, ULONG, UDP_TABLE_CLASS, ULONG);

static HMODULE shim_module;
static shim_tcp_call shim_real_tcp;
static shim_udp_call shim_real_udp;
static ULONG_PTR *shim_tcp_slot, *shim_udp_slot;
static volatile LONG shim_refused, shim_forwarded;

static DWORD WINAPI shim_tcp(PVOID table, PDWORD size, BOOL order, ULONG family,
                             TCP_TABLE_CLASS table_class, ULONG reserved) {
  if (table_class == TCP_TABLE_OWNER_MODULE_LISTENER ||
      table_class == TCP_TABLE_OWNER_MODULE_CONNECTIONS ||
      table_class == TCP_TABLE_OWNER_MODULE_ALL) {
    InterlockedIncrement(&shim_refused);
    return ERROR_NOT_SUPPORTED;
  }
  InterlockedIncrement(&shim_forwarded);
  return shim_real_tcp(table, size, order, family, table_class, reserved);
}

static DWORD WINAPI shim_udp(PVOID table, PDWORD size, BOOL order, ULONG family,
                             UDP_TABLE_CLASS table_class, ULONG reserved) {
  if (table_class == UDP_TABLE_OWNER_MODULE) {
    InterlockedIncrement(&shim_refused);
    return ERROR_NOT_SUPPORTED;
  }
  InterlockedIncrement(&shim_forwarded);
  return shim_real_udp(table, size, order, family, table_class, reserved);
}

/* The import slot of `function` from `library` in `module`, or NULL. */
static ULONG_PTR *shim_find_slot(HMODULE module, const char *library, const char *function) {
  BYTE *base = (BYTE *)module;
  const IMAGE_DOS_HEADER *dos = (const IMAGE_DOS_HEADER *)base;
  const IMAGE_NT_HEADERS *nt = (const IMAGE_NT_HEADERS *)(base + dos->e_lfanew);
  const IMAGE_DATA_DIRECTORY *imports =
      &nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_IMPORT];
  if (imports->VirtualAddress == 0) return NULL;
  const IMAGE_IMPORT_DESCRIPTOR *descriptor =
      (const IMAGE_IMPORT_DESCRIPTOR *)(base + imports->VirtualAddress);
  for (; descriptor->Name; descriptor++) {
    if (_stricmp((const char *)(base + descriptor->Name), library) != 0) continue;
    DWORD names_rva =
        descriptor->OriginalFirstThunk ? descriptor->OriginalFirstThunk : descriptor->FirstThunk;
    const IMAGE_THUNK_DATA *names = (const IMAGE_THUNK_DATA *)(base + names_rva);
    IMAGE_THUNK_DATA *slots = (IMAGE_THUNK_DATA *)(base + descriptor->FirstThunk);
    for (; names->u1.AddressOfData; names++, slots++) {
      if (IMAGE_SNAP_BY_ORDINAL(names->u1.Ordinal)) continue;
      const IMAGE_IMPORT_BY_NAME *by_name =
          (const IMAGE_IMPORT_BY_NAME *)(base + names->u1.AddressOfData);
      if (strcmp((const char *)by_name->Name, function) == 0) return &slots->u1.Function;
    }
  }
  return NULL;
}

static int shim_write_slot(ULONG_PTR *slot, ULONG_PTR value) {
  DWORD old_protection;
  if (!VirtualProtect(slot, sizeof *slot, PAGE_READWRITE, &old_protection)) return -1;
  *slot = value;
  DWORD ignored;
  VirtualProtect(slot, sizeof *slot, old_protection, &ignored);
  return 0;
}

const char *shim_refuse_owner_module(const char *module_name) {
  if (shim_module) return "the shim is already in place";
  HMODULE module = GetModuleHandleA(module_name);
  if (module == NULL) return "the module is not loaded";
  ULONG_PTR *tcp = shim_find_slot(module, "iphlpapi.dll", "GetExtendedTcpTable");
  ULONG_PTR *udp = shim_find_slot(module, "iphlpapi.dll", "GetExtendedUdpTable");
  if (tcp == NULL || udp == NULL) return "the module does not import GetExtended{Tcp,Udp}Table";
  shim_real_tcp = (shim_tcp_call)*tcp;
  shim_real_udp = (shim_udp_call)*udp;
  if (shim_write_slot(tcp, (ULONG_PTR)shim_tcp) != 0) return "VirtualProtect failed";
  if (shim_write_slot(udp, (ULONG_PTR)shim_udp) != 0) {
    shim_write_slot(tcp, (ULONG_PTR)shim_real_tcp);
    return "VirtualProtect failed";
  }
  shim_module = module, shim_tcp_slot = tcp, shim_udp_slot = udp;
  shim_refused = shim_forwarded = 0;
  return NULL;
}

void shim_restore(void) {
  if (shim_module == NULL) return;
  shim_write_slot(shim_tcp_slot, (ULONG_PTR)shim_real_tcp);
  shim_write_slot(shim_udp_slot, (ULONG_PTR)shim_real_udp);
  shim_module = NULL;
}

void shim_counts(long *refused, long *forwarded) {
  *refused = shim_refused;
  *forwarded = shim_forwarded;
}

#else

const char *shim_refuse_owner_module(const char *module_name) {
  (void)module_name;
  return "the IP Helper shim needs Windows";
}

void shim_restore(void) {}

void shim_counts(long *refused, long *forwarded) { *refused = *forwarded = 0; }

#endif

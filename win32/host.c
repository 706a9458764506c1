/*
** host.c (Windows): facts about the host for vqlite_version() and snapshots:
** the computer name (GetComputerNameExW, DNS host name), the product name
** from the registry, the version from RtlGetVersion (GetVersionEx lies to
** unmanifested programs) and the processor architecture. Never fails: what
** cannot be read stays "".
*/
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include <stdio.h>
#include <string.h>

#include "../tables/platform.h"

typedef LONG(WINAPI *win32_rtl_get_version_fn)(OSVERSIONINFOW *);

static void win32_host_version(vq_host_info *info) {
  HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  win32_rtl_get_version_fn get_version =
      ntdll ? (win32_rtl_get_version_fn)(void (*)(void))GetProcAddress(ntdll, "RtlGetVersion")
            : NULL;
  OSVERSIONINFOW version = {.dwOSVersionInfoSize = sizeof version};
  if (get_version && get_version(&version) == 0)
    snprintf(info->os_version, sizeof info->os_version, "%lu.%lu.%lu", version.dwMajorVersion,
             version.dwMinorVersion, version.dwBuildNumber);
}

static void win32_host_product(vq_host_info *info) {
  WCHAR product[128];
  DWORD size = sizeof product;
  if (RegGetValueW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion",
                   L"ProductName", RRF_RT_REG_SZ, NULL, product, &size) == ERROR_SUCCESS)
    WideCharToMultiByte(CP_UTF8, 0, product, -1, info->os_name, sizeof info->os_name, NULL, NULL);
  if (info->os_name[0] == 0) snprintf(info->os_name, sizeof info->os_name, "Windows");
}

static void win32_host_arch(vq_host_info *info) {
  SYSTEM_INFO system;
  GetNativeSystemInfo(&system);
  const char *arch = "unknown";
  switch (system.wProcessorArchitecture) {
    case PROCESSOR_ARCHITECTURE_AMD64: arch = "x86_64"; break;
    case PROCESSOR_ARCHITECTURE_ARM64: arch = "arm64"; break;
    case PROCESSOR_ARCHITECTURE_INTEL: arch = "x86"; break;
    default: break;
  }
  snprintf(info->arch, sizeof info->arch, "%s", arch);
}

void vq_host_info_read(vq_host_info *info) {
  memset(info, 0, sizeof *info);
  snprintf(info->platform, sizeof info->platform, "windows");
  WCHAR name[256];
  DWORD length = sizeof name / sizeof name[0];
  if (GetComputerNameExW(ComputerNameDnsHostname, name, &length))
    WideCharToMultiByte(CP_UTF8, 0, name, -1, info->hostname, sizeof info->hostname, NULL, NULL);
  win32_host_version(info);
  win32_host_product(info);
  win32_host_arch(info);
}

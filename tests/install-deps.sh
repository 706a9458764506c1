#!/usr/bin/env bash
# install-deps.sh: install the Debian packages that building and testing vqlite
# need, and enable deb-src so that the Windows-side sqlite3 and PCRE2 can be
# built from Debian's source packages.
#
#   tests/install-deps.sh run     what `make demo` needs (native build)
#   tests/install-deps.sh check   everything `make check` needs (adds mingw, wine)
#   tests/install-deps.sh bench   everything `make bench` needs
#
# As root it installs what is missing; otherwise it prints the exact line to
# run and exits 1. Packages already present cost one dpkg query each.
set -euo pipefail

level=${1:-check}
native=(build-essential pkg-config sqlite3 libsqlite3-dev libpcre2-dev check
        libssl-dev python3 iproute2)
windows=(mingw-w64 wine wine64 osslsigncode dpkg-dev openssl tcl xz-utils)
bench=(sqlite3-pcre hyperfine procps)
# make check-asan/-tsan use gcc's sanitizer runtimes (with build-essential);
# make fuzz needs clang's libFuzzer; make check-valgrind, valgrind.
hardening=(clang libclang-rt-14-dev valgrind)

case "$level" in
  run) wanted=("${native[@]}") ;;
  check) wanted=("${native[@]}" "${windows[@]}" "${hardening[@]}") ;;
  bench) wanted=("${native[@]}" "${windows[@]}" "${hardening[@]}" "${bench[@]}") ;;
  *) echo "install-deps.sh: unknown level '$level' (expected run, check or bench)" >&2; exit 2 ;;
esac

missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

need_src=0
if [ "$level" != run ] && ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ &&
   ! grep -qs '^deb-src' /etc/apt/sources.list; then
  need_src=1
fi

[ ${#missing[@]} -eq 0 ] && [ $need_src -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  what="${missing[*]:-}"
  [ $need_src -eq 1 ] && what="$what${what:+ and }deb-src entries (for the Windows-side sources)"
  echo "vqlite needs: $what; as root, run:" >&2
  [ $need_src -eq 1 ] && echo "  sudo sed -i 's/^Types: deb\$/Types: deb deb-src/' /etc/apt/sources.list.d/debian.sources" >&2
  [ ${#missing[@]} -gt 0 ] && echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

if [ $need_src -eq 1 ]; then
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    sed -i 's/^Types: deb$/Types: deb deb-src/' /etc/apt/sources.list.d/debian.sources
  else
    sed -n 's/^deb /deb-src /p' /etc/apt/sources.list > /etc/apt/sources.list.d/vqlite-deb-src.list
  fi
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
[ ${#missing[@]} -gt 0 ] && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
exit 0

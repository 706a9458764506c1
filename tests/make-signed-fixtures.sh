#!/usr/bin/env bash
# make-signed-fixtures.sh OUTDIR: builds the authenticode test inputs into
# OUTDIR (nothing signed is ever committed):
#   unsigned.exe   tests/fixtures/authenticode/tiny.c built with mingw-w64
#   signed.exe     unsigned.exe signed by osslsigncode with a throwaway chain
#                  made here by openssl: root "vqlite test root" (self-signed)
#                  -> leaf "vqlite test signer", serial 5a17c0de0001, program
#                  name "vqlite test program", more-info link
#                  https://example.invalid/vqlite, signing time 2026-01-01
#   tampered.exe   signed.exe with one byte of its code changed after signing
#   catalogued.exe unsigned.exe with a marker appended (so its hashes differ),
#                  listed in vqlite-test.cat
#   catalogued-changed.exe
#                  catalogued.exe with one byte changed: no catalog lists it
#   vqlite-test.cat
#                  a catalog (fixtures/authenticode/make-catalog.py) listing
#                  catalogued.exe, signed by osslsigncode with SHA-1 (Wine 8
#                  checks catalog signatures with a provider that has no
#                  SHA-256) by leaf "vqlite catalog signer", serial
#                  5a17c0de0002, program name "vqlite test catalog", signing
#                  time 2026-01-01, under the same root
#   notes.txt      a text file
#   root.pem       the throwaway root, for tests that want to trust it
# Idempotent: does nothing when OUTDIR/.done is newer than this script.
set -euo pipefail
out=${1:?usage: make-signed-fixtures.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
src=$here/fixtures/authenticode
mkdir -p "$out"
out=$(cd "$out" && pwd)
if [ -f "$out/.done" ] && [ "$out/.done" -nt "$0" ] && [ "$out/.done" -nt "$src/tiny.c" ] &&
  [ "$out/.done" -nt "$src/make-catalog.py" ]; then exit 0; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

x86_64-w64-mingw32-gcc -O2 -s -o unsigned.exe "$src/tiny.c"

cat > leaf.ext <<'EXT'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=codeSigning
EXT
openssl req -x509 -newkey rsa:2048 -nodes -keyout root.key -out root.pem -days 3650 \
  -subj "/CN=vqlite test root/O=vqlite tests" -set_serial 0x0a11 \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.csr \
  -subj "/CN=vqlite test signer/O=vqlite tests" 2>/dev/null
openssl x509 -req -in leaf.csr -CA root.pem -CAkey root.key -set_serial 0x5a17c0de0001 \
  -days 3650 -extfile leaf.ext -out leaf.pem 2>/dev/null
cat leaf.pem root.pem > chain.pem

osslsigncode sign -certs chain.pem -key leaf.key -h sha256 -n "vqlite test program" \
  -i "https://example.invalid/vqlite" -time 1767225600 -in unsigned.exe -out signed.exe >/dev/null

# Change one byte of the code (the first byte of the first section's raw
# data, which the Authenticode digest covers) after signing.
cp signed.exe tampered.exe
offset=$(/usr/bin/python3 - <<'PY'
import struct
data = open("signed.exe", "rb").read()
pe = struct.unpack_from("<I", data, 0x3c)[0]
sections = struct.unpack_from("<H", data, pe + 6)[0]
optional_size = struct.unpack_from("<H", data, pe + 20)[0]
first = pe + 24 + optional_size
raw_pointer = struct.unpack_from("<I", data, first + 20)[0]
print(raw_pointer + 16)
PY
)
byte=$(od -An -tu1 -j "$offset" -N1 signed.exe | tr -d ' ')
printf "$(printf '\\%03o' $(( (byte + 1) % 256 )))" | dd of=tampered.exe bs=1 seek="$offset" conv=notrunc status=none

# A file known only through a catalog, and a changed copy the catalog does
# not list.
cp unsigned.exe catalogued.exe
printf 'listed in vqlite-test.cat' >> catalogued.exe
cp catalogued.exe catalogued-changed.exe
printf 'X' | dd of=catalogued-changed.exe bs=1 seek=$(($(stat -c %s catalogued.exe) - 1)) \
  conv=notrunc status=none
openssl req -newkey rsa:2048 -nodes -keyout catalog.key -out catalog.csr \
  -subj "/CN=vqlite catalog signer/O=vqlite tests" 2>/dev/null
openssl x509 -req -in catalog.csr -CA root.pem -CAkey root.key -set_serial 0x5a17c0de0002 \
  -days 3650 -extfile leaf.ext -out catalog.pem 2>/dev/null
cat catalog.pem root.pem > catalog-chain.pem
/usr/bin/python3 "$src/make-catalog.py" unsigned.cat catalogued.exe
osslsigncode sign -certs catalog-chain.pem -key catalog.key -h sha1 -n "vqlite test catalog" \
  -time 1767225600 -in unsigned.cat -out vqlite-test.cat >/dev/null

cp unsigned.exe signed.exe tampered.exe catalogued.exe catalogued-changed.exe vqlite-test.cat \
  root.pem "$out/"
cp "$src/notes.txt" "$out/notes.txt"
touch "$out/.done"

#!/usr/bin/env bash
# run-suites.sh TARGET SUITE...: run Check suite binaries against TARGET
# (linux: in-process vqlite.so; wine: vqlite.dll through sqlrun.exe under
# Wine). Every suite runs, even after a failure; the exit status is non-zero
# if any failed. Each prints Check's summary line, under a heading that names
# the suite and VQLITE_SUITE_LABEL (asan, tsan; default: the target).
set -u
target=$1; shift
failed=()
for suite in "$@"; do
  echo "== $(basename "$suite") (${VQLITE_SUITE_LABEL:-$target})"
  VQLITE_TARGET=$target "$suite" || failed+=("$(basename "$suite")")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED ($target): ${failed[*]}"
  exit 1
fi

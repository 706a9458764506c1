#!/usr/bin/env bash
# run.sh BUILD SECONDS TARGET...: runs each libFuzzer target BUILD/TARGET for
# SECONDS from its committed seeds (tests/fuzz/corpus/<name>, read only; new
# inputs go to BUILD/corpus/<name>, crashes to BUILD/artifacts/), two at a
# time (CI has 2 cores). Prints one line per target: executions, seconds,
# executions per second, corpus size; fails if any target found anything.
set -u
build=$1 seconds=$2; shift 2
mkdir -p "$build/artifacts" "$build/logs"

run_one() {
  local build=$1 seconds=$2 target=$3 name=${3#fuzz_}
  mkdir -p "$build/corpus/$name"
  local start=$(date +%s)
  "$build/$target" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build/artifacts/$name-" \
    "$build/corpus/$name" "tests/fuzz/corpus/$name" > "$build/logs/$name.log" 2>&1
  local status=$? end=$(date +%s)
  echo "$status $((end - start))" > "$build/logs/$name.status"
}
export -f run_one
printf '%s\n' "$@" | xargs -P 2 -I{} bash -c 'run_one "$@"' _ "$build" "$seconds" {}

failed=()
printf '%-14s %12s %8s %10s %8s\n' target executions seconds exec/s corpus
for target in "$@"; do
  name=${target#fuzz_}
  read -r status elapsed < "$build/logs/$name.status"
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/logs/$name.log")
  corpus=$(ls "$build/corpus/$name" "tests/fuzz/corpus/$name" 2>/dev/null | grep -vc ':$')
  printf '%-14s %12s %8s %10s %8s\n' "$name" "${runs:-?}" "$elapsed" \
    "$(( ${runs:-0} / (elapsed > 0 ? elapsed : 1) ))" "$corpus"
  if [ "$status" -ne 0 ]; then
    failed+=("$name")
    echo "  $name FAILED (exit $status); log $build/logs/$name.log:" >&2
    grep -m5 -E 'ERROR|promise broken|runtime error|Test unit written' "$build/logs/$name.log" >&2
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED (fuzz): ${failed[*]}"
  exit 1
fi

#!/usr/bin/env bash
# Instructions one warm pass of the benchmark's query mix takes, counted by callgrind: the
# walk (the collector's `collect_segment`, every thread) and the rest of the search
# (`search_within`; a search alone, as here, walks on the pool's threads). Each is counted
# over `--passes 1` and `--passes 3` and the difference halved, so what only the first
# search of a process pays (the COG read for the first territory filter, the dictionary's
# most frequent term) is left out. Unlike a time, the same on every run: two builds compare
# on one run each, on a noisy host too.
# usage: bench/mix_instructions.sh WORK_DIR SIZE BIN... [-- QUERY_FILE]
#   WORK_DIR holds gen-SIZE/index from `maillage bench --sizes SIZE --work-dir WORK_DIR`
#   e.g. bench/mix_instructions.sh /tmp/q 2000 /tmp/before target/release/maillage
#   (needs valgrind: apt-get install valgrind; about 10 minutes a build at 2,000 documents)
set -euo pipefail
work=$1
size=$2
shift 2
bins=()
queries=()
while [[ $# -gt 0 ]]; do
  if [[ $1 == -- ]]; then
    queries=(--queries "$2")
    break
  fi
  bins+=("$1")
  shift
done
count() {
  local bin=$1 toggle=$2 passes=$3 log out
  log=$(mktemp)
  out=$(mktemp)
  valgrind --tool=callgrind --callgrind-out-file="$out" --toggle-collect="$toggle" \
    "$bin" bench --sizes "$size" --queries-only --passes "$passes" --runs 1 \
    --work-dir "$work" "${queries[@]}" >/dev/null 2>"$log"
  grep -oE 'Collected : [0-9]+' "$log" | grep -oE '[0-9]+$'
  rm -f "$log" "$out"*
}
for bin in "${bins[@]}"; do
  for part in walk rest; do
    toggle='*collect_segment*'
    [[ $part == rest ]] && toggle='*search_within*'
    one=$(count "$bin" "$toggle" 1)
    three=$(count "$bin" "$toggle" 3)
    printf '%-40s %-5s %12d instructions a pass\n' "$bin" "$part" $(((three - one) / 2))
  done
done

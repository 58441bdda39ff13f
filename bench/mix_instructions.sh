#!/usr/bin/env bash
# Instructions one warm pass of the benchmark's query mix takes, counted by callgrind: the
# searches (`search_within`), of which the walk (the collector's `collect_segment`) and the
# rest (planning, ranking, snippets, facets, corrections). Each is counted
# over `--passes 1` and `--passes 3` and the difference halved, so what only the first
# search of a process pays (the COG read for the first territory filter, the dictionary's
# most frequent term) is left out. The process is held to one core (CORE, 0 by default), so
# the segments are walked one after the other and the count does not depend on how threads
# interleave. Unlike a time, the same on every run: two builds compare on one run each, on
# a noisy host too.
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
  taskset -c "${CORE:-0}" valgrind --tool=callgrind --callgrind-out-file="$out" --toggle-collect="$toggle" \
    "$bin" bench --sizes "$size" --queries-only --passes "$passes" --runs 1 \
    --work-dir "$work" "${queries[@]}" >/dev/null 2>"$log"
  grep -oE 'Collected : [0-9]+' "$log" | grep -oE '[0-9]+$'
  rm -f "$log" "$out"*
}
per_pass() {
  local bin=$1 toggle=$2 one three
  one=$(count "$bin" "$toggle" 1)
  three=$(count "$bin" "$toggle" 3)
  echo $(((three - one) / 2))
}
for bin in "${bins[@]}"; do
  search=$(per_pass "$bin" '*search_within*')
  walk=$(per_pass "$bin" '*CandidatesPerDocument*collect_segment*')
  printf '%-40s search %12d  walk %12d  rest %12d  instructions a pass\n' \
    "$bin" "$search" "$walk" $((search - walk))
done

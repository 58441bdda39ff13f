#!/usr/bin/env bash
# Instructions a search spends walking its matches (the collector's `collect_segment`, on
# every thread), counted by callgrind: unlike a time, the same for the same build, index and
# query on a noisy host, so two builds compare on one run each. The process is held to one
# core (CORE, 0 by default): the segments are then walked one after the other, and the
# count does not depend on how two threads sharing the floor interleave.
# usage: bench/walk_instructions.sh INDEX QUERY BIN...   (needs valgrind: apt-get install valgrind)
#   e.g. bench/walk_instructions.sh /tmp/q/gen-10000/index "santé" /tmp/before target/release/maillage
set -euo pipefail
index=$1
query=$2
shift 2
for bin in "$@"; do
  log=$(mktemp)
  out=$(mktemp)
  taskset -c "${CORE:-0}" valgrind --tool=callgrind --callgrind-out-file="$out" \
    --toggle-collect='*CandidatesPerDocument*collect_segment*' \
    "$bin" search --index "$index" "$query" >/dev/null 2>"$log"
  printf '%-40s %-30s %12s instructions\n' "$bin" "$query" \
    "$(grep -oE 'Collected : [0-9]+' "$log" | grep -oE '[0-9]+$')"
  rm -f "$log" "$out"*
done

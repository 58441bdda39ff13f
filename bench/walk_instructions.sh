#!/usr/bin/env bash
# Instructions a search spends walking its matches (the collector's `collect_segment`, on
# every thread), counted by callgrind: unlike a time, the same for the same build, index and
# query on a noisy host, so two builds compare on one run each.
# usage: bench/walk_instructions.sh INDEX QUERY BIN...   (needs valgrind: apt-get install valgrind)
#   e.g. bench/walk_instructions.sh /tmp/q/gen-10000/index "santé" /tmp/before target/release/maillage
set -euo pipefail
index=$1
query=$2
shift 2
for bin in "$@"; do
  log=$(mktemp)
  out=$(mktemp)
  valgrind --tool=callgrind --callgrind-out-file="$out" --toggle-collect='*collect_segment*' \
    "$bin" search --index "$index" "$query" >/dev/null 2>"$log"
  printf '%-40s %-30s %12s instructions\n' "$bin" "$query" \
    "$(grep -oE 'Collected : [0-9]+' "$log" | grep -oE '[0-9]+$')"
  rm -f "$log" "$out"*
done

#!/usr/bin/env bash
# What each search of the HTTP mix (bench/http.lua) costs on its own: one connection asks the
# same search for SECONDS, and the server's processor time (user and system, both threads) is
# divided by the answers. Then the same searches in turn (as bench/http.lua asks them) with
# one connection and with 16, the same way. Set beside each other they tell a search's own
# cost from what taking turns adds (caches: each search reads other postings than the last).
# usage: bench/http_paths.sh DOCS [SECONDS]   (needs wrk: apt-get install wrk)
#   the index must exist: target/bench/http-DOCS (made by bench/http.sh DOCS);
#   INDEX=dir CORPUS=dir serve another one; BIN=path/to/maillage another build
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/wait_for.sh
docs=$1
seconds=${2:-3}
work=target/bench/http-$docs
index=${INDEX:-$work/index}
corpus=${CORPUS:-$work/corpus}
bin=${BIN:-target/release/maillage}
port=$((20000 + RANDOM % 20000))
log=$(mktemp)
RUST_LOG=warn $bin serve --addr 127.0.0.1:$port --corpus "$corpus" --index "$index" 2>"$log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$log"' EXIT
wait_for "$port" "$pid" "$log" '"warm":true'
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
# Processor µs per answer between two tick counts.
per_answer() { echo $(( ($2 - $1) * 1000000 / hz / $3 )); }
answers() { grep -oE '^ +[0-9]+ requests' | grep -oE '[0-9]+'; }
printf '%-55s %10s %9s %12s\n' "search (one connection)" "answers/s" "p50" "processor"
total=0
n=0
for path in $(grep -oE '"/api/search\?q=[^"]+"' bench/http.lua | tr -d '"' | head -11); do
  before=$(ticks)
  out=$(wrk -t1 -c1 -d"${seconds}s" --latency "http://127.0.0.1:$port$path")
  after=$(ticks)
  cost=$(per_answer "$before" "$after" "$(echo "$out" | answers)")
  total=$((total + cost))
  n=$((n + 1))
  printf '%-55s %10s %9s %9d µs\n' "$path" "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
    "$(echo "$out" | awk '$1 == "50%" {print $2}')" "$cost"
done
printf '%-55s %10s %9s %9d µs\n' "mean of the searches, each alone" "" "" $((total / n))
# The same searches in turn: one connection, then 16.
for load in "-t1 -c1" "-t2 -c16"; do
  before=$(ticks)
  # shellcheck disable=SC2086
  out=$(MIX=search wrk $load -d"${seconds}s" --latency -s bench/http.lua "http://127.0.0.1:$port")
  after=$(ticks)
  printf '%-55s %10s %9s %9d µs\n' "the mix in turn, wrk $load" \
    "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" "$(echo "$out" | awk '$1 == "50%" {print $2}')" \
    "$(per_answer "$before" "$after" "$(echo "$out" | answers)")"
done

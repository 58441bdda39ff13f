#!/usr/bin/env bash
# HTTP figures for BENCHMARKS.md: time to start serving an existing index,
# search throughput and latency with one client and under 16 concurrent
# connections, the same with other routes and malformed requests mixed in,
# and the server's peak memory.
# usage: bench/http.sh [DOCS|shipped] [SECONDS]   (needs wrk: apt-get install wrk)
#   BIN=path/to/maillage compares another build on the same corpus
#   shipped: the five documents of corpus/; DOCS: a generated corpus of that size
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/wait_for.sh
docs=${1:-2000}
seconds=${2:-20}
work=target/bench/http-$docs
bin=${BIN:-target/release/maillage}
cargo build --release -q
corpus=$work/corpus
if [[ $docs == shipped ]]; then
  corpus=corpus
  $bin index --corpus "$corpus" --index "$work/index" | tail -1
elif [[ ! -f $work/index/CURRENT ]]; then
  $bin gen-corpus --docs "$docs" --seed 42 "$work"
  $bin index --corpus "$corpus" --index "$work/index" | tail -1
fi
port=$((20000 + RANDOM % 20000))
start=$(date +%s.%N)
log=$work/serve.log
RUST_LOG=warn $bin serve --addr 127.0.0.1:$port --corpus "$corpus" --index "$work/index" 2>"$log" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
wait_for "$port" "$pid" "$log" '"status":"ok"'
ready=$(date +%s.%N)
echo "start to first answer: $(echo "($ready - $start) * 1000" | bc) ms ($docs documents)"
# The server answers before its background warm-up is done; measured during it, the figures
# would count part of that work. Wait for `/health` to say it is done.
wait_for "$port" "$pid" "$log" '"warm":true'
warm=$(date +%s.%N)
echo "start to warm: $(echo "($warm - $start) * 1000" | bc) ms"
echo "one client at a time, searches (the cost of one request end to end):"
MIX=search wrk -t1 -c1 -d"$((seconds / 2))s" --latency -s bench/http.lua "http://127.0.0.1:$port" | sed -n '/^requests/,$p'
# The server's own processor time (user + system), not counting what the host takes.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
echo "16 concurrent connections, searches:"
before=$(cpu_ticks)
out=$(MIX=search wrk -t2 -c16 -d"${seconds}s" --latency -s bench/http.lua "http://127.0.0.1:$port")
after=$(cpu_ticks)
echo "$out" | sed -n '/^requests/,$p'
answered=$(echo "$out" | grep -oE '^ +[0-9]+ requests' | grep -oE '[0-9]+')
echo "server processor per search: $(( (after - before) * 1000000 / $(getconf CLK_TCK) / answered )) µs"

echo "16 concurrent connections, all routes with malformed requests mixed in:"
wrk -t2 -c16 -d"${seconds}s" --latency -s bench/http.lua "http://127.0.0.1:$port" | sed -n '/^requests/,$p'
echo "server peak memory: $(awk '/VmHWM/ {printf "%.0f MB", $2/1024}' /proc/$pid/status)"

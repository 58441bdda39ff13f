#!/usr/bin/env bash
# Normal searches under attack (issue "hardening"): starts `maillage serve` on a corpus, then
# for SECONDS runs normal searches (the query mix of `maillage bench`) beside clients sending
# the worst requests the API accepts or must refuse (32 common words, the deepest page, 500
# digit terms, 10,000 passages of a document, a depth-3 graph, 1,000 territories, a 9 kB target,
# punctuation, an over-long word), one client sending 20 kB headers, and slow connections that
# never finish their headers. Prints normal searches' p50/p99, every status seen, and requests
# lost (a connection error or no answer); exits 1 on a 5xx other than 503 or a lost request.
# Not run in CI.
# usage: bench/load.sh [shipped|DOCS] [SECONDS] [NORMAL_CLIENTS] [WORST_CLIENTS] [SLOW_SOCKETS]
#   BIN=path/to/maillage tries another build
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/wait_for.sh
docs=${1:-shipped}
seconds=${2:-30}
bin=${BIN:-target/release/maillage}
[ -x "$bin" ] || { echo "$bin is missing: cargo build --release" >&2; exit 1; }
work=target/bench/load-$docs
corpus=corpus
if [[ $docs != shipped ]]; then
  corpus=$work/corpus
  [[ -d $corpus ]] || "$bin" gen-corpus --docs "$docs" --seed 42 "$work" >/dev/null
fi
"$bin" index --corpus "$corpus" --index "$work/index" | tail -1
port=$((20000 + RANDOM % 20000))
log=$work/serve.log
RUST_LOG=warn "$bin" serve --addr 127.0.0.1:$port --corpus "$corpus" --index "$work/index" 2>"$log" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
wait_for "$port" "$pid" "$log" '"warm":true'
python3 bench/load.py "127.0.0.1:$port" "$seconds" "${3:-4}" "${4:-4}" "${5:-200}"

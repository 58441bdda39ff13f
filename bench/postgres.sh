#!/usr/bin/env bash
# The yardstick of BENCHMARKS.md, measured on the same machine and the same generated
# corpus: PostgreSQL full-text search with the `french` configuration and `unaccent`, one row
# per document, a stored tsvector and a GIN index, queried with the query mix of
# `maillage bench` (data/bench_queries.txt) ranked by ts_rank, top 10.
# usage: bench/postgres.sh [DOCS] [PASSES]   (installs postgresql with apt-get if missing)
#   BUILD_ROUNDS=N bench/postgres.sh [DOCS]: instead, the two builds side by side, N rounds of
#   `maillage index` of the same corpus and PostgreSQL's (tsvector and GIN index), in turn
#   (maillage first in odd rounds, PostgreSQL first in even ones), each round's ratio and
#   their median: a host's slow minutes then weigh on both builds alike.
set -euo pipefail
cd "$(dirname "$0")/.."
docs=${1:-2000}
passes=${2:-20}
corpus=target/bench/gen-$docs/corpus
bin=target/release/maillage

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [[ -z $pgbin || ! -x $pgbin/initdb ]]; then
  SUDO=""
  [[ "$(id -u)" != 0 ]] && SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql postgresql-contrib >/dev/null
  pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
if [[ ! -d $corpus ]]; then
  cargo build --release -q
  $bin gen-corpus --docs "$docs" --seed 42 "target/bench/gen-$docs"
fi

# PostgreSQL refuses to run as root: use its own account then.
as_pg=()
[[ "$(id -u)" == 0 ]] && as_pg=(runuser -u postgres --)
data=$(mktemp -d /tmp/maillage-pg.XXXXXX)
chmod 755 "$data"
[[ "$(id -u)" == 0 ]] && chown postgres "$data"
port=$((20000 + RANDOM % 20000))
"${as_pg[@]}" "$pgbin/initdb" -D "$data/db" -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$data/db" -o "-p $port -k $data -c shared_buffers=512MB -c maintenance_work_mem=1GB -c work_mem=64MB" -w start >/dev/null
trap '"${as_pg[@]}" "$pgbin/pg_ctl" -D "$data/db" -m fast stop >/dev/null; rm -rf "$data"' EXIT
psql() { "${as_pg[@]}" "$pgbin/psql" -h "$data" -p "$port" -U postgres -X -q -v ON_ERROR_STOP=1 "$@"; }

# One COPY line per document: doc_id, text (backslash, tab and newline escaped).
python3 - "$corpus" "$data/docs.copy" <<'PY'
import os, sys
corpus, out = sys.argv[1], sys.argv[2]
with open(out, "w", encoding="utf-8") as f:
    for name in sorted(os.listdir(corpus)):
        text = open(os.path.join(corpus, name), encoding="utf-8", errors="replace").read()
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        f.write(f"{name}\t{text}\n")
PY
[[ "$(id -u)" == 0 ]] && chown postgres "$data/docs.copy"
psql <<SQL
CREATE EXTENSION unaccent;
CREATE TEXT SEARCH CONFIGURATION fr_unaccent (COPY = french);
ALTER TEXT SEARCH CONFIGURATION fr_unaccent
  ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
CREATE TABLE docs (doc_id text PRIMARY KEY, body text NOT NULL);
\copy docs (doc_id, body) FROM '$data/docs.copy'
SQL
echo "loaded $(psql -t -A -c 'SELECT count(*) FROM docs') documents, $(psql -t -A -c "SELECT pg_size_pretty(sum(octet_length(body))) FROM docs") of text"

# The index build: the stored tsvector, then the GIN index, timed by the server.
pg_build() {
psql -t -A <<'SQL'
DO $$
DECLARE t0 timestamptz; t1 timestamptz; t2 timestamptz;
BEGIN
  t0 := clock_timestamp();
  ALTER TABLE docs ADD COLUMN tsv tsvector
    GENERATED ALWAYS AS (to_tsvector('fr_unaccent', body)) STORED;
  t1 := clock_timestamp();
  CREATE INDEX docs_tsv ON docs USING GIN (tsv);
  t2 := clock_timestamp();
  RAISE NOTICE 'build: tsvector % ms, GIN index % ms, total % ms',
    round(extract(epoch FROM t1 - t0) * 1000), round(extract(epoch FROM t2 - t1) * 1000),
    round(extract(epoch FROM t2 - t0) * 1000);
END $$;
SQL
}

if [[ -n ${BUILD_ROUNDS:-} ]]; then
  [[ -x $bin ]] || cargo build --release -q
  out=$(mktemp -d /tmp/maillage-rounds.XXXXXX)
  ratios=()
  for round in $(seq "$BUILD_ROUNDS"); do
    order=(maillage postgres)
    (( round % 2 == 0 )) && order=(postgres maillage)
    for which in "${order[@]}"; do
      if [[ $which == maillage ]]; then
        rm -rf "$out/index"
        start=$(date +%s%N)
        "$bin" index --corpus "$corpus" --index "$out/index" >/dev/null 2>&1
        ours=$(( ($(date +%s%N) - start) / 1000000 ))
      else
        psql -c "SET client_min_messages = warning; ALTER TABLE docs DROP COLUMN IF EXISTS tsv"
        theirs=$(pg_build 2>&1 | grep -oE 'total [0-9]+' | grep -oE '[0-9]+')
      fi
    done
    ratio=$(python3 -c "print(f'{$theirs / $ours:.2f}')")
    ratios+=("$ratio")
    echo "round $round: maillage $ours ms, PostgreSQL $theirs ms, ratio ${ratio}x"
  done
  rm -rf "$out"
  python3 -c "import statistics, sys; r = sorted(map(float, sys.argv[1:])); print(f'median ratio {statistics.median_low(r):.2f}x over {len(r)} rounds')" "${ratios[@]}"
  exit 0
fi

pg_build
psql -c "VACUUM ANALYZE docs"

# The query mix, each query run PASSES times inside the server (no client round trip).
mix=$(grep -v '^#' data/bench_queries.txt | sed '/^\s*$/d' | sed 's/^territory=//')
psql -t -A <<SQL
CREATE TEMP TABLE mix (q text);
$(while IFS= read -r q; do printf "INSERT INTO mix VALUES (%s);\n" "\$q\$$q\$q\$"; done <<<"$mix")
CREATE TEMP TABLE samples (q text, ms float8);
DO \$\$
DECLARE r record; t0 timestamptz;
BEGIN
  FOR i IN 1..$passes LOOP
    FOR r IN SELECT q FROM mix LOOP
      t0 := clock_timestamp();
      PERFORM doc_id FROM (
        SELECT doc_id, ts_rank(tsv, query) AS rank
        FROM docs, websearch_to_tsquery('fr_unaccent', r.q) AS query
        WHERE tsv @@ query ORDER BY rank DESC LIMIT 10) AS top;
      INSERT INTO samples VALUES (r.q, extract(epoch FROM clock_timestamp() - t0) * 1000);
    END LOOP;
  END LOOP;
END \$\$;
SELECT format('queries: n %s, p50 %s ms, p90 %s ms, p99 %s ms, max %s ms',
  count(*),
  round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 2),
  round(percentile_cont(0.9) WITHIN GROUP (ORDER BY ms)::numeric, 2),
  round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::numeric, 2),
  round(max(ms)::numeric, 2)) FROM samples;
SELECT format('  %8s ms  %s', round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 2), q)
  FROM samples GROUP BY q ORDER BY percentile_cont(0.5) WITHIN GROUP (ORDER BY ms);
SQL

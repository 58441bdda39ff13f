#!/usr/bin/env bash
# Indexing time and peak memory of one large file, at 4, 8, 16 and 32 MB: the build must grow
# linearly with a document's size, whatever its shape.
#
# usage: bench/big-file.sh [RUNS]          (from the repository root; default 3 runs)
# needs: target/release/maillage (cargo build --release), python3, GNU time (/usr/bin/time)
# Shapes: "lines" is one French paragraph repeated, one per line (no blank line, so the whole
# file is one block); "one-line" is the same paragraph repeated on a single line; "plan" is a
# shipped plan (headings, fields, tables) repeated. Prints, per shape and size, the median wall
# time of `maillage index` over RUNS, its throughput and the peak resident memory.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
BIN=${BIN:-target/release/maillage}
[ -x "$BIN" ] || { echo "$BIN is missing: cargo build --release" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is missing: apt-get install time" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

python3 - "$WORK" <<'PY'
import os, sys
work = sys.argv[1]
paragraph = ("Le contrat de ville accompagne les familles des quartiers prioritaires : l'action "
             "de soutien à la parentalité, portée par le centre social avec la CAF et la Mission "
             "Locale, propose des ateliers parents-enfants, un accompagnement à la scolarité "
             "(CLAS) et des permanences du PAEJ pour les jeunes de 16 à 25 ans.")
plan = open(sorted(os.path.join("corpus", f) for f in os.listdir("corpus"))[1]).read() + "\n\n"
shapes = {"lines": paragraph + "\n", "one-line": paragraph + " ", "plan": plan}
for mb in (4, 8, 16, 32):
    for shape, unit in shapes.items():
        folder = os.path.join(work, f"{shape}-{mb}")
        os.makedirs(folder)
        n = mb * 1024 * 1024 // len(unit.encode())
        with open(os.path.join(folder, "plan.txt"), "w") as f:
            f.write(unit * n)
PY

printf '%-10s %5s %10s %8s %12s\n' shape MB "median s" "MB/s" "peak RSS MB"
for shape in lines one-line plan; do
  for mb in 4 8 16 32; do
    times=() peak=0
    for _ in $(seq "$RUNS"); do
      rm -rf "$WORK/index"
      out=$(/usr/bin/time -f '%e %M' "$BIN" index --max-file-mb 64 \
        --corpus "$WORK/$shape-$mb" --index "$WORK/index" 2>&1 >/dev/null | tail -1)
      times+=("${out% *}")
      rss=${out#* }
      [ "$rss" -gt "$peak" ] && peak=$rss
    done
    median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    printf '%-10s %5s %10s %8.1f %12d\n' "$shape" "$mb" "$median" \
      "$(echo "$mb / $median" | bc -l)" $((peak / 1024))
  done
done

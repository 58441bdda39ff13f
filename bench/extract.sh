#!/usr/bin/env bash
# Extraction speed of each format read by maillage, beside poppler's pdftotext on the same
# PDFs, and the build time of the shipped corpus as PDF against as text.
#
# usage: bench/extract.sh [RUNS]          (from the repository root; default 7 runs)
# needs: target/release/maillage (cargo build --release), pdftotext (apt-get install poppler-utils)
# Prints, per format: the median wall time over RUNS of reading every file of the format,
# pages per second (PDF), megabytes of file per second, and the same for pdftotext.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-7}
BIN=${BIN:-target/release/maillage}
FORMATS=tests/fixtures/formats
command -v pdftotext >/dev/null || { echo "pdftotext is missing: apt-get install poppler-utils" >&2; exit 1; }
[ -x "$BIN" ] || { echo "$BIN is missing: cargo build --release" >&2; exit 1; }

# Median of RUNS wall times (seconds) of running "$@" once per file of $files.
median_time() {
  local times=()
  for _ in $(seq "$RUNS"); do
    local start end
    start=$(date +%s.%N)
    for f in $files; do "$@" "$f" >/dev/null; done
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc -l)")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

bytes_of() { cat $files | wc -c; }

pages=0
for f in $FORMATS/print/*.pdf; do
  pages=$((pages + $(pdfinfo "$f" | awk '/^Pages:/ {print $2}')))
done

printf '%-28s %8s %10s %10s\n' "reader (5 plans)" "median s" "pages/s" "MB/s"
for dir in print docx odt; do
  files=$(ls $FORMATS/$dir/*)
  t=$(median_time "$BIN" text)
  mb=$(echo "$(bytes_of) / 1048576" | bc -l)
  pps="-"
  [ "$dir" = print ] && pps=$(printf '%.0f' "$(echo "$pages / $t" | bc -l)")
  printf '%-28s %8.3f %10s %10.2f\n' "maillage text ($dir)" "$t" "$pps" "$(echo "$mb / $t" | bc -l)"
done
files=$(ls $FORMATS/print/*.pdf)
t=$(median_time pdftotext -q)
mb=$(echo "$(bytes_of) / 1048576" | bc -l)
printf '%-28s %8.3f %10.0f %10.2f\n' "pdftotext (print)" "$t" "$(echo "$pages / $t" | bc -l)" "$(echo "$mb / $t" | bc -l)"
t=$(median_time pdftotext -q -layout)
printf '%-28s %8.3f %10.0f %10.2f\n' "pdftotext -layout (print)" "$t" "$(echo "$pages / $t" | bc -l)" "$(echo "$mb / $t" | bc -l)"

# The whole build, shipped corpus as text and as PDF.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for corpus in corpus "$FORMATS/print"; do
  times=()
  for i in $(seq "$RUNS"); do
    rm -rf "$tmp/index"
    start=$(date +%s.%N)
    "$BIN" index --corpus "$corpus" --index "$tmp/index" >/dev/null 2>&1
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc -l)")
  done
  med=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf 'maillage index --corpus %-28s median %.3f s over %s runs\n' "$corpus" "$med" "$RUNS"
done

#!/usr/bin/env bash
# The whole pipeline at scale (issue 9), release build:
#   1. MB/s of each stage on one core (zhtag-bench over the 50 MB corpus);
#   2. `zhtag run` end to end over the 50 MB corpus with --jobs 1 and --jobs 2, wall time and
#      peak RSS (GNU time), outputs compared byte for byte;
#   3. peak RSS on a corpus of at least 1 GB (--jobs 2, JSONL only, to spare the disk);
#   4. with --peers, the Python chain a user would assemble (peer-bench P6: opencc + jionlp
#      clean_text/split_sentence + jionlp extraction) timed in the same run by
#      ../shared/peer-bench/run.sh, with zhtag as an external command beside it.
#   scripts/bench_pipeline.sh [--peers]
# Wall time on a shared machine counts other processes' turns too, so CPU time (user + sys) is
# printed beside it: compare speeds by CPU time when the machine is busy.
# SCRATCH=DIR uses another build folder (swift build --scratch-path), default .build.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=${SCRATCH:-.build}
corpus=bench-data/corpus
big=bench-data/corpus-1g
work=bench-data/pipeline
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
[ -f "$corpus/.stamp" ] || python3 ../shared/peer-bench/make_corpus.py --out "$corpus" --target-mb 50 >/dev/null
swift build -c release --scratch-path "$scratch" --product zhtag >/dev/null
swift build -c release --scratch-path "$scratch" --product zhtag-bench >/dev/null
zhtag=$scratch/release/zhtag
mb=$(du -sb --exclude=.stamp "$corpus" | awk '{printf "%.1f", $1/1e6}')

echo "== stages, one core, $mb MB"
taskset -c 0 "$scratch/release/zhtag-bench" "$corpus" decode-stream decode clean segment tag write pipeline

run() {  # jobs cpus out [extra args] → wall seconds, peak RSS KB, CPU seconds (user + sys)
  local jobs=$1 cpus=$2 out=$3; shift 3
  rm -rf "$out"
  /usr/bin/time -f "%e %M %U %S" -o "$work/time.txt" taskset -c "$cpus" \
    "$zhtag" run "$@" --out "$out" --jobs "$jobs" 2>/dev/null || true
  read -r seconds kb user sys < "$work/time.txt"
  echo "$seconds $kb $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')"
}
mkdir -p "$work"
echo "== zhtag run, $mb MB (XML + JSONL + manifest)"
read -r s1 m1 c1 <<<"$(run 1 0 "$work/j1" "$corpus")"
read -r s2 m2 c2 <<<"$(run 2 0,1 "$work/j2" "$corpus")"
awk -v mb="$mb" -v s1="$s1" -v s2="$s2" -v m1="$m1" -v m2="$m2" -v c1="$c1" -v c2="$c2" 'BEGIN {
  printf "jobs 1: %6.1f MB/s  %6.1f s wall  %6.1f s CPU (%5.1f MB per CPU-s)  peak RSS %4.0f MB\n", mb/s1, s1, c1, mb/c1, m1/1024
  printf "jobs 2: %6.1f MB/s  %6.1f s wall  %6.1f s CPU (%5.1f MB per CPU-s)  peak RSS %4.0f MB\n", mb/s2, s2, c2, mb/c2, m2/1024
  printf "jobs 2 / jobs 1: %.2fx by wall time; CPU time %.2fx jobs 1 (1.00 = no parallel overhead)\n", s1/s2, c2/c1 }'
if cmp -s "$work/j1/annotations.jsonl" "$work/j2/annotations.jsonl" && diff -rq -x manifest.jsonl "$work/j1" "$work/j2" >/dev/null; then
  echo "outputs of jobs 1 and jobs 2: identical"
else
  echo "outputs of jobs 1 and jobs 2: DIFFERENT"
fi
rm -rf "$work/j1" "$work/j2"

[ -f "$big/.stamp" ] || python3 ../shared/peer-bench/make_corpus.py --out "$big" --target-mb 1000 >/dev/null
bigmb=$(du -sb --exclude=.stamp "$big" | awk '{printf "%.0f", $1/1e6}')
echo "== zhtag run, $bigmb MB, --jobs 2 --no-xml"
read -r s3 m3 c3 <<<"$(run 2 0,1 "$work/big" "$big" --no-xml)"
awk -v mb="$bigmb" -v s="$s3" -v m="$m3" -v c="$c3" 'BEGIN {
  printf "jobs 2: %6.1f MB/s  %6.1f s wall  %6.1f s CPU (%5.1f MB per CPU-s)  peak RSS %4.0f MB\n", mb/s, s, c, mb/c, m/1024 }'
rm -rf "$work/big"

if [ "${1:-}" = "--peers" ]; then
  echo "== Python chain (peer-bench P6) beside zhtag, same corpus"
  ../shared/peer-bench/run.sh --only p6_chain --repeats 1 --no-seed-outputs --corpus "$corpus" \
    --work "$work/peer" --external "zhtag=$(pwd)/$zhtag run {corpus} --out {work}/out/zhtag --jobs 1 --no-xml"
fi

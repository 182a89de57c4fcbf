#!/usr/bin/env bash
# The whole pipeline at scale (issue 9), release build:
#   1. MB/s of each stage on one core (zhtag-bench over the 50 MB corpus);
#   2. `zhtag run` end to end over the 50 MB corpus with --jobs 1 and --jobs 2, wall and CPU
#      time and peak RSS (GNU time), outputs compared byte for byte;
#   3. peak RSS on a corpus of at least 1 GB (--jobs 2, JSONL only, to spare the disk);
#   4. with --peers, the Python chain a user would assemble (peer-bench P6: opencc + jionlp
#      clean_text/split_sentence + jionlp extraction) timed in the same run by
#      ../shared/peer-bench/run.sh, with zhtag (one job, JSONL) as an external command beside
#      it, and the ratio zhtag / P6 by wall time and by CPU time.
#
#   scripts/bench_pipeline.sh [--peers] [--no-stages] [--no-big]
#
# Wall time on a shared machine counts other processes' turns too, so CPU time (user + sys) is
# printed beside it: compare speeds by CPU time when the machine is busy. "cores used" (CPU
# time / wall time) of the --jobs 2 run says whether it had two cores to itself: the wall-time
# speed-up of jobs 2 means something only when that is close to 2. The two runs alternate
# REPEATS times (default 3) and the fastest of each is kept: on this shared machine a run's
# time varies by half from one minute to the next (mostly kernel time writing the 28,233 XML
# files, 1.2 GB), and alternating exposes both job counts to the same spells.
# SCRATCH=DIR uses another build folder (swift build --scratch-path), default .build.
set -euo pipefail
cd "$(dirname "$0")/.."
peers=0 stages=1 bigrun=1
for argument in "$@"; do
  case "$argument" in
    --peers) peers=1 ;;
    --no-stages) stages=0 ;;
    --no-big) bigrun=0 ;;
    *) echo "usage: scripts/bench_pipeline.sh [--peers] [--no-stages] [--no-big]" >&2; exit 2 ;;
  esac
done
scratch=${SCRATCH:-.build}
corpus=bench-data/corpus
big=bench-data/corpus-1g
work=bench-data/pipeline
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
[ -f "$corpus/.stamp" ] || python3 ../shared/peer-bench/make_corpus.py --out "$corpus" --target-mb 50 >/dev/null
swift build -c release --scratch-path "$scratch" --product zhtag >/dev/null
swift build -c release --scratch-path "$scratch" --product zhtag-bench >/dev/null
zhtag=$scratch/release/zhtag
# MB of 10^6 bytes of the article files (not du's: it counts the folder's own blocks too).
megabytes() { find "$1" -type f -name '*.txt' -printf '%s\n' | awk '{ s += $1 } END { printf "%.1f", s / 1e6 }'; }
mb=$(megabytes "$corpus")
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"

if [ "$stages" = 1 ]; then
  echo "== stages, one core, $mb MB"
  taskset -c 0 "$scratch/release/zhtag-bench" "$corpus" decode-stream decode clean segment tag write pipeline
fi

run() {  # jobs cpus out [extra args] → wall seconds, peak RSS KB, CPU seconds (user + sys)
  local jobs=$1 cpus=$2 out=$3; shift 3
  rm -rf "$out"
  /usr/bin/time -f "%e %M %U %S" -o "$work/time.txt" taskset -c "$cpus" \
    "$zhtag" run "$@" --out "$out" --jobs "$jobs" 2>/dev/null || true
  read -r seconds kb user sys < "$work/time.txt"
  echo "$seconds $kb $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')"
}
faster() {  # "wall RSS CPU" lines → the one with the least wall time
  sort -n -k1,1 | head -n 1
}
line() {  # label MB wall RSS-KB CPU
  awk -v label="$1" -v mb="$2" -v s="$3" -v m="$4" -v c="$5" 'BEGIN {
    printf "%s %6.2f MB/s  %6.1f s wall  %6.1f s CPU (%5.2f MB per CPU-s, cores used %.2f)  peak RSS %4.0f MB\n",
      label, mb/s, s, c, mb/c, c/s, m/1024 }'
}
mkdir -p "$work"
echo "== zhtag run, $mb MB (XML + JSONL + manifest)"
runs1="" runs2=""
for _ in $(seq "${REPEATS:-3}"); do
  runs1+="$(run 1 0 "$work/j1" "$corpus")"$'\n'
  runs2+="$(run 2 0,1 "$work/j2" "$corpus")"$'\n'
done
echo "wall seconds of each run: jobs 1: $(awk 'NF { printf "%s ", $1 }' <<<"$runs1")| jobs 2: $(awk 'NF { printf "%s ", $1 }' <<<"$runs2")"
read -r s1 m1 c1 <<<"$(grep . <<<"$runs1" | faster)"
read -r s2 m2 c2 <<<"$(grep . <<<"$runs2" | faster)"
line "jobs 1:" "$mb" "$s1" "$m1" "$c1"
line "jobs 2:" "$mb" "$s2" "$m2" "$c2"
awk -v s1="$s1" -v s2="$s2" -v c1="$c1" -v c2="$c2" 'BEGIN {
  printf "jobs 2 / jobs 1: %.2fx by wall time; CPU time %.2fx jobs 1 (1.00 = no parallel overhead)\n", s1/s2, c2/c1 }'
if cmp -s "$work/j1/annotations.jsonl" "$work/j2/annotations.jsonl" && diff -rq -x manifest.jsonl "$work/j1" "$work/j2" >/dev/null; then
  echo "outputs of jobs 1 and jobs 2: identical"
else
  echo "outputs of jobs 1 and jobs 2: DIFFERENT"
fi
rm -rf "$work/j1" "$work/j2"

if [ "$bigrun" = 1 ]; then
  [ -f "$big/.stamp" ] || python3 ../shared/peer-bench/make_corpus.py --out "$big" --target-mb 1000 >/dev/null
  bigmb=$(megabytes "$big")
  echo "== zhtag run, $bigmb MB ($(find "$big" -type f -name '*.txt' | wc -l) files), --jobs 2 --no-xml"
  read -r s3 m3 c3 <<<"$(run 2 0,1 "$work/big" "$big" --no-xml)"
  line "jobs 2:" "$bigmb" "$s3" "$m3" "$c3"
  rm -rf "$work/big"
fi

if [ "$peers" = 1 ]; then
  echo "== Python chain (peer-bench P6) beside zhtag (--jobs 1, JSONL), same corpus"
  rm -f "$work/peer/zhtag.cpu"
  ../shared/peer-bench/run.sh --only p6_chain --repeats 1 --no-seed-outputs --corpus "$corpus" --work "$work/peer" \
    --external "zhtag=/usr/bin/time -f '%U %S' -o $(pwd)/$work/peer/zhtag.cpu $(pwd)/$zhtag run {corpus} --out {work}/out/zhtag --jobs 1 --no-xml"
  # The table has no CPU time for an external command: GNU time above recorded it.
  python3 - "$work/peer" <<'EOF'
import json, sys
work = sys.argv[1]
runs = {r["pipeline"]: r for r in map(json.loads, open(f"{work}/results/runs.jsonl"))}
p6, ours = runs["p6_chain"], runs["ext_zhtag"]
user, system = map(float, open(f"{work}/zhtag.cpu").read().split())
ours_cpu = ours["bytes"] / 1e6 / (user + system)
print(f"P6 chain: {p6['mb_s']:.3f} MB/s wall, {p6['mb_per_cpu_s']:.3f} MB per CPU-s (timed loop, {p6['bytes'] / 1e6:.1f} MB before the cap)")
print(f"zhtag:    {ours['mb_s']:.3f} MB/s wall (whole process), {ours_cpu:.3f} MB per CPU-s (whole process)")
print(f"zhtag / P6: {ours['mb_s'] / p6['mb_s']:.1f}x by wall time, {ours_cpu / p6['mb_per_cpu_s']:.1f}x by CPU time")
EOF
fi

#!/usr/bin/env bash
# Decode throughput on one core (release build) against OpenCC on the same input.
#   scripts/bench_decode.sh            numbers go in Documentation/Decode.md with this command
#
# Corpora (50 MB each, built once; fingerprints in their .stamp files):
#   bench-data/corpus               mixed: seeds + dev repeated (../shared/peer-bench/make_corpus.py)
#   bench-data/corpus-simplified    already simplified UTF-8 (scripts/make_decode_corpora.py)
#   bench-data/corpus-traditional   the same sources in traditional characters (opencc -c s2t)
# zhtag: `zhtag-bench CORPUS decode-stream decode` = bytes in memory → document (charset,
# repairs, t2s, source map). decode-stream drops each document as `zhtag run` does; decode keeps
# all 28,000 of them for the later bench stages (the heap growth is then part of the time).
# OpenCC: Debian's opencc 1.1.6 command line, t2s.json, on the corpus concatenated into one file
# (so process start and dictionary loading are spread over 50 MB), output to /dev/null.
# Both print wall-clock and CPU-time MB/s: on a shared machine the CPU figure is the stable one.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=${SCRATCH:-.build}
if [ ! -f bench-data/corpus/.stamp ]; then
  python3 ../shared/peer-bench/make_corpus.py --out bench-data/corpus --target-mb 50 >/dev/null
fi
python3 scripts/make_decode_corpora.py
swift build -c release --scratch-path "$scratch" --product zhtag-bench 2>&1 | grep -E "error|Compiling|Build" | tail -3
for name in corpus-traditional corpus-simplified corpus; do
  dir=bench-data/$name
  echo "== $dir"
  taskset -c 0 "$scratch/release/zhtag-bench" "$dir" decode-stream decode | sed 's/^/zhtag   /'
  cat_file=bench-data/$name.concatenated.txt
  if [ ! -f "$cat_file" ] || [ "$dir/.stamp" -nt "$cat_file" ]; then
    find "$dir" -name '*.txt' -print0 | sort -z | xargs -0 cat > "$cat_file"
  fi
  python3 - "$cat_file" <<'PY'
import os, resource, subprocess, sys, time
path = sys.argv[1]
size = os.path.getsize(path)
start = time.monotonic()
subprocess.run(["taskset", "-c", "0", "opencc", "-c", "t2s.json", "-i", path, "-o", "/dev/null"], check=True)
wall = time.monotonic() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = usage.ru_utime + usage.ru_stime
print(f"opencc  t2s       {size/1e6/wall:8.1f} MB/s  {wall:6.2f} s  cpu {size/1e6/cpu:.1f} MB/s  (Debian OpenCC 1.1.6 command line, {size/1e6:.1f} MB)")
PY
done

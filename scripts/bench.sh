#!/usr/bin/env bash
# Builds the benchmark corpus (50 MB from ../shared/seeds and ../shared/corpus/dev, by the
# shared peer-bench script) and times every stage on one core with a release build.
#   scripts/bench.sh [stage …]        numbers go in the README with this command
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=bench-data/corpus
if [ ! -f "$corpus/.stamp" ]; then
  python3 ../shared/peer-bench/make_corpus.py --out "$corpus" --target-mb 50 >/dev/null
fi
swift build -c release --product zhtag-bench >/dev/null
taskset -c 0 .build/release/zhtag-bench "$corpus" "$@"

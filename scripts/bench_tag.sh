#!/usr/bin/env bash
# The tag stage on one core (release build): shipped rules, lexicon size 1k vs 100k, and the
# peer-bench lexicon beside spaCy's EntityRuler on the same corpus.
#   scripts/bench_tag.sh            (first run installs spaCy 3.8.18 into bench-data/venv)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=bench-data/corpus
[ -f "$corpus/.stamp" ] || python3 ../shared/peer-bench/make_corpus.py --out "$corpus" --target-mb 50 >/dev/null
swift build -c release --product zhtag-bench >/dev/null
taskset -c 0 .build/release/zhtag-bench "$corpus" tag lexicon-1k lexicon-100k lexicon-peer
if [ ! -x bench-data/venv/bin/python ]; then
  python3 -m venv bench-data/venv
  bench-data/venv/bin/pip install -q spacy==3.8.18
fi
taskset -c 0 bench-data/venv/bin/python scripts/bench_spacy_ruler.py "$corpus" ../shared/peer-bench/lexicon.tsv

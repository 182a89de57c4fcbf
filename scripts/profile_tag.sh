#!/usr/bin/env bash
# Instruction counts of the tag stage (valgrind callgrind): repeatable whatever else the machine
# is doing, unlike MB/s. Builds zhtag-bench with DWARF 4 (valgrind 3.19 cannot read Swift 6.3's
# default DWARF 5) in .build-prof, takes every 100th article of bench-data/corpus (282 articles,
# 0.5 MB; scripts/bench.sh makes the corpus), cleans and segments them as a run does, and counts
# only inside Tagger.tag.
#
#   scripts/profile_tag.sh            # prints the total and the top functions (inclusive)
#   scripts/profile_tag.sh quota      # the same for the quota records (QuotaBuilder.apply, run
#                                     # on the tagger's output of the whole pipeline)
set -euo pipefail
cd "$(dirname "$0")/.."
sample=$(mktemp -d)
trap 'rm -rf "$sample"' EXIT
find bench-data/corpus -maxdepth 1 -name "*.txt" -printf "%f\n" | sort | awk "NR % 100 == 0 && NR <= 30000" | while read -r name; do cp "bench-data/corpus/$name" "$sample/"; done
swift build -c release --product zhtag-bench --scratch-path .build-prof \
  -Xswiftc -g -Xswiftc -dwarf-version=4 -Xcc -gdwarf-4 >/dev/null
pattern='/ T .*8ZhtagTag6TaggerV3tag_14keepCandidates7context.*tF$/' stage=tag
if [ "${1:-}" = quota ]; then pattern='/ T .*12QuotaBuilderV5apply_2to.*F$/' stage=pipeline; fi
symbol=$(nm .build-prof/release/zhtag-bench | awk "$pattern && !found {print \$3; found = 1}")
out="$sample/callgrind.out"
valgrind --tool=callgrind --callgrind-out-file="$out" "--toggle-collect=$symbol" \
  .build-prof/release/zhtag-bench "$sample" "$stage" 2>&1 | grep Collected
callgrind_annotate --inclusive=yes "$out" 2>/dev/null | sed -n '/file:function/,$p' | sed -n 3,25p | cut -c1-160

#!/usr/bin/env bash
# Exports OpenCC's traditional→simplified dictionaries (t2s, and the variant tables of tw2s/hk2s) (Debian package `opencc`) to the text
# lexicons under rules/decode/, with the header every lexicon carries.
# Run: scripts/export-opencc-dictionaries.sh   (needs opencc_dict; apt-get install opencc)
set -euo pipefail
cd "$(dirname "$0")/.."
dict_dir=${OPENCC_DATA:-/usr/share/opencc}
version=$(dpkg-query -W -f='${Version}' libopencc1.1 2>/dev/null || echo unknown)
export_one() {  # name source-file about
  local name=$1 file=$2 about=$3 tmp
  tmp=$(mktemp)
  opencc_dict -i "$dict_dir/$file.ocd2" -o "$tmp" -f ocd2 -t text
  {
    echo "# name: $name"
    echo "# about: $about"
    echo "# source: OpenCC $file.ocd2 (Debian opencc $version), exported by scripts/export-opencc-dictionaries.sh; do not edit, re-export"
    echo "# used-by: decode (rules/pipeline.yaml decode.$name)"
    echo "# columns: candidates"
    echo "# format: traditional, a tab, simplified candidates separated by spaces (the first is used)"
    LC_ALL=C sort "$tmp"
  } > "rules/decode/opencc-${file}.txt"
  rm -f "$tmp"
}
export_one t2s-characters TSCharacters "traditional characters and their simplified forms"
export_one t2s-phrases TSPhrases "traditional phrases whose simplified form differs from character-by-character conversion"
export_one tw-variants TWVariantsRev "Taiwan variant characters and the OpenCC traditional form they stand for (OpenCC tw2s applies it before TSCharacters)"
export_one tw-variant-phrases TWVariantsRevPhrases "Taiwan phrases whose variant characters must not be replaced one by one (OpenCC tw2s)"
export_one hk-variants HKVariantsRev "Hong Kong variant characters and the OpenCC traditional form they stand for (OpenCC hk2s applies it before TSCharacters)"
export_one hk-variant-phrases HKVariantsRevPhrases "Hong Kong phrases whose variant characters must not be replaced one by one (OpenCC hk2s)"

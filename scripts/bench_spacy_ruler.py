#!/usr/bin/env python3
"""spaCy's EntityRuler (blank 'zh', character segmenter) with ../shared/peer-bench/lexicon.tsv
over the same corpus as zhtag-bench's `lexicon-peer` stage, one document at a time, as
peer-bench's P5 does. Prints MB/s of input bytes. Run by scripts/bench_tag.sh."""
import pathlib
import sys
import time

import spacy

corpus, lexicon = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(corpus.glob("*.txt"))]
size = sum(len(t.encode("utf-8")) for t in texts)
nlp = spacy.blank("zh")
ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": None})
patterns = []
for line in lexicon.read_text(encoding="utf-8").splitlines():
    parts = line.split("\t")
    if len(parts) == 2:
        patterns.append({"label": parts[0], "pattern": parts[1]})
ruler.add_patterns(patterns)
nlp.max_length = 10_000_000
start = time.perf_counter()
entities = sum(len(nlp(text).ents) for text in texts)
seconds = time.perf_counter() - start
print(f"spacy-ruler {size / 1e6 / seconds:8.1f} MB/s  {seconds:6.2f} s  (check {entities})")

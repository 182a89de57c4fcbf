#!/usr/bin/env python3
"""Runs zhtag on the CLUENER2020 validation sentences (../shared/peer-suites/cluener2020-dev)
and reports precision, recall and F1 per CLUENER label, exact span match.

    swift build --product zhtag
    python3 scripts/bench_cluener.py [.build/debug/zhtag] [--rules rules] [--errors LABEL]

Our labels are mapped to theirs: PERSON → name, POST → position, GPE and ZONE → address,
ORG by its kind: party, government, legislature, cppcc, zone-admin → government; company →
company; institution, media → organization. Their other labels (book, movie, game, scene) have
no counterpart and are not scored. CLUENER is general news (sports, entertainment, games…), not
development-zone news, and its guideline differs from ours (an address there is a full postal
address, 北京市海淀区中关村; a position is any job title, 教练, 记者), so there is no floor: the
numbers say how far the rules carry outside their domain.

Spans are compared in the coordinates of the input sentence: zhtag reports `source_start` /
`source_end` into the decoded input, which is the sentence as given.
"""
import json
import os
import subprocess
import sys
from collections import Counter

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SUITE = os.path.join(ROOT, "..", "shared", "peer-suites", "cluener2020-dev", "dev.json")
LABELS = ["name", "position", "government", "organization", "company", "address"]
ORG_KINDS = {"party": "government", "government": "government", "legislature": "government",
             "cppcc": "government", "zone-admin": "government", "company": "company",
             "institution": "organization", "media": "organization"}


def ours_to_theirs(entity):
    label = entity["label"]
    if label == "PERSON":
        return "name"
    if label == "POST":
        return "position"
    if label in ("GPE", "ZONE"):
        return "address"
    if label == "ORG":
        return ORG_KINDS.get(entity["attributes"].get("kind", ""), "organization")
    return None


def main():
    args = sys.argv[1:]
    zhtag = os.path.join(ROOT, ".build", "debug", "zhtag")
    rules = os.path.join(ROOT, "rules")
    errors = None
    while args:
        arg = args.pop(0)
        if arg == "--rules":
            rules = args.pop(0)
        elif arg == "--errors":
            errors = args.pop(0)
        else:
            zhtag = arg
    sentences = [json.loads(line) for line in open(SUITE, encoding="utf-8")]
    records = "".join(json.dumps({"id": f"c{i:04d}", "text": s["text"]}, ensure_ascii=False) + "\n"
                      for i, s in enumerate(sentences))
    run = subprocess.run([zhtag, "run", "--input-format", "jsonl", "-", "--out", "-", "--jobs", "2",
                          "--rules", rules], input=records.encode(), capture_output=True)
    if run.returncode not in (0, 1):
        sys.exit(run.stderr.decode())
    predicted = {}
    for line in run.stdout.decode().splitlines():
        record = json.loads(line)
        spans = set()
        for entity in record.get("entities", []):
            theirs = ours_to_theirs(entity)
            if theirs:
                spans.add((theirs, entity["source_start"], entity["source_end"]))
        predicted[record["id"]] = spans
    tp, fp, fn = Counter(), Counter(), Counter()
    for i, sentence in enumerate(sentences):
        gold = set()
        for label, entities in sentence.get("label", {}).items():
            if label not in LABELS:
                continue
            for spans in entities.values():
                for start, end in spans:
                    gold.add((label, start, end + 1))
        found = predicted.get(f"c{i:04d}", set())
        for span in found & gold:
            tp[span[0]] += 1
        for span in found - gold:
            fp[span[0]] += 1
            if errors == span[0]:
                print(f"extra {span[0]} {sentence['text'][span[1]:span[2]]} | {sentence['text']}")
        for span in gold - found:
            fn[span[0]] += 1
            if errors == span[0]:
                print(f"miss  {span[0]} {sentence['text'][span[1]:span[2]]} | {sentence['text']}")
    print(f"CLUENER2020 validation, {len(sentences)} sentences, exact spans")
    print("| label | gold | found | precision | recall | F1 |")
    print("|---|---|---|---|---|---|")
    totals = [0, 0, 0]
    for label in LABELS:
        t, p, n = tp[label], fp[label], fn[label]
        totals = [totals[0] + t, totals[1] + p, totals[2] + n]
        precision = t / (t + p) if t + p else 0.0
        recall = t / (t + n) if t + n else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(f"| {label} | {t + n} | {t + p} | {precision:.3f} | {recall:.3f} | {f1:.3f} |")
    t, p, n = totals
    precision = t / (t + p) if t + p else 0.0
    recall = t / (t + n) if t + n else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"| all six | {t + n} | {t + p} | {precision:.3f} | {recall:.3f} | {f1:.3f} |")


if __name__ == "__main__":
    main()

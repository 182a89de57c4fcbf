#!/usr/bin/env python3
"""Scores clean's line decisions against ../shared/corpus/dev/gold (rules in gold/GUIDE.md §3).

Usage: zhtag run ../shared/corpus/dev --out /tmp/dev --no-xml
       scripts/score_clean.py /tmp/dev/annotations.jsonl ../shared/corpus/dev/gold
Prints boilerplate-line precision/recall/F1, the share of body characters kept, and exact
matches per metadata field."""
import json
import pathlib
import sys


def main(jsonl, gold_dir):
    gold_dir = pathlib.Path(gold_dir)
    tp = fp = fn = 0
    body_total = body_kept = 0
    meta_hits = {k: [0, 0] for k in ("title", "date", "source", "author")}
    for line in open(jsonl, encoding="utf-8"):
        record = json.loads(line)
        gold_path = gold_dir / (record["id"] + ".gold.json")
        if record["status"] != "ok" or not gold_path.exists():
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        source = record["source_text"]
        removed = [(r["source_start"], r["source_end"]) for r in record["removed"]]
        offset = 0
        for label, text in zip(gold["lines"], source.split("\n")):
            start, end = offset, offset + len(text)
            offset = end + 1
            if label in ("empty", "caption") or not text.strip():
                continue
            dropped = any(s <= start and end <= e for s, e in removed)
            is_boiler = label == "boiler"
            if is_boiler and dropped:
                tp += 1
            elif is_boiler:
                fn += 1
            elif dropped and label in ("body", "mixed"):
                fp += 1
            if label in ("body", "mixed"):
                body_total += len(text)
                body_kept += 0 if dropped else len(text)
        for field, counts in meta_hits.items():
            expected = gold["meta"].get(field)
            if expected is None:
                continue
            counts[1] += 1
            got = record["meta"].get(field)
            if got and got["value"].strip() == expected.strip():
                counts[0] += 1
    precision = tp / (tp + fp) if tp + fp else 0
    recall = tp / (tp + fn) if tp + fn else 0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0
    print(f"boilerplate lines: precision {precision:.3f} recall {recall:.3f} F1 {f1:.3f} (tp {tp}, fp {fp}, fn {fn})")
    print(f"body characters kept: {body_kept / body_total:.4f} ({body_kept}/{body_total})")
    for field, (hit, total) in meta_hits.items():
        print(f"meta {field}: {hit}/{total} exact ({hit / total if total else 0:.2f})")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

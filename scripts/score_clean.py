#!/usr/bin/env python3
"""Scores clean's line decisions against ../shared/corpus/dev/gold (rules in gold/GUIDE.md §3).

Usage: zhtag run ../shared/corpus/dev --out /tmp/dev --no-xml
       scripts/score_clean.py /tmp/dev/annotations.jsonl ../shared/corpus/dev/gold
       scripts/score_clean.py --errors /tmp/dev/annotations.jsonl ../shared/corpus/dev/gold
Prints boilerplate-line precision/recall/F1, the share of body characters kept, and exact
matches per metadata field; --errors also lists every wrong line and metadata value.
scripts/compare_clean_peers.py imports score() to put trafilatura and jusText beside it."""
import json
import pathlib
import sys

FIELDS = ("title", "date", "source", "author")


ROOT = pathlib.Path(__file__).resolve().parent.parent


def t2s_table():
    """OpenCC's single-character traditional → simplified table, for str.translate (the peers'
    outputs and the references are compared in simplified characters)."""
    table = {}
    for line in open(ROOT / "rules/decode/opencc-TSCharacters.txt", encoding="utf-8"):
        if line.startswith("#") or "\t" not in line:
            continue
        key, value = line.rstrip("\n").split("\t")[:2]
        if len(key) == 1:
            table[ord(key)] = value.split(" ")[0]
    return table


def score(records, gold_dir, errors=None):
    """records: dicts with id, status, source_text, removed (source_start/source_end) and meta
    ({field: {"value": …}}). Returns the measures as a dict; appends mistakes to `errors`."""
    gold_dir = pathlib.Path(gold_dir)
    tp = fp = fn = 0
    body_total = body_kept = 0
    meta_hits = {k: [0, 0] for k in FIELDS}
    for record in records:
        gold_path = gold_dir / (record["id"] + ".gold.json")
        if record.get("status") != "ok" or not gold_path.exists():
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
                if errors is not None:
                    errors.append(f"{record['id']} kept boilerplate: {text[:70]}")
            elif dropped and label in ("body", "mixed"):
                fp += 1
                if errors is not None:
                    errors.append(f"{record['id']} dropped body: {text[:70]}")
            if label in ("body", "mixed"):
                body_total += len(text)
                body_kept += 0 if dropped else len(text)
        for field, counts in meta_hits.items():
            expected = gold["meta"].get(field)
            if expected is None:
                continue
            counts[1] += 1
            got = (record.get("meta") or {}).get(field)
            if got and got["value"].strip() == expected.strip():
                counts[0] += 1
            elif errors is not None:
                errors.append(f"{record['id']} meta {field}: expected {expected!r}, got {(got or {}).get('value')!r}")
    precision = tp / (tp + fp) if tp + fp else 0
    recall = tp / (tp + fn) if tp + fn else 0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn,
            "body_kept": body_kept / body_total if body_total else 0, "body": (body_kept, body_total),
            "meta": {field: tuple(counts) for field, counts in meta_hits.items()}}


def report(m):
    lines = [f"boilerplate lines: precision {m['precision']:.3f} recall {m['recall']:.3f} F1 {m['f1']:.3f} "
             f"(tp {m['tp']}, fp {m['fp']}, fn {m['fn']})",
             f"body characters kept: {m['body_kept']:.4f} ({m['body'][0]}/{m['body'][1]})"]
    for field, (hit, total) in m["meta"].items():
        lines.append(f"meta {field}: {hit}/{total} exact ({hit / total if total else 0:.2f})")
    return "\n".join(lines)


def main(arguments):
    show_errors = "--errors" in arguments
    jsonl, gold_dir = [a for a in arguments if a != "--errors"]
    errors = [] if show_errors else None
    records = (json.loads(line) for line in open(jsonl, encoding="utf-8"))
    print(report(score(records, gold_dir, errors)))
    for error in errors or []:
        print(error)


if __name__ == "__main__":
    main(sys.argv[1:])

#!/usr/bin/env python3
"""Scores entities against the hand-annotated seed fixtures
(Tests/ZhtagPipelineTests/Fixtures/entities/<seed>.tsv): precision and recall per label, exact
label and span, as the Swift test EntityTests.seedFixturesHoldTheirFloors does.

    zhtag run seeds --out /tmp/seeds --no-xml
    python3 scripts/score_entities.py /tmp/seeds/annotations.jsonl [--errors]
"""
import json
import os
import sys
from collections import Counter

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
FIXTURES = os.path.join(ROOT, "Tests", "ZhtagPipelineTests", "Fixtures", "entities")
LABELS = ["PERSON", "ZONE", "GPE", "ORG", "POST", "DATE", "TIME", "DOCUMENT", "MEETING", "CAMPAIGN", "PROJECT"]


def load_fixture(path, text):
    labels, expected = set(), []
    for number, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if line.startswith("# labels:"):
            labels = set(line[len("# labels:"):].split())
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        label, surface, occurrence = fields[0], fields[1], int(fields[2])
        start = -1
        for _ in range(occurrence):
            start = text.find(surface, start + 1)
            if start < 0:
                sys.exit(f"{path}:{number}: occurrence {occurrence} of {surface} is not in the text")
        attributes = {}
        if len(fields) > 3 and fields[3]:
            for pair in fields[3].split(";"):
                name, value = pair.split("=", 1)
                attributes[name.strip()] = value.strip()
        expected.append((label, start, start + len(surface), attributes, number))
    return labels, expected


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    show = "--errors" in sys.argv
    tp, fp, fn = Counter(), Counter(), Counter()
    for line in open(sys.argv[1], encoding="utf-8"):
        record = json.loads(line)
        path = os.path.join(FIXTURES, record["id"] + ".tsv")
        if record.get("status") != "ok" or not os.path.exists(path):
            continue
        text = record["text"]
        labels, expected = load_fixture(path, text)
        found = [(e["label"], e["start"], e["end"], e) for e in record["entities"] if e["label"] in labels]
        used = set()
        for label, start, end, attributes, number in expected:
            match = next((i for i, f in enumerate(found) if i not in used and f[:3] == (label, start, end)), None)
            if match is None:
                fn[label] += 1
                if show:
                    print(f"miss  {record['id']} {label} {text[start:end]} (line {number})")
                continue
            used.add(match)
            tp[label] += 1
            for name, value in attributes.items():
                got = found[match][3]["attributes"].get(name)
                if got != value and show:
                    print(f"attr  {record['id']} {label} {text[start:end]}: {name} expected {value}, got {got}")
        for i, (label, start, end, entity) in enumerate(found):
            if i not in used:
                fp[label] += 1
                if show:
                    print(f"extra {record['id']} {label} {text[start:end]} [{start},{end}) {entity['rule']}")
    print("| label | expected | found | precision | recall |")
    print("|---|---|---|---|---|")
    for label in LABELS:
        expected, found = tp[label] + fn[label], tp[label] + fp[label]
        if expected + found == 0:
            continue
        precision = tp[label] / found if found else 1.0
        recall = tp[label] / expected if expected else 1.0
        print(f"| {label} | {expected} | {found} | {precision:.3f} | {recall:.3f} |")


if __name__ == "__main__":
    main()

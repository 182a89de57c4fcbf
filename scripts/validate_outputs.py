#!/usr/bin/env python3
"""Checks zhtag outputs: JSONL records against schema/annotations.schema.json, and for every
span in every output (JSONL and XML) that its offsets give back its surface text (DESIGN §2-3).

Usage: scripts/validate_outputs.py FILE.jsonl|FILE.xml …    exit 0 when all is well.
The XML schema itself is checked with xmllint (see Tests/ZhtagPipelineTests).
Needs the `jsonschema` package (scripts/setup installs it)."""
import json
import pathlib
import sys
import xml.etree.ElementTree as ET

import jsonschema

SCHEMA = pathlib.Path(__file__).resolve().parent.parent / "schema" / "annotations.schema.json"


def check_spans(record):
    """Yields a message for every span whose offsets do not give back its text."""
    text, source = record["text"], record["source_text"]
    n, m = len(text), len(source)

    def span(kind, item):
        s, e = item["start"], item["end"]
        if not (0 <= s <= e <= n):
            yield f"{kind} {item.get('id')} [{s},{e}) outside text of {n}"
        ss, se = item["source_start"], item["source_end"]
        if not (0 <= ss <= se <= m):
            yield f"{kind} {item.get('id')} source [{ss},{se}) outside source_text of {m}"

    for kind in ("blocks", "sentences", "entities", "quotas"):
        for item in record[kind]:
            yield from span(kind, item)
            if "text" in item and text[item["start"]:item["end"]] != item["text"]:
                yield f"{kind} {item['id']}: text[{item['start']}:{item['end']}] != {item['text']!r}"
    counts = record["repairs"]["counts"]
    for kind, runs in record["repairs"]["runs"].items():
        if kind not in counts or len(runs) > counts[kind]:
            yield f"repairs {kind}: {len(runs)} runs but count {counts.get(kind)}"
        previous = -1
        for s, e, ss, se in runs:
            yield from span("repair", {"id": kind, "start": s, "end": e, "source_start": ss, "source_end": se})
            if ss < previous:
                yield f"repairs {kind}: runs out of source order"
            previous = se
    for item in record["removed"]:
        if source[item["source_start"]:item["source_end"]] != item["text"]:
            yield f"removed {item['reason']}: source_text slice differs from 'text'"
        if not 0 <= item["text_offset"] <= n:
            yield f"removed {item['reason']}: text_offset outside text"
    for name, field in record["meta"].items():
        if field is None:
            continue
        if not 0 <= field["source_start"] <= field["source_end"] <= m:
            yield f"meta {name}: source span outside source_text"
        if field["start"] is not None and text[field["start"]:field["end"]] != field["value"] and name == "title":
            yield f"meta title: text slice differs from value"
    # Sentences lie inside their block.
    blocks = {b["id"]: b for b in record["blocks"]}
    for s in record["sentences"]:
        b = blocks[s["block"]]
        if not (b["start"] <= s["start"] <= s["end"] <= b["end"]):
            yield f"sentence {s['id']} outside block {b['id']}"


def check_xml(path):
    """Yields a message for every XML span whose offsets do not give back its text."""
    root = ET.parse(path).getroot()
    if root.get("status") != "ok":
        return
    text_element = root.find("text")
    text = "".join(text_element.itertext())
    for element in text_element.iter():
        if element.tag in ("block", "s", "e"):
            start, end = int(element.get("start")), int(element.get("end"))
            surface = "".join(element.itertext())
            if text[start:end] != surface:
                yield f"<{element.tag} id={element.get('id')}>: text[{start}:{end}] != {surface!r}"
    standoff = root.find("standoff")
    for element in standoff if standoff is not None else []:
        start, end = int(element.get("start")), int(element.get("end"))
        if text[start:end] != (element.text or ""):
            yield f"standoff {element.get('id')}: text[{start}:{end}] != {element.text!r}"


def main(paths):
    problems = records = 0
    xml_paths = [p for p in paths if p.endswith(".xml")]
    paths = [p for p in paths if not p.endswith(".xml")]
    for path in xml_paths:
        records += 1
        for message in check_xml(path):
            problems += 1
            print(f"{path}: span: {message}")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    # The record's status picks its branch of the oneOf, for messages that say what is wrong.
    def branch(name):
        subschema = {key: value for key, value in schema.items() if key != "oneOf"}
        subschema["$ref"] = f"#/$defs/{name}"
        return jsonschema.Draft202012Validator(subschema)

    branches = {"ok": branch("processed"), "failed": branch("failed")}
    for path in paths:
        for number, line in enumerate(open(path, encoding="utf-8"), 1):
            records += 1
            record = json.loads(line)
            branch = branches.get(record.get("status"), validator)
            for error in branch.iter_errors(record):
                problems += 1
                print(f"{path}:{number}: schema: {error.message[:300]} at {list(error.absolute_path)}")
            if record.get("status") == "ok":
                for message in check_spans(record):
                    problems += 1
                    print(f"{path}:{number}: span: {message}")
    print(f"{records} record(s), {problems} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

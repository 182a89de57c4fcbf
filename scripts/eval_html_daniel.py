#!/usr/bin/env python3
"""Scores main-text extraction on the Chinese DAnIEL pages (../shared/peer-suites/daniel-zh),
with the corpus's own measure: texts as <p>…</p> lines, characters aligned with Python's
difflib (CleanEval style), precision and recall averaged over pages, F1 of the averages.

Usage: zhtag run ../shared/peer-suites/daniel-zh/html --out /tmp/daniel --no-xml
       scripts/eval_html_daniel.py /tmp/daniel/annotations.jsonl ../shared/peer-suites/daniel-zh
       scripts/eval_html_daniel.py --peers ../shared/peer-suites/daniel-zh   # trafilatura, jusText

zhtag writes simplified Chinese; the references are as published (177 pages are traditional),
so both sides are mapped character by character to simplified with OpenCC's TSCharacters table
(rules/decode/opencc-TSCharacters.txt) before aligning. Run by hand; not part of CI."""
import difflib
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from score_clean import t2s_table  # noqa: E402


T2S = t2s_table()


def normalise(paragraphs):
    text = "\n".join("<p>" + p.strip() + "</p>" for p in paragraphs if p.strip())
    text = text.translate(T2S)
    return re.sub(r"\s+", " ", text).strip()


def score(output, reference):
    matcher = difflib.SequenceMatcher(None, output, reference)
    tp = sum(block.size for block in matcher.get_matching_blocks())
    precision = tp / len(output) if output else 0.0
    recall = tp / len(reference) if reference else 0.0
    return precision, recall


def reference_paragraphs(path):
    text = path.read_text(encoding="utf-8")
    return [re.sub(r"</?p[^>]*>", "", line) for line in text.split("\n")]


def report(name, scores):
    p = sum(s[0] for s in scores) / len(scores)
    r = sum(s[1] for s in scores) / len(scores)
    f = 2 * p * r / (p + r) if p + r else 0.0
    print(f"{name}: {len(scores)} pages, precision {p:.3f} recall {r:.3f} F1 {f:.3f}")


def ours(jsonl, suite):
    suite = pathlib.Path(suite)
    scores = []
    for line in open(jsonl, encoding="utf-8"):
        record = json.loads(line)
        ref = suite / "ref" / (record["id"] + ".txt")
        if not ref.exists():
            continue
        out = normalise(record.get("text", "").split("\n")) if record["status"] == "ok" else ""
        scores.append(score(out, normalise(reference_paragraphs(ref))))
    report("zhtag", scores)


def peers(suite):
    """trafilatura (defaults) and jusText in its language-independent setting (empty stoplist,
    stopword thresholds 0, length thresholds 25/70 as in the published DAnIEL comparison) on
    the raw pages."""
    import justext
    import trafilatura
    suite = pathlib.Path(suite)
    results = {"trafilatura": [], "justext": []}
    for html_path in sorted((suite / "html").glob("*.html")):
        ref = suite / "ref" / (html_path.stem + ".txt")
        reference = normalise(reference_paragraphs(ref))
        raw = html_path.read_bytes()
        extracted = trafilatura.extract(raw.decode("utf-8", "replace")) or ""
        results["trafilatura"].append(score(normalise(extracted.split("\n")), reference))
        paragraphs = justext.justext(raw, frozenset(), length_low=25, length_high=70,
                                     stopwords_low=0, stopwords_high=0, encoding="utf-8")
        kept = [p.text for p in paragraphs if not p.is_boilerplate]
        results["justext"].append(score(normalise(kept), reference))
    for name, scores in results.items():
        report(name, scores)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: scripts/eval_html_daniel.py ANNOTATIONS.jsonl DANIEL_DIR\n"
                 "       scripts/eval_html_daniel.py --peers DANIEL_DIR")
    if sys.argv[1] == "--peers":
        peers(sys.argv[2])
    else:
        ours(sys.argv[1], sys.argv[2])

#!/usr/bin/env python3
"""Puts zhtag's clean beside trafilatura and jusText on the dev gold (../shared/corpus/dev/gold),
scored by scripts/score_clean.py, and prints the three tables side by side (markdown).

Each article is given to the peers the way ../shared/peer-bench does (pipelines.py, P8a/P8b):
every non-empty line wrapped as a <p> paragraph; for jusText each line is segmented with jieba
(jusText counts space-separated words) and the stoplist is jionlp's Chinese stopword list
(jusText has none for Chinese). A line counts as dropped when the peer's output does not contain
it. Metadata: trafilatura's own (title, date, author, sitename as source) from the same HTML,
mapped to simplified characters with OpenCC's TSCharacters table as the gold is simplified;
jusText extracts none.

Run by hand (not in CI), with the peers installed from PyPI at the versions of
../shared/peer-bench/requirements-lock.txt, e.g.
  python3 -m venv /tmp/peers && /tmp/peers/bin/pip install trafilatura==2.3.1 jusText==3.0.2 \\
      lxml==6.1.3 lxml_html_clean==0.4.6 jieba==0.42.1 jionlp==1.5.31
  zhtag run ../shared/corpus/dev --out /tmp/dev --no-xml
  /tmp/peers/bin/python scripts/compare_clean_peers.py /tmp/dev/annotations.jsonl ../shared/corpus/dev
"""
import html
import json
import logging
import pathlib
import re
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from score_clean import FIELDS, score, t2s_table  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent


T2S = t2s_table()


def wrap(lines, segment=None):
    body = "".join("<p>%s</p>\n" % html.escape(segment(l.strip()) if segment else l.strip())
                   for l in lines if l.strip())
    return "<html><body>" + body + "</body></html>"


def squeeze(text):
    return re.sub(r"\s+", "", text)


def removed_lines(source, kept):
    """Removed regions for the lines (non-empty) whose index is not in `kept`."""
    removed, offset, index = [], 0, 0
    for line in source.split("\n"):
        start, end = offset, offset + len(line)
        offset = end + 1
        if not line.strip():
            continue
        if index not in kept:
            removed.append({"source_start": start, "source_end": end})
        index += 1
    return removed


def run_trafilatura(articles):
    import trafilatura
    records, seconds = [], 0.0
    for name, source in articles:
        page = wrap(source.split("\n"))
        started = time.perf_counter()
        document = trafilatura.bare_extraction(page, with_metadata=True)
        seconds += time.perf_counter() - started
        text = (getattr(document, "text", None) or "") if document is not None else ""
        flat = squeeze(text)
        lines = [l for l in source.split("\n") if l.strip()]
        kept = {i for i, l in enumerate(lines) if squeeze(l) and squeeze(l) in flat}
        meta = {}
        if document is not None:
            for field, attribute in (("title", "title"), ("date", "date"), ("author", "author"),
                                     ("source", "sitename")):
                value = getattr(document, attribute, None)
                if value:
                    meta[field] = {"value": str(value).translate(T2S)}
        records.append({"id": name, "status": "ok", "source_text": source,
                        "removed": removed_lines(source, kept), "meta": meta})
    return records, seconds


def run_justext(articles):
    import jieba
    import justext
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    import jionlp
    stoplist = frozenset(jionlp.stopwords_loader())
    records, seconds = [], 0.0
    for name, source in articles:
        lines = [l for l in source.split("\n") if l.strip()]
        page = wrap(lines, lambda line: " ".join(jieba.lcut(line)))
        started = time.perf_counter()
        paragraphs = justext.justext(page, stoplist)
        seconds += time.perf_counter() - started
        good = [squeeze(p.text) for p in paragraphs if not p.is_boilerplate]
        if len(paragraphs) == len(lines):
            kept = {i for i, p in enumerate(paragraphs) if not p.is_boilerplate}
        else:
            flat = "".join(good)
            kept = {i for i, l in enumerate(lines) if squeeze(l) and squeeze(l) in flat}
        records.append({"id": name, "status": "ok", "source_text": source,
                        "removed": removed_lines(source, kept), "meta": {}})
    return records, seconds


def table(columns):
    names = list(columns)
    rows = [("boilerplate lines precision", lambda m: f"{m['precision']:.3f}"),
            ("boilerplate lines recall", lambda m: f"{m['recall']:.3f}"),
            ("boilerplate lines F1", lambda m: f"{m['f1']:.3f}"),
            ("body characters kept", lambda m: f"{m['body_kept']:.4f}")]
    for field in FIELDS:
        rows.append((f"meta {field} exact",
                     lambda m, f=field: f"{m['meta'][f][0]}/{m['meta'][f][1]} ({m['meta'][f][0] / max(1, m['meta'][f][1]):.2f})"))
    out = ["| dev gold (98 pages) | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for label, cell in rows:
        out.append(f"| {label} | " + " | ".join(cell(columns[n]) for n in names) + " |")
    return "\n".join(out)


def main(jsonl, corpus):
    corpus = pathlib.Path(corpus)
    gold = corpus / "gold"
    articles = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(corpus.glob("dev_*.txt"))
                if (gold / (p.stem + ".gold.json")).exists()]
    ours = [json.loads(line) for line in open(jsonl, encoding="utf-8")]
    columns = {"zhtag": score(ours, gold)}
    trafilatura_records, trafilatura_seconds = run_trafilatura(articles)
    columns["trafilatura 2.3.1"] = score(trafilatura_records, gold)
    justext_records, justext_seconds = run_justext(articles)
    columns["jusText 3.0.2 (+jieba, jionlp stoplist)"] = score(justext_records, gold)
    print(table(columns))
    size = sum(len(source.encode("utf-8")) for _, source in articles)
    print(f"\n{len(articles)} articles, {size / 1e6:.2f} MB; peers' extraction time: trafilatura "
          f"{trafilatura_seconds:.2f} s, jusText {justext_seconds:.2f} s (jieba segmentation not counted)")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

#!/usr/bin/env python3
"""Builds the two decode benchmark corpora beside the mixed one (scripts/bench.sh):

  bench-data/corpus-simplified   text that is already simplified UTF-8: the seeds and dev
                                 articles with no traditional character and no 字(pinyin)
                                 artifact (INDEX.tsv flags; seeds checked for the artifact)
  bench-data/corpus-traditional  every seed and dev article turned into traditional
                                 characters by OpenCC (`opencc -c s2t`), pinyin artifacts kept

Each is built like ../shared/peer-bench/make_corpus.py builds the mixed corpus: source files
copied round-robin, one per corpus file, until the target size (default 50 MB = 50,000,000
bytes). Deterministic; rebuilt only when its .stamp fingerprint changes.

    python3 scripts/make_decode_corpora.py [--target-mb 50]
"""
import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared"))
PINYIN = re.compile(r"[\u3400-\u9fff][(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}[)）]")


def sources():
    seeds = os.path.join(SHARED, "seeds")
    out = [os.path.join(seeds, f) for f in sorted(os.listdir(seeds)) if f.endswith(".txt")]
    dev = os.path.join(SHARED, "corpus", "dev")
    out += [os.path.join(dev, f) for f in sorted(os.listdir(dev)) if f.startswith("dev_") and f.endswith(".txt")]
    return out


def simplified_sources():
    flags = {}
    with open(os.path.join(SHARED, "corpus", "dev", "INDEX.tsv"), encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        for line in fh:
            row = dict(zip(header, line.rstrip("\n").split("\t")))
            flags[os.path.basename(row["file"])] = row
    keep = []
    for path in sources():
        name = os.path.basename(path)
        text = open(path, encoding="utf-8").read()
        if name in flags:
            row = flags[name]
            if row["traditional"] != "no" or row["has_pinyin_artifact"] != "no":
                continue
        if PINYIN.search(text):
            continue
        keep.append((os.path.splitext(name)[0], text.encode("utf-8")))
    return keep


def traditional_sources():
    out = []
    for path in sources():
        converted = subprocess.run(["opencc", "-c", "s2t.json", "-i", path], check=True,
                                   capture_output=True).stdout
        out.append((os.path.splitext(os.path.basename(path))[0], converted))
    return out


def build(folder, blobs, target):
    h = hashlib.sha256()
    for name, data in blobs:
        h.update(name.encode())
        h.update(hashlib.sha256(data).digest())
    h.update(str(target).encode())
    stamp = h.hexdigest()
    stamp_path = os.path.join(folder, ".stamp")
    if os.path.exists(stamp_path) and open(stamp_path).read().strip() == stamp:
        return
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    total, i = 0, 0
    while total < target:
        name, data = blobs[i % len(blobs)]
        with open(os.path.join(folder, f"{i:05d}_{name}.txt"), "wb") as fh:
            fh.write(data)
        total += len(data)
        i += 1
    with open(stamp_path, "w") as fh:
        fh.write(stamp + "\n")
    print(f"{folder}: {i} files, {total} bytes, from {len(blobs)} sources", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--target-mb", type=float, default=50.0)
    args = ap.parse_args()
    target = int(args.target_mb * 1_000_000)
    build(os.path.join(ROOT, "bench-data", "corpus-simplified"), simplified_sources(), target)
    build(os.path.join(ROOT, "bench-data", "corpus-traditional"), traditional_sources(), target)


if __name__ == "__main__":
    main()

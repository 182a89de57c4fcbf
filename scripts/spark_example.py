#!/usr/bin/env python3
"""zhtag as a Spark pipe stage, in local mode: articles in, one JSONL record per article out.

    pip install pyspark          (needs java)
    python3 scripts/spark_example.py .build/release/zhtag

Each partition is piped through `zhtag run --input-format jsonl - --out -`, which reads
{"id", "text"} lines on stdin and writes annotation records on stdout. On a cluster, ship the
binary and rules/ with the job (e.g. --files) and point --rules at them."""
import json
import os
import pathlib
import sys

from pyspark.sql import SparkSession

zhtag = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/release/zhtag")
rules = os.path.abspath("rules")
seeds = sorted(pathlib.Path("seeds").glob("*.txt"))
records = [json.dumps({"id": p.stem, "text": p.read_text(encoding="utf-8")}, ensure_ascii=False) for p in seeds]

# Local mode on this machine only: the driver on the loopback address, no web UI.
os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
spark = (SparkSession.builder.master("local[2]").appName("zhtag")
         .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
         .config("spark.ui.enabled", "false").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
lines = spark.sparkContext.parallelize(records, 2)
annotated = lines.pipe(f"{zhtag} run --input-format jsonl - --out - --jobs 1 --rules {rules}").map(json.loads)
results = annotated.collect()
ok = sum(1 for r in results if r["status"] == "ok")
entities = sum(len(r.get("entities", [])) for r in results)
print(f"{len(results)} records, {ok} ok, {entities} entities")
spark.stop()

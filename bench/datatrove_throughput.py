"""Throughput of the datatrove step: documents per second per worker, 1 vs 2 workers.

    python bench/datatrove_throughput.py [--corpus ../shared/corpus] [--input scraped-full.txt]
                              [--sources scrapinghub,readability,wcxb] [--tasks 8]

Writes the dev corpus's inputs as gzipped JSONL shards (one per task) to a
temporary folder, then runs ``JsonlReader -> CleanDocuments`` with datatrove's
``LocalPipelineExecutor`` on 1 and then 2 local workers, and prints documents
per second per worker and the speed-up. The first run also warms the start-up
cache, so it is run once untimed first. Needs the datatrove extra.
(Not named datatrove.py: run as a script, that name would shadow the package.)
"""
from __future__ import annotations

import argparse
import gzip
import json
import tempfile
import time
from pathlib import Path

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader

from cleaner.integrations.datatrove import CleanDocuments

REPO = Path(__file__).resolve().parents[1]


def write_shards(corpus: Path, sources: list[str], name: str, tasks: int, folder: Path) -> int:
    texts = []
    for source in sources:
        for case in sorted((corpus / source).iterdir()):
            if (case / name).is_file():
                texts.append((f"{source}/{case.name}", (case / name).read_text("utf-8", "replace")))
    for s in range(tasks):
        with gzip.open(folder / f"shard{s:03d}.jsonl.gz", "wt", encoding="utf-8") as f:
            for doc_id, text in texts[s::tasks]:
                f.write(json.dumps({"id": doc_id, "text": text}) + "\n")
    return len(texts)


def run(data: Path, logs: Path, tasks: int, workers: int) -> float:
    executor = LocalPipelineExecutor([JsonlReader(str(data)), CleanDocuments()], tasks=tasks,
                                     workers=workers, logging_dir=str(logs), skip_completed=False)
    start = time.perf_counter()
    executor.run()
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    ap.add_argument("--input", default="scraped-full.txt")
    ap.add_argument("--sources", default="scrapinghub,readability,wcxb")
    ap.add_argument("--tasks", type=int, default=8)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="clean-bench-dt-") as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        n = write_shards(args.corpus, args.sources.split(","), args.input, args.tasks, data)
        run(data, Path(tmp) / "warm", min(args.tasks, 2), 2)   # start-up cache, page cache
        t1 = run(data, Path(tmp) / "w1", args.tasks, 1)
        t2 = run(data, Path(tmp) / "w2", args.tasks, 2)
    print(f"{n} documents ({args.input}, {args.sources}) in {args.tasks} shards")
    print(f"1 worker : {t1:7.1f} s  {n / t1:7.1f} docs/s per worker")
    print(f"2 workers: {t2:7.1f} s  {n / t2 / 2:7.1f} docs/s per worker")
    print(f"speed-up 1 -> 2 workers: {t1 / t2:.2f}x")


if __name__ == "__main__":
    main()

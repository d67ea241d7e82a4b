"""Writing consolidation output to the embedded object store, durable, on this machine's disk.

A consolidation pass writes one worker-response file per object, each in a folder of its own
(Ground Truth's layout), inside ``store.batch()``. Prints, for 400 such objects, the time of the
batch and of the same writes one by one (each object atomic and durable on its own), best of 3.

Usage: python bench/store_batch.py [--objects 400] [--dir DIR]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from opentruth.cloud.embedded_store import EmbeddedObjectStore

BODY = b'{"answers":[{"workerId":"w","answerContent":{"sentiment":{"label":"positive"}}}]}'


def run(root: Path, objects: int, batched: bool) -> float:
    best = float("inf")
    for rep in range(3):
        d = Path(tempfile.mkdtemp(dir=root))
        store = EmbeddedObjectStore(d)
        store.create_bucket("out")
        keys = [
            f"job/annotations/worker-response/iteration-1/{i}/2026-11-29_10:00:{rep:02d}.json"
            for i in range(objects)
        ]
        t = time.perf_counter()
        if batched:
            with store.batch():
                for key in keys:
                    store.put_object("out", key, BODY)
        else:
            for key in keys:
                store.put_object("out", key, BODY)
        best = min(best, time.perf_counter() - t)
        shutil.rmtree(d)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--objects", type=int, default=400)
    parser.add_argument("--dir", type=Path, default=Path.cwd(), help="a folder on the disk to measure")
    args = parser.parse_args()
    batch = run(args.dir, args.objects, batched=True)
    single = run(args.dir, args.objects, batched=False)
    print(
        f"{args.objects} worker-response objects, durable: batch {batch * 1000:.0f} ms "
        f"({args.objects / batch:,.0f} objects/s); one by one {single * 1000:.0f} ms "
        f"({args.objects / single:,.0f} objects/s); batch is {single / batch:.1f}x faster"
    )


if __name__ == "__main__":
    main()

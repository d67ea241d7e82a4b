"""Single-label consolidation: Dawid–Skene EM against majority vote on simulated workers.

Workers of known behaviour answer a 4-class task; every item gets k distinct workers drawn from
the pool. Printed: the accuracy of each method against the simulated truth, and the time each
took on the whole job. Seeded: the same command prints the same accuracies.

Worker kinds:
  a number p       answers correctly with probability p, otherwise a uniformly random wrong class;
  "spam-const"     always answers class 0;
  "spam-random"    answers uniformly at random;
  "adversary"      answers (truth + 1) mod K with probability 0.8, else correctly: consistent
                   confusion that a confusion matrix can learn and invert, but a vote cannot.

Usage: python bench/consolidation.py [--items 2000] [--classes 4] [--seed 7]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence

import numpy as np

from opentruth.labeling.consolidation import dawid_skene, majority_vote

Worker = float | str

SCENARIOS: list[tuple[str, list[Worker]]] = [
    ("mixed 5", [0.9, 0.8, 0.7, 0.6, 0.55]),
    ("mixed 10", [0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5, 0.45]),
    ("2 spammers", [0.9, 0.8, 0.7, "spam-const", "spam-random"]),
    ("2 adversaries", [0.85, 0.75, 0.65, "adversary", "adversary"]),
    ("spam-heavy 8", [0.9, 0.8, "spam-const", "spam-random", "spam-random", 0.7, "adversary", 0.6]),
]


def answer(kind: Worker, truth: int, n_classes: int, rng: np.random.Generator) -> int:
    """One simulated answer of a worker of ``kind`` to an item whose true class is ``truth``."""
    if kind == "spam-const":
        return 0
    if kind == "spam-random":
        return int(rng.integers(n_classes))
    if kind == "adversary":
        return (truth + 1) % n_classes if rng.random() < 0.8 else truth
    assert isinstance(kind, float)
    if rng.random() < kind:
        return truth
    wrong = int(rng.integers(n_classes - 1))
    return wrong if wrong < truth else wrong + 1


def simulate(
    pool: Sequence[Worker], per_item: int, n_items: int, n_classes: int, rng: np.random.Generator
) -> tuple[list[tuple[int, int, int]], np.ndarray]:
    """Observations ``(item, worker, label)`` and the true labels."""
    truth = rng.integers(n_classes, size=n_items)
    obs: list[tuple[int, int, int]] = []
    for item in range(n_items):
        for w in rng.choice(len(pool), size=per_item, replace=False).tolist():
            obs.append((item, w, answer(pool[w], int(truth[item]), n_classes, rng)))
    return obs, truth


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--classes", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    header = (
        f"{'scenario':<15}{'k':>3}{'MV acc':>9}{'DS acc':>9}{'DS-MV':>8}{'MV ms':>8}{'DS ms':>8}{'iter':>6}"
    )
    print(f"{args.items} items, {args.classes} classes, seed {args.seed}; k = workers per item")
    print(header)
    print("-" * len(header))
    for name, pool in SCENARIOS:
        for per_item in (3, 5):
            if per_item > len(pool):
                continue
            rng = np.random.default_rng([args.seed, per_item, len(pool)])
            obs, truth = simulate(pool, per_item, args.items, args.classes, rng)

            t0 = time.perf_counter()
            mv = majority_vote(obs, args.classes)
            t1 = time.perf_counter()
            ds = dawid_skene(obs, args.classes)
            t2 = time.perf_counter()

            mv_acc = float(np.mean([mv.decisions[i].label == truth[i] for i in range(args.items)]))
            ds_acc = float(np.mean([ds.decisions[i].label == truth[i] for i in range(args.items)]))
            print(
                f"{name:<15}{per_item:>3}{mv_acc:>9.3f}{ds_acc:>9.3f}{ds_acc - mv_acc:>+8.3f}"
                f"{(t1 - t0) * 1e3:>8.1f}{(t2 - t1) * 1e3:>8.1f}{ds.iterations:>6}"
            )


if __name__ == "__main__":
    main()

"""Task-seconds of `genvsdisc compare` runs side by side, from their results.json files.

``timings.tasks`` in results.json holds the seconds each engine task took
(``experiment/model[/split]``). On a shared machine a run's wall time measures
the neighbours too; the tasks' sum, taken from runs of the same engine under
similar load (best: one thread, ``--workers 0``), says where the work goes. This
prints, for each results.json given, the total, the sum per model, and the
tasks of one model (``--model``, default gmm) longest first.

Usage: .venv/bin/python benchmarks/task_seconds.py OLD/results.json NEW/results.json
       [--model gmm] [--top 14]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path


def per_model(tasks: dict) -> dict:
    """Seconds summed per model (the second part of ``experiment/model[/split]``)."""
    out: dict[str, float] = defaultdict(float)
    for key, seconds in tasks.items():
        parts = str(key).split("/")
        out[parts[1] if len(parts) > 1 else parts[0]] += seconds
    return dict(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="+", type=Path)
    parser.add_argument("--model", default="gmm")
    parser.add_argument("--top", type=int, default=14)
    args = parser.parse_args(argv)
    print("command: python benchmarks/task_seconds.py " + " ".join(sys.argv[1:]))
    runs = [json.loads(p.read_text())["timings"] for p in args.results]
    models = sorted({m for t in runs for m in per_model(t["tasks"])})
    names = [f"run {i + 1}" for i in range(len(runs))]
    for name, path in zip(names, args.results, strict=True):
        print(f"{name}: {path}")
    head = f"{'':28}" + "".join(f"{n[:12]:>13}" for n in names)
    print(head)
    print(f"{'all tasks':28}" + "".join(f"{sum(t['tasks'].values()):13.1f}" for t in runs))
    print(f"{'compare total_s':28}" + "".join(f"{t.get('total_s', 0):13.1f}" for t in runs))
    for m in sorted(models, key=lambda m: -per_model(runs[0]["tasks"]).get(m, 0.0)):
        print(f"  {m:26}" + "".join(f"{per_model(t['tasks']).get(m, 0.0):13.1f}" for t in runs))
    keys = sorted(
        (k for k in runs[0]["tasks"] if f"/{args.model}" in k),
        key=lambda k: -runs[0]["tasks"][k],
    )
    for key in keys[: args.top]:
        print(f"    {key:24}" + "".join(f"{t['tasks'].get(key, float('nan')):13.1f}" for t in runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())

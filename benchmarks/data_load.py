"""Load time of every built-in data set: first load in a fresh process, then cached.

Usage: .venv/bin/python benchmarks/data_load.py [--repeats 3]

"first" is the median over fresh interpreters of load(name) alone (imports of
numpy / pandas / scikit-learn are done before the clock starts); "cached" is
the median of later calls in the same process (raw arrays cached, fresh copies
returned).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

from genvsdisc.data import builtin_names

_PROBE = """
import time, pandas, sklearn.datasets, sklearn.model_selection
from genvsdisc.data import load
t = time.perf_counter(); ds = load({name!r}); first = time.perf_counter() - t
cached = []
for _ in range(5):
    t = time.perf_counter(); load({name!r}); cached.append(time.perf_counter() - t)
cached.sort()
print(first, cached[2], ds.n_samples)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="fresh processes per data set")
    args = parser.parse_args()
    print(f"command: .venv/bin/python benchmarks/data_load.py --repeats {args.repeats}")
    print(f"{'name':14s} {'rows':>6s} {'first (s)':>10s} {'cached (s)':>11s}")
    for name in builtin_names():
        runs = []
        for _ in range(args.repeats):
            out = subprocess.run(
                [sys.executable, "-c", _PROBE.format(name=name)],
                capture_output=True,
                text=True,
                check=True,
            )
            first, cached, rows = out.stdout.split()
            runs.append((float(first), float(cached)))
        first = statistics.median(r[0] for r in runs)
        cached = statistics.median(r[1] for r in runs)
        print(f"{name:14s} {int(rows):6,d} {first:10.3f} {cached:11.4f}")


if __name__ == "__main__":
    main()

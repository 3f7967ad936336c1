"""Wall and CPU time of the quick commands, each in a fresh process.

Usage: .venv/bin/python benchmarks/cli_speed.py [--repeats 3]

Targets: ``genvsdisc models`` under 0.5 s and ``genvsdisc generate digits
--model gmm -n 4`` under 10 s on 2 quiet cores (the architecture issue);
``compare --quick`` on a table of 200 classes x 5 rows well under a minute
(the reliability issue: ``--quick`` bounds its own work).
CPU time is the children's user + system time, steadier than wall time on a
shared machine; the 1-minute load average is printed before and after.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCRIPT = str(Path(sys.executable).with_name("genvsdisc"))


def _many_classes(path: Path) -> Path:
    """A seeded table of 200 classes x 5 rows, 4 numeric columns."""
    rng = random.Random(0)
    rows = ["a,b,c,d,label"]
    for k in range(200):
        for _ in range(5):
            rows.append(",".join(f"{k + rng.gauss(0, 1):.3f}" for _ in range(4)) + f",c{k}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _commands(out: Path, data: Path) -> dict[str, list[str]]:
    return {
        "genvsdisc models": [SCRIPT, "models"],
        "genvsdisc generate digits --model gmm -n 4": [
            *[SCRIPT, "generate", "digits", "--model", "gmm", "-n", "4"],
            *["--out", str(out / "g.png"), "--no-progress"],
        ],
        "compare --quick, 200 classes x 5 rows": [
            *[SCRIPT, "compare", str(_many_classes(data / "many.csv")), "--target", "label"],
            *["--quick", "--no-progress", "--out", str(out / "report")],
        ],
    }


def _run(argv: list[str]) -> tuple[float, float]:
    """(wall s, CPU s) of one fresh process running ``argv``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="fresh processes per command")
    args = parser.parse_args()
    print(f"command: .venv/bin/python benchmarks/cli_speed.py --repeats {args.repeats}")
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    print(f"{'what':45s} {'wall s (median)':>16s} {'CPU s (median)':>15s}")
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as data:
        for name, argv in _commands(Path(tmp), Path(data)).items():
            runs = []
            for _ in range(args.repeats):
                shutil.rmtree(tmp)  # the commands refuse to overwrite their output
                Path(tmp).mkdir()
                runs.append(_run(argv))
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            print(f"{name:45s} {wall:16.2f} {cpu:15.2f}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

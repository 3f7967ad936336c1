"""Every guided lesson's claim, checked against real fits on its seeded data, with its figures.

The same :func:`genvsdisc.app.lessons.check_claim` the tests (tests/app/test_lessons.py) and
the page's reveal (``GET /api/lessons/{key}/{index}/figures``) use; one row per step, with the
time the check took (lesson 3 fits 2 x 30 training sets per step).

    .venv/bin/python benchmarks/lessons.py            # print the table
    .venv/bin/python benchmarks/lessons.py --write    # also update RESULTS.md
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from app_latency import write_section  # noqa: E402  (one RESULTS.md writer for the benchmarks)

from genvsdisc.app.lessons import LESSONS, check_claim  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args(argv)
    rows = ["| lesson | step | answer | holds | check s | figures |", "|---|---|---|---|---|---|"]
    for lesson in LESSONS:
        for k, step in enumerate(lesson.steps):
            start = time.perf_counter()
            holds, figures = check_claim(step)
            took = time.perf_counter() - start
            cell = figures.replace("|", r"\|")  # p(y|x) inside a Markdown table cell
            rows.append(
                f"| {lesson.title} | {k + 1} | {step.answer} | {holds} | {took:.2f} | {cell} |"
            )
    command = "OMP_NUM_THREADS=1 PYTHONPATH=src .venv/bin/python benchmarks/lessons.py --write"
    body = (
        "\n".join(rows) + f"\n\nSeeds fixed in each step's setup; fit seed 0. Made by `{command}`."
    )
    print(body)
    if args.write:
        write_section(
            Path(__file__).with_name("RESULTS.md"), "lessons.py (issue 12: lesson claims)", body
        )
    return 0 if all("| True |" in row for row in rows[2:]) else 1


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    sys.exit(main())

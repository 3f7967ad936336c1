"""Wall-clock time of `genvsdisc compare` on the built-ins, and the classic findings it reproduces.

Runs the installed console script (start-up, loading, the Dask cluster and
writing the report all count) with its defaults: digits (target <= 60 s),
bbc_news (<= 120 s), mnist5k (<= 300 s), and ``--quick`` on every built-in
(<= 15 s each). Then reads the results.json files and prints the figures the
README quotes:

- bbc_news: naive Bayes ahead of logistic regression with <= 100 training
  documents and behind it at full size (Ng & Jordan 2001);
- bbc_news: one label per class plus EM over the unlabeled articles >= 85 %;
- digits: at 50 % missing pixels the class-conditional gmm >= 90 % while
  mean-imputed logreg < 80 %.

Usage: .venv/bin/python benchmarks/compare_speed.py [--only digits,bbc_news] [--no-quick]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCRIPT = Path(sys.executable).parent / "genvsdisc"
TARGETS = {"digits": 60, "bbc_news": 120, "mnist5k": 300}
QUICK_TARGET = 15


def _run(name: str, out: Path, extra: list[str]) -> tuple[float, int, str]:
    cmd = [str(SCRIPT), "compare", name, "--out", str(out), "--no-progress", *extra]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    return time.perf_counter() - t0, proc.returncode, proc.stderr.strip().splitlines()[-1:]


def _status(rc: int, err) -> str:
    return "" if rc == 0 else f" (exit {rc}: {err})"


def _pct(x):
    return f"{100 * x:.1f} %"


def _bbc(record) -> list[str]:
    lines = []
    lc = record["experiments"]["learning_curve"]
    nb, lr = lc["curves"].get("multinomial_nb"), lc["curves"].get("logreg")
    if nb and lr:
        small = [j for j, n in enumerate(lc["sizes"]) if n <= 100]
        for j in small:
            lines.append(
                f"bbc_news learning curve, {lc['sizes'][j]} docs: multinomial_nb "
                f"{_pct(nb['mean'][j])} vs logreg {_pct(lr['mean'][j])}"
            )
        lines.append(
            f"bbc_news learning curve, all {lc['sizes'][-1]} docs: multinomial_nb "
            f"{_pct(nb['mean'][-1])} vs logreg {_pct(lr['mean'][-1])}"
        )
    un = record["experiments"]["unlabeled"]
    if un.get("status") == "ok" and un["labels_per_class"][0] == 1:
        for r in un["rows"]:
            lines.append(
                f"bbc_news 1 label per class: {r['label']} {_pct(r['mean'][0])} "
                f"(± {100 * r['std'][0]:.1f} over {len(un['seeds'])} seeds)"
            )
    return lines


def _digits(record) -> list[str]:
    sec = record["experiments"]["missing"]
    j = min(range(len(sec["fractions"])), key=lambda i: abs(sec["fractions"][i] - 0.5))
    return [
        f"digits {sec['fractions'][j]:.0%} missing: {r['label']} {_pct(r['mean'][j])}"
        for r in sec["rows"]
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated built-ins for the full runs")
    parser.add_argument("--no-quick", action="store_true", help="skip the --quick runs")
    parser.add_argument("--no-full", action="store_true", help="skip the full runs")
    parser.add_argument("--keep", type=Path, help="keep the reports under this folder")
    args = parser.parse_args()
    from genvsdisc.data import builtin_names

    full = [] if args.no_full else (args.only.split(",") if args.only else list(TARGETS))
    quick = [] if args.no_quick else builtin_names()
    root = args.keep or Path(tempfile.mkdtemp(prefix="compare-speed-"))
    root.mkdir(parents=True, exist_ok=True)
    print("command: .venv/bin/python benchmarks/compare_speed.py " + " ".join(sys.argv[1:]))
    print(f"{'run':<28}{'seconds':>9}{'target':>8}  ok")
    findings = []
    for name in full:
        out = root / name
        secs, rc, err = _run(name, out, [])
        ok = rc == 0 and secs <= TARGETS.get(name, 1e9)
        print(
            f"{'compare ' + name:<28}{secs:>9.1f}{TARGETS.get(name, 0):>8}  "
            f"{'yes' if ok else 'NO'}{_status(rc, err)}"
        )
        if rc == 0:
            record = json.loads((out / "results.json").read_text())
            findings += _bbc(record) if name == "bbc_news" else []
            findings += _digits(record) if name == "digits" else []
    for name in quick:
        out = root / f"{name}-quick"
        secs, rc, err = _run(name, out, ["--quick"])
        ok = rc == 0 and secs <= QUICK_TARGET
        print(
            f"{'compare ' + name + ' --quick':<28}{secs:>9.1f}{QUICK_TARGET:>8}  "
            f"{'yes' if ok else 'NO'}{_status(rc, err)}"
        )
    if findings:
        print()
        print("\n".join(findings))


if __name__ == "__main__":
    main()

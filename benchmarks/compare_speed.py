"""Wall-clock and CPU time of `genvsdisc compare` on the built-ins, and the findings it reproduces.

Runs ``python -m genvsdisc compare NAME`` in a fresh process (start-up,
loading, the engine and writing the report all count) with its defaults:
digits (target <= 12 s wall on 2 quiet cores; the median of ``--repeats``
runs), mnist5k (<= 60 s) and bbc_news (<= 30 s), one run each; with
``--quick-too`` also ``--quick`` on every built-in (<= 15 s each). For each
run it prints wall seconds, CPU seconds (user + system of the process and the
worker processes it waited for) and the 1-minute load average before and
after: on a shared machine wall time measures the neighbours, CPU time is the
honest proxy. Then it reads the results.json files and prints the figures
the README quotes:

- bbc_news: naive Bayes ahead of logistic regression with <= 100 training
  documents and behind it at full size (Ng & Jordan 2001);
- bbc_news: one label per class plus EM over the unlabeled articles;
- digits: at 50 % missing pixels the class-conditional gmm against imputed logreg.

With ``--baseline DIR`` (the ``--keep`` folder of an earlier run) it also
compares every number of each results.json with the baseline's (timings,
dates, versions and the engine left out) and prints how many differ and by
how much, and how many of the report's PNG files are byte for byte the
baseline's: a speed change must leave the figures as they were.

With ``--cores N`` each run sees N cores (the in-process engine's thread count and
the default engine's choice follow it): ``--cores 1`` is the one-thread run the
threaded engine is compared with, interleaved (``--cores 1,2``: each repeat runs
both, one after the other).

Usage: .venv/bin/python benchmarks/compare_speed.py [--only digits,bbc_news]
       [--repeats 3] [--quick-too] [--keep DIR] [--baseline DIR] [--cores 1,2]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {"digits": 12, "mnist5k": 60, "bbc_news": 30}
QUICK_TARGET = 15


#: ``python -m genvsdisc`` seeing ``N`` cores: the engine reads them from available_cores.
AS_IF_CORES = (
    "import sys, genvsdisc.engine as e; e.available_cores = lambda: {n}; "
    "from genvsdisc.cli import main; sys.argv[0] = 'genvsdisc'; main()"
)


def _run(name: str, out: Path, extra: list[str], cores: int | None = None) -> dict:
    """One fresh ``python -m genvsdisc compare`` process: wall, CPU, load, exit status."""
    start = ["-m", "genvsdisc"] if cores is None else ["-c", AS_IF_CORES.format(n=cores)]
    cmd = [sys.executable, *start, "compare", name, "--out", str(out), "--no-progress"]
    cmd += extra
    load_before = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    engine = [ln for ln in proc.stderr.splitlines() if ln.startswith("genvsdisc: engine:")]
    return {
        "wall": wall,
        "cpu": cpu,
        "load": (load_before, os.getloadavg()[0]),
        "rc": proc.returncode,
        "err": proc.stderr.strip().splitlines()[-1:],
        "engine": _engine(engine[0]) if engine else "-",
    }


def _engine(line: str) -> str:
    """``in-process/2 threads`` from the engine line compare writes on stderr."""
    kind = line.split("engine: ", 1)[1].split(" (")[0]
    threads = line.split("its tasks on ")[-1].split(" thread")[0] if "its tasks on" in line else ""
    return f"{kind}/{threads} threads" if threads else kind


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


#: results.json keys that say how and when a run happened, not what it found.
NOT_FIGURES = {"timings", "created", "command", "versions", "engine", "genvsdisc_version"}


def _numbers(node, path="") -> dict:
    """``{path: value}`` of every number and string under ``node`` (lists by index)."""
    if isinstance(node, dict):
        items = [(k, v) for k, v in node.items() if not (path == "" and k in NOT_FIGURES)]
    elif isinstance(node, list):
        items = list(enumerate(node))
    else:
        return {path: node}
    out = {}
    for key, value in items:
        out.update(_numbers(value, f"{path}/{key}"))
    return out


def _against(record: dict, base: dict) -> str:
    """How many figures differ from the baseline record, and the largest numeric gap."""
    new, old = _numbers(record), _numbers(base)
    keys = set(new) | set(old)
    # *_s: seconds a fit or predict took, a measurement of the machine
    differ = [
        k for k in keys if new.get(k) != old.get(k) and not k.endswith("_s") and "_s/" not in k
    ]
    gaps = [
        abs(new[k] - old[k])
        for k in differ
        if isinstance(new.get(k), float | int) and isinstance(old.get(k), float | int)
    ]
    worst = f", largest numeric gap {max(gaps):.3g}" if gaps else ""
    shown = "; ".join(sorted(differ)[:5])
    return f"{len(differ)} of {len(keys)} figures differ{worst}" + (
        f" ({shown} ...)" if differ else ""
    )


def _same_pngs(out: Path, base: Path) -> str:
    """How many of the report's PNG files are byte for byte the baseline's."""
    names = sorted({p.name for d in (out, base) for p in (d / "figures").glob("*.png")})
    same = [n for n in names if _bytes(out / "figures" / n) == _bytes(base / "figures" / n)]
    differ = sorted(set(names) - set(same))
    return f"{len(same)} of {len(names)} PNG files byte-identical" + (
        f" (differ: {', '.join(differ)})" if differ else ""
    )


def _bytes(path: Path) -> bytes | None:
    return path.read_bytes() if path.exists() else None


def _line(label: str, runs: list[dict], target: float) -> str:
    wall = statistics.median(r["wall"] for r in runs)
    cpu = statistics.median(r["cpu"] for r in runs)
    load = f"{min(r['load'][0] for r in runs):.1f}-{max(r['load'][1] for r in runs):.1f}"
    ok = all(r["rc"] == 0 for r in runs) and wall <= target
    status = "".join(_status(r["rc"], r["err"]) for r in runs if r["rc"])
    return (
        f"{label:<28}{len(runs):>5}{wall:>9.1f}{cpu:>9.1f}{target:>8}  {load:<10}"
        f"{runs[0]['engine']:<24}{'yes' if ok else 'NO'}{status}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated built-ins for the full runs")
    parser.add_argument("--repeats", type=int, default=3, help="runs of digits (median)")
    parser.add_argument("--quick-too", action="store_true", help="also --quick on every built-in")
    parser.add_argument("--keep", type=Path, help="keep the reports under this folder")
    parser.add_argument("--baseline", type=Path, help="a --keep folder to compare figures with")
    parser.add_argument("--cores", help="comma-separated core counts each run sees (interleaved)")
    args = parser.parse_args()
    cores = [int(c) for c in args.cores.split(",")] if args.cores else [None]
    from genvsdisc.data import builtin_names

    full = args.only.split(",") if args.only else list(TARGETS)
    quick = builtin_names() if args.quick_too else []
    root = args.keep or Path(tempfile.mkdtemp(prefix="compare-speed-"))
    root.mkdir(parents=True, exist_ok=True)
    print("command: python benchmarks/compare_speed.py " + " ".join(sys.argv[1:]))
    print(f"each run: {sys.executable} -m genvsdisc compare NAME --out DIR --no-progress")
    print(
        f"cores: {len(os.sched_getaffinity(0))}; OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}"
    )
    print(
        f"{'run':<28}{'runs':>5}{'wall s':>9}{'CPU s':>9}{'target':>8}  {'load':<10}{'engine':<24}ok"
    )
    findings = []
    for name in full:
        n = args.repeats if name == "digits" else 1
        by_cores = {c: [] for c in cores}
        for i in range(n):
            for c in cores:  # interleaved: the load drifts alike for every core count
                tag = name if c is None else f"{name}-{c}cores"
                by_cores[c].append(_run(name, root / (tag if i == 0 else f"{tag}-{i}"), [], c))
        for c, runs in by_cores.items():
            label = "compare " + name + ("" if c is None else f" ({c} core(s))")
            print(_line(label, runs, TARGETS.get(name, 1e9)), flush=True)
        out = root / (name if cores[-1] is None else f"{name}-{cores[-1]}cores")
        runs = by_cores[cores[-1]]
        if runs[0]["rc"] == 0:
            record = json.loads((out / "results.json").read_text())
            findings += _bbc(record) if name == "bbc_news" else []
            findings += _digits(record) if name == "digits" else []
            base = args.baseline / name / "results.json" if args.baseline else None
            if base is not None and base.exists():
                findings.append(
                    f"{name} against {base}: {_against(record, json.loads(base.read_text()))}"
                )
                findings.append(f"{name} report figures: {_same_pngs(out, base.parent)}")
    for name in quick:
        runs = [_run(name, root / f"{name}-quick", ["--quick"])]
        print(_line(f"compare {name} --quick", runs, QUICK_TARGET), flush=True)
    print("wall s and CPU s: medians; load: 1-minute load average, lowest before - highest after")
    if findings:
        print()
        print("\n".join(findings))


if __name__ == "__main__":
    main()

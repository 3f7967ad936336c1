"""Server time of one playground refit, as the user edits points.

Each request sends a toy data set of N points whose last point moves every
time (a click), so every request is a real refit (no cache hit): fit both
models, predict the grid, trace boundaries and density contours. Server time
is read from the app's ``Server-Timing`` header (request in to response
start, in-process through FastAPI's test client, so no network).

Target (issue 6): p95 <= 300 ms for 500 points on this 2-core machine.

    .venv/bin/python benchmarks/app_latency.py            # print the table
    .venv/bin/python benchmarks/app_latency.py --write    # also update RESULTS.md
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import time
from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient

from genvsdisc.app import create_app
from genvsdisc.app.config import Caps

TARGET_MS = 300.0
# (data set, n classes, generative, discriminative): the default pair first, then the rest
CASES = [
    ("moons", None, "gmm", "logreg"),
    ("blobs", 4, "gmm", "logreg"),
    ("spirals", None, "gmm", "logreg"),
    ("moons", None, "gaussian_nb", "logreg"),
    ("moons", None, "lda", "linear_svm"),
    ("moons", None, "qda", "knn"),
    ("moons", None, "kde", "mlp"),
    ("moons", None, "gmm", "hgb"),
]


def _points(client, name, n_classes, n):
    body = {"name": name, "n_samples": n, "seed": 0}
    if n_classes:
        body["n_classes"] = n_classes
    r = client.post("/api/playground/dataset", json=body)
    r.raise_for_status()
    return r.json()


def measure(client, name, n_classes, gen, disc, n, repeats, rng):
    data = _points(client, name, n_classes, n)
    X, y, domain = data["X"], data["y"], data["domain"]
    times = []
    for i in range(repeats + 2):  # the first two warm up imports and caches
        X[-1] = [float(rng.uniform(domain[0], domain[1])), float(rng.uniform(domain[2], domain[3]))]
        body = {"X": X, "y": y, "generative": gen, "discriminative": disc, "domain": domain}
        r = client.post("/api/playground/fit", json=body)
        r.raise_for_status()
        ms = float(re.search(r"dur=([\d.]+)", r.headers["server-timing"]).group(1))
        if i >= 2:
            times.append(ms)
    times = np.asarray(times)
    return {"p50": np.percentile(times, 50), "p95": np.percentile(times, 95), "max": times.max()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=500, help="points per refit")
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    caps = Caps()
    load_before = os.getloadavg()[0]
    rows = []
    with TestClient(create_app(caps=caps)) as client:
        registered = {
            m["name"]
            for fam in ("generative", "discriminative")
            for m in client.get("/api/models").json()[fam]
        }
        for name, k, gen, disc in CASES:
            if not {gen, disc} <= registered:
                print(f"skipped {gen} + {disc}: not in the registry", file=sys.stderr)
                continue
            stats = measure(client, name, k, gen, disc, args.n, args.repeats, rng)
            label = f"{name}" + (f" ({k} classes)" if k else "")
            rows.append((label, gen, disc, stats))
    command = "python benchmarks/app_latency.py " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    lines = [
        f"Playground refit, {args.n} points, grid {caps.grid_size}x{caps.grid_size}, "
        f"{args.repeats} refits per row (server time from Server-Timing); target p95 <= {TARGET_MS:.0f} ms.",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs shared with other work (1-min load "
        f"average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after), Python "
        f"{platform.python_version()}; {time.strftime('%Y-%m-%d')}. Command: `{command.strip()}`",
        "",
        "| data set | generative | discriminative | p50 ms | p95 ms | max ms | p95 <= 300 ms |",
        "| --- | --- | --- | ---: | ---: | ---: | --- |",
    ]
    for label, gen, disc, s in rows:
        ok = "yes" if s["p95"] <= TARGET_MS else "no"
        lines.append(
            f"| {label} | {gen} | {disc} | {s['p50']:.0f} | {s['p95']:.0f} | {s['max']:.0f} | {ok} |"
        )
    lines += [
        "",
        "The first row is the page's default pair. `kde` + `mlp` is the heaviest pair: kde picks",
        "its bandwidth by 3-fold cross-validation over 16 values per class and mlp runs 200 Adam",
        "passes, so it is the first row to pass 300 ms when other work loads the 2 cores.",
    ]
    table = "\n".join(lines)
    print(table)
    if args.write:
        write_section(Path(__file__).with_name("RESULTS.md"), "app_latency.py", table)
    return 0 if rows[0][3]["p95"] <= TARGET_MS else 1


def write_section(path: Path, name: str, body: str) -> None:
    """Replace (or append) the ``## name`` section of RESULTS.md, leaving the others alone."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    section = f"## {name}\n\n{body}\n"
    pattern = re.compile(rf"^## {re.escape(name)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())

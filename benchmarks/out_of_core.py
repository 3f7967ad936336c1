"""Out-of-core compare on a synthetic Parquet table: throughput, worker memory, accuracy.

Writes a seeded table of ``--rows`` x 16 float32 features and 10 Gaussian
classes (identity covariance, equal priors, means drawn once from the seed)
in row groups of ``--row-group`` rows (100,000: one partition each), into ``--folder``; then runs the out-of-core
comparison on a LocalCluster of 2 workers with ``memory_limit="1GB"`` each.

Recorded: rows/s of the one-pass moments (the generative fit) against a
plain Dask per-class sum (``groupby(target).sum()``) over the same
partitions; the peak resident memory of each worker (polled every 0.5 s with
``Client.run`` + psutil); the accuracies against the Bayes-optimal accuracy.
With equal priors and a shared identity covariance the Bayes classifier is
the nearest true mean; its accuracy is estimated by Monte Carlo on 2,000,000
independent rows (standard error printed).

Also recorded: wall time, CPU time of the workers and the client, and the
load average before, during (polled) and after: on a shared machine a run's
rates are lower bounds.

    python benchmarks/out_of_core.py --rows 2000000 --folder /tmp
    python benchmarks/out_of_core.py --rows 40000000 --folder /tmp   # 3.9 GB of Parquet
    # the one-pass artists alone (one pass over the training partitions, one over the test):
    python benchmarks/out_of_core.py --rows 40000000 --models gaussian_nb,lda,qda --test-fraction 0.05
"""

from __future__ import annotations

import argparse
import os
import shutil
import threading
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

D, K = 16, 10


def class_means(seed):
    return np.random.default_rng(seed).normal(scale=0.9, size=(K, D))


def draw(n, means, rng):
    y = rng.integers(K, size=n)
    X = (rng.standard_normal((n, D)) + means[y]).astype(np.float32)
    return X, y


def bayes_accuracy(means, seed, n=2_000_000):
    rng, hits = np.random.default_rng(seed + 1), []
    for _ in range(n // 100_000):  # in blocks: (rows, K, D) distances stay small
        X, y = draw(100_000, means, rng)
        d2 = ((X[:, None, :] - means[None]) ** 2).sum(axis=2)
        hits.append(d2.argmin(axis=1) == y)
    hit = np.concatenate(hits)
    return hit.mean(), hit.std() / np.sqrt(len(hit))


def write_table(folder: Path, rows, means, seed, group, per_file=2_000_000):
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for f, start in enumerate(range(0, rows, per_file)):
        n = min(per_file, rows - start)
        X, y = draw(n, means, rng)
        cols = {f"x{j}": X[:, j] for j in range(D)} | {"y": y.astype(np.int8)}
        pq.write_table(pa.table(cols), folder / f"part-{f:05d}.parquet", row_group_size=group)


def plain_sum(path):
    """Per-class sums and counts with nothing but pandas on each partition (the practical limit)."""
    import dask
    import dask.dataframe as dd

    frame = dd.read_parquet(path, split_row_groups=True)
    parts = frame.to_delayed()

    def one(df):
        return df.groupby("y").sum(), df.groupby("y").size()

    def add(*xs):
        return sum(x[0] for x in xs), sum(x[1] for x in xs)

    items = [dask.delayed(one)(p) for p in parts]
    while len(items) > 1:
        items = [dask.delayed(add)(*items[i : i + 8]) for i in range(0, len(items), 8)]
    t = time.perf_counter()
    _, counts = items[0].compute()
    return int(counts.sum()), time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=40_000_000)
    ap.add_argument("--folder", default="/tmp")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--row-group", type=int, default=100_000, help="rows per row group (partition)")
    ap.add_argument("--keep", action="store_true", help="keep the table afterwards")
    ap.add_argument("--test-fraction", type=float, default=0.2, help="share of partitions held out")
    ap.add_argument("--epochs", type=int, default=3, help="SGD passes per detective fit")
    ap.add_argument("--em-iter", type=int, default=8, help="EM passes of gmm")
    ap.add_argument(
        "--models",
        default="gaussian_nb,lda,qda,sgd_logreg,gmm",
        help="comma-separated subset (the one-pass artists alone: one pass over the training "
        "partitions, one over the test partitions)",
    )
    ap.add_argument("--record", help="also write the out-of-core record (JSON) here")
    ap.add_argument("--report", help="also write results.json + report.html into this folder")
    args = ap.parse_args()
    from distributed import Client, LocalCluster

    from genvsdisc.scale.compare import compare_out_of_core

    folder = Path(args.folder) / f"genvsdisc-ooc-{args.rows}-{args.row_group}"
    means = class_means(args.seed)
    t = time.perf_counter()
    if not folder.exists():
        write_table(folder, args.rows, means, args.seed, args.row_group)
    size = sum(p.stat().st_size for p in folder.glob("*.parquet"))
    print(f"table: {folder} {size / 1e9:.2f} GB ({time.perf_counter() - t:.0f} s to write/check)")
    bayes, se = bayes_accuracy(means, args.seed)
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, memory_limit="1GB") as cluster,
        Client(cluster) as client,
    ):
        peaks, loads, stop = {}, [], threading.Event()

        def rss():
            import psutil

            return psutil.Process().memory_info().rss

        def cpu():
            import psutil

            t = psutil.Process().cpu_times()
            return t.user + t.system

        cpu0, wall0, own0 = client.run(cpu), time.perf_counter(), time.process_time()

        def poll():
            while not stop.is_set():
                try:
                    for w, b in client.run(rss).items():
                        peaks[w] = max(peaks.get(w, 0), b)
                except Exception:  # a worker restarting is reported by its absence
                    pass
                loads.append(os.getloadavg()[0])
                time.sleep(0.5)

        threading.Thread(target=poll, daemon=True).start()
        n_plain, plain_s = plain_sum(str(folder))
        record = compare_out_of_core(
            str(folder),
            "y",
            epochs=args.epochs,
            em_iter=args.em_iter,
            test_fraction=args.test_fraction,
            models=args.models.split(","),
            progress=lambda m: print(f"{time.perf_counter() - wall0:7.0f} s  {m}", flush=True),
        )
        stop.set()
        cpu1 = client.run(cpu)
        wall = time.perf_counter() - wall0
        cpu_s = sum(cpu1[w] - cpu0.get(w, 0.0) for w in cpu1)
        own_cpu = time.process_time() - own0
    record["workers"] = 2
    if args.record:
        from genvsdisc import results

        results.save(record, args.record)
    if args.report:
        from genvsdisc.scale.output import write_out_of_core

        write_out_of_core(record, Path(args.report))
    n_train = record["data"]["n_train"]
    ours = n_train / record["timings"]["moments_s"]
    plain = n_plain / plain_s
    print(
        f"\ncommand: python benchmarks/out_of_core.py --rows {args.rows} --folder {args.folder}"
        f" --row-group {args.row_group} --test-fraction {args.test_fraction}"
        f" --epochs {args.epochs} --em-iter {args.em_iter} --models {args.models}"
    )
    print(f"rows {args.rows:,}, partitions {record['data']['n_partitions']}, 2 workers x 1 GB")
    print("| measure | value |\n| --- | --- |")
    print(
        f"| one-pass moments (gaussian_nb/lda/qda), training rows/s | {ours:,.0f} ({n_train:,} rows) |"
    )
    print(f"| plain Dask per-class sum, rows/s (all partitions) | {plain:,.0f} |")
    print(f"| ratio | {ours / plain:.0%} |")
    print(f"| one-pass moments, rows/s per worker | {ours / 2:,.0f} |")
    for w, b in sorted(peaks.items()):
        print(f"| peak RSS {w} | {b / 2**20:,.0f} MiB |")
    print(f"| Bayes-optimal accuracy (Monte Carlo, 2M rows) | {bayes:.4f} +- {se:.4f} |")
    for r in record["accuracy"]["rows"]:
        print(
            f"| {r['model']}{' (' + str(args.epochs) + ' epochs)' if r['model'] == 'sgd_logreg' else ''}{' (' + str(args.em_iter) + ' EM passes)' if r['model'] == 'gmm' else ''} test accuracy / log-loss / ECE | {r['accuracy']:.4f} / {r['log_loss']:.4f} / {r['ece']:.4f} |"
        )
    t = record["timings"]
    print(f"| load average after | {os.getloadavg()[0]:.1f} |")
    if loads:
        print(
            f"| load average during (min/median/max) | {min(loads):.1f} / {np.median(loads):.1f} / {max(loads):.1f} |"
        )
    print(
        f"| wall (plain sum + compare) / CPU (workers + client) | {wall:,.0f} s / {cpu_s + own_cpu:,.0f} s |"
    )
    print(f"| timings (s) | {', '.join(f'{k} {v:.1f}' for k, v in t.items())} |")
    if not args.keep:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()

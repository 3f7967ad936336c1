"""The entry point ``genvsdisc compare`` takes for a Parquet table bigger than memory.

``compare`` hands over here when SOURCE is a Parquet file or folder and
either ``--out-of-core`` is given or the Parquet bytes exceed the largest
file the in-memory reader takes (``--max-file-mb``).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import click

from genvsdisc.scale.partitions import is_parquet_source, open_table, parquet_bytes

__all__ = ["wants_out_of_core", "run_out_of_core", "dask_scheduler"]


def wants_out_of_core(source: str, flag: bool, max_file_mb: int) -> bool:
    """True when ``compare`` should take the out-of-core path for ``source``."""
    if not is_parquet_source(source):
        if flag:
            from genvsdisc.exceptions import DataError

            raise DataError(f"{source}: --out-of-core reads Parquet files or folders of them only")
        return False
    return flag or parquet_bytes(source) > max_file_mb * 1024**2


@contextlib.contextmanager
def dask_scheduler(*, workers=None, scheduler=None):
    """Make Dask compute in-process (``workers=0``), on ``scheduler``, or on a LocalCluster.

    Yields a short description of where the work runs.
    """
    import dask

    if scheduler is None and workers == 0:
        with dask.config.set(scheduler="synchronous"):
            yield "in-process (synchronous)"
        return
    from distributed import Client, LocalCluster

    if scheduler is not None:
        with Client(scheduler) as client:
            yield f"Dask scheduler {client.scheduler.address}"
        return
    n = workers or os.cpu_count() or 1
    with LocalCluster(n_workers=n, threads_per_worker=1, processes=True) as cluster:
        with Client(cluster):
            yield f"LocalCluster of {n} worker(s)"


def run_out_of_core(source, target, out: Path, *, workers, scheduler, progress, command):
    """Run the comparison, write results.json + report.html into ``out``, print the summary."""
    from genvsdisc import results
    from genvsdisc.scale.compare import compare_out_of_core
    from genvsdisc.scale.output import summary_lines, write_out_of_core

    say = (lambda msg: click.echo(f"genvsdisc: {msg}", err=True)) if progress else None
    open_table(source, target)  # a wrong column or file is said before any cluster starts
    with dask_scheduler(workers=workers, scheduler=scheduler) as where:
        click.echo(f"genvsdisc: out-of-core on {where}: {source}", err=True)
        record = compare_out_of_core(source, target, progress=say)
        record["workers"] = _n_workers()
    record.update(command=command, versions=results.package_versions(), engine=where)
    write_out_of_core(record, out)
    click.echo(summary_lines(record))
    click.echo(f"\nreport: {out / 'report.html'}  ({record['timings']['total_s']:.1f} s)")


def _n_workers() -> int:
    """Workers of the active Dask client (1 when computing in-process)."""
    try:
        from distributed import get_client

        return len(get_client().scheduler_info()["workers"])
    except (ImportError, ValueError):  # no client: the synchronous scheduler
        return 1

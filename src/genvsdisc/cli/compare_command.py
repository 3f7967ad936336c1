"""`genvsdisc compare`: every difference between the two families, as a report.

The output folder is written atomically: everything goes into a hidden
temporary folder beside it, which is renamed into place only when
results.json, report.html and the figures are all complete. On any error the
temporary folder is removed, so nothing half-written is left behind.
"""

from __future__ import annotations

import time
from pathlib import Path

import click

from genvsdisc.cli.options import (
    command_line,
    data_options,
    names,
    progress_option,
    safe_stem,
    show_progress,
)
from genvsdisc.comparison import summary_table, write_outputs
from genvsdisc.outputs import check_out_folder

__all__ = ["COMMANDS", "compare", "summary_table", "default_out_dir", "write_outputs"]


def default_out_dir(source: str) -> Path:
    """``./genvsdisc-report/<source>-<timestamp>/`` (source reduced to a safe file name)."""
    return Path("genvsdisc-report") / f"{safe_stem(source)}-{time.strftime('%Y%m%d-%H%M%S')}"


@click.command()
@click.argument("source")
@data_options
@click.option("--models", help="Comma-separated registry names (default: picked for the data).")
@click.option("--experiments", help="Comma-separated experiments (default: all that apply).")
@click.option(
    "--seeds",
    type=click.IntRange(min=1),
    default=None,
    help="Repetitions per grid point (default 5; 2 with --quick).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Output folder (default ./genvsdisc-report/<source>-<timestamp>/).",
)
@click.option(
    "--scheduler",
    help="Run on an existing Dask scheduler, e.g. tcp://HOST:8786 (its workers need genvsdisc installed).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=None,
    help="Local Dask worker processes; 0 runs on threads of this process (default: picked from the data and cores).",
)
@click.option(
    "--quick",
    is_flag=True,
    help="A small grid on a bounded subsample, whatever the data: at most 600 training and "
    "300 test rows, the 20 largest classes, 100 table columns, 2 seeds (1 for the costly "
    "grids); seconds to a minute, not hours.",
)
@click.option("--deep", is_flag=True, help="Add the deep (PyTorch) models of this modality.")
@click.option(
    "--preprocess",
    default=None,
    help="Image steps for every model, e.g. deskew,blur or deskew,normalize,blur (applied "
    "to all images before the split; normalize: size and aspect by moments); 'augment' adds "
    "shifted and rotated copies to every training fit, test rows untouched.",
)
@click.option(
    "--out-of-core",
    is_flag=True,
    help="Read a Parquet file/folder as Dask partitions, never whole (automatic above --max-file-mb).",
)
@progress_option
def compare(
    source,
    reading,
    models,
    experiments,
    seeds,
    out,
    scheduler,
    workers,
    quick,
    deep,
    preprocess,
    out_of_core,
    progress,
):
    """Measure every difference between generative and discriminative models on SOURCE.

    SOURCE is a built-in name (see `genvsdisc datasets`) or a CSV / Parquet
    file, an image folder or a text folder. Writes results.json, report.html
    and figures/ into --out. Without --workers / --scheduler it runs on forked
    worker processes of this machine (threads where forking is unsafe), or on a
    local Dask cluster where that pays for itself, and says which it picked.

    \b
    Examples:
      genvsdisc compare digits
      genvsdisc compare bbc_news --quick
      genvsdisc compare my.csv --target label --models gaussian_nb,logreg
      genvsdisc compare mnist5k --scheduler tcp://scheduler-host:8786
    """
    from genvsdisc.engine import make_engine
    from genvsdisc.experiments import Settings, select_experiments, select_models
    from genvsdisc.experiments import compare as run_compare
    from genvsdisc.preprocessing import preprocess_dataset

    exp_names = select_experiments(names(experiments, "--experiments"))
    out = Path(out) if out is not None else default_out_dir(source)
    check_out_folder(out)  # before any work: a run must not fail at its very end
    from genvsdisc.scale.cli import run_out_of_core, wants_out_of_core

    if wants_out_of_core(source, out_of_core, reading.max_file_mb):
        kw = {"workers": workers, "scheduler": scheduler, "command": command_line()}
        return run_out_of_core(source, reading.target, out, progress=show_progress(progress), **kw)
    ds = preprocess_dataset(reading.load(source), preprocess)
    settings = Settings.default(quick=quick, n_seeds=seeds, n_features=ds.n_features)

    picked, _ = select_models(ds.modality, names(models, "--models"), deep=deep)
    click.echo(f"genvsdisc: {ds.description}", err=True)
    click.echo(
        f"genvsdisc: models: {', '.join(picked)}"
        f"{' (picked for ' + ds.modality + ' data)' if not models else ''}",
        err=True,
    )
    figures = {}  # drawn while the tasks compute, for the report
    with make_engine(workers=workers, scheduler=scheduler) as engine:
        record = run_compare(
            ds,
            models=picked if models else None,
            experiments=exp_names,
            settings=settings,
            engine=engine,
            deep=deep,
            progress=show_progress(progress),
            command=command_line(),
            figures=figures,
        )
    write_outputs(record, out, figures)
    click.echo(summary_table(record))
    click.echo(f"\nreport: {out / 'report.html'}  ({record['timings']['total_s']:.1f} s)")


COMMANDS = [compare]

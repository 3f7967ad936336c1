"""`genvsdisc compare`: every difference between the two families, as a report.

The output folder is written atomically: everything goes into a hidden
temporary folder beside it, which is renamed into place only when
results.json, report.html and the figures are all complete. On any error the
temporary folder is removed, so nothing half-written is left behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
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
from genvsdisc.cli.outputs import check_out_folder

__all__ = ["COMMANDS", "compare", "summary_table", "default_out_dir", "write_outputs"]


def default_out_dir(source: str) -> Path:
    """``./genvsdisc-report/<source>-<timestamp>/`` (source reduced to a safe file name)."""
    return Path("genvsdisc-report") / f"{safe_stem(source)}-{time.strftime('%Y%m%d-%H%M%S')}"


def write_outputs(record: dict, out: Path) -> Path:
    """results.json, report.html and figures/ into ``out``, atomically."""
    from genvsdisc import results
    from genvsdisc.report import write_report

    out = Path(out)
    check_out_folder(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o777 & ~umask)  # mkdtemp makes it private; the report folder need not be
        results.save(record, tmp / "results.json")
        write_report(record, tmp)
        if out.exists():
            out.rmdir()  # empty (checked above): os.rename cannot replace a folder
        os.rename(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def summary_table(record: dict) -> str:
    """One line per model with the headline numbers of each experiment that ran.

    The columns are the registered experiments' own (``Experiment.summary``),
    in report order.
    """
    from genvsdisc.cli.data_commands import format_table
    from genvsdisc.experiments import registered  # lazy: `genvsdisc --help` stays instant

    sections = record["experiments"]
    ran = [
        (e, e.result_type.from_dict(sections[e.name]))
        for e in registered()
        if sections.get(e.name, {}).get("status") == "ok"
    ]
    rows = []
    for m in record["models"]:
        row = {"model": m["name"], "family": m["family"]}
        for experiment, result in ran:
            row.update(experiment.summary(result, m["name"]))
        rows.append(row)
    heads = [h for experiment, _ in ran for h in experiment.summary_headers]
    lines = [format_table(rows, ["model", "family", *heads])]
    lines += _pair_lines(sections.get("accuracy", {}))
    for name, sec in sections.items():
        if sec.get("status") == "skipped":
            lines.append(f"skipped {name}: {sec['reason']}")
    return "\n".join(lines)


def _pair_lines(section: dict) -> list[str]:
    """The accuracy of each artist-detective pair, in words gated by its interval."""
    from genvsdisc.experiments import evidence

    if section.get("status") != "ok":
        return []
    n = len(section.get("splits", [0]))
    lines = [f"accuracy: mean of {n} stratified split(s); '(chance)': at the majority rate"]
    for pair in section.get("pairs", []):
        clause = evidence.versus(pair["generative"], pair["discriminative"], pair["accuracy_diff"])
        lines.append(f"pair {evidence.pair_text(pair)}: {clause}")
    return lines


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
    help="Local Dask worker processes (default one per core; 0 runs in-process).",
)
@click.option(
    "--quick",
    is_flag=True,
    help="A small grid on a bounded subsample, whatever the data: at most 600 training and "
    "300 test rows, the 20 largest classes, 100 table columns, 2 seeds (1 for the costly "
    "grids); seconds to a minute, not hours.",
)
@click.option("--deep", is_flag=True, help="Add the deep (PyTorch) models of this modality.")
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
    progress,
):
    """Measure every difference between generative and discriminative models on SOURCE.

    SOURCE is a built-in name (see `genvsdisc datasets`) or a CSV / Parquet
    file, an image folder or a text folder. Writes results.json, report.html
    and figures/ into --out. With --quick and no --workers / --scheduler the
    grid runs in-process (starting worker processes would take longer).

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

    exp_names = select_experiments(names(experiments, "--experiments"))
    out = Path(out) if out is not None else default_out_dir(source)
    check_out_folder(out)  # before any work: a run must not fail at its very end
    ds = reading.load(source)
    settings = Settings.default(quick=quick, n_seeds=seeds, n_features=ds.n_features)
    if quick and workers is None and scheduler is None:
        workers = 0

    picked, _ = select_models(ds.modality, names(models, "--models"), deep=deep)
    click.echo(f"genvsdisc: {ds.description}", err=True)
    click.echo(
        f"genvsdisc: models: {', '.join(picked)}"
        f"{' (picked for ' + ds.modality + ' data)' if not models else ''}",
        err=True,
    )
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
        )
    write_outputs(record, out)
    click.echo(summary_table(record))
    click.echo(f"\nreport: {out / 'report.html'}  ({record['timings']['total_s']:.1f} s)")


COMMANDS = [compare]

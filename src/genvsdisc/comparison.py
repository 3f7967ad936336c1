"""``genvsdisc.compare``: one comparison from a notebook, and the object it returns.

>>> import genvsdisc as gd                                    # doctest: +SKIP
>>> cmp = gd.compare(df, target="label", quick=True)          # doctest: +SKIP
>>> cmp                  # in Jupyter: the whole report, inline (no network)
>>> cmp.table("learning_curve")   # the numbers behind a figure, tidy
>>> cmp.save("report/")           # results.json, figures/, report.html, as the CLI

The command line (``genvsdisc compare``) writes its output folder and prints its
summary through :func:`write_outputs` and :func:`summary_table` here, so the
two front ends cannot drift apart. This module imports nothing heavy at the top:
the command line imports it to start.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from genvsdisc.exceptions import ParameterError
from genvsdisc.outputs import check_out_folder
from genvsdisc.text_table import format_table

__all__ = [
    "Comparison",
    "Finding",
    "compare",
    "summary_table",
    "to_dataset",
    "write_outputs",
]


def write_outputs(record: dict, out: Path, drawn: dict | None = None) -> Path:
    """results.json, report.html and figures/ into ``out``, atomically.

    Everything goes into a hidden temporary folder beside ``out``, renamed into
    place only when complete; on any error it is removed, so nothing half-written
    is left behind.
    """
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
        write_report(record, tmp, drawn)  # drawn: figures compare drew already
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


def to_dataset(data, target=None, *, text_column=None, name=None, **arrays):
    """A :class:`~genvsdisc.data.Dataset` from what :func:`compare` accepts.

    ``data`` is a Dataset, a built-in name or path (:func:`genvsdisc.load`), a
    pandas DataFrame (``target=`` names the label column) or an ``(X, y)`` tuple
    (``arrays``: ``classes``, ``image_shape``, ``feature_names``).
    """
    import pandas as pd

    from genvsdisc.data import Dataset, load
    from genvsdisc.data.memory import from_arrays, from_frame

    if arrays and not isinstance(data, tuple):
        raise ParameterError(
            f"{', '.join(sorted(arrays))}: only for (X, y) arrays; got {type(data).__name__} data"
        )
    if isinstance(data, Dataset):
        return data
    if isinstance(data, pd.DataFrame):
        return from_frame(data, target, text_column=text_column, name=name or "dataframe")
    if isinstance(data, tuple):
        if len(data) != 2:
            raise ParameterError(f"data: a tuple must be (X, y); got {len(data)} items")
        if target is not None or text_column is not None:
            raise ParameterError("target / text_column are for DataFrames and files, not (X, y)")
        return from_arrays(*data, name=name or "arrays", **arrays)
    if isinstance(data, str | os.PathLike):
        return load(data, target=target, text_column=text_column)
    raise ParameterError(
        "data: expected a built-in name, a path, a pandas DataFrame (with target=) or an "
        f"(X, y) tuple; got {type(data).__name__}"
    )


def compare(
    data,
    target=None,
    *,
    text_column=None,
    models=None,
    experiments=None,
    quick: bool = False,
    seeds: int | None = None,
    deep: bool = False,
    engine=None,
    workers: int = 0,
    scheduler: str | None = None,
    progress: bool = True,
    name: str | None = None,
    preprocess=None,
    **arrays,
) -> Comparison:
    """Measure every difference between generative and discriminative models on ``data``.

    Parameters
    ----------
    data : str, Path, pandas.DataFrame, (X, y) tuple or Dataset
        A built-in name (``"iris"``), a CSV / Parquet file or data folder, a DataFrame
        (with ``target=``), or arrays: X (n, d) dense or sparse numbers, a list of n
        documents, or images (n, h, w) -- see :func:`genvsdisc.data.from_arrays`.
    target : str, optional
        The label column of a DataFrame or table file.
    text_column : str, optional
        The column of documents (a text comparison).
    models, experiments : list of str, optional
        Registry names (``genvsdisc models``) / experiment names; default: the
        matched pairs for this kind of data / every experiment that applies.
    quick : bool, default False
        A small grid on a subsample: seconds, not minutes.
    seeds : int, optional
        Repetitions per grid point (default 5; 2 with ``quick``).
    deep : bool, default False
        Add the deep (PyTorch) models of this modality.
    engine : engine, optional
        From :func:`genvsdisc.engine.make_engine`; default built from ``workers`` /
        ``scheduler``: 0 workers runs in-process.
    progress : bool, default True
        tqdm bars (a notebook bar in Jupyter); False: silent.
    name : str, optional
        The data set's name in the report (DataFrames and arrays).
    preprocess : str or list of str, optional
        Image steps for every model, e.g. ``"deskew,blur"`` or
        ``"deskew,normalize,blur"`` (see
        :func:`genvsdisc.preprocessing.preprocess_dataset`); ``"augment"`` adds
        shifted and rotated copies of the training rows to every fit of every model.
    **arrays
        ``classes``, ``image_shape``, ``feature_names`` for an (X, y) tuple.

    Returns
    -------
    Comparison
    """
    from genvsdisc.engine import make_engine
    from genvsdisc.experiments import Settings, select_experiments
    from genvsdisc.experiments import compare as run_compare

    exp_names = select_experiments(_names(experiments, "experiments"))
    ds = to_dataset(data, target, text_column=text_column, name=name, **arrays)
    settings = Settings.default(quick=quick, n_seeds=seeds, n_features=ds.n_features)
    kwargs = dict(
        models=_names(models, "models"),
        experiments=exp_names,
        settings=settings,
        deep=deep,
        progress=progress,
        preprocess=preprocess,
        command=f"genvsdisc.compare({ds.name!r}{', quick=True' if quick else ''})",
    )
    if engine is not None:
        return Comparison(run_compare(ds, engine=engine, **kwargs))
    with make_engine(workers=workers, scheduler=scheduler) as made:
        return Comparison(run_compare(ds, engine=made, **kwargs))


def _names(value, what: str):
    if value is None or isinstance(value, list | tuple):
        return list(value) if value else None
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    raise ParameterError(f"{what}: expected a list of names; got {type(value).__name__}")


@dataclass(frozen=True)
class Finding:
    """One experiment's plain sentence and the numbers behind it.

    Attributes
    ----------
    experiment, title, sentence : str
    numbers : pandas.DataFrame
        The experiment's tidy table (:meth:`Comparison.table`).
    """

    experiment: str
    title: str
    sentence: str
    numbers: Any

    def __str__(self) -> str:
        return f"{self.title}: {self.sentence}"


class Comparison:
    """The outcome of :func:`compare`: the results record, shown and saved.

    Attributes
    ----------
    record : dict
        The plain-data results record (:mod:`genvsdisc.results`).
    """

    def __init__(self, record: dict):
        self.record = record
        self._figures = None

    @classmethod
    def load(cls, folder) -> Comparison:
        """A saved comparison back: ``folder`` written by :meth:`save` or the CLI, or
        its results.json."""
        from genvsdisc import results

        path = Path(folder)
        return cls(results.load(path / "results.json" if path.is_dir() else path))

    def save(self, folder) -> Path:
        """results.json, figures/ and report.html into the new (or empty) ``folder``,
        exactly as ``genvsdisc compare --out`` writes them."""
        return write_outputs(self.record, Path(folder))

    @property
    def dataset(self) -> str:
        return self.record["dataset"]["name"]

    @property
    def models(self) -> list[str]:
        return [m["name"] for m in self.record["models"]]

    def ran(self) -> list[str]:
        """Names of the experiments that ran (not skipped), in report order."""
        return [k for k, v in self.record["experiments"].items() if v.get("status") == "ok"]

    def result(self, experiment: str):
        """The typed result (``ExperimentResult``) of one experiment that ran."""
        from genvsdisc.experiments import get_experiment
        from genvsdisc.experiments.runner import select_experiments

        name = select_experiments([experiment])[0]
        section = self.record["experiments"].get(name, {})
        if section.get("status") != "ok":
            why = section.get("reason", "it was not asked for")
            raise ParameterError(f"experiment '{name}' did not run in this comparison: {why}")
        return get_experiment(name).result_type.from_dict(section)

    def table(self, experiment: str | None = None):
        """Every number behind the figures as one tidy DataFrame (one row per model x
        condition; ``mean`` with ``std`` / ``se`` or ``low``-``high`` where the result
        has them); ``experiment`` keeps one experiment's rows."""
        import pandas as pd

        from genvsdisc.tidy import COLUMNS, experiment_rows

        names = self.ran() if experiment is None else [experiment]
        if experiment is not None:
            self.result(experiment)  # a clean error when it did not run
        rows = [r for n in names for r in experiment_rows(n, self.record["experiments"][n])]
        return pd.DataFrame(rows, columns=COLUMNS)

    @property
    def findings(self) -> list[Finding]:
        """Each experiment's finding sentence with its tidy numbers, in report order."""
        from genvsdisc.experiments import get_experiment

        out = []
        for name in self.ran():
            experiment = get_experiment(name)
            sentence = experiment.finding(self.result(name), self.dataset)
            out.append(Finding(name, experiment.title, sentence, self.table(name)))
        return out

    @property
    def recommendation(self) -> list[str]:
        """The report's closing advice, each line gated by an interval."""
        from genvsdisc.report.findings import recommendation

        return recommendation(self.record)

    def figures(self) -> dict[str, bytes]:
        """``{experiment: PNG bytes}``: the report's figures (drawn once, then kept)."""
        from genvsdisc.report import build_figures

        if self._figures is None:
            self._figures = build_figures(self.record)
        return self._figures

    def html(self) -> str:
        """The whole report page, exactly report.html's text (self-contained, no network)."""
        from genvsdisc.report import render

        return render(self.record, self.figures())

    def _repr_html_(self) -> str:
        # The report in an iframe (as ydata-profiling shows its reports): inline, its
        # stylesheet (body, table, h2...) would restyle the whole notebook page.
        page = escape(self.html(), quote=True)
        return (
            f'<iframe srcdoc="{page}" title="genvsdisc report: {escape(self.dataset)}" '
            'style="width: 100%; height: 760px; border: 1px solid #ddd"></iframe>'
        )

    def __repr__(self) -> str:
        ds = self.record["dataset"]
        head = (
            f"<Comparison on {ds['name']} ({ds['modality']}, {ds['n_samples']} rows): "
            f"{', '.join(self.models)}>"
        )
        return head + "\n" + summary_table(self.record)

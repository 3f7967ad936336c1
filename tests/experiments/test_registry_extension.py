"""A new experiment is one class and one register() call: nothing else changes.

The experiment below lives in this test file only. Registered, it runs through
``genvsdisc compare``, lands in results.json, gets a report section and a
column in the CLI summary; its tasks also receive each model's self-chosen
hyper-parameters, like the built-in grid tasks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape

import pytest
from click.testing import CliRunner

from genvsdisc.cli import cli
from genvsdisc.exceptions import DataError, ParameterError
from genvsdisc.experiments import (
    Experiment,
    ExperimentResult,
    RunContext,
    register,
    registered,
    unregister,
)
from genvsdisc.report.tables import table


def count_rows(train, test, *, model: str, settings) -> dict:
    """One task: what the model's task saw (rows, and its fixed hyper-parameters)."""
    return {"n_train": train.n_samples, "params": settings.model_params.get(model, {})}


@dataclass
class RowCountResult(ExperimentResult):
    """``rows``: ``{"model", "n_train", "params"}`` per model."""

    rows: list[dict]


class RowCount(Experiment):
    name = "row_count"
    title = "Rows each model saw"
    why = "A model can only learn from the rows it is given."
    result_type = RowCountResult
    summary_headers = ("rows seen",)

    def plan(self, ctx: RunContext) -> dict:
        return {m: ctx.task(count_rows, model=m, settings=ctx.settings_for(m)) for m in ctx.models}

    def combine(self, ctx: RunContext, outputs: dict) -> RowCountResult:
        return RowCountResult(rows=[{"model": m, **outputs[m].result} for m in ctx.models])

    def finding(self, result: RowCountResult, dataset: str) -> str:
        return f"On {dataset}, every model saw {result.rows[0]['n_train']} training rows."

    def table(self, result: RowCountResult) -> str:
        return table(["model", "rows"], [[r["model"], r["n_train"]] for r in result.rows])

    def summary(self, result: RowCountResult, model: str) -> dict[str, str]:
        row = next(r for r in result.rows if r["model"] == model)
        return {"rows seen": str(row["n_train"])}


@pytest.fixture
def row_count():
    experiment = register(RowCount())
    yield experiment
    unregister(experiment.name)


def test_registered_experiment_runs_end_to_end(row_count, tmp_path):
    out = tmp_path / "moons"
    args = ["compare", "moons", "--models", "gaussian_nb,logreg", "--experiments"]
    args += ["accuracy,row_count", "--quick", "--seeds", "1", "--no-progress", "--out", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output

    record = json.loads((out / "results.json").read_text())
    section = record["experiments"]["row_count"]
    assert section["status"] == "ok" and section["title"] == "Rows each model saw"
    assert [r["model"] for r in section["rows"]] == ["gaussian_nb", "logreg"]
    assert section["rows"][0]["n_train"] == record["dataset"]["n_train"]
    # the task waited for logreg's first fit and got the C it chose there
    assert section["rows"][1]["params"] == record["settings"]["model_params"]["logreg"]
    assert "C" in section["rows"][1]["params"]
    assert record["timings"]["tasks"]["row_count/logreg"] >= 0

    html = (out / "report.html").read_text()
    assert '<section id="row_count"><h2>2. Rows each model saw</h2>' in html
    assert escape(f"every model saw {record['dataset']['n_train']} training rows") in html
    assert '<a href="#row_count">' in html and escape(RowCount.why) in html

    head, nb, lr = result.stdout.splitlines()[:3]
    assert head.split()[-2:] == ["rows", "seen"] and nb.split()[-1] == lr.split()[-1]


def test_unregister_leaves_the_builtins(row_count):
    assert [e.name for e in registered()][-1] == "row_count"
    with pytest.raises(ParameterError, match="'row_count' is already registered"):
        register(RowCount())


def test_section_from_another_schema_is_named():
    with pytest.raises(DataError, match="'RowCountResult' section lacks rows"):
        RowCountResult.from_dict({"status": "ok", "title": "x"})

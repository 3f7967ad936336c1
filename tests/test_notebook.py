"""The worked notebook (docs/notebook.ipynb) runs top to bottom in a real Jupyter kernel."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import genvsdisc

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOK = Path(__file__).resolve().parents[1] / "docs" / "notebook.ipynb"


def test_notebook_has_no_committed_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "the notebook has code cells"
    assert all(not c.outputs and c.execution_count is None for c in code)


def test_notebook_runs_top_to_bottom(tmp_path, monkeypatch):
    # The kernel imports this source tree (not an installed copy), from a scratch folder.
    src = str(Path(genvsdisc.__file__).resolve().parents[1])
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
        allow_errors=False,  # any error in any cell fails the test (CellExecutionError)
    )
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    # the comparison rendered its report inline, and the Displays drew figures
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any("genvsdisc report: bbc_news" in h for h in html)
    pngs = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(pngs) >= 3
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "<Comparison on wine (tabular, 178 rows): gaussian_nb, logreg>" in text
    assert (
        "report.html" in "".join(o["data"].get("text/plain", "") for o in outputs if "data" in o)
        or "report.html" in text
    )

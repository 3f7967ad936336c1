"""genvsdisc.compare from a notebook: data in memory, the Comparison it returns, the top-level API."""

from __future__ import annotations

import html
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_iris

import genvsdisc as gd
from genvsdisc.data import from_arrays, from_frame, load
from genvsdisc.exceptions import DataError, ParameterError
from genvsdisc.experiments import get_experiment
from genvsdisc.report import render

FAST = ["accuracy", "learning_curve", "missing", "novelty"]


@pytest.fixture(scope="module")
def iris_frame():
    frame = load_iris(as_frame=True).frame
    frame["target"] = frame["target"].map(dict(enumerate(["setosa", "versicolor", "virginica"])))
    frame["size"] = np.where(frame["petal length (cm)"] > 4, "big", "small")
    return frame


@pytest.fixture(scope="module")
def cmp(iris_frame):
    return gd.compare(
        iris_frame,
        target="target",
        models=["gaussian_nb", "logreg"],
        experiments=FAST,
        quick=True,
        progress=False,
        name="iris-frame",
    )


def test_import_is_light_and_public_surface_is_short():
    code = (
        "import sys, genvsdisc as gd; "
        "print(sorted(m for m in ('pandas', 'sklearn', 'torch', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    public = set(gd.__all__)
    assert {"load", "compare", "make", "train_test_split", "Comparison", "__version__"} <= public
    assert {"LearningCurveDisplay", "CalibrationDisplay", "RegionsDisplay"} <= public
    assert {"GaussianNaiveBayes", "LogReg"} <= public
    extra = public - {"load", "compare", "make", "train_test_split", "Comparison", "__version__"}
    assert all(n.endswith("Display") or n in gd.models.__all__ for n in extra)
    assert gd.make("logreg").__class__.__name__ in public
    with pytest.raises(AttributeError):
        gd.not_a_name  # noqa: B018


def test_dataframe_loads_exactly_as_its_csv(iris_frame, tmp_path):
    path = tmp_path / "iris.csv"
    iris_frame.to_csv(path, index=False)
    from_file, in_memory = load(path, target="target"), from_frame(iris_frame, "target")
    np.testing.assert_array_equal(from_file.X, in_memory.X)
    np.testing.assert_array_equal(from_file.y, in_memory.y)
    assert from_file.classes == in_memory.classes
    assert from_file.feature_names == in_memory.feature_names
    assert "size=big" in in_memory.feature_names  # the categorical column, one-hot


def test_arrays_dense_sparse_text_images():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    X[X < -1.5] = 0.0
    y = np.repeat([0, 1], 20)
    dense, sparse = from_arrays(X, y), from_arrays(sp.csr_matrix(X), y)
    np.testing.assert_array_equal(dense.X, sparse.X)
    assert dense.modality == "tabular" and dense.classes == ["0", "1"]
    named = from_arrays(X, y, classes=["cat", "dog"], feature_names=["a", "b", "c"])
    assert named.classes == ["cat", "dog"] and named.feature_names == ["a", "b", "c"]
    text = from_arrays(["good film", "bad film"] * 5, ["pos", "neg"] * 5)
    assert text.modality == "text" and text.X.dtype == object
    pixels = rng.integers(0, 256, size=(10, 4, 5)).astype(np.uint8)
    images = from_arrays(pixels, [0, 1] * 5)
    assert images.modality == "image" and images.image_shape == (4, 5)
    assert images.X.shape == (10, 20) and images.X.max() <= 1.0
    flat = from_arrays(pixels.reshape(10, 20), [0, 1] * 5, image_shape=(4, 5))
    np.testing.assert_array_equal(flat.X, images.X)


@pytest.mark.parametrize(
    ("X", "y", "kwargs", "error", "words"),
    [
        (np.eye(3), [0, 1], {}, DataError, "one label per row"),
        (np.eye(3), [0.0, np.nan, 1.0], {}, DataError, "missing label"),
        (np.eye(3), [0.5, 1.0, 0.0], {}, DataError, "non-integer"),
        (
            np.array([[{}], [{}]], dtype=object),
            [0, 1],
            {},
            DataError,
            "neither numbers nor strings",
        ),
        (np.array([[1.0, np.inf], [0.0, 1.0]]), [0, 1], {}, DataError, "infinite"),
        (np.eye(4), [0, 1, 0, 1], {"feature_names": ["a"]}, ParameterError, "feature_names"),
        (np.eye(4), [0, 1, 0, 1], {"image_shape": (3, 3)}, ParameterError, "image_shape"),
        (np.eye(4), [0, 1, 0, 5], {"classes": ["a", "b"]}, DataError, "indices 0 to 1"),
        (np.eye(4), [0, 0, 0, 0], {}, DataError, "at least 2 classes"),
        (np.full((4, 2, 2), 300.0), [0, 1, 0, 1], {}, DataError, "pixels range"),
    ],
)
def test_bad_arrays_are_one_clean_line(X, y, kwargs, error, words):
    with pytest.raises(error) as err:
        from_arrays(X, y, **kwargs)
    assert words in str(err.value) and "\n" not in str(err.value)


def test_bad_frame_and_bad_data_are_one_clean_line(iris_frame):
    with pytest.raises(DataError, match="target column 'label' not found"):
        gd.compare(iris_frame, target="label")
    with pytest.raises(ParameterError, match="expected a built-in name, a path"):
        gd.compare({"X": [1]})
    with pytest.raises(ParameterError, match=r"\(X, y\)"):
        gd.compare((np.eye(2), [0, 1], "extra"))
    with pytest.raises(ParameterError, match="image_shape: only for"):
        gd.compare(iris_frame, target="target", image_shape=(2, 2))


def test_comparison_shows_itself(cmp):
    assert cmp.dataset == "iris-frame" and cmp.models == ["gaussian_nb", "logreg"]
    text = repr(cmp)
    assert text.startswith("<Comparison on iris-frame (tabular, 150 rows): gaussian_nb, logreg>")
    assert "curve@full" in text and "pair gaussian_nb" in text
    page = cmp.html()
    assert page == render(cmp.record, cmp.figures())
    assert '<img src="data:image/png;base64,' in page
    assert "http://" not in page and "https://" not in page
    # inline it sits in an iframe, so its stylesheet cannot restyle the notebook
    shown = cmp._repr_html_()
    assert shown.startswith("<iframe srcdoc=") and html.unescape(shown).count(page) == 1


def test_tables_hold_every_number_with_its_spread(cmp):
    table = cmp.table()
    assert set(table["experiment"]) == set(FAST)
    curve = cmp.table("learning_curve")
    result = cmp.result("learning_curve")
    for model, c in result.curves.items():
        mine = curve[curve["model"] == model].sort_values("value")
        np.testing.assert_allclose(mine["mean"], c["mean"])
        np.testing.assert_allclose(mine["std"], c["std"])
        assert list(mine["value"]) == result.sizes
    pair = cmp.table("accuracy").query("family == 'pair'").iloc[0]
    assert pair["low"] <= pair["mean"] <= pair["high"]
    novelty = cmp.table("novelty")
    auroc = novelty[novelty["measure"].str.startswith("AUROC")]
    assert (auroc["low"] <= auroc["mean"]).all() and (auroc["mean"] <= auroc["high"]).all()
    # the ROC curves the Display draws, point by point
    result = cmp.result("novelty")
    row = result.rows[0]
    kind, per_set = next(iter(row["roc"].items()))
    s, tpr = next(iter(per_set.items()))
    curve = novelty[
        (novelty["model"] == row["model"]) & (novelty["measure"] == f"ROC TPR ({kind}, {s})")
    ]
    np.testing.assert_allclose(curve["value"], result.roc_fpr)
    np.testing.assert_allclose(curve["mean"], tpr)
    with pytest.raises(ParameterError, match="did not run"):
        cmp.table("regions")


def test_findings_are_the_experiments_sentences_with_numbers(cmp):
    findings = cmp.findings
    assert [f.experiment for f in findings] == FAST
    for f in findings:
        experiment = get_experiment(f.experiment)
        assert f.sentence == experiment.finding(cmp.result(f.experiment), "iris-frame")
        assert isinstance(f.numbers, pd.DataFrame) and len(f.numbers)
    assert cmp.recommendation


def test_save_is_the_clis_output_and_loads_back(cmp, tmp_path):
    folder = cmp.save(tmp_path / "out")
    assert sorted(p.name for p in folder.iterdir()) == ["figures", "report.html", "results.json"]
    assert sorted(p.name for p in (folder / "figures").iterdir()) == [
        f"{n}.png" for n in sorted(FAST)
    ]
    assert json.loads((folder / "results.json").read_text())["dataset"]["name"] == "iris-frame"
    back = gd.Comparison.load(folder)
    assert back.record == json.loads(json.dumps(cmp.record))
    pd.testing.assert_frame_equal(back.table(), cmp.table())
    with pytest.raises(ParameterError, match="not an empty folder"):
        cmp.save(folder)  # nothing is overwritten


def test_arrays_compare_and_progress_can_be_silent(capsys):
    rng = np.random.default_rng(1)
    X = np.vstack([rng.normal(0, 1, (60, 2)), rng.normal(2.5, 1, (60, 2))])
    y = np.repeat(["a", "b"], 60)
    cmp = gd.compare(
        (X, y), models="gaussian_nb,logreg", experiments=["accuracy"], quick=True, progress=False
    )
    assert cmp.dataset == "arrays" and cmp.ran() == ["accuracy"]
    assert capsys.readouterr().err == ""
    gd.compare((X, y), models=["logreg", "gaussian_nb"], experiments=["accuracy"], quick=True)
    assert "task" in capsys.readouterr().err  # the bar, when asked for

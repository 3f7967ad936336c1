"""The out-of-core path: statistics summed over partitions equal the in-memory fit."""

from __future__ import annotations

import json

import dask
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from genvsdisc.cli import cli
from genvsdisc.exceptions import DataError
from genvsdisc.models import make
from genvsdisc.scale import stats
from genvsdisc.scale.partitions import frame_rows, open_table


@pytest.fixture
def table_path(tmp_path):
    """3 classes, 4 features with large offsets and scales, 8 row groups of 300 rows."""
    rng = np.random.default_rng(3)
    y = rng.choice(["ant", "bee", "cat"], size=2400)
    X = rng.normal(size=(2400, 4)) * [1.0, 30.0, 0.01, 5.0] + [1e4, 0.0, 3.0, -7.0]
    X[:, 1] += (y == "bee") * 120.0
    X[:, 3] += (y == "cat") * (20.0 + 5 * np.abs(X[:, 0] - 1e4))
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"]).assign(y=y)
    path = tmp_path / "small.parquet"
    frame.to_parquet(path, row_group_size=300)
    return path


def _train_rows(table):
    with dask.config.set(scheduler="synchronous"):
        parts = [table.partition(i).compute() for i in table.train]
    return frame_rows(pd.concat(parts), table.features, table.target)[:2]


def test_moments_over_partitions_fit_what_fit_fits(table_path):
    table = open_table(str(table_path), "y", seed=1)
    assert table.frame.npartitions == 8 and len(table.test) == 2
    parts = table.frame.to_delayed()
    with dask.config.set(scheduler="synchronous"):  # as compare: class means of a first partition
        Xs, ys = frame_rows(table.partition(table.train[0]).compute(), table.features, "y")[:2]
    shifts = {"ant": Xs[ys == "ant"].mean(axis=0), "bee": Xs[ys == "bee"].mean(axis=0)}
    with dask.config.set(scheduler="synchronous"):
        per = dask.compute(
            [
                dask.delayed(stats.partition_stats)(
                    parts[i], table.features, "y", shifts, Xs.mean(axis=0)
                )
                for i in table.train
            ]
        )[0]
    summed = stats.merge_stats(*per)
    X, y = _train_rows(table)
    for name, attrs in {
        "gaussian_nb": ["theta_", "var_", "class_count_", "class_log_prior_"],
        "lda": ["means_", "covariance_", "shrinkage_", "class_count_"],
        "qda": ["means_", "covariances_", "shrinkage_", "class_count_"],
    }.items():
        ours, theirs = stats.fit_from_stats(name, summed), make(name).fit(X, y)
        assert list(ours.classes_) == list(theirs.classes_)
        for attr in attrs:
            np.testing.assert_allclose(
                getattr(ours, attr), getattr(theirs, attr), rtol=1e-10, atol=1e-12
            )
        np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
        np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-9)
        X_nan = X[:50].copy()
        X_nan[::2, 1] = np.nan  # missing features are integrated out as in the in-memory model
        np.testing.assert_allclose(
            ours.score_samples(X_nan), theirs.score_samples(X_nan), rtol=1e-9
        )


def test_open_table_errors_are_one_line(table_path, tmp_path):
    with pytest.raises(
        DataError, match="target column 'why' not found; columns are: a, b, c, d, y"
    ):
        open_table(str(table_path), "why")
    pd.DataFrame({"a": [1.0, 2.0], "s": ["x", "y"], "y": [0, 1]}).to_parquet(
        tmp_path / "text.parquet", row_group_size=1
    )
    with pytest.raises(DataError, match="column 's' is (object|string), expected numbers"):
        open_table(str(tmp_path / "text.parquet"), "y")
    pd.DataFrame({"a": [1.0, 2.0], "y": [0, 1]}).to_parquet(tmp_path / "one.parquet")
    with pytest.raises(DataError, match="needs at least 2 partitions"):
        open_table(str(tmp_path / "one.parquet"), "y")


def test_cli_compare_out_of_core_end_to_end(table_path, tmp_path):
    out = tmp_path / "report"
    args = ["compare", str(table_path), "--target", "y", "--out-of-core", "--workers", "0"]
    result = CliRunner().invoke(cli, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    record = json.loads((out / "results.json").read_text())
    assert record["mode"] == "out-of-core"
    raw = record["out_of_core"]
    assert raw["data"]["n_train"] + raw["data"]["n_test"] == 2400
    models = {r["model"]: r["accuracy"] for r in raw["accuracy"]["rows"]}
    assert set(models) == {"gaussian_nb", "lda", "qda", "sgd_logreg", "gmm"}
    assert min(models.values()) > 0.5  # three classes, two of them well apart
    curve = raw["learning_curve"]["rows"]
    assert max(r["partitions"] for r in curve) == raw["data"]["train_partitions"]
    # the in-memory report's typed sections: four ran, the rest say why not
    status = {k: v["status"] for k, v in record["experiments"].items()}
    assert {k for k, v in status.items() if v == "ok"} == {
        "accuracy",
        "learning_curve",
        "missing",
        "novelty",
    }
    assert {"regions", "generation", "unlabeled"} <= {k for k, v in status.items() if v != "ok"}
    lc = record["experiments"]["learning_curve"]
    assert lc["sizes"][-1] == raw["data"]["n_train"] and "gmm" in lc["curves"]
    assert [p["generative"] for p in lc["pairs"]] == ["gaussian_nb", "lda", "qda", "gmm"]
    page = (out / "report.html").read_text()
    for title in (
        "Skipped experiments",
        "not run out of core",
        "Ran out of core",
        "data:image/png",
    ):
        assert title in page
    assert 'id="novelty"' in page and 'id="regions"' not in page
    bad = CliRunner().invoke(cli, [*args[:3], "nope", *args[4:], "--out", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "target column 'nope' not found" in bad.output
    assert not (tmp_path / "x").exists()


def test_gmm_em_over_partitions_equals_in_memory_em_from_the_same_start(table_path):
    """Three EM passes over partitions = three in-memory EM iterations from the same start."""
    import copy
    import warnings

    from genvsdisc.scale import mixture

    table = open_table(str(table_path), "y", seed=1)
    X, y = _train_rows(table)
    classes = sorted(set(y.tolist()))
    counts = {c: float((y == c).sum()) for c in classes}
    ours = mixture.start_mixture(
        X, y, classes, counts, (X.mean(axis=0), X.var(axis=0), len(y)), n_components=2
    )
    start = copy.deepcopy(ours.mixtures_)
    with dask.config.set(scheduler="synchronous"):
        frames = [table.partition(i).compute() for i in table.train]
    for _ in range(3):
        per = [
            mixture.em_partition_stats(f, table.features, "y", classes, ours.mixtures_)
            for f in frames
        ]
        mixture.m_step(ours, classes, mixture.merge_em_stats(*per))
    mixture.finish_mixture(ours, classes, counts, X.min(axis=0), X.max(axis=0))

    theirs = make("gmm", n_components=2, max_iter=3, tol=0.0, random_state=0)
    starts = iter(copy.deepcopy(start))
    theirs._start = lambda *args: next(starts)  # the same k-means++ start, class by class
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # max_iter=3 stops EM before it settles, on purpose
        theirs.fit(X, y)
    assert list(theirs.n_iter_) == list(ours.n_iter_) == [3, 3, 3]
    np.testing.assert_allclose(theirs.scale_, ours.scale_, rtol=1e-12)
    for a, b in zip(ours.mixtures_, theirs.mixtures_, strict=True):
        np.testing.assert_allclose(a.weights, b.weights, rtol=1e-9)
        np.testing.assert_allclose(a.means, b.means, rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(a.covariances, b.covariances, rtol=1e-8, atol=1e-9)
        assert a.floor == b.floor
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-9)


def test_one_pass_artists_alone_make_a_report_without_pairs(table_path):
    from genvsdisc.exceptions import ParameterError
    from genvsdisc.report.html import render
    from genvsdisc.scale.compare import compare_out_of_core
    from genvsdisc.scale.report import report_experiments, report_record

    with dask.config.set(scheduler="synchronous"):
        raw = compare_out_of_core(str(table_path), "y", models=["lda", "qda"])
        with pytest.raises(ParameterError, match="models: expected some of gaussian_nb"):
            compare_out_of_core(str(table_path), "y", models=["logreg"])
    assert [r["model"] for r in raw["accuracy"]["rows"]] == ["lda", "qda"]
    assert "sgd_s" not in raw["timings"] and "gmm_s" not in raw["timings"]
    record = report_record(raw)
    assert record["experiments"]["learning_curve"]["pairs"] == []
    assert set(record["experiments"]["missing"]["rows"][0]) >= {"mean", "std", "per_seed"}
    page = render(record, figures={}, experiments=report_experiments())
    assert "Ran out of core: Accuracy and calibration" in page


def test_sgd_steps_read_their_own_partition_and_equal_a_loop_in_memory(table_path):
    """The chain's graph holds no partition read (nothing to read ahead of the chain), and
    its model is the one a plain loop of partial_fit over the same partitions gives."""
    from genvsdisc.scale import streaming

    table = open_table(str(table_path), "y", seed=1)
    parts = table.frame.to_delayed()
    X, y = _train_rows(table)
    mean_var = (X.mean(axis=0), X.var(axis=0), len(y))
    classes = sorted(set(y))
    model = streaming.new_streaming(mean_var, classes, 0)
    for step, i in enumerate(table.train):
        read = streaming.ReadInStep(parts[i])
        model = dask.delayed(streaming.sgd_step)(model, read, table.features, "y", step)
    graph = dict(model.__dask_graph__())
    assert len(graph) == len(table.train)  # the steps alone: no read is a node of its own
    assert all(str(k).startswith("sgd_step-") for k in graph)
    with dask.config.set(scheduler="synchronous"):
        chained = model.compute()
        loop = streaming.new_streaming(mean_var, classes, 0)
        for step, i in enumerate(table.train):
            loop = streaming.sgd_step(loop, parts[i].compute(), table.features, "y", step)
    np.testing.assert_array_equal(chained.sgd_.coef_, loop.sgd_.coef_)
    assert chained.n_rows_seen_ == loop.n_rows_seen_ == len(y)

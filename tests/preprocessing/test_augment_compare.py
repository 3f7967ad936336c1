"""``--preprocess ...,augment``: every training fit of every model of a run sees the copies."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from genvsdisc.data import load
from genvsdisc.exceptions import ParameterError
from genvsdisc.experiments import Settings, compare
from genvsdisc.experiments.common import make_model, tuned_params, unwrapped
from genvsdisc.models import make
from genvsdisc.preprocessing import Augmented, Deskew, parse_preprocess, preprocess_dataset

#: Rows per fit under the defaults: the rows, 4 one-pixel shifts, 2 rotations.
COPIES = 7


def small_digits(n=200):
    ds = load("digits")
    return ds.subset(np.arange(n))


def test_augment_is_recorded_last_and_leaves_the_pixels_alone():
    ds = small_digits()
    assert parse_preprocess("augment,deskew") == ("augment", "deskew")
    out = preprocess_dataset(ds, "augment,deskew")
    np.testing.assert_allclose(out.X, Deskew(image_shape=(8, 8)).fit_transform(ds.X))
    assert out.info["preprocessing"] == ["deskew", "augment"]
    only = preprocess_dataset(ds, "augment")
    np.testing.assert_array_equal(only.X, ds.X)
    assert only.info["preprocessing"] == ["augment"]


def test_augment_refuses_tabular_data_in_one_line():
    with pytest.raises(ParameterError, match=r"^--preprocess augment: reads images, but iris"):
        preprocess_dataset(load("iris"), "augment")


def test_make_model_wraps_and_an_augmented_fit_sees_k_times_the_rows():
    ds = small_digits()
    plain = make_model("logreg", 0, Settings())
    assert not isinstance(plain, Augmented)
    est = make_model("gaussian_nb", 0, Settings(augment=(8, 8)))
    assert isinstance(est, Augmented) and est.family == "generative"
    est.fit(ds.X, ds.y)
    assert est.n_train_rows_ == COPIES * ds.n_samples
    # partial_fit of a sufficient-statistics model: batch by batch ends where fit ends
    inc = make_model("gaussian_nb", 0, Settings(augment=(8, 8)))
    inc.partial_fit(ds.X[:100], ds.y[:100], classes=np.arange(10))
    inc.partial_fit(ds.X[100:], ds.y[100:])
    assert inc.n_train_rows_ == COPIES * ds.n_samples
    np.testing.assert_allclose(inc.predict_proba(ds.X), est.predict_proba(ds.X), atol=1e-8)
    assert est.sample(3, random_state=0)[0].shape == (3, 64)
    assert est.predict_joint_log_proba(ds.X[:2]).shape == (2, 10)


def test_tuned_params_are_read_inside_the_wrapper():
    ds = small_digits()
    est = make_model("logreg", 0, Settings(augment=(8, 8))).fit(ds.X, ds.y)
    assert "C" in tuned_params(est) and tuned_params(est) == tuned_params(unwrapped(est))


class _Spy:
    """Records, for each fit of the patched model classes, whether Augmented called it."""

    def __init__(self, monkeypatch, classes):
        self.local = threading.local()
        self.calls = []
        for cls in classes:
            for name in ("fit", "partial_fit"):
                if hasattr(cls, name):
                    monkeypatch.setattr(cls, name, self._inner(cls, getattr(cls, name)))
        monkeypatch.setattr(Augmented, "fit", self._outer(Augmented.fit))
        # partial_fit is an available_if descriptor: patch the function it guards
        guarded = Augmented.__dict__["partial_fit"]
        monkeypatch.setattr(guarded, "fn", self._outer(guarded.fn))

    def _outer(self, method):
        spy = self

        def wrapped(est, *args, **kwargs):
            spy.local.inside = getattr(spy.local, "inside", 0) + 1
            try:
                return method(est, *args, **kwargs)
            finally:
                spy.local.inside -= 1

        return wrapped

    def _inner(self, cls, method):
        spy = self

        def wrapped(est, X, *args, **kwargs):
            if type(est) is cls:  # not a subclass passing through super()
                spy.calls.append((cls.__name__, getattr(spy.local, "inside", 0) > 0))
            return method(est, X, *args, **kwargs)

        return wrapped


def _tiny_settings(ds, **overrides):
    return Settings.default(
        quick=True,
        n_features=ds.n_features,
        seeds=(0,),
        costly_seeds=1,
        n_splits=2,
        n_sizes=3,
        labels_per_class=(2,),
        missing_fractions=(0.0, 0.5),
        missing_max_rows=20,
        unlabeled_max_pool=40,
        n_generate=4,
        **overrides,
    )


def test_every_fit_of_every_model_and_experiment_is_augmented(monkeypatch):
    ds = small_digits()
    models = ["gaussian_nb", "logreg"]
    spy = _Spy(monkeypatch, {type(make(m)) for m in models})
    record = compare(
        ds,
        models=models,
        settings=_tiny_settings(ds),
        progress=False,
        preprocess="deskew,augment",
    )
    assert record["settings"]["augment"] == [8, 8]
    assert [m["preprocessing"] for m in record["models"]] == ["deskew + augment"] * 2
    rows = record["experiments"]["accuracy"]["rows"]
    assert {r["preprocessing"] for r in rows} == {"deskew + augment"}
    ran = set(record["experiments"])
    assert {"accuracy", "learning_curve", "missing", "unlabeled", "novelty", "generation"} <= ran
    fitted = {name for name, _ in spy.calls}
    assert fitted == {"GaussianNaiveBayes", "LogReg"}
    assert spy.calls and all(inside for _, inside in spy.calls), spy.calls


def test_a_run_without_augment_wraps_nothing(monkeypatch):
    ds = small_digits()
    spy = _Spy(monkeypatch, {type(make("gaussian_nb"))})
    kw = {"models": ["gaussian_nb"], "experiments": ["accuracy", "unlabeled"], "progress": False}
    record = compare(ds, settings=_tiny_settings(ds), preprocess="none", **kw)
    assert spy.calls and not any(inside for _, inside in spy.calls)
    assert record["settings"]["augment"] is None
    assert {m["preprocessing"] for m in record["models"]} == {"none"}


def test_compare_cli_bad_step_name_is_exit_2(tmp_path):
    from click.testing import CliRunner

    from genvsdisc.cli import cli

    out = tmp_path / "o"
    args = ["compare", "digits", "--preprocess", "deskew,augmnt", "--out", str(out), "--quick"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert result.stderr.startswith("genvsdisc: error: unknown preprocessing step 'augmnt'")
    assert "'augment'" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_notebook_compare_takes_augment():
    import genvsdisc as gd

    ds = small_digits(120)
    result = gd.compare(
        (ds.X.reshape(-1, 8, 8), ds.y),
        models=["gaussian_nb"],
        experiments=["accuracy"],
        quick=True,
        progress=False,
        preprocess="augment",
    )
    assert result.record["settings"]["augment"] == [8, 8]
    assert [m["preprocessing"] for m in result.record["models"]] == ["augment"]

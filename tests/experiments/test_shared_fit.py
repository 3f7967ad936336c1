"""One fit per model serves every experiment that scores that same fit (missing
features, novelty), with the same numbers as each fitting its own."""

import warnings

import numpy as np

from genvsdisc.data import load
from genvsdisc.experiments import Settings, compare, missing, novelty_scores
from genvsdisc.experiments.base import RunContext, fit_model
from genvsdisc.experiments.runner import SHARED_FITS, _schedule


def _ctx(split, models):
    train, test = split
    return RunContext(train, test, models, Settings.default(quick=True, seeds=(0,)), (train, test))


def test_one_fit_node_per_model_shared_by_missing_and_novelty(tiny_images):
    ctx = _ctx(tiny_images, ["gmm", "logreg"])
    planned, _ = _schedule(["accuracy", "missing", "novelty"], ctx)
    fits = planned[SHARED_FITS]
    assert set(fits) == {"gmm", "logreg"}
    for m in ("gmm", "logreg"):  # both experiments' tasks depend on the one fit node
        for exp in ("missing", "novelty"):
            assert fits[m].key in planned[exp][m].dask.dependencies[planned[exp][m].key]


def test_shared_fit_gives_the_numbers_of_a_fresh_fit(tiny_images):
    train, test = tiny_images
    settings = Settings.default(quick=True, seeds=(0,))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for m in ("gmm", "lda"):
            est = fit_model(train, test, model=m, settings=settings)
            imputed = missing.impute(train, test, settings=settings)
            own = missing.evaluate(train, test, model=m, settings=settings, imputed=imputed)
            shared = missing.evaluate(
                train, test, model=m, settings=settings, imputed=imputed, fitted=est
            )
            assert own == shared
            a = novelty_scores.evaluate(train, test, model=m, settings=settings)
            b = novelty_scores.evaluate(train, test, model=m, settings=settings, fitted=est)
            np.testing.assert_equal(a, b)


def test_compare_records_the_shared_fits_times():
    rec = compare(
        load("iris"),
        models=["gaussian_nb", "logreg"],
        settings=Settings.default(quick=True, seeds=(0,)),
        progress=False,
        experiments=["missing", "novelty"],
    )
    assert {"fit/gaussian_nb", "fit/logreg"} <= set(rec["timings"]["tasks"])
    assert set(rec["experiments"]) == {"missing", "novelty"}
    assert all(v["status"] == "ok" for v in rec["experiments"].values())

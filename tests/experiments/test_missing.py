import numpy as np
import pytest

from genvsdisc.experiments import Skip, get_experiment, run_experiment
from genvsdisc.experiments.missing import methods_for, remove_features
from genvsdisc.models import make


def test_remove_features_count_per_row():
    X = np.ones((50, 10))
    out = remove_features(X, 0.3, seed=0)
    assert (np.isnan(out).sum(axis=1) == 3).all() and not np.isnan(X).any()


def test_remove_features_keeps_one_and_is_seeded():
    X = np.ones((20, 4))
    out = remove_features(X, 0.99, seed=1)
    assert (np.isnan(out).sum(axis=1) == 3).all()
    np.testing.assert_array_equal(np.isnan(out), np.isnan(remove_features(X, 0.99, seed=1)))


def test_methods_per_family():
    assert methods_for("gaussian_nb") == ["integrate"]
    assert methods_for("hgb")[0] == "native"
    assert methods_for("logreg") == ["mean", "iterative"]


def test_missing_zero_fraction_is_plain_accuracy(iris_split, quick):
    train, test = iris_split
    out = run_experiment("missing", train, test, ["gaussian_nb", "logreg"], quick)
    acc = np.mean(make("gaussian_nb").fit(train.X, train.y).predict(test.X) == test.y)
    nb = next(r for r in out.rows if r["model"] == "gaussian_nb")
    assert nb["method"] == "integrate" and nb["mean"][0] == pytest.approx(acc)
    assert {r["method"] for r in out.rows if r["model"] == "logreg"} == {"mean", "iterative"}


def test_missing_skips_text(tiny_text, quick):
    with pytest.raises(Skip, match="text has no fixed feature columns"):
        run_experiment("missing", *tiny_text, ["multinomial_nb"], quick)


def test_one_fit_per_model_scores_every_mask_as_alone(iris_split, quick):
    """One task per model (fitted once), and its stacked predictions give, for every
    fraction and mask seed, the accuracy of that mask scored on its own."""
    from genvsdisc.experiments import get_experiment
    from genvsdisc.experiments.base import RunContext
    from genvsdisc.experiments.missing import scored_rows

    train, test = iris_split
    ctx = RunContext(train, test, ["lda", "logreg"], quick, (train, test))
    planned = get_experiment("missing").plan(ctx)
    assert sorted(k for k in planned if k != "impute") == ["hgb", "lda", "logreg"]
    out = run_experiment("missing", train, test, ["lda", "logreg"], quick)
    lda = next(r for r in out.rows if r["model"] == "lda")
    model = make("lda").fit(train.X, train.y)
    rows = scored_rows(test, quick)
    shape = (len(quick.missing_fractions), len(quick.grid_seeds))
    assert np.shape(lda["per_seed"]) == shape
    for i, f in enumerate(quick.missing_fractions):
        for j, s in enumerate(quick.grid_seeds):
            alone = model.predict(remove_features(test.X[rows], f, s)) == test.y[rows]
            assert lda["per_seed"][i][j] == pytest.approx(alone.mean())


def test_audio_methods_come_from_the_registry_entry():
    # audio_cnn and audio_diffusion fill a dropped frame in time; the cvae and the HMMs
    # integrate it out; the clip detectives summarise the frames that are there
    assert methods_for("audio_cnn") == methods_for("audio_diffusion") == ["interpolate"]
    assert methods_for("audio_cvae") == methods_for("gmm_hmm") == ["integrate"]
    assert methods_for("clip_logreg") == ["native"]


def test_missing_labels_an_interpolating_audio_model_so(quick):
    from genvsdisc.data import load, train_test_split
    from genvsdisc.models import get_spec
    from genvsdisc.report.plots import Style

    ds = load("spoken_digits")
    sub = ds.subset(np.concatenate([np.flatnonzero(ds.y == k)[:12] for k in range(2)]))
    sub.classes = sub.classes[:2]
    train, test = train_test_split(sub, test_size=0.5, random_state=0)
    out = run_experiment("missing", train, test, ["audio_cnn", "frame_gmm"], quick)
    methods = {r["model"]: (r["method"], r["label"]) for r in out.rows}
    assert methods["audio_cnn"] == (
        "interpolate",
        "audio_cnn (fills dropped frames by interpolation in time)",
    )
    assert methods["frame_gmm"][0] == "integrate"
    assert "fills dropped frames by interpolation in time" in get_experiment("missing").table(out)
    style = Style([{"name": m, "family": get_spec(m).family} for m in ("audio_cnn", "frame_gmm")])
    fig = get_experiment("missing").figure(out, style, [])
    legends = [t.get_text() for a in fig.axes if a.get_legend() for t in a.get_legend().texts]
    assert "interpolate" in legends and "integrate" in legends


def test_ar_hmm_says_it_restarts_after_a_dropped_frame_rather_than_integrating():
    assert methods_for("ar_hmm") == ["restart"]
    assert methods_for("gmm_hmm") == ["integrate"]  # the chain integrates a dropped frame out

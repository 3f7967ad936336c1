"""The playground's plain functions: split, fit, grids, missing x2, contours, caption."""

from __future__ import annotations

import copy
import threading

import numpy as np
import pytest

from genvsdisc.app import playground as pg
from genvsdisc.exceptions import ParameterError
from genvsdisc.experiments import evidence


@pytest.fixture(scope="module")
def blobs():
    data = pg.toy_points("blobs", 120, 0.8, n_classes=3, seed=1)
    return np.asarray(data["X"]), np.asarray(data["y"]), data["domain"]


@pytest.fixture(scope="module")
def fitted(blobs):
    X, y, _ = blobs
    return pg.fit_pair(X, y, "gaussian_nb", "logreg", seed=0)


def test_toy_points_domain_holds_points(blobs):
    X, y, (x0, x1, y0, y1) = blobs
    assert X.shape == (120, 2) and set(y) == {0, 1, 2}
    assert x0 < X[:, 0].min() and X[:, 0].max() < x1 and y0 < X[:, 1].min() and X[:, 1].max() < y1


def test_split_points_holds_out_thirty_percent_stratified():
    y = np.repeat([0, 1], [20, 10])
    train, test = pg.split_points(y, seed=0)
    assert len(test) == 9 and np.bincount(y[test]).tolist() == [6, 3]
    assert not set(train) & set(test)


def test_split_points_too_few_per_class_keeps_all_for_training():
    train, test = pg.split_points(np.array([0, 0, 0, 0, 1, 1, 1, 1]), seed=0)
    assert len(train) == 8 and len(test) == 0


def test_split_points_holds_out_only_from_classes_with_enough_points():
    y = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1])
    train, test = pg.split_points(y, seed=0)
    assert set(y[test]) == {1} and set(np.flatnonzero(y == 0)) <= set(train)


def test_playground_models_skip_count_models():
    names = pg.playground_models()
    gen = {m["name"] for m in names["generative"]}
    assert {"gaussian_nb", "lda", "qda", "gmm"} <= gen
    assert not gen & set(pg.SKIPPED)
    assert all(m["name"] not in ("cnn", "cvae") for fam in names.values() for m in fam)


def test_fit_pair_unknown_model_names_field(blobs):
    X, y, _ = blobs
    with pytest.raises(ParameterError, match="unknown discriminative model 'gmm'") as info:
        pg.fit_pair(X, y, "gmm", "gmm")
    assert info.value.field == "discriminative"


def test_fit_pair_one_class_names_y():
    with pytest.raises(ParameterError, match="at least 2 classes") as info:
        pg.fit_pair([[0, 0], [1, 1]], [2, 2], "gaussian_nb", "logreg")
    assert info.value.field == "y"


def test_fit_pair_model_failure_names_role():
    # linear_svm calibrates its scores by cross-validation: one point per class is too few
    with pytest.raises(ParameterError, match="model 'linear_svm' could not be fitted") as info:
        pg.fit_pair([[0, 0], [1, 1]], [0, 1], "gaussian_nb", "linear_svm")
    assert info.value.field == "discriminative"


def test_fit_view_all_points_in_one_spot_still_draws():
    # every point in one spot: Gaussian naive Bayes has zero variance, floored to stay finite
    fit = pg.fit_pair([[0, 0]] * 4, [0, 0, 1, 1], "gaussian_nb", "logreg")
    view = pg.fit_view(fit, "gaussian_nb", "logreg", domain=[-1, 1, -1, 1], grid_size=10)
    assert np.isfinite(view["generative"]["confidence"]).all()


def test_fit_view_unusable_probabilities_names_model(fitted):
    # A density that breaks down (variances forced to 0, e.g. a hand-edited model)
    # must give the one clear error, not NaN cells.
    broken = copy.deepcopy(fitted)
    broken.generative.var_ = np.zeros_like(broken.generative.var_)
    with pytest.raises(ParameterError, match="'gaussian_nb' gives no usable probabilities") as info:
        pg.fit_view(broken, "gaussian_nb", "logreg", grid_size=10)
    assert info.value.field == "generative"


def test_fit_view_grid_and_accuracy(fitted, blobs):
    view = pg.fit_view(fitted, "gaussian_nb", "logreg", domain=blobs[2], grid_size=30)
    for role in ("generative", "discriminative"):
        panel = view[role]
        assert len(panel["label"]) == 900 and set(panel["label"]) <= {0, 1, 2}
        assert 0 <= min(panel["confidence"]) and max(panel["confidence"]) <= 1
        assert panel["test_accuracy"] > 0.8
    assert len(view["test_index"]) == 36


def test_fit_view_density_contours_per_class_and_mass(fitted):
    view = pg.fit_view(fitted, "gaussian_nb", "logreg", grid_size=30)
    keys = {(c["class"], c["mass"]) for c in view["contours"] if c["lines"]}
    assert keys == {(k, m) for k in (0, 1, 2) for m in pg.CONTOUR_MASSES}


def _rows(panel, size):
    return np.asarray(panel["label"]).reshape(size, size)


def test_fit_view_hidden_x2_depends_on_x1_only(fitted):
    view = pg.fit_view(fitted, "gaussian_nb", "logreg", hide_x2=True, grid_size=20)
    for role in ("generative", "discriminative"):
        grid = _rows(view[role], 20)
        assert (grid == grid[0]).all(), f"{role} regions change with x2 while x2 is hidden"
    assert "integrates x₂ out" in view["caption"]


def test_hidden_x2_generative_equals_model_on_x1_alone(fitted):
    # naive Bayes factorises over features, so integrating x2 out must give the
    # same posterior as a naive Bayes trained on x1 alone
    from genvsdisc.models import make

    X, y = fitted.X[fitted.train], fitted.y[fitted.train]
    xs = np.linspace(-8, 8, 25)
    hidden = pg._proba(fitted, "generative", np.column_stack([xs, xs]), hide_x2=True)
    alone = make("gaussian_nb").fit(X[:, :1], y).predict_proba(xs[:, None])
    np.testing.assert_allclose(hidden, alone, rtol=1e-5, atol=1e-9)


def test_hidden_x2_discriminative_uses_training_mean(fitted):
    xs = np.linspace(-8, 8, 25)
    hidden = pg._proba(fitted, "discriminative", np.column_stack([xs, xs]), hide_x2=True)
    mean = fitted.X[fitted.train, 1].mean()
    direct = fitted.discriminative.predict_proba(np.column_stack([xs, np.full(25, mean)]))
    np.testing.assert_allclose(hidden, direct)


def test_generate_points_from_generative_model(fitted):
    out = pg.generate_points(fitted, 40, seed=2)
    assert np.asarray(out["X"]).shape == (40, 2) and set(out["y"]) <= {0, 1, 2}
    assert out == pg.generate_points(fitted, 40, seed=2)  # seeded


def test_ask_detective_relays_its_refusal(fitted):
    assert "cannot generate" in pg.ask_detective(fitted)["message"]


def _correct(n_right: int, n: int = 60) -> np.ndarray:
    """A seeded fake: ``n_right`` of ``n`` held-out points right, in random places."""
    out = np.zeros(n)
    out[np.random.default_rng(0).permutation(n)[:n_right]] = 1
    return out


def test_caption_clear_gap_names_the_leader_and_the_pair():
    gen, disc = np.ones(60), _correct(30)  # 100 % against 50 % on the same 60 points
    gap = evidence.paired_interval(gen, disc)
    pair = evidence.pairs_for(["gmm", "knn"])[0]
    text = pg.caption("gmm", "knn", 1.0, 0.5, gap=gap, pair=pair)
    assert "the artist is ahead" in text and "too close to call" not in text
    assert "gmm ↔ knn (both flexible: like with like)" in text and "interval" in text


def test_caption_gap_inside_noise_is_too_close_to_call():
    gen, disc = _correct(45), _correct(44)
    gap = evidence.paired_interval(gen, disc)
    assert gap["low"] < 0 < gap["high"]
    text = pg.caption("gmm", "knn", gen.mean(), disc.mean(), gap=gap)
    assert "too close to call" in text and "ahead" not in text and "wins" not in text


def test_caption_mismatched_pair_says_part_of_the_gap_is_flexibility():
    gap = evidence.paired_interval(np.ones(60), _correct(30))
    pair = evidence.pairs_for(["gmm", "logreg"])[0]
    text = pg.caption("gmm", "logreg", 1.0, 0.5, gap=gap, pair=pair)
    assert "mismatched" in text and "part of the gap is flexibility" in text


def test_fit_view_reports_the_pair(fitted):
    view = pg.fit_view(fitted, "gaussian_nb", "logreg", grid_size=10)
    assert view["pair"]["matched"] is False  # gaussian_nb: quadratic; logreg: linear
    assert "test_correct" not in view["generative"]


def test_caption_without_test_points_asks_for_more():
    assert "at least 5 points per class" in pg.caption("gmm", "logreg", None, None)


def test_caption_hidden_x2_reports_confidence():
    text = pg.caption("gmm", "logreg", 0.5, 0.5, hide_x2=True, x2_fill=1.5, confidence=(0.55, 0.9))
    assert "x₂ = 1.50" in text and "artist is 55 % sure" in text and "detective 90 %" in text


def test_fit_cache_keeps_most_recent():
    cache = pg.FitCache(size=2)
    for k in "abc":
        cache.put(k, k.upper())
    assert cache.get("a") is None and cache.get("c") == "C"


def test_lazy_builds_once_under_concurrency():
    from genvsdisc.app.labs import Lazy

    calls = []
    lazy = Lazy(lambda: calls.append(1) or len(calls))
    threads = [threading.Thread(target=lazy.get) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [1] and lazy.get() == 1 and lazy.ready


def test_fit_view_paints_like_the_report(fitted):
    # the playground's panels are the report's painting (regions.paint_fitted), cell by cell
    from genvsdisc.experiments.regions import paint_fitted

    view = pg.fit_view(fitted, "gaussian_nb", "logreg", grid_size=12)
    xs = np.linspace(view["domain"][0], view["domain"][1], 12)
    ys = np.linspace(view["domain"][2], view["domain"][3], 12)
    for role, model in (
        ("generative", fitted.generative),
        ("discriminative", fitted.discriminative),
    ):
        painted = paint_fitted(model, xs, ys)
        assert view[role]["label"] == painted["label"].ravel().tolist()
        np.testing.assert_allclose(
            view[role]["confidence"], painted["confidence"].ravel(), atol=5e-4
        )
        assert view[role]["n_classes"] == 3


def test_the_detective_refusal_uses_the_page_names_and_artists(fitted):
    said = pg.ask_detective(fitted)["message"]
    offered = [m["name"] for m in pg.playground_models()["generative"]]
    assert said.startswith("logreg is discriminative") and "LogReg" not in said
    named = said.split("instead: ")[1].rstrip(".").split(", ")
    assert named == offered and "multinomial_nb" not in said and "p(y|x)" in said


def test_the_image_lab_refusal_offers_only_its_artists(tiny_labs):
    from genvsdisc.app.wording import page_refusal

    said = page_refusal("knn", tiny_labs.image_models)
    assert said.startswith("knn is discriminative") and said.endswith("instead: gaussian_nb.")

"""sample_weight and class priors on the PyTorch models (cnn, cvae, diffusion, transformer_lm).

Minibatch training cannot make integer weights equal repeated rows bit for
bit (see tests/models/test_estimator_checks.py), so these tests check what
holds exactly -- a zero weight drops the row, equal weights train as no
weights, the weighted loss is the repeated rows' loss -- and that a weight
moves the fit the way it should. ``priors`` (the generative ones) is
spelled and checked as in scikit-learn's ``GaussianNB`` and used where p(y)
enters: Bayes' rule and ``sample(y=None)``.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.calibration import CalibratedClassifierCV
from sklearn.datasets import load_digits

from genvsdisc.exceptions import ParameterError
from genvsdisc.models import make
from genvsdisc.models.torch import load_model, save_model
from genvsdisc.models.torch._weights import loss_weights, weighted_mean

TINY = {
    "cnn": {"epochs": 2, "channels": 4, "hidden": 16, "batch_size": 32},
    "cvae": {"epochs": 2, "hidden": 16, "latent_dim": 2, "n_importance": 4},
    "diffusion": {"epochs": 2, "hidden": 16, "n_blocks": 1, "sample_steps": 4, "n_trials": 2},
    "transformer_lm": {
        **{"epochs": 3, "batch_size": 8, "n_embd": 16, "n_head": 2, "n_layer": 1},
        **{"block_size": 12, "min_count": 1},
    },
}
GENERATIVE = ["cvae", "diffusion", "transformer_lm"]
#: Two kinds of sport text under one label, so weights can favour one kind within the class.
SENTENCES = {
    ("sport", "a"): "the team won the match and the coach praised the players after the goal",
    ("sport", "b"): "a runner set a record in the final race of the long season",
    ("business", "a"): "the firm said shares rose as profits grew and the market rallied",
}


def _docs(n_per_kind=10, seed=0):
    """Documents, their labels and their kind ("a" / "b"), each (n,)."""
    rng = np.random.default_rng(seed)
    docs, labels, kinds = [], [], []
    for (label, kind), sentence in SENTENCES.items():
        words = sentence.split()
        for _ in range(n_per_kind):
            start = rng.integers(0, 4)
            docs.append(" ".join(words[start : start + rng.integers(5, 9)]))
            labels.append(label)
            kinds.append(kind)
    return np.asarray(docs, dtype=object), np.asarray(labels), np.asarray(kinds)


@pytest.fixture(scope="module")
def digits():
    """200 digits 0-3 (8x8, pixels in [0, 1]) and their labels."""
    X, y = load_digits(return_X_y=True)
    keep = np.flatnonzero(y < 4)[:200]
    return X[keep] / 16.0, y[keep]


def _data(name, digits):
    """(X_train, y_train, X_score) for the model ``name``: 160 digits or 30 documents."""
    if name == "transformer_lm":
        X, y, _ = _docs()
        return X, y, X
    X, y = digits
    return X[:160], y[:160], X[160:]


def _output(model, X):
    """Every output that training decides: p(y|x), or the joint log-likelihood."""
    if model.family == "discriminative":
        return model.predict_proba(X)
    return model.predict_joint_log_proba(X)


@pytest.mark.parametrize("name", list(TINY))
def test_zero_weight_equals_dropping_the_row_exactly(digits, name):
    X, y, X_score = _data(name, digits)
    w = np.random.RandomState(0).choice([0.0, 1.0, 2.5, 3.0], size=len(y))
    w[[0, -1]] = 1.0  # every class keeps weight
    kept = w > 0
    weighted = make(name, **TINY[name]).fit(X, y, sample_weight=w)
    dropped = make(name, **TINY[name]).fit(X[kept], y[kept], sample_weight=w[kept])
    np.testing.assert_array_equal(_output(weighted, X_score), _output(dropped, X_score))
    state, state_dropped = weighted.module_.state_dict(), dropped.module_.state_dict()
    assert all(torch.equal(state[key], state_dropped[key]) for key in state)
    if name != "cnn":
        np.testing.assert_array_equal(weighted.class_count_, dropped.class_count_)
        y_idx = np.unique(y, return_inverse=True)[1]
        np.testing.assert_allclose(weighted.class_count_, np.bincount(y_idx, w))


@pytest.mark.parametrize("name", list(TINY))
def test_equal_weights_train_exactly_as_no_weights(digits, name):
    X, y, X_score = _data(name, digits)
    plain = make(name, **TINY[name]).fit(X, y)
    ones = make(name, **TINY[name]).fit(X, y, sample_weight=np.ones(len(y)))
    np.testing.assert_array_equal(_output(ones, X_score), _output(plain, X_score))


def test_weighted_loss_equals_the_repeated_rows_loss():
    """The loss factors make a full batch's loss the mean loss over the repeated rows."""
    rng = np.random.RandomState(0)
    losses, w = rng.uniform(0, 5, size=12), rng.randint(1, 5, size=12).astype(float)
    weighted = weighted_mean(torch.as_tensor(losses), loss_weights(w).double()).item()
    assert weighted == pytest.approx(np.repeat(losses, w.astype(int)).mean(), rel=1e-6)
    # cvae's factors are relative to each class: each class's VAE sees its own rows' mean.
    groups = np.repeat([0, 1], 6)
    factors = loss_weights(w, groups=groups).double().numpy()
    for g in (0, 1):
        rows = groups == g
        expected = np.repeat(losses[rows], w[rows].astype(int)).mean()
        assert np.mean(losses[rows] * factors[rows]) == pytest.approx(expected, rel=1e-6)
    assert loss_weights(np.full(5, 3.0)) is None  # equal weights: the unweighted loss


def test_cnn_weighted_batch_loss_equals_the_repeated_rows_loss(digits):
    """cnn's own loss on a full batch, without augmentation and with BatchNorm's running
    statistics (in training mode BatchNorm counts rows, not weights)."""
    X, y = digits
    X, y = X[:24], y[:24]
    w = np.random.RandomState(1).randint(1, 5, size=len(y)).astype(float)
    model = make("cnn", **{**TINY["cnn"], "augment": 0.0}).fit(X, y)
    net, cfg = model.module_.eval(), model._config()
    images = torch.as_tensor(X, dtype=torch.float32).view(-1, 1, 8, 8)
    targets = torch.as_tensor(np.unique(y, return_inverse=True)[1])
    weighted = model._batch_loss(
        net, cfg, (images, targets, loss_weights(w)), torch.arange(24), None
    )
    rows = torch.as_tensor(np.repeat(np.arange(24), w.astype(int)))
    repeated = model._batch_loss(net, cfg, (images, targets, None), rows, None)
    assert weighted.item() == pytest.approx(repeated.item(), rel=1e-5)


def test_cnn_weight_moves_predictions_toward_the_weighted_class(digits):
    X, y, X_score = _data("cnn", digits)
    plain = make("cnn", **TINY["cnn"]).fit(X, y)
    weighted = make("cnn", **TINY["cnn"]).fit(X, y, sample_weight=np.where(y == 3, 8.0, 1.0))
    assert weighted.predict_proba(X_score)[:, 3].mean() > plain.predict_proba(X_score)[:, 3].mean()


@pytest.mark.parametrize("name", GENERATIVE)
def test_weight_moves_a_class_density_toward_its_heavier_rows(digits, name):
    """One class holds two kinds of rows; weighting one kind up and the other down
    raises the class's likelihood of the first kind against the second."""
    if name == "transformer_lm":
        X, y, kinds = _docs()
        heavy, light = (y == "sport") & (kinds == "a"), (y == "sport") & (kinds == "b")
    else:
        X, digit = digits
        X, digit = X[:160], digit[:160]
        y = np.where(digit < 2, "low", "high")  # "low" holds zeros and ones
        heavy, light = digit == 0, digit == 1
    w = np.where(heavy, 10.0, np.where(light, 0.1, 1.0))
    k = list(np.unique(y)).index(y[heavy][0])

    def gap(model):  # mean log p(x | y=k) of the heavy rows minus that of the light rows
        log_lik = model.predict_joint_log_proba(X)[:, k] - model.class_log_prior_[k]
        return log_lik[heavy].mean() - log_lik[light].mean()

    plain = make(name, **TINY[name]).fit(X, y)
    weighted = make(name, **TINY[name]).fit(X, y, sample_weight=w)
    assert gap(weighted) > gap(plain)
    np.testing.assert_allclose(weighted.class_count_[k], w[y == y[heavy][0]].sum())


def test_calibrated_cnn_passes_its_weights_on_without_a_warning(digits):
    """CalibratedClassifierCV warns when the model drops the weights; warnings are errors."""
    X, y, _ = _data("cnn", digits)
    w = np.random.RandomState(0).uniform(0.5, 2.0, size=len(y))
    params = {**TINY["cnn"], "epochs": 1}
    calibrated = CalibratedClassifierCV(make("cnn", **params), cv=2).fit(X, y, sample_weight=w)
    assert calibrated.predict_proba(X[:5]).shape == (5, 4)


@pytest.mark.parametrize("name", list(TINY))
def test_bad_weights_are_refused_with_scikit_learn_messages(digits, name):
    X, y, _ = _data(name, digits)
    model = make(name, **TINY[name])
    with pytest.raises(ParameterError, match="Sample weights must contain at least one non-zero"):
        model.fit(X, y, sample_weight=np.zeros(len(y)))
    with pytest.raises(ParameterError, match="Negative values in data passed to `sample_weight`"):
        model.fit(X, y, sample_weight=np.r_[-1.0, np.ones(len(y) - 1)])
    with pytest.raises(ParameterError, match=r"sample_weight.shape == \(3,\), expected"):
        model.fit(X, y, sample_weight=np.ones(3))


@pytest.mark.parametrize("name", list(TINY))
def test_class_whose_rows_all_weigh_zero_is_refused(digits, name):
    X, y, _ = _data(name, digits)
    w = np.where(y == y[0], 0.0, 1.0)
    with pytest.raises(ParameterError, match=rf"class .*{y[0]}.* has a total sample_weight of 0"):
        make(name, **TINY[name]).fit(X, y, sample_weight=w)


# ------------------------------------------------------------------ priors
@pytest.fixture(scope="module")
def plain(digits):
    """Each generative torch model fitted once without priors."""
    return {name: make(name, **TINY[name]).fit(*_data(name, digits)[:2]) for name in GENERATIVE}


def _priors(n_classes):
    """A prior far from the class shares, with one class at 0."""
    p = np.arange(n_classes, dtype=float)
    return p / p.sum()


@pytest.mark.parametrize("name", GENERATIVE)
def test_priors_replace_the_class_shares_in_bayes_rule(digits, plain, name):
    X, y, X_score = _data(name, digits)
    priors = _priors(len(plain[name].classes_))
    model = make(name, **TINY[name], priors=priors).fit(X, y)
    np.testing.assert_allclose(model.class_prior_, priors)
    np.testing.assert_allclose(model.class_count_, plain[name].class_count_)
    # Training does not read the priors: only log p(y) in the joint changes.
    with np.errstate(divide="ignore"):
        shift = np.log(priors) - plain[name].class_log_prior_
    jll, jll_plain = (
        model.predict_joint_log_proba(X_score),
        plain[name].predict_joint_log_proba(X_score),
    )
    np.testing.assert_allclose(jll[:, 1:], (jll_plain + shift)[:, 1:], rtol=1e-12)
    assert np.isneginf(jll[:, 0]).all()
    assert (model.predict(X_score) != model.classes_[0]).all()  # prior 0: never predicted


@pytest.mark.parametrize("name", GENERATIVE)
def test_sample_without_a_class_draws_classes_from_the_priors(digits, name):
    X, y, _ = _data(name, digits)
    n_classes = len(np.unique(y))
    priors = np.eye(n_classes)[1]  # every draw from the second class
    model = make(name, **TINY[name], priors=priors).fit(X, y)
    options = {"max_words": 3} if name == "transformer_lm" else {}
    _, labels = model.sample(6, random_state=0, **options)
    assert list(labels) == [model.classes_[1]] * 6


@pytest.mark.parametrize("name", GENERATIVE)
@pytest.mark.parametrize(
    ("kind", "match"),
    [
        ("one", r"Number of priors must match number of classes: priors has 1 values"),
        ("unnormalised", r"The sum of the priors should be 1; priors sums to 2"),
        ("negative", r"Priors must be non-negative; priors holds -0.5"),
        ("word", r"'priors' parameter of \w+ must be an array-like or None. Got 'even'"),
    ],
)
def test_bad_priors_are_refused_with_scikit_learn_messages(digits, name, kind, match):
    X, y, _ = _data(name, digits)
    K = len(np.unique(y))
    priors = {
        "one": [1.0],
        "unnormalised": np.full(K, 2.0 / K),
        "negative": np.r_[-0.5, np.full(K - 1, 1.5 / (K - 1))],
        "word": "even",
    }[kind]
    with pytest.raises(ParameterError, match=match) as err:
        make(name, **TINY[name], priors=priors).fit(X, y)
    assert "\n" not in str(err.value)


def test_saved_cvae_keeps_its_priors_and_weighted_counts(digits, tmp_path):
    X, y, X_score = _data("cvae", digits)
    w = np.random.RandomState(0).uniform(0.5, 2.0, size=len(y))
    model = make("cvae", **TINY["cvae"], priors=[0.1, 0.2, 0.3, 0.4]).fit(X, y, sample_weight=w)
    back = load_model(save_model(model, tmp_path / "cvae.safetensors"))
    np.testing.assert_allclose(back.class_prior_, [0.1, 0.2, 0.3, 0.4])
    np.testing.assert_allclose(back.class_count_, model.class_count_)
    assert list(back.get_params()["priors"]) == [0.1, 0.2, 0.3, 0.4]
    np.testing.assert_allclose(
        back.predict_joint_log_proba(X_score), model.predict_joint_log_proba(X_score)
    )

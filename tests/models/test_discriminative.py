"""The detectives: logreg, linear_svm, mlp, hgb and knn around scikit-learn."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_blobs
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from genvsdisc.exceptions import (
    CannotGenerateError,
    DataError,
    MissingValuesError,
    ParameterError,
)
from genvsdisc.models import available, make
from genvsdisc.models.discriminative.boosting import HGB
from genvsdisc.models.discriminative.linear import LinearSVM, LogReg
from genvsdisc.models.discriminative.neighbors import KNN

FAST = {
    "logreg": {"Cs": (0.1, 1.0, 10.0)},
    "mlp": {"hidden_layer_sizes": (8,), "max_iter": 2000},
    "hgb": {"max_iter": 20},
}
# audio detectives read rows as frame sequences: tests/models/test_audio_models.py
DISCRIMINATIVE = [
    s.name for s in available(family="discriminative", deep=False) if "audio" not in s.modalities
]
TOPICS = {
    "sport": "match goal team player season coach league win score cup",
    "tech": "software phone computer chip internet users data network app code",
}


def _model(name, **params):
    return make(name, **{**FAST.get(name, {}), **params})


@pytest.fixture
def blobs():
    """Three well separated classes in 4-D, 90 rows."""
    X, y = make_blobs(n_samples=90, centers=3, n_features=4, cluster_std=1.0, random_state=0)
    return X, y


def _docs(n_per_topic, seed, extra=""):
    rng = np.random.default_rng(seed)
    docs, labels = [], []
    for label, words in TOPICS.items():
        vocab = words.split()
        for _ in range(n_per_topic):
            docs.append(" ".join(rng.choice(vocab, size=12)) + extra)
            labels.append(label)
    return docs, np.array(labels)


# ----------------------------------------------------------------- contract
@pytest.mark.parametrize("name", DISCRIMINATIVE)
def test_fit_predict_separable_blobs(name, blobs):
    X, y = blobs
    model = _model(name).fit(X, y)
    proba = model.predict_proba(X)
    assert proba.shape == (90, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(model.predict(X), model.classes_[proba.argmax(axis=1)])
    assert model.score(X, y) > 0.95
    assert model.family == "discriminative"


@pytest.mark.parametrize("name", DISCRIMINATIVE)
def test_sample_raises_cannot_generate(name, blobs):
    model = _model(name).fit(*blobs)
    with pytest.raises(CannotGenerateError, match=r"learned p\(y\|x\) only.*gaussian_nb") as err:
        model.sample(5, y=0)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("name", [n for n in DISCRIMINATIVE if n != "hgb"])
def test_nan_rejected_in_fit_and_predict(name, blobs):
    X, y = blobs
    X_nan = X.copy()
    X_nan[3, 1] = np.nan
    match = r"X contains NaN, and \w+ cannot handle missing features"
    with pytest.raises(MissingValuesError, match=match) as err:
        _model(name).fit(X_nan, y)
    assert "\n" not in str(err.value)
    model = _model(name).fit(X, y)
    with pytest.raises(MissingValuesError, match=match):
        model.predict(X_nan)
    assert model.handles_missing is False


def test_inf_rejected(blobs):
    X, y = blobs
    X = X.copy()
    X[0, 0] = np.inf
    with pytest.raises(ParameterError, match="X contains inf"):
        _model("knn").fit(X, y)


def test_hgb_handles_nan_natively(blobs):
    X, y = blobs
    X_nan = X.copy()
    X_nan[::5, 0] = np.nan
    model = HGB(max_iter=20).fit(X_nan, y)
    assert HGB.handles_missing is True
    assert model.score(X_nan, y) > 0.9
    assert model.__sklearn_tags__().input_tags.allow_nan


@pytest.mark.parametrize(
    ("name", "reference"),
    [
        ("logreg", LogisticRegression(C=0.5, max_iter=1000)),
        ("knn", KNeighborsClassifier()),
        ("hgb", HistGradientBoostingClassifier(max_iter=20, random_state=0)),
    ],
)
def test_same_probabilities_as_plain_sklearn(name, reference, blobs):
    X, y = blobs
    params = {"logreg": {"C": 0.5, "standardize": False}, "hgb": {"max_iter": 20}}
    ours = _model(name, **params.get(name, {})).fit(X, y)
    np.testing.assert_allclose(
        ours.predict_proba(X), reference.fit(X, y).predict_proba(X), rtol=1e-6, atol=1e-8
    )


def test_works_in_pipeline_and_grid_search(blobs):
    pipe = make_pipeline(FunctionTransformer(), LogReg(standardize=False))
    search = GridSearchCV(pipe, {"logreg__C": [0.1, 1.0]}, cv=3).fit(*blobs)
    assert search.best_params_["logreg__C"] in (0.1, 1.0)


# ------------------------------------------------------------ standardising
def test_standardize_auto_skips_unit_range_features(blobs):
    X, y = blobs
    pixels = (X - X.min()) / (X.max() - X.min())
    assert LogReg(C=1.0).fit(pixels, y).scaler_ is None
    assert LogReg(C=1.0).fit(X, y).scaler_ is not None
    assert LogReg(C=1.0, standardize=True).fit(pixels, y).scaler_ is not None


def test_standardize_rejects_bad_value(blobs):
    with pytest.raises(
        ParameterError, match="'standardize' parameter of MLP must be an instance of 'bool'"
    ):
        _model("mlp", standardize="yes").fit(*blobs)


# ------------------------------------------------------------------- logreg
def test_logreg_chooses_C_by_cross_validation(blobs):
    model = LogReg(Cs=(0.01, 1.0, 100.0)).fit(*blobs)
    assert model.C_ in (0.01, 1.0, 100.0)
    assert LogReg(C=0.3).fit(*blobs).C_ == 0.3


def test_logreg_one_row_per_class_uses_default_C():
    X = np.array([[0.0, 0.0], [5.0, 5.0]])
    model = LogReg().fit(X, [0, 1])
    assert model.C_ == 1.0
    np.testing.assert_array_equal(model.predict(X), [0, 1])


def test_cv_must_be_an_integer_of_two_or_more(blobs):
    with pytest.raises(
        ParameterError, match=r"'cv' parameter of LogReg must be an int in the range \[2, inf\)"
    ):
        LogReg(cv=1).fit(*blobs)


def test_path_max_rows_must_be_two_or_more_or_none(blobs):
    with pytest.raises(
        ParameterError,
        match=r"'path_max_rows' parameter of LogReg must be an int in the range \[2, inf\) or None",
    ):
        LogReg(path_max_rows=1).fit(*blobs)


# --------------------------------------------------------------- linear_svm
def test_linear_svm_needs_two_rows_per_class():
    X = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0]])
    with pytest.raises(DataError, match="linear_svm needs at least 2 training rows per class"):
        LinearSVM().fit(X, ["a", "a", "b"])


def test_linear_svm_class_weight_reaches_probabilities(blobs):
    X, y = blobs
    plain = LinearSVM().fit(X, y).predict_proba(X)[:, 0].mean()
    heavy = LinearSVM(class_weight={0: 100.0, 1: 1.0, 2: 1.0}).fit(X, y)
    assert heavy.predict_proba(X)[:, 0].mean() > plain


# ---------------------------------------------------------------------- knn
def test_knn_caps_neighbors_at_training_rows():
    model = KNN(n_neighbors=5).fit([[0.0], [1.0], [10.0]], [0, 0, 1])
    assert model.n_neighbors_ == 3
    assert model.predict([[0.5]]).tolist() == [0]


# --------------------------------------------------------------------- text
@pytest.mark.parametrize("name", ["logreg", "linear_svm"])
def test_raw_text_fit_and_predict(name):
    docs, y = _docs(15, seed=0)
    model = _model(name).fit(docs, y)
    test_docs, y_test = _docs(5, seed=1)
    assert model.score(test_docs, y_test) == 1.0
    assert sp.issparse(model.vectorizer_.transform(test_docs))


def test_text_vocabulary_comes_from_training_text_only():
    docs, y = _docs(10, seed=0)
    model = LogReg(C=1.0).fit(docs, y)
    model.predict(_docs(2, seed=1, extra=" zebra")[0])
    assert "zebra" not in model.vectorizer_.vocabulary_


def test_raw_text_after_numeric_fit_raises(blobs):
    model = LogReg(C=1.0).fit(*blobs)
    with pytest.raises(ParameterError, match="LogReg was fitted on numeric features; got raw text"):
        model.predict(["some words"])


@pytest.mark.parametrize("name", ["mlp", "hgb", "knn"])
def test_raw_text_to_vector_only_model_raises(name):
    docs, y = _docs(5, seed=0)
    with pytest.raises(DataError, match=r"takes numeric features, got raw text.*logreg"):
        _model(name).fit(docs, y)


def test_sparse_input_is_not_densified():
    """400 x 100,001 sparse rows: densified they would take 320 MB."""
    n, d = 400, 100_000
    y = np.repeat([0, 1], n // 2)
    noise = sp.random(n, d, density=5 / d, format="csr", random_state=0)
    X = sp.hstack([sp.csr_matrix(y[:, None] * 1.0), noise], format="csr")  # column 0 = label
    tracemalloc.start()
    model = LogReg(C=1.0).fit(X, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert model.scaler_ is None
    assert peak < 100e6
    assert model.score(X, y) == 1.0

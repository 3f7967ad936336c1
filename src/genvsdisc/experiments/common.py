"""What every experiment shares: settings, model set-up and metrics.

An experiment's tasks are plain, picklable function calls
``fn(train, test, **kwargs) -> dict`` (see :mod:`genvsdisc.experiments.base`).
Each task derives every random choice from the seed it is given, so the same
seed gives the same numbers on every engine.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field, replace

import numpy as np

from genvsdisc.data import train_test_split
from genvsdisc.data.dataset import Dataset
from genvsdisc.exceptions import ParameterError
from genvsdisc.models import get_spec, make
from genvsdisc.preprocessing.augment import Augmented

__all__ = [
    "Settings",
    "make_model",
    "augmented",
    "unwrapped",
    "model_spec",
    "timed",
    "tuned_params",
    "expected_calibration_error",
    "reliability_bins",
    "stratified_order",
    "per_class_subset",
    "mean_std",
    "resplit",
    "vector_data",
]


#: Feature count above which a data set counts as large (mnist5k: 784): full-covariance
#: Gaussians then cost O(d^3) per missing pattern and per EM step, so the costly grids
#: shrink (fewer seeds, rows and EM steps) to keep ``compare`` within minutes on 2 cores.
LARGE_FEATURES = 256


@dataclass(frozen=True)
class Settings:
    """The grid of one comparison run (every field ends up in ``results.json``).

    Attributes
    ----------
    seeds : tuple of int
        One repetition per seed: learning-curve orders, label draws, masks.
    costly_seeds : int
        The missing-features and unlabeled-data grids repeat over the first
        ``costly_seeds`` seeds only (each repetition refits EM or imputes).
    split_seed : int
        Seed of the stratified train/test split; repetition ``i`` of a grid
        re-splits the pooled rows with ``split_seed + i`` (see :func:`resplit`).
    n_splits : int
        Stratified train/test splits the accuracy figures are repeated over
        (the split seed varies, not only the model seed); the learning curve
        uses one split per seed.
    test_size : float
        Share of rows held out for testing.
    n_sizes : int
        Learning-curve points, log-spaced from 2 rows per class to the full pool.
    missing_fractions : tuple of float
        Shares of test features removed in the missing-features experiment.
    missing_max_rows : int
        Test rows scored in the missing-features experiment (a stratified
        subsample, the same for every model; integrating features out costs per row).
    iterative_impute : bool
        Add scikit-learn's ``IterativeImputer`` to mean imputation for the
        discriminative models (off only for ``--quick`` on wide data: one
        regression per feature).
    labels_per_class : tuple of int
        k labeled rows per class in the unlabeled-data experiment.
    unlabeled_max_pool : int
        Unlabeled rows offered to EM / self-training (a seeded subsample of the rest).
    em_max_iter : int or None
        EM iterations allowed in the unlabeled-data experiment to models whose M-step
        is itself iterative (mixtures); None: the model's own limit. Models with
        closed-form M-steps (naive Bayes, i.e. with ``partial_fit``) always use their own.
    n_generate : int
        Samples drawn per class for the judge, CAS and memorisation check.
    max_train, max_test : int or None
        Stratified subsample of the train / test side (``--quick``); None keeps all.
    quick : bool
        The ``--quick`` grid (fewer seeds, sizes and fractions).
    model_params : dict
        ``{model name: {param: value}}`` passed to :func:`genvsdisc.models.make`.
    augment : (height, width) or None
        Image shape of a run with ``--preprocess ...,augment`` (``compare`` sets it
        from the Dataset): every model it builds is wrapped in
        :class:`~genvsdisc.preprocessing.Augmented`, so each training fit sees the
        one-pixel shifts and +-10 degree rotations of its rows. None: no augmentation.
    """

    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)
    costly_seeds: int = 3
    split_seed: int = 0
    n_splits: int = 5
    test_size: float = 0.3
    n_sizes: int = 8
    missing_fractions: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 0.9)
    missing_max_rows: int = 300
    iterative_impute: bool = True
    labels_per_class: tuple[int, ...] = (1, 3, 10)
    unlabeled_max_pool: int = 1500
    em_max_iter: int | None = 10
    n_generate: int = 100
    max_train: int | None = None
    max_test: int | None = None
    quick: bool = False
    model_params: dict = field(default_factory=dict)
    augment: tuple[int, int] | None = None

    @classmethod
    def default(
        cls,
        *,
        quick: bool = False,
        n_seeds: int | None = None,
        n_features: int | None = None,
        **overrides,
    ):
        """The default grid, the ``--quick`` one, and smaller costly grids for large data.

        Parameters
        ----------
        quick : bool
        n_seeds : int, optional
            ``--seeds``: repetitions of every grid (the costly ones included).
        n_features : int, optional
            Feature count of the data; above :data:`LARGE_FEATURES` every grid
            uses fewer seeds, and the missing-features and unlabeled-data grids
            fewer rows.
        **overrides
            Any field.
        """
        base = cls()
        large = n_features is not None and n_features > LARGE_FEATURES
        if large:
            base = replace(
                base,
                seeds=(0, 1, 2),
                costly_seeds=2,
                missing_max_rows=60,
                unlabeled_max_pool=600,
                labels_per_class=(1, 10),
            )
        if quick:
            base = replace(
                base,
                seeds=(0, 1),
                costly_seeds=1,
                n_sizes=5,
                n_splits=3,
                missing_fractions=(0.0, 0.5, 0.9),
                labels_per_class=(1, 5),
                missing_max_rows=150,
                unlabeled_max_pool=400,
                em_max_iter=5,
                n_generate=30,
                max_train=600,
                max_test=300,
                quick=True,
            )
            if large:
                base = replace(
                    base,
                    seeds=(0,),
                    n_sizes=4,
                    missing_max_rows=30,
                    iterative_impute=False,
                    unlabeled_max_pool=150,
                    labels_per_class=(1,),
                    max_train=300,
                    max_test=200,
                )
        if n_seeds is not None:
            if n_seeds < 1:
                raise ParameterError(f"--seeds must be a positive integer; got {n_seeds}")
            base = replace(base, seeds=tuple(range(n_seeds)), costly_seeds=n_seeds)
        return replace(base, **overrides)

    @property
    def grid_seeds(self) -> tuple[int, ...]:
        """The seeds of the costly grids (missing features, unlabeled data)."""
        return self.seeds[: max(1, self.costly_seeds)]

    def to_dict(self) -> dict:
        return asdict(self)


# ---------------------------------------------------------------- models
def model_spec(name: str):
    """The registry entry of ``name`` (raises UnknownNameError listing valid names)."""
    return get_spec(name)


def make_model(name: str, seed: int, settings: Settings | None = None, **params):
    """A fresh estimator ``name`` whose randomness (if any) is fixed by ``seed``.

    Parameters from ``settings.model_params[name]`` come first, ``params`` last.
    With ``settings.augment`` set, the model comes wrapped in
    :class:`~genvsdisc.preprocessing.Augmented` (see :func:`augmented`).
    """
    merged = dict((settings.model_params if settings else {}).get(name, {}))
    merged.update(params)
    model = make(name, **merged)
    if "random_state" in model.get_params(deep=False) and "random_state" not in merged:
        model.set_params(random_state=int(seed))
    return augmented(model, settings)


def augmented(model, settings: Settings | None):
    """``model`` wrapped in :class:`~genvsdisc.preprocessing.Augmented` when the run
    augments (``settings.augment``), else ``model`` itself.

    Every row a fit is given gets its copies, unlabeled rows (label -1) included:
    EM then sees the same share of labeled rows as without augmentation, and a
    shifted unlabeled digit is as good an unlabeled digit. Self-training fits on
    labeled and pseudo-labeled rows only, so only those are augmented there.
    """
    if settings is None or settings.augment is None:
        return model
    return Augmented(model, image_shape=tuple(int(v) for v in settings.augment))


def unwrapped(est):
    """The model inside an :class:`~genvsdisc.preprocessing.Augmented` wrapper (its
    fitted clone once fitted), or ``est`` itself: where its own parameters live."""
    if isinstance(est, Augmented):
        return getattr(est, "estimator_", est.estimator)
    return est


def tuned_params(est) -> dict:
    """Hyper-parameters the fitted ``est`` chose by itself, as constructor values.

    A parameter left to the model (None or ``"auto"``) whose choice the model
    records in a fitted attribute of the same name plus ``_`` (``C`` -> ``C_``,
    ``n_components`` -> ``n_components_``, ``bandwidth`` -> ``bandwidth_``).
    ``compare`` fixes these after the first fit on the whole training side, so
    the grid experiments do not repeat a cross-validated search at every point.
    An augmented model reports what the model inside chose.
    """
    est = unwrapped(est)
    out = {}
    for name, value in est.get_params(deep=False).items():
        if value is None or (isinstance(value, str) and value in ("auto", "bic")):
            chosen = getattr(est, f"{name}_", None)
            if isinstance(chosen, (bool, np.bool_)):
                out[name] = bool(chosen)
            elif isinstance(chosen, (int, np.integer)):
                out[name] = int(chosen)
            elif isinstance(chosen, (float, np.floating)):
                out[name] = float(chosen)
    return out


class timed:
    """Context manager measuring wall-clock seconds in ``.seconds``."""

    def __enter__(self):
        self._t0 = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self._t0
        return False


# ---------------------------------------------------------------- data
def vector_data(ds: Dataset) -> bool:
    """True for tabular and image data (numeric arrays), False for raw text."""
    return ds.modality != "text"


def stratified_order(y: np.ndarray, n_classes: int, seed: int) -> np.ndarray:
    """A shuffled order of rows whose first rows hold one example of every class.

    Learning curves grow along this order, so even the smallest prefix shows
    every class present in ``y``.

    Returns
    -------
    order : ndarray (n,) of int, a permutation of ``range(len(y))``
    """
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(y))
    first = [order[np.flatnonzero(y[order] == k)[0]] for k in range(n_classes) if np.any(y == k)]
    rest = order[~np.isin(order, first)]
    return np.concatenate([np.asarray(first, dtype=int), rest])


def per_class_subset(y: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Indices of ``k`` random rows per class (fewer where a class has fewer), sorted."""
    rng = np.random.default_rng(seed)
    picked = []
    for c in np.unique(y):
        rows = np.flatnonzero(y == c)
        picked.append(rng.choice(rows, size=min(k, len(rows)), replace=False))
    return np.sort(np.concatenate(picked))


def mean_std(values) -> tuple[float, float]:
    """Mean and standard error of the mean (ddof=1) of a list of numbers.

    The standard error is NaN for fewer than two numbers: one repetition says
    nothing about the spread (the report prints it as "n/a", never "± 0.0").
    """
    arr = np.asarray(values, dtype=float)
    if len(arr) < 2:
        return float(np.mean(arr)) if len(arr) else float("nan"), float("nan")
    return float(np.mean(arr)), float(np.std(arr, ddof=1) / np.sqrt(len(arr)))


def resplit(train: Dataset, test: Dataset, split: int, settings: Settings):
    """Split ``split`` of the pooled rows: 0 is ``(train, test)`` as given, ``i > 0`` a
    new stratified split with seed ``settings.split_seed + i`` and the same test size.

    Tasks call it on the run's one prepared split, so repeating a figure over
    splits costs no extra data transfer to the workers.

    Returns
    -------
    train, test : Dataset
    """
    if split == 0:
        return train, test
    pooled = train.pooled(test)  # waveforms, groups and row facts pooled with the rows
    return train_test_split(
        pooled, test_size=test.n_samples, random_state=settings.split_seed + split
    )


# ---------------------------------------------------------------- metrics
def reliability_bins(proba: np.ndarray, y: np.ndarray, n_bins: int = 10) -> dict:
    """Confidence against accuracy in equal-width bins of the top-class probability.

    Written here because scikit-learn's ``calibration_curve`` covers the binary
    case only; this is the multiclass top-label version (Guo et al. 2017).

    Parameters
    ----------
    proba : ndarray (n, K)
    y : ndarray (n,) of class indices

    Returns
    -------
    dict with ``edges`` (n_bins+1,), ``confidence``, ``accuracy`` (per bin, None
    where empty) and ``count`` (per bin).
    """
    conf = proba.max(axis=1)
    correct = (proba.argmax(axis=1) == y).astype(float)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    which = np.clip(np.digitize(conf, edges[1:-1], right=True), 0, n_bins - 1)
    out = {"edges": edges.tolist(), "confidence": [], "accuracy": [], "count": []}
    for b in range(n_bins):
        mask = which == b
        out["count"].append(int(mask.sum()))
        out["confidence"].append(float(conf[mask].mean()) if mask.any() else None)
        out["accuracy"].append(float(correct[mask].mean()) if mask.any() else None)
    return out


def expected_calibration_error(proba: np.ndarray, y: np.ndarray, n_bins: int = 10) -> float:
    """Top-label ECE: count-weighted mean |accuracy - confidence| over the bins."""
    bins = reliability_bins(proba, y, n_bins)
    n = len(y)
    return float(
        sum(
            c / n * abs(a - f)
            for c, a, f in zip(bins["count"], bins["accuracy"], bins["confidence"], strict=True)
            if c
        )
    )

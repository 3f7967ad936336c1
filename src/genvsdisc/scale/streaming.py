"""The detective over partitions: passes of ``SGDClassifier(loss="log_loss").partial_fit``.

Multinomial logistic regression has no sufficient statistics, so it is fitted
by a streaming learner: scikit-learn's ``SGDClassifier`` with the logistic
loss (one-vs-rest, its ``predict_proba`` normalised over classes), fed one
partition at a time. The model (a few kB) travels from worker to worker; the
partitions stay where they are read. Each epoch visits the training
partitions in a fresh seeded order, and the rows of a partition are shuffled
(``partial_fit`` does not shuffle) so that a file sorted by class does not
bias the last steps.

Features are standardised first by a ``StandardScaler`` whose mean and
variance come from the generative pass's moments (the same numbers its
``partial_fit`` over the partitions would find, without another pass).
Missing test features are filled with the training mean (0 once scaled): a
discriminative model has no way to integrate them out.
"""

from __future__ import annotations

import numpy as np
from dask.local import get_sync
from dask.optimization import cull
from sklearn.linear_model import SGDClassifier
from sklearn.preprocessing import StandardScaler

from genvsdisc.scale.partitions import frame_rows

__all__ = ["StreamingLogistic", "new_streaming", "sgd_step", "epoch_orders", "ReadInStep"]


class ReadInStep:
    """A partition the SGD step reads itself, when it runs.

    An SGD chain is sequential, but a partition passed to it as a graph node
    is a task with no inputs: the scheduler reads such partitions as soon as a
    worker is free, while the chain is still far behind, and holds them until
    the chain reaches them (about 800 MB of partitions after 15 minutes of a
    40M-row run). Wrapped here, the read is no node of the graph (Dask does
    not look inside this object) and happens inside :func:`sgd_step`: one
    partition in memory per running step, whatever the table's size. The
    chains that run side by side (the full fit and the novelty fit) each read
    a partition themselves: two reads of 13 MB instead of one held for both.
    """

    def __init__(self, part):
        # the partition's read alone: a partition's Delayed carries the whole table's graph
        # (94 kB pickled for 400 partitions, against 3 kB culled), sent with every step
        self.key = part.key
        self.graph, _ = cull(dict(part.__dask_graph__()), [part.key])

    def read(self):
        return get_sync(self.graph, self.key)


class StreamingLogistic:
    """A scaler and an SGD logistic model fitted over partitions.

    Attributes
    ----------
    scaler_ : sklearn.preprocessing.StandardScaler
    sgd_ : sklearn.linear_model.SGDClassifier
    classes_ : ndarray (K,) of labels
    n_rows_seen_ : int
    """

    family = "discriminative"

    def __init__(self, scaler, classes, seed, alpha=1e-4):
        self.scaler_ = scaler
        self.classes_ = np.asarray(classes)
        self.sgd_ = SGDClassifier(loss="log_loss", alpha=alpha, average=True, random_state=seed)
        self.n_rows_seen_ = 0

    def _scaled(self, X):
        Z = self.scaler_.transform(X)
        return np.where(np.isnan(Z), 0.0, Z)  # missing -> the training mean

    def partial_fit(self, X, y):
        """One SGD epoch over rows ``X`` (n, d) with labels ``y`` (n,)."""
        self.sgd_.partial_fit(self._scaled(X), y, classes=self.classes_)
        self.n_rows_seen_ += len(y)
        return self

    def predict_proba(self, X):
        """p(y|x), shape (n, K), in the order of ``classes_``."""
        return self.sgd_.predict_proba(self._scaled(X))

    def predict(self, X):
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


def new_streaming(mean_var, classes, seed: int) -> StreamingLogistic:
    """An unfitted :class:`StreamingLogistic` with its scaler set from (mean, var, n)."""
    mean, var, n = mean_var
    scaler = StandardScaler()
    scaler.mean_, scaler.var_ = np.asarray(mean, float), np.asarray(var, float)
    scaler.scale_ = np.where(var > 0, np.sqrt(var), 1.0)  # as StandardScaler: constant -> 1
    scaler.n_samples_seen_ = int(n)
    scaler.n_features_in_ = len(mean)
    return StreamingLogistic(scaler, classes, seed)


def sgd_step(model: StreamingLogistic, frame, features, target, seed: int, keep=None):
    """``model`` after one ``partial_fit`` on a partition (a copy: tasks stay pure).

    ``frame``: the partition (pandas), or a :class:`ReadInStep` to read it now.

    ``keep`` (labels or None): train on these classes' rows only.
    """
    import copy

    model = copy.deepcopy(model)
    if isinstance(frame, ReadInStep):
        frame = frame.read()
    X, y, _ = frame_rows(frame, features, target)
    if keep is not None:
        rows = np.isin(y, list(keep))
        X, y = X[rows], y[rows]
    if len(y):
        order = np.random.default_rng(seed).permutation(len(y))
        model.partial_fit(X[order], y[order])
    return model


def epoch_orders(parts: list[int], epochs: int, seed: int) -> list[int]:
    """The sequence of partitions SGD visits: ``epochs`` seeded permutations of ``parts``."""
    rng = np.random.default_rng(seed)
    return [int(p) for _ in range(epochs) for p in rng.permutation(parts)]

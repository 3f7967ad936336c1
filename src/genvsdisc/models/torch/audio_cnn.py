"""``audio_cnn``: the convolutional network on log-mel spectrograms (audio detective).

Each clip's MFCC frames become a fixed-size log-mel image
(:class:`~genvsdisc.models.torch.audio_logmel.LogMelImages`: 40 bands by the
95th percentile of the training lengths, in [0, 1]); the image model ``cnn``
(:class:`~genvsdisc.models.torch.cnn.CNNClassifier`, trained on its template)
reads them as they are. Its augmentation (shift, rotation, zoom) is off: a
rotated spectrogram is not a sound.
"""

from __future__ import annotations

from sklearn.utils.validation import check_is_fitted

from genvsdisc.models.base import DiscriminativeClassifier
from genvsdisc.models.priors import check_sample_weight
from genvsdisc.models.torch.audio_logmel import LogMelInput
from genvsdisc.models.torch.cnn import CNNClassifier

__all__ = ["AudioCNN"]


class AudioCNN(LogMelInput, DiscriminativeClassifier):
    """A small CNN on log-mel images of MFCC clips (discriminative).

    Parameters
    ----------
    frame_size : int, default=13
        MFCCs per frame of the rows.
    n_mels : int, default=40
        Mel bands of the image (the 40 the MFCCs were computed from).
    n_frames : int or None, default=None
        Frames of the image; None: the 95th percentile of the training lengths
        (28 on spoken_digits). Longer clips are cut, shorter ones padded with silence.
    channels : int, default=8
    hidden : int, default=64
    dropout : float, default=0.2
    epochs : int, default=12
    batch_size : int, default=64
    lr : float, default=3e-3
    weight_decay : float, default=1e-4
        As :class:`~genvsdisc.models.torch.cnn.CNNClassifier` (smaller defaults:
        spoken_digits trains in well under a minute on one CPU core).
    device, random_state, verbose
        As the cnn.

    Attributes
    ----------
    classes_ : ndarray (K,)
    logmel_ : LogMelImages
        The fitted MFCC -> image transform.
    net_ : CNNClassifier
        The trained image model.

    Notes
    -----
    A frame missing inside a clip (NaN) is filled by linear interpolation in
    time between its observed neighbours, in the log-mel image (the image
    ``cnn`` refuses NaN pixels). ``sample_weight`` is the cnn's: each row's
    cross-entropy scaled by its weight, rows of weight 0 dropped.

    Examples
    --------
    >>> from genvsdisc.data import load
    >>> d = load("spoken_digits")
    >>> clf = AudioCNN(epochs=1).fit(d.X[:200], d.y[:200])
    >>> clf.predict_proba(d.X[:3]).shape
    (3, 10)
    """

    supports_sample_weight = True
    _inner_class = CNNClassifier
    _inner_params = ("channels", "hidden", "dropout", "epochs", "batch_size", "lr", "weight_decay")
    _parameter_constraints = LogMelInput._constraints(CNNClassifier, _inner_params)

    def __init__(
        self,
        *,
        frame_size=13,
        n_mels=40,
        n_frames=None,
        channels=8,
        hidden=64,
        dropout=0.2,
        epochs=12,
        batch_size=64,
        lr=3e-3,
        weight_decay=1e-4,
        device="auto",
        random_state=0,
        verbose=None,
    ):
        self.frame_size = frame_size
        self.n_mels = n_mels
        self.n_frames = n_frames
        self.channels = channels
        self.hidden = hidden
        self.dropout = dropout
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.weight_decay = weight_decay
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    def _inner_fit_options(self) -> dict:
        return {"augment": 0.0}  # a shifted or rotated spectrogram is not a sound

    def fit(self, X, y, sample_weight=None):
        """Train on MFCC rows ``X`` (n, T * c) and labels ``y`` (n,); ``sample_weight`` (n,)."""
        self._check_params()
        X = self._raw_rows(X, reset=True)
        weights = check_sample_weight(sample_weight, X)
        images = self._fit_images(X, weights)
        self.net_ = self._new_inner(**self._inner_fit_options()).fit(
            images, y, sample_weight=weights
        )
        self.classes_ = self.net_.classes_
        return self

    def predict_proba(self, X):
        """p(y|x) for MFCC rows ``X`` (n, T * c), shape (n, K)."""
        check_is_fitted(self)
        return self.net_.predict_proba(self._images(self._raw_rows(X, reset=False)))

"""What every genvsdisc PyTorch model shares: device, seeds, threads, training, saving.

The deep models (``cnn``, ``cvae``, ``diffusion``, ``transformer_lm``) are
scikit-learn wrappers around a ``torch.nn.Module``; the wrapper owns the
training loop. This module keeps the parts they have in common:

* :func:`resolve_device` turns ``"auto" | "cpu" | "cuda"`` into a device;
* :func:`seeded` runs a block with torch's random state forked and seeded,
  so fitting is repeatable on CPU and leaves the caller's random state alone;
* :func:`run_epochs` is the minibatch loop with a tqdm progress bar;
* :func:`save_model` / :func:`load_model` store a fitted model as
  safetensors weights plus JSON metadata. Loading never unpickles: the file
  holds only tensors and JSON, and the model class comes from a fixed list
  of genvsdisc models, never from a name written in the file.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib
import json
import os
import struct
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.utils.validation import check_is_fitted
from tqdm.auto import tqdm

from genvsdisc.exceptions import DataError, ParameterError

__all__ = [
    "resolve_device",
    "configure_threads",
    "seeded",
    "resolve_image_shape",
    "rows_to_images",
    "images_to_rows",
    "to_image_tensor",
    "random_affine",
    "run_epochs",
    "shuffled_batches",
    "optimiser_step",
    "fit_pixel_generator",
    "check_unit_range",
    "TorchModelMixin",
    "PixelGeneratorMixin",
    "save_model",
    "load_model",
    "LOADABLE_MODELS",
]

#: Models that :func:`load_model` may rebuild: registry name -> "module:Class".
#: A fixed list, so a file can never make genvsdisc import something else.
LOADABLE_MODELS = {
    "cnn": "genvsdisc.models.discriminative.cnn:CNNClassifier",
    "cvae": "genvsdisc.models.generative.vae:CVAEClassifier",
    "diffusion": "genvsdisc.models.generative.diffusion:DiffusionClassifier",
    "ngram_lm": "genvsdisc.models.generative.ngram:NGramLMClassifier",
    "transformer_lm": "genvsdisc.models.generative.transformer_lm:TransformerLMClassifier",
}

_FORMAT = "genvsdisc.model"
_FORMAT_VERSION = 1
_META_KEY = "genvsdisc"


# ----------------------------------------------------------------- devices
def resolve_device(device) -> torch.device:
    """``"auto"`` -> CUDA when available else CPU; ``"cpu"``; ``"cuda"`` (must exist)."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cpu":
        return torch.device("cpu")
    if device == "cuda":
        if not torch.cuda.is_available():
            raise ParameterError(
                "device='cuda' was asked for, but PyTorch sees no CUDA GPU here; "
                "use device='auto' or 'cpu'."
            )
        return torch.device("cuda")
    raise ParameterError(f"The 'device' parameter must be 'auto', 'cpu' or 'cuda'. Got {device!r}.")


def configure_threads() -> int:
    """Cap torch's CPU threads at the cores this process may use; return the count.

    torch counts the machine's cores, not the ones the process is allowed
    (containers, ``taskset``); oversubscribing a 2-core machine makes
    training slower, not faster.
    """
    try:
        allowed = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        allowed = os.cpu_count() or 1
    if torch.get_num_threads() > allowed:
        torch.set_num_threads(allowed)
    return torch.get_num_threads()


@contextlib.contextmanager
def seeded(seed, device: torch.device | None = None) -> Iterator[torch.Generator]:
    """Run a block with torch's global random state seeded, then restore it.

    Dropout and ``torch.randn`` inside modules use the global generator, so
    seeding it (inside ``fork_rng``) is what makes CPU training repeatable
    without changing the random state the caller sees afterwards. Yields a
    CPU ``torch.Generator`` seeded the same way, for shuffling.
    """
    seed = _check_seed(seed)
    devices = [device.index or 0] if device is not None and device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield torch.Generator().manual_seed(seed)


def _check_seed(seed) -> int:
    if seed is None:
        return int(np.random.SeedSequence().generate_state(1)[0])
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and seed >= 0:
        return int(seed)
    if isinstance(seed, np.random.RandomState):
        return int(seed.randint(2**31 - 1))
    raise ParameterError(
        f"The 'random_state' parameter must be None, a non-negative int or a RandomState. "
        f"Got {seed!r}."
    )


# ------------------------------------------------------------------ images
def resolve_image_shape(image_shape, n_features: int) -> tuple[int, int, int]:
    """(height, width, channels) of flattened images with ``n_features`` pixels.

    ``image_shape`` None means a square single-channel image; otherwise
    (h, w) or (h, w, c) whose product must equal ``n_features``.
    """
    if image_shape is None:
        side = int(round(np.sqrt(n_features)))
        if side * side != n_features:
            raise ParameterError(
                f"image_shape: X has {n_features} features, which is not a square image; "
                "pass image_shape=(height, width) or (height, width, channels)."
            )
        return side, side, 1
    shape = tuple(int(s) for s in image_shape)
    if len(shape) == 2:
        shape = (*shape, 1)
    if len(shape) != 3 or min(shape) < 1 or int(np.prod(shape)) != n_features:
        raise ParameterError(
            f"image_shape: expected (height, width[, channels]) whose product is the "
            f"{n_features} features of X; got {image_shape!r}."
        )
    return shape


def rows_to_images(t: torch.Tensor, shape) -> torch.Tensor:
    """Flat rows (n, h*w*c), row-major as in :class:`~genvsdisc.data.Dataset` -> (n, c, h, w)."""
    h, w, c = shape
    return t.reshape(len(t), h, w, c).permute(0, 3, 1, 2).contiguous()


def images_to_rows(t: torch.Tensor) -> torch.Tensor:
    """Images (n, c, h, w) -> flat rows (n, h*w*c), the inverse of :func:`rows_to_images`."""
    return t.permute(0, 2, 3, 1).reshape(len(t), -1)


def to_image_tensor(X: np.ndarray, shape, device) -> torch.Tensor:
    """NumPy rows (n, h*w*c) -> float32 image tensor (n, c, h, w) on ``device``."""
    t = torch.as_tensor(np.ascontiguousarray(X), dtype=torch.float32, device=device)
    return rows_to_images(t, shape)


def random_affine(x: torch.Tensor, strength: float) -> torch.Tensor:
    """Random shift, rotation and zoom of a batch (B, C, H, W), for training only.

    ``strength`` is the largest shift as a fraction of the side; the rotation
    reaches ``strength * 100`` degrees and the zoom ``1 +- strength``.
    """
    if strength <= 0:
        return x
    B = x.shape[0]
    angle = (torch.rand(B, device=x.device) * 2 - 1) * np.deg2rad(100 * strength)
    scale = 1 + (torch.rand(B, device=x.device) * 2 - 1) * strength
    shift = (torch.rand(B, 2, device=x.device) * 2 - 1) * 2 * strength  # grid spans [-1, 1]
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack(
        [torch.stack([cos, -sin, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1
    )  # (B, 2, 3)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, padding_mode="zeros", align_corners=False)


# ---------------------------------------------------------------- training
def shuffled_batches(n_rows: int, batch_size: int, generator: torch.Generator):
    """Batches of one epoch: every row once, in a fresh random order; LongTensors (B,)."""
    order = torch.randperm(n_rows, generator=generator)
    return [order[s : s + batch_size] for s in range(0, n_rows, batch_size)]


def run_epochs(
    step: Callable[[torch.Tensor], float],
    n_rows: int,
    *,
    epochs: int,
    batch_size: int,
    generator: torch.Generator,
    desc: str,
    verbose=None,
    batches: Callable[[], list[torch.Tensor]] | None = None,
) -> list[float]:
    """The minibatch loop shared by every deep model.

    Parameters
    ----------
    step : callable
        ``step(idx)`` trains on the rows ``idx`` (LongTensor) and returns the loss.
    n_rows : int
        Training rows; by default each epoch visits them once in a fresh random order.
    generator : torch.Generator
        Drives the shuffling, so a seeded fit visits rows in the same order.
    verbose : bool or None
        Show a tqdm progress bar; None shows it only when stderr is a terminal.
    batches : callable, optional
        ``batches()`` returns one epoch's list of index tensors, replacing
        :func:`shuffled_batches` (e.g. class-balanced batches).

    Returns
    -------
    list of float
        Mean training loss per epoch.
    """
    if batches is None:
        batches = lambda: shuffled_batches(n_rows, batch_size, generator)  # noqa: E731
    history = []
    disable = None if verbose is None else not verbose
    with tqdm(desc=desc, unit="batch", disable=disable, leave=False) as bar:
        for epoch in range(epochs):
            total, seen = 0.0, 0
            epoch_batches = batches()
            bar.total = epochs * len(epoch_batches)
            for idx in epoch_batches:
                loss = step(idx)
                if not np.isfinite(loss):
                    raise ParameterError(
                        f"{desc}: the training loss became {loss} in epoch {epoch + 1}; "
                        "lower the learning rate 'lr'."
                    )
                total += loss * idx.numel()
                seen += idx.numel()
                bar.update(1)
            history.append(total / seen)
            bar.set_postfix(epoch=epoch + 1, loss=f"{history[-1]:.4g}")
    return history


def optimiser_step(loss: torch.Tensor, opt, sched=None, clip: float | None = None) -> float:
    """Backpropagate the scalar ``loss``, step ``opt`` (and ``sched``); return the loss.

    ``clip`` caps the global gradient norm of the optimiser's parameters.
    """
    opt.zero_grad(set_to_none=True)
    loss.backward()
    if clip is not None:
        params = [p for group in opt.param_groups for p in group["params"]]
        torch.nn.utils.clip_grad_norm_(params, clip)
    opt.step()
    if sched is not None:
        sched.step()
    return loss.item()


def fit_pixel_generator(model, X: np.ndarray, R: np.ndarray, train: Callable) -> None:
    """The fit of genvsdisc's class-conditional pixel generators (``cvae``, ``diffusion``).

    Records the class prior and the architecture, builds the network under
    the model's seed and hands it to ``train``; afterwards ``model.module_``
    (set by ``train``: the trained network itself, or an average of its
    weights) is put in evaluation mode.

    Parameters
    ----------
    model : TorchModelMixin
        Has ``_config()``, ``_build_module(arch)``, ``image_shape``,
        ``random_state`` and ``device``.
    X : ndarray (n, d)
        Training rows, pixels in [0, 1].
    R : ndarray (n, K)
        One-hot class responsibilities (these models run no EM).
    train : callable
        ``train(net, cfg, y_idx, gen) -> list of float``: trains ``net`` (the
        freshly built module, already on the device) on the rows of class
        ``y_idx`` (n,) with ``cfg`` (the model's config dataclass), draws
        shuffles from ``gen`` (a seeded CPU ``torch.Generator``), sets
        ``model.module_`` and returns the loss per epoch.

    Sets ``class_log_prior_`` (K,), ``arch_`` and ``loss_curve_`` on ``model``.
    """
    cfg = model._config()
    if model.image_shape is not None:
        resolve_image_shape(model.image_shape, X.shape[1])  # a wrong shape fails now
    counts = R.sum(0)
    model.class_log_prior_ = np.log(counts / counts.sum())
    device = model._device()
    configure_threads()
    model.arch_ = {"n_features": X.shape[1], "n_classes": R.shape[1], "config": asdict(cfg)}
    with seeded(model.random_state, device) as gen:
        net = model._build_module(model.arch_).to(device)
        model.loss_curve_ = train(net, cfg, R.argmax(1), gen)
    model.module_.eval()


def check_unit_range(X: np.ndarray, model_name: str, where: str) -> None:
    """Pixel models need X in [0, 1] (NaN, a missing pixel, is let through)."""
    lo, hi = np.nanmin(X), np.nanmax(X)
    if lo < 0 or hi > 1:
        raise DataError(
            f"X ({where}): {model_name} models pixel intensities in [0, 1]; found values from "
            f"{lo:.4g} to {hi:.4g}. Scale the features to [0, 1] first."
        )


def check_positive_int(owner, name: str, value, minimum: int = 1) -> int:
    """Validate an integer hyper-parameter and return it as int."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ParameterError(
            f"The '{name}' parameter of {type(owner).__name__} must be an int >= {minimum}. "
            f"Got {value!r} instead."
        )
    return int(value)


def check_positive_float(owner, name: str, value, *, allow_zero=False, upper=None) -> float:
    """Validate a real hyper-parameter (> 0, or >= 0 with ``allow_zero``; <= ``upper``)."""
    ok = isinstance(value, (int, float, np.floating)) and not isinstance(value, bool)
    ok = ok and np.isfinite(value) and (value >= 0 if allow_zero else value > 0)
    ok = ok and (upper is None or value <= upper)
    if not ok:
        rng = f"[0, {upper or 'inf'}]" if allow_zero else f"(0, {upper or 'inf'}]"
        raise ParameterError(
            f"The '{name}' parameter of {type(owner).__name__} must be a float in {rng}. "
            f"Got {value!r} instead."
        )
    return float(value)


# -------------------------------------------------------------- the mixin
class TorchModelMixin:
    """Shared plumbing of genvsdisc's PyTorch wrappers.

    A wrapper sets ``module_`` (the fitted ``nn.Module``) and implements
    ``_build_module(arch)`` that rebuilds an untrained module from the
    JSON-able dict ``arch_`` recorded at fit time; saving and loading then
    work through :func:`save_model` / :func:`load_model`.
    """

    #: Registry name, written into saved files.
    _registry_name: str = ""

    def _device(self) -> torch.device:
        return resolve_device(getattr(self, "device", "auto"))

    def _export_state(self) -> tuple[dict[str, torch.Tensor], dict]:
        """Tensors and JSON-able extras that :meth:`_import_state` needs."""
        tensors = {f"module.{k}": v.detach().cpu() for k, v in self.module_.state_dict().items()}
        return tensors, {"arch": self.arch_}

    def _import_state(self, tensors: dict[str, torch.Tensor], extras: dict) -> None:
        self.arch_ = extras["arch"]
        self.module_ = self._build_module(self.arch_)
        state = {k[len("module.") :]: v for k, v in tensors.items() if k.startswith("module.")}
        try:
            self.module_.load_state_dict(state)
        except RuntimeError as err:
            first = str(err).strip().splitlines()[0]
            raise DataError(f"the saved weights do not fit the model: {first}") from None
        self.module_.to(self._device()).eval()


# ------------------------------------------------------------ save / load
_ARRAY_ATTRS = ("class_log_prior_", "feature_min_", "feature_max_")


class PixelGeneratorMixin(TorchModelMixin):
    """What ``cvae`` and ``diffusion`` share: pixels in [0, 1], the fit, sampling temperature.

    A subclass implements ``_train(X, R, net, cfg, y_idx, gen)`` (see
    :func:`fit_pixel_generator`) and ``_sample_class(k, n, rng)``, which
    reads the temperature from ``self._temperature``.
    """

    def _validate_fit_X(self, X, reset=True):
        X = super()._validate_fit_X(X, reset=reset)
        check_unit_range(X, self._registry_name, "fit")
        return X

    def _validate_predict_X(self, X):
        X = super()._validate_predict_X(X)
        check_unit_range(X, self._registry_name, "predict")
        return X

    def _fit_weighted(self, X, R):
        """Train the network on ``X`` (n, d); ``R`` (n, K) is one-hot (these models run no EM)."""
        fit_pixel_generator(self, X, R, functools.partial(self._train, X, R))

    def sample(self, n_samples=1, y=None, random_state=None, *, clip=False, temperature=1.0):
        """Draw images; see ``GenerativeClassifier.sample``.

        ``temperature`` scales the model's noise (see the model's
        ``_sample_class``): < 1 gives more typical, less varied images.
        """
        self._temperature = check_positive_float(self, "temperature", temperature, upper=10)
        try:
            return super().sample(n_samples, y=y, random_state=random_state, clip=clip)
        finally:
            del self._temperature


def _json_safe(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise ParameterError(
        f"save_model: the value {value!r} ({type(value).__name__}) cannot be stored as JSON."
    )


def _digest(tensors: dict[str, torch.Tensor], meta: dict) -> str:
    """SHA-256 over the metadata (all but the digest) and the tensors' names, dtypes,
    shapes and bytes, in name order.

    safetensors has no checksum of its own; this catches a file whose
    weights or metadata were altered or damaged after saving. (It is a
    check against accidents, not a signature: loading stays safe anyway,
    because the file holds only tensors and JSON.)
    """
    h = hashlib.sha256()
    body = {k: v for k, v in meta.items() if k != "sha256"}
    h.update(json.dumps(body, sort_keys=True).encode())
    for name in sorted(tensors):
        t = tensors[name].contiguous()
        h.update(f"{name}|{t.dtype}|{tuple(t.shape)}|".encode())
        h.update(t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b"")
    return h.hexdigest()


def save_model(model, path) -> Path:
    """Save a fitted genvsdisc deep or n-gram model to one ``.safetensors`` file.

    The file holds the weights (and the model's other fitted arrays) as
    safetensors tensors, plus JSON metadata: the model name, its parameters,
    the classes, genvsdisc's version and a SHA-256 of the tensors.

    Parameters
    ----------
    model : fitted estimator
        One of :data:`LOADABLE_MODELS`.
    path : str or Path

    Returns
    -------
    Path
        Where the file was written.
    """
    from safetensors.torch import save

    from genvsdisc import __version__

    name = getattr(model, "_registry_name", "")
    if name not in LOADABLE_MODELS:
        raise ParameterError(
            f"save_model: {type(model).__name__} cannot be saved this way; it works for "
            f"{', '.join(LOADABLE_MODELS)}."
        )
    check_is_fitted(model)
    tensors, extras = model._export_state()
    for attr in _ARRAY_ATTRS:
        if hasattr(model, attr):
            tensors[f"sk.{attr}"] = torch.as_tensor(np.asarray(getattr(model, attr)))
    tensors = {k: v.contiguous() for k, v in tensors.items()}
    classes = model.classes_
    meta = {
        "format": _FORMAT,
        "format_version": _FORMAT_VERSION,
        "genvsdisc_version": __version__,
        "model": name,
        "params": _json_safe(model.get_params(deep=False)),
        "classes": _json_safe(list(classes)),
        "classes_kind": classes.dtype.kind,
        "n_features_in": _json_safe(getattr(model, "n_features_in_", None)),
        "extras": _json_safe(extras),
    }
    meta["sha256"] = _digest(tensors, meta)
    path = Path(path)
    data = save(tensors, metadata={_META_KEY: json.dumps(meta)})
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)  # never leave a half-written model behind
    return path


def _read_header(path: Path, data: bytes) -> dict:
    """Parse the safetensors header and return genvsdisc's JSON metadata."""
    if len(data) < 8:
        raise DataError(f"{path}: not a genvsdisc model file (only {len(data)} bytes).")
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8:
        raise DataError(f"{path}: the model file is truncated (header runs past the end).")
    try:
        header = json.loads(data[8 : 8 + n])
        meta = json.loads(header["__metadata__"][_META_KEY])
    except (ValueError, KeyError, TypeError):
        raise DataError(f"{path}: not a genvsdisc model file (no genvsdisc metadata).") from None
    if not isinstance(meta, dict) or meta.get("format") != _FORMAT:
        raise DataError(f"{path}: not a genvsdisc model file (format is not {_FORMAT!r}).")
    if meta.get("format_version") != _FORMAT_VERSION:
        raise DataError(
            f"{path}: model file format version {meta.get('format_version')!r}; this "
            f"genvsdisc reads version {_FORMAT_VERSION}."
        )
    return meta


def _load_class(name: str, path: Path):
    if name not in LOADABLE_MODELS:
        raise DataError(
            f"{path}: unknown model {name!r}; genvsdisc loads {', '.join(LOADABLE_MODELS)}."
        )
    module, cls = LOADABLE_MODELS[name].split(":")
    return getattr(importlib.import_module(module), cls)


def load_model(path, *, device=None):
    """Load a model written by :func:`save_model`.

    Parameters
    ----------
    path : str or Path
    device : {"auto", "cpu", "cuda"} or None
        Where to put the weights; None keeps the saved ``device`` parameter.

    Raises
    ------
    DataError
        Missing, truncated, altered or foreign file, with one line saying which.
    """
    from safetensors import SafetensorError
    from safetensors.torch import load

    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise DataError(f"{path}: cannot read the model file ({err.strerror}).") from None
    meta = _read_header(path, data)
    try:
        tensors = load(data)
    except (SafetensorError, ValueError, RuntimeError) as err:
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise DataError(f"{path}: the model file is damaged or truncated ({reason}).") from None
    if _digest(tensors, meta) != meta.get("sha256"):
        raise DataError(
            f"{path}: the weights and metadata do not match their SHA-256; the file was "
            "altered or damaged after saving."
        )
    cls = _load_class(meta.get("model"), path)
    params = {k: tuple(v) if isinstance(v, list) else v for k, v in meta["params"].items()}
    if device is not None:
        params["device"] = device
    try:
        model = cls(**params)
    except TypeError as err:
        raise DataError(f"{path}: the saved parameters do not fit {cls.__name__}: {err}.") from None
    kind = meta.get("classes_kind", "O")
    model.classes_ = np.asarray(meta["classes"], dtype=object if kind in "OUS" else None)
    if kind in "US":
        model.classes_ = model.classes_.astype(str)
    if meta.get("n_features_in") is not None:
        model.n_features_in_ = int(meta["n_features_in"])
    for attr in _ARRAY_ATTRS:
        if f"sk.{attr}" in tensors:
            setattr(model, attr, tensors[f"sk.{attr}"].numpy().copy())
    try:
        model._import_state(tensors, meta.get("extras", {}))
    except (KeyError, TypeError, ValueError) as err:
        if isinstance(err, DataError):
            raise DataError(f"{path}: {err}") from None
        raise DataError(
            f"{path}: the model file is incomplete ({type(err).__name__}: {err})."
        ) from None
    return model

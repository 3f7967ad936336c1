"""The one training template of genvsdisc's torch models.

A model built on :class:`TorchEstimatorMixin` says only what is its own:

``_build_module(arch)``
    An untrained ``nn.Module`` from the JSON-able description ``arch_``.
``_batch_loss(net, cfg, data, idx, gen)``
    The scalar loss of the training rows ``idx`` (a CPU LongTensor); with
    ``sample_weight``, each row's loss scaled by its factor (:mod:`._weights`).
``_optimiser(net, cfg, total_steps)``
    The optimiser and its learning-rate schedule.

and, where it differs from the default, ``_epoch_batches`` (how an epoch
visits the rows), ``_grad_clip`` (a cap on the gradient norm),
``_ema_decay`` (train a weight average too) and ``_curve_value`` (what the
loss curve records). Its ``fit`` prepares the training tensors and calls
:meth:`TorchEstimatorMixin._fit_network`, which does the rest once for every
model: device and threads, seeding, building the network, the minibatch
epochs with a progress bar, the optimiser step, the weight average and
evaluation mode. No model stops early: each trains for ``epochs`` passes.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import numpy as np
import torch
from tqdm.auto import tqdm

from genvsdisc.exceptions import DataError, ParameterError
from genvsdisc.models.progress import report_progress
from genvsdisc.models.registry import name_of
from genvsdisc.models.torch._params import config_from_params
from genvsdisc.models.torch._runtime import configure_threads, resolve_device, seeded

__all__ = ["TorchEstimatorMixin", "optimiser_step", "run_epochs", "shuffled_batches"]


def shuffled_batches(n_rows: int, batch_size: int, generator: torch.Generator):
    """Batches of one epoch: every row once, in a fresh random order; LongTensors (B,)."""
    order = torch.randperm(n_rows, generator=generator)
    return [order[s : s + batch_size] for s in range(0, n_rows, batch_size)]


def optimiser_step(loss: torch.Tensor, net, opt, sched=None, clip: float | None = None) -> float:
    """Backpropagate the scalar ``loss``, step ``opt`` (and ``sched``); return the loss.

    ``clip`` caps the global gradient norm of ``net``'s parameters.
    """
    opt.zero_grad(set_to_none=True)
    loss.backward()
    if clip is not None:
        torch.nn.utils.clip_grad_norm_(net.parameters(), clip)
    opt.step()
    if sched is not None:
        sched.step()
    return loss.item()


def run_epochs(
    step: Callable[[torch.Tensor], float],
    epoch_batches: Callable[[], list[torch.Tensor]],
    *,
    epochs: int,
    desc: str,
    verbose=None,
) -> list[float]:
    """The minibatch loop, with a tqdm progress bar.

    After every batch it calls :func:`genvsdisc.models.progress.report_progress`
    with the batches done and the total (a listener set by the caller, e.g.
    the labs' progress bar; it only reads the counts, so training is unchanged).

    Parameters
    ----------
    step : callable
        ``step(idx)`` trains on the rows ``idx`` (LongTensor) and returns the loss.
    epoch_batches : callable
        ``epoch_batches()`` returns one epoch's list of index tensors.
    verbose : bool or None
        Show the progress bar; None shows it only when stderr is a terminal.

    Returns
    -------
    list of float
        Mean training loss per epoch, each batch weighted by its number of rows.
    """
    history = []
    done = 0  # counted here: a disabled tqdm bar does not count
    disable = None if verbose is None else not verbose
    with tqdm(desc=desc, unit="batch", disable=disable, leave=False) as bar:
        for epoch in range(epochs):
            total, seen = 0.0, 0
            batches = epoch_batches()
            bar.total = epochs * len(batches)
            for idx in batches:
                loss = step(idx)
                if not np.isfinite(loss):
                    raise ParameterError(
                        f"{desc}: the training loss became {loss} in epoch {epoch + 1}; "
                        "lower the learning rate 'lr'."
                    )
                total += loss * idx.numel()
                seen += idx.numel()
                bar.update(1)
                done += 1
                report_progress(done, epochs * len(batches))
            history.append(total / seen)
            bar.set_postfix(epoch=epoch + 1, loss=f"{history[-1]:.4g}")
    return history


class _WeightAverage:
    """Exponential moving average of a network's weights, updated after every step.

    Its memory of 1 / (1 - decay) steps must stay short against a CPU-sized
    run of a few thousand steps (an average over the whole run blends in the
    untrained start); the warm-up (1 + n) / (10 + n) lets it follow the fast
    early changes.
    """

    def __init__(self, net: torch.nn.Module, decay: float):
        self.module = copy.deepcopy(net).requires_grad_(False)
        self.decay = decay
        self.steps = 0

    @torch.no_grad()
    def update(self, net: torch.nn.Module) -> None:
        self.steps += 1
        decay = min(self.decay, (1 + self.steps) / (10 + self.steps))
        for p_avg, p in zip(self.module.parameters(), net.parameters(), strict=True):
            p_avg.lerp_(p, 1 - decay)


class TorchEstimatorMixin:
    """Training, device and save hooks shared by genvsdisc's PyTorch wrappers.

    Put before the family base (``GenerativeClassifier`` or
    ``DiscriminativeClassifier``). The model sets ``device``, ``random_state``
    and ``verbose`` in ``__init__`` (checked by ``RUNTIME_CONSTRAINTS`` in its
    ``_parameter_constraints``), names its hyper-parameter dataclass in
    ``_config_class`` and fills the hooks listed in
    :mod:`genvsdisc.models.torch._training`.
    """

    #: The hyper-parameter dataclass whose fields are constructor parameters of the model.
    _config_class: type
    #: Cap on the global gradient norm of each step; None leaves the gradients alone.
    _grad_clip: float | None = None

    def _device(self) -> torch.device:
        return resolve_device(self.device)

    def _config(self):
        """The hyper-parameters as a ``_config_class``; call after ``_check_params``."""
        return config_from_params(self._config_class, self)

    # ------------------------------------------------------- the template
    def _fit_network(self, arch: dict, cfg, data, n_rows: int) -> None:
        """Build the network of ``arch`` under the model's seed and train it on ``data``.

        Parameters
        ----------
        arch : dict
            JSON-able description of the network, kept as ``arch_`` (and saved).
        cfg : dataclass
            The model's checked hyper-parameters; ``epochs`` is read here.
        data : object
            The training tensors, already on the device, handed to the hooks.
        n_rows : int
            Rows (or windows) that one epoch visits.

        Sets ``arch_``, ``module_`` (the trained network, or its weight
        average) in evaluation mode, and ``loss_curve_`` (mean loss per epoch).
        """
        device = self._device()
        configure_threads()
        self.arch_ = arch
        with seeded(self.random_state, device) as gen:
            net = self._build_module(arch).to(device)
            decay = self._ema_decay(cfg)
            average = None if decay is None else _WeightAverage(net, decay)
            self.module_ = net if average is None else average.module
            self.loss_curve_ = self._train(net, cfg, data, n_rows, gen, average)
        self.module_.eval()

    def _train(self, net, cfg, data, n_rows: int, gen, average) -> list[float]:
        net.train()
        per_epoch, epoch_batches = self._epoch_batches(cfg, data, n_rows, gen)
        opt, sched = self._optimiser(net, cfg, cfg.epochs * per_epoch)

        def step(idx):
            loss = self._batch_loss(net, cfg, data, idx, gen)
            value = optimiser_step(loss, net, opt, sched, self._grad_clip)
            if average is not None:
                average.update(net)
            return self._curve_value(value)

        return run_epochs(
            step, epoch_batches, epochs=cfg.epochs, desc=name_of(self), verbose=self.verbose
        )

    # ---------------------------------------------- hooks with a default
    def _epoch_batches(self, cfg, data, n_rows: int, gen: torch.Generator):
        """``(batches per epoch, draw)``: ``draw()`` returns one epoch's index tensors.

        The default visits every row once per epoch, in a fresh order drawn
        from ``gen``, in batches of ``cfg.batch_size``.
        """
        return -(-n_rows // cfg.batch_size), lambda: shuffled_batches(n_rows, cfg.batch_size, gen)

    def _ema_decay(self, cfg) -> float | None:
        """Decay of a weight average that becomes ``module_``; None trains without one."""
        return None

    def _curve_value(self, loss: float) -> float:
        """What ``loss_curve_`` records for a step whose optimised loss is ``loss``."""
        return loss

    # -------------------------------------------------- save / load hooks
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

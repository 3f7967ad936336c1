"""genvsdisc's PyTorch models and what they share.

The models, one module each (the registry imports them lazily):
:mod:`.cnn` (``cnn``), :mod:`.vae` (``cvae``), :mod:`.diffusion`
(``diffusion``) and :mod:`.transformer_lm` (``transformer_lm``); for sound,
:mod:`.audio_logmel` (MFCC rows <-> log-mel images, and the mixin that wraps
an image model), :mod:`.audio_cnn` (``audio_cnn``) and
:mod:`.audio_generators` (``audio_cvae``, ``audio_diffusion``). Each is a
scikit-learn wrapper around an ``nn.Module`` on the one training template,
:class:`~genvsdisc.models.torch._training.TorchEstimatorMixin`: the model
supplies its network, its loss for a batch and its optimiser; seeding,
devices, threads, the epochs with their progress bar, the optimiser step and
the weight average are written once. Alongside: :mod:`._runtime` (device,
threads, seeds), :mod:`._images` (pixel rows and image tensors),
:mod:`._pixels` (what ``cvae`` and ``diffusion`` share), :mod:`._weights`
(``sample_weight`` as weighted losses) and :mod:`.persist`
(:func:`save_model` / :func:`load_model`, safetensors plus JSON). Which
models exist, and which of them can be saved, is the registry's to say
(:mod:`genvsdisc.models.catalog`).

>>> from genvsdisc.models.torch import load_model, save_model
"""

from genvsdisc.models.torch.persist import load_model, save_model

__all__ = ["save_model", "load_model"]

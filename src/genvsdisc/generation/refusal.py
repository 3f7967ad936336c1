"""Ask the detective to draw: a discriminative model's refusal, in its own words."""

from __future__ import annotations

from genvsdisc.exceptions import CannotGenerateError, ParameterError
from genvsdisc.models import available, get_spec

__all__ = ["refusal", "check_generative"]


def refusal(name: str, *, modality: str | None = None) -> str | None:
    """Why registry model ``name`` cannot generate; None when it can.

    The message is the model's own :class:`CannotGenerateError` (it learned
    p(y|x) only). With ``modality``, the generative models that read that
    kind of data are named after it.
    """
    spec = get_spec(name)
    if spec.family == "generative":
        return None
    try:
        spec.factory().sample(1)
    except CannotGenerateError as err:
        message = str(err)
    else:  # a detective always refuses; this would be a registry mistake
        message = f"model {name!r} is discriminative and cannot generate."
    if modality is not None:
        fits = [s.name for s in available(family="generative", modality=modality)]
        message += f" For {modality} data: {', '.join(fits)}."
    return message


def check_generative(name: str, modality: str) -> None:
    """Raise unless ``name`` is a generative model that reads ``modality`` data.

    Raises
    ------
    CannotGenerateError
        ``name`` is discriminative: its :func:`refusal`, with the models that can.
    ParameterError
        ``name`` reads another kind of data.
    """
    why_not = refusal(name, modality=modality)
    if why_not is not None:
        raise CannotGenerateError(why_not)
    spec = get_spec(name)
    if modality not in spec.modalities:
        raise ParameterError(
            f"--model {name}: reads {', '.join(spec.modalities)} data, but this data set is "
            f"{modality}."
        )

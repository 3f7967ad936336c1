"""The models the playground offers, and the settings it fixes to stay interactive."""

from __future__ import annotations

from genvsdisc.models import available

__all__ = ["SKIPPED", "FAST_PARAMS", "playground_models"]

#: Registry models left out of the playground, with the reason.
SKIPPED = {
    "multinomial_nb": "models word counts; 2-D coordinates can be negative",
    "bernoulli_nb": "models on/off features; 2-D coordinates are continuous",
}
#: Settings the playground fixes so a refit stays interactive, with the reason shown to users.
FAST_PARAMS = {
    "logreg": (
        {"C": 1.0},
        "here C is fixed at 1: choosing it by cross-validation at every click is too slow",
    ),
    "mlp": (
        {"learning_rate_init": 0.02},
        "here with step size 0.02: 200 passes at scikit-learn's 0.001 leave it unfinished on 2-D points",
    ),
    "kde": ({"cv": 3}, "here 3-fold cross-validation picks the bandwidth, to keep refits quick"),
}


def playground_models() -> dict[str, list[dict]]:
    """Registry models that work on 2-D points, by family.

    Returns
    -------
    dict
        ``{"generative": [...], "discriminative": [...]}``; each entry has
        ``name``, ``description``, ``likelihood`` and ``boundary``. Deep models are left out
        (too slow to refit as the user clicks), and so are :data:`SKIPPED`.
    """
    out: dict[str, list[dict]] = {"generative": [], "discriminative": []}
    for spec in available(modality="tabular"):
        if spec.deep or spec.name in SKIPPED:
            continue
        note = FAST_PARAMS.get(spec.name, (None, ""))[1]
        description = f"{spec.description}; {note}" if note else spec.description
        out[spec.family].append(
            {
                "name": spec.name,
                "description": description,
                "likelihood": spec.likelihood,
                "boundary": spec.boundary,
            }
        )
    return out

"""`genvsdisc models`: every model in the registry, with what it can do."""

from __future__ import annotations

import click

from genvsdisc.models import available
from genvsdisc.text_table import format_table

__all__ = ["COMMANDS", "models"]

_COLUMNS = ["name", "family", "modalities", "likelihood", "description"]


@click.command()
@click.option(
    "--family",
    type=click.Choice(["generative", "discriminative"]),
    help="Only this family.",
)
@click.option(
    "--modality",
    type=click.Choice(["tabular", "image", "text", "audio"]),
    help="Only models that accept this kind of data.",
)
def models(family, modality):
    """List the models genvsdisc can train.

    family: generative models learn p(x|y)p(y) (classify, sample, score
    novelty); discriminative ones learn p(y|x) only. likelihood: how
    log p(x) is computed -- exact, a bound, unnormalised, or none
    (discriminative). Deep (PyTorch) models are marked [deep].

    \b
    Examples:
      genvsdisc models
      genvsdisc models --family generative --modality image
    """
    rows = [
        {
            "name": s.name,
            "family": s.family,
            "modalities": ",".join(s.modalities),
            "likelihood": s.likelihood,
            "description": f"[deep] {s.description}" if s.deep else s.description,
        }
        for s in available(family=family, modality=modality)
    ]
    click.echo(format_table(rows, _COLUMNS))


COMMANDS = [models]

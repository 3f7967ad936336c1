"""`genvsdisc datasets` and `genvsdisc inspect`: what data there is and what the loader saw.

Both build their whole text first and print it at the end, so a bad input
leaves nothing half-printed on stdout.
"""

from __future__ import annotations

import click

from genvsdisc.cli.options import data_options
from genvsdisc.text_table import format_table

__all__ = ["COMMANDS", "datasets", "inspect", "format_table"]


@click.command()
def datasets():
    """List the built-in data sets (all offline).

    Toys (moons, circles, blobs, spirals, xor) are generated, 500 rows by default.

    \b
    Example:
      genvsdisc datasets
    """
    from genvsdisc.data import describe_builtins

    columns = ["name", "modality", "rows", "features", "classes", "source"]
    click.echo(format_table(describe_builtins(), columns))


def _features_line(ds) -> str:
    kinds = ds.info.get("kinds", {})
    if ds.modality == "text":
        return "raw text (1 column of documents)"
    parts = [f"{n:,} {kind}" for kind, n in kinds.items()]
    line = ", ".join(parts) if parts else "-"
    if ds.modality == "tabular" and kinds.get("categorical"):
        line += f" -> {ds.n_features} columns after one-hot encoding"
    return line


def _columns_lines(ds) -> list[str]:
    columns = ds.info.get("columns")
    if not columns or ds.modality != "tabular":
        return []
    cats = getattr(ds.encoder, "categories_", {})
    out = []
    for name, kind in columns.items():
        extra = f" ({len(cats[name])} values)" if name in cats else ""
        out.append(f"  {name}: {kind}{extra}")
    return ["columns:", *out]


def _report(ds) -> str:
    counts = ds.class_counts()
    classes = ", ".join(f"{c} {k:,}" for c, k in counts.items())
    missing = {c: k for c, k in ds.info.get("missing", {}).items() if k}
    lines = [
        ds.description,
        f"source:   {ds.info.get('source', '-')}",
        f"modality: {ds.modality}",
        f"rows:     {ds.n_samples:,}",
        f"features: {_features_line(ds)}",
    ]
    if ds.image_shape:
        lines.append(f"image:    {'x'.join(map(str, ds.image_shape))}, pixels in [0, 1]")
    if "target" in ds.info:
        lines.append(f"target:   {ds.info['target']}")
    lines.append(f"classes:  {len(counts)}: {classes}")
    lines.append(
        "missing:  " + (", ".join(f"{c} {k:,}" for c, k in missing.items()) if missing else "none")
    )
    lines += _columns_lines(ds)
    lines.append("notes:" + ("" if ds.notes else " none"))
    lines += [f"  - {note}" for note in ds.notes]
    return "\n".join(lines)


@click.command()
@click.argument("source")
@data_options
def inspect(source, reading):
    """Show what genvsdisc understood from SOURCE: a built-in name, a file or a folder.

    Prints rows, features by kind (numeric / categorical / text / pixels),
    classes with counts, missing values per column, and anything dropped
    or skipped and why. Warnings go to stderr, one line each.

    \b
    Examples:
      genvsdisc inspect iris
      genvsdisc inspect patients.csv --target diagnosis
      genvsdisc inspect reviews.csv --target stars --text-column review
      genvsdisc inspect photos/          (one sub-folder per class)
    """
    ds = reading.load(source)
    click.echo(_report(ds))


COMMANDS = [datasets, inspect]

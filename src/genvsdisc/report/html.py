"""Assemble the self-contained HTML report from a results record.

The page loads nothing from anywhere: the stylesheet is inlined and every
plot is a PNG data URI, so ``report.html`` opens offline, from a mail
attachment as well as from disk. Each registered experiment that ran gets a
section, in registry order, with its figure, its table, one plain sentence
on what it shows for this data and a short "why" -- all drawn by the
experiment itself from its typed result. Each section explains its terms on
hover (``<abbr title>``, see :mod:`genvsdisc.report.glossary`) and a glossary
closes the page.
"""

from __future__ import annotations

import base64
from html import escape
from importlib import resources

from genvsdisc.experiments.base import Experiment, ExperimentResult, registered
from genvsdisc.report import findings, glossary, plots
from genvsdisc.report.drawing import section_png
from genvsdisc.report.here import here
from genvsdisc.report.tables import table

__all__ = ["render", "build_figures"]


def _css() -> str:
    """The stylesheet, after the family colours from :mod:`genvsdisc.report.plots`."""
    sheet = resources.files("genvsdisc.report").joinpath("templates/report.css").read_text("utf-8")
    return plots.family_css() + "\n" + sheet


def _ran(record: dict, experiments=None) -> list[tuple[Experiment, ExperimentResult]]:
    """Each experiment that ran (of ``experiments``, default the registry), in report
    order, with its typed result."""
    sections = record["experiments"]
    return [
        (e, e.result_type.from_dict(sections[e.name]))
        for e in experiments or registered()
        if sections.get(e.name, {}).get("status") == "ok"
    ]


def build_figures(record: dict, experiments=None, drawn=None) -> dict[str, bytes]:
    """``{section name: PNG bytes}`` for every section that ran and has a figure.

    ``drawn``: ``{section name: PNG bytes or None}`` already drawn from this record
    (:class:`~genvsdisc.report.drawing.FigureDrawer`, None: no figure); only the
    other sections are drawn here.
    """
    drawn = drawn or {}
    sections = record["experiments"]
    out = {}
    for experiment, _ in _ran(record, experiments):
        name = experiment.name
        png = (
            drawn[name]
            if name in drawn
            else section_png(
                experiment, sections[name], record["models"], record["dataset"]["classes"]
            )
        )
        if png is not None:
            out[name] = png
    return out


def _img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<figure><img src="data:image/png;base64,{data}" alt="{escape(alt)}"></figure>'


def _section(
    i: int, experiment: Experiment, result: ExperimentResult, png: bytes | None, dataset: str
) -> str:
    name, title = experiment.name, escape(experiment.title)
    parts = [
        f'<section id="{name}"><h2>{i}. {title}</h2>',
        f'<p class="finding">{escape(experiment.finding(result, dataset))}</p>',
    ]
    if png:
        parts.append(_img(png, f"{title} on {dataset}"))
    if result.has_rows():
        parts.append(experiment.table(result))
    if result.footnote():
        parts.append(f'<p class="note">{escape(result.footnote())}.</p>')
    for model, msg in result.model_errors().items():
        parts.append(f'<p class="error">{escape(model)} failed: {escape(msg)}</p>')
    line = here(name, result) if result.has_rows() else None
    said = f" <b>Here.</b> {escape(line)}" if line else ""
    parts.append(f'<p class="why"><b>Why.</b> {escape(experiment.why)}{said}</p></section>')
    return glossary.annotate("".join(parts))


def _header(record) -> str:
    ds = record["dataset"]
    models = table(
        ["model", "family", "boundary", "likelihood", "preprocessing", "why it is here"],
        [
            [
                m["name"],
                m["family"],
                m.get("boundary", "-"),
                m["likelihood"],
                m.get("preprocessing", "none"),
                m["picked"],
            ]
            for m in record["models"]
        ],
    )
    notes = "".join(f"<li>{escape(n)}</li>" for n in ds.get("notes", []))
    tuned = {m: p for m, p in record["settings"].get("model_params", {}).items() if p}
    tuned_txt = "; ".join(
        f"{m}: "
        + ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in p.items())
        for m, p in tuned.items()
    )
    seeds = record["settings"]["seeds"]
    split = f"stratified, seed {ds['split_seed']}"  # an out-of-core record says its own
    repeats = (
        f"accuracy over {record['settings'].get('n_splits', 1)} stratified splits, the "
        "learning curve over one split per seed"
    )
    return (
        f"<header><h1>genvsdisc report: {escape(ds['name'])}</h1>"
        '<p class="lead">The <b class="disc">detective</b> (discriminative: learns p(y|x)) and '
        'the <b class="gen">artist</b> (generative: learns p(x|y)·p(y)) on the same data.</p>'
        f"<p>{escape(ds['description'])}. {ds['n_samples']} rows, "
        f"{ds['n_features'] if ds['n_features'] is not None else 'raw-text'} features, "
        f"{len(ds['classes'])} classes; split {ds['n_train']} train / {ds['n_test']} test "
        f"({escape(ds.get('split_text') or split)}); seeds {', '.join(map(str, seeds))}; "
        f"{escape(ds.get('repetitions_text') or repeats)}.</p>"
        f"<p>{escape(record['model_choice'])}</p>{models}"
        + (
            f'<p class="note">Hyper-parameters each model chose by itself on the full '
            f"training side, then fixed for the grid: {escape(tuned_txt)}.</p>"
            if tuned
            else ""
        )
        + (f"<ul class='notes'>{notes}</ul>" if notes else "")
        + "</header>"
    )


def _nav(record, experiments=None) -> str:
    links = [f'<a href="#{e.name}">{escape(e.title)}</a>' for e, _ in _ran(record, experiments)]
    links.append('<a href="#recommendation">Recommendation</a>')
    links.append('<a href="#glossary">Glossary</a>')
    return "<nav>" + " · ".join(links) + "</nav>"


def _closing(record) -> str:
    recs = findings.recommendation(record)
    parts = ['<section id="recommendation"><h2>Recommendation for this data</h2><ul>']
    parts += [f"<li>{escape(r)}</li>" for r in recs]
    parts.append("</ul></section>")
    skipped = [
        (v["title"], v["reason"])
        for v in record["experiments"].values()
        if v.get("status") == "skipped"
    ]
    if skipped:
        parts.append('<section id="skipped"><h2>Skipped experiments</h2><ul>')
        parts += [f"<li><b>{escape(t)}</b>: {escape(r)}.</li>" for t, r in skipped]
        parts.append("</ul></section>")
    return "".join(parts)


def _details(record) -> str:
    v = record["versions"]
    t = record["timings"]
    eng = record["engine"]
    vers = ", ".join(f"{k} {val}" for k, val in v.items() if val and k != "platform")
    warn = "".join(f"<li>{escape(w)}</li>" for w in record.get("warnings", [])[:20])
    per = ", ".join(f"{k} {s:.1f} s" for k, s in t.get("experiments", {}).items())
    return (
        '<section id="details"><h2>How this report was made</h2>'
        f"<p>Command: <code>{escape(record.get('command') or 'genvsdisc compare')}</code>; "
        f"created {escape(record['created'])}; engine {escape(eng['kind'])} "
        f"({eng['workers']} workers); total {t['total_s']:.1f} s "
        f"(task time per experiment: {escape(per)}).</p>"
        f"<p>{escape(vers)}; {escape(v.get('platform') or '')}.</p>"
        f"<p>Every number above is in <code>results.json</code> (schema "
        f"{escape(record['schema'])} v{record['schema_version']}).</p>"
        + (
            f"<details><summary>Warnings from the models ({len(record['warnings'])})</summary>"
            f"<ul>{warn}</ul></details>"
            if warn
            else ""
        )
        + "</section>"
    )


def render(record: dict, figures: dict[str, bytes] | None = None, experiments=None) -> str:
    """The whole report as one HTML string (figures built when not given); ``experiments``
    replaces the registry's (the out-of-core report's accuracy section)."""
    figures = build_figures(record, experiments) if figures is None else figures
    name = record["dataset"]["name"]
    body = [glossary.annotate(_header(record)), _nav(record, experiments)]
    for i, (experiment, result) in enumerate(_ran(record, experiments), start=1):
        body.append(_section(i, experiment, result, figures.get(experiment.name), name))
    body += [glossary.annotate(_closing(record)), _details(record), glossary.glossary_section()]
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>genvsdisc report: {escape(name)}</title><style>{_css()}</style></head>"
        f"<body><main>{''.join(body)}</main></body></html>\n"
    )

"""Assemble the self-contained HTML report from a results record.

The page loads nothing from anywhere: the stylesheet is inlined and every
plot is a PNG data URI, so ``report.html`` opens offline, from a mail
attachment as well as from disk. Each section has its plot, its numbers, one
plain sentence on what it shows for this data and a short "why".
"""

from __future__ import annotations

import base64
import re
from html import escape
from importlib import resources

from genvsdisc.report import findings, plots

__all__ = ["render", "build_figures"]

_SECTION_ORDER = ("accuracy", "learning_curve", "missing", "unlabeled", "novelty", "generation",
                  "regions")  # fmt: skip


def _css() -> str:
    return resources.files("genvsdisc.report").joinpath("templates/report.css").read_text("utf-8")


def build_figures(record: dict) -> dict[str, bytes]:
    """``{section name: PNG bytes}`` for every section that ran and has a figure."""
    style = plots.Style(record["models"])
    classes = record["dataset"]["classes"]
    makers = {
        "accuracy": lambda s: plots.accuracy_figure(s, style),
        "learning_curve": lambda s: plots.learning_curve_figure(s, style),
        "missing": lambda s: plots.missing_figure(s, style),
        "unlabeled": lambda s: plots.unlabeled_figure(s, style),
        "novelty": lambda s: plots.novelty_figure(s, style),
        "generation": lambda s: plots.generation_figure(s, style, classes),
        "regions": lambda s: plots.regions_figure(s, style, classes),
    }
    out = {}
    for name, sec in record["experiments"].items():
        if sec.get("status") != "ok" or name not in makers or not _has_rows(sec):
            continue
        fig = makers[name](sec)
        if fig is not None:
            out[name] = plots.to_png(fig)
    return out


def _has_rows(sec) -> bool:
    return bool(sec.get("rows") or sec.get("curves"))


# ------------------------------------------------------------------ tables
_NUMBER = re.compile(r"^[-+]?[\d.,]+( ?± ?[\d.]+)?( ?%)?$|^n/a$|^—$")


def _td(c) -> str:
    text = str(c)
    cls = ' class="n"' if _NUMBER.match(text) else ""
    return f"<td{cls}>{escape(text)}</td>"


def _table(head: list[str], rows: list[list], cls: str = "") -> str:
    th = "".join(f"<th>{escape(str(h))}</th>" for h in head)
    body = "".join("<tr>" + "".join(_td(c) for c in row) + "</tr>" for row in rows)
    return f'<table class="{cls}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def _num(x, fmt="{:.3f}"):
    return "n/a" if x is None else fmt.format(x)


def _pm(mean, std):
    if findings.pct(mean) == "n/a":
        return "n/a"
    return f"{100 * mean:.1f} ± {100 * (std or 0):.1f}"


def _accuracy_table(sec):
    rows = [[r["model"], r["family"], findings.pct(r["accuracy"]), _num(r["macro_f1"]),
             _num(r["log_loss"]), _num(r["ece"]), _num(r["fit_s"], "{:.2f}"),
             _num(r["predict_s"], "{:.3f}")] for r in sec["rows"] if "accuracy" in r]  # fmt: skip
    head = ["model", "family", "accuracy", "macro-F1", "log-loss", "ECE", "fit s", "predict s"]
    return _table(head, rows)


def _learning_curve_table(sec):
    sizes = sec["sizes"]
    picks = sorted({0, len(sizes) // 2, len(sizes) - 1})
    head = ["model", "family", "fitting"] + [f"{sizes[j]} rows (%)" for j in picks]
    rows = [[m, c["family"], c["strategy"]] + [_pm(c["mean"][j], c["std"][j]) for j in picks]
            for m, c in sec["curves"].items()]  # fmt: skip
    return _table(head, rows)


def _missing_table(sec):
    head = ["model (method)"] + [f"{f:.0%} removed (%)" for f in sec["fractions"]]
    rows = [[r["label"]] + [_pm(m, s) for m, s in zip(r["mean"], r["std"], strict=True)]
            for r in sec["rows"]]  # fmt: skip
    grid = (f'<p class="note">Mean ± spread over {len(sec["seeds"])} random mask(s) per '
            f"fraction, on {sec['n_rows']} of the {sec['n_test']} test rows (a stratified "
            "subsample, the same rows and masks for every model); imputers are fitted on the "
            "training rows only.</p>")  # fmt: skip
    return _table(head, rows) + grid


def _unlabeled_table(sec):
    head = ["model (variant)"] + [f"{k} per class (%)" for k in sec["labels_per_class"]]
    rows = [[r["label"]] + [_pm(m, s) for m, s in zip(r["mean"], r["std"], strict=True)]
            for r in sec["rows"]]  # fmt: skip
    notes = "".join(f'<p class="note">{escape(r["label"])}: n/a where it could not be fitted '
                    f"({escape(r['error'])})</p>" for r in sec["rows"] if r.get("error"))  # fmt: skip
    cap = (f"; EM of mixtures capped at {sec['em_max_iter']} iterations"
           if sec.get("em_max_iter") else "")  # fmt: skip
    grid = (f'<p class="note">Mean ± spread over {len(sec["seeds"])} draw(s) of the labeled '
            f"rows; up to {sec['max_pool']} other training rows form the unlabeled pool{cap}.</p>")  # fmt: skip
    return _table(head, rows) + notes + grid


def _novelty_table(sec):
    head = ["model", "score"] + [sec["set_text"][s] for s in sec["sets"]]
    rows = []
    for r in sec["rows"]:
        for kind, vals in r["auroc"].items():
            label = "log p(x)" if kind == "log_px" else "max softmax"
            if kind == "log_px" and r.get("likelihood") == "bound":
                label += " (a bound)"
            rows.append([r["model"], label] + [f"{vals[s]:.3f}" for s in sec["sets"]])
    return _table(head, rows)


def _generation_table(sec):
    head = ["model", "judge agreement", "CAS (train on samples)", "distance ratio",
            "closer than 95 % of test rows", "exact copies"]  # fmt: skip
    rows = []
    for r in sec["rows"]:
        if "cannot_generate" in r:
            rows.append([r["model"], "cannot generate", "—", "—", "—", "—"])
        elif "error" in r:
            rows.append([r["model"], f"error: {r['error']}", "", "", "", ""])
        else:
            mem = r["memorisation"]
            rows.append([r["model"], findings.pct(r.get("judge_agreement")),
                         findings.pct(r.get("cas")), f"{mem['ratio']:.2f}",
                         findings.pct(mem["closer_than_test_p5"]), mem["copies"]])  # fmt: skip
    out = _table(head, rows)
    if sec.get("judge"):
        j = sec["judge"]
        out += (f'<p class="note">Judge: {escape(j["model"])} trained on the real training '
                f"rows, {findings.pct(j['accuracy'])} on the real test rows — the ceiling "
                "for CAS.</p>")  # fmt: skip
    refusals = [r for r in sec["rows"] if "cannot_generate" in r]
    if refusals:
        out += f'<p class="note">{escape(refusals[0]["cannot_generate"])}</p>'
    return out + _sample_rows(sec)


def _sample_rows(sec) -> str:
    """Tables: a few sampled rows per generative model; text: a few generated documents."""
    if sec.get("image_shape"):
        return ""
    names = sec.get("feature_names") or []
    classes = sec.get("classes") or []
    out = []
    for r in sec["rows"]:
        if "shown" not in r:
            continue
        pairs = list(zip(r["shown"]["X"], r["shown"]["y"], strict=True))
        label = lambda y: classes[y] if y < len(classes) else y  # noqa: E731
        if sec.get("modality") == "text":
            docs = "".join(f'<blockquote><b>{escape(str(label(y)))}</b>: {escape(x)}…</blockquote>'
                           for x, y in pairs)  # fmt: skip
            bag = (
                '<p class="note">A bag-of-words model draws word counts, not sentences: '
                "the words come out in random order.</p>"
                if r.get("bag_of_words")
                else ""
            )
            out.append(f"<h4>Documents drawn by {escape(r['model'])}</h4>{bag}{docs}")
            continue
        d = min(8, len(pairs[0][0]) if pairs else 0)
        head = ["class"] + [names[j] if j < len(names) else f"x{j}" for j in range(d)]
        rows = [[label(y)] + [f"{v:.3g}" for v in x[:d]] for x, y in pairs]
        out.append(f"<h4>Rows drawn by {escape(r['model'])}</h4>" + _table(head, rows, "small"))
    return "".join(out)


def _regions_table(sec):
    return _table(
        ["model", "family", "test accuracy"],
        [[r["model"], r["family"], findings.pct(r["accuracy"])] for r in sec["rows"]],
    )


_TABLES = {
    "accuracy": _accuracy_table,
    "learning_curve": _learning_curve_table,
    "missing": _missing_table,
    "unlabeled": _unlabeled_table,
    "novelty": _novelty_table,
    "generation": _generation_table,
    "regions": _regions_table,
}


# ---------------------------------------------------------------- sections
def _img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<figure><img src="data:image/png;base64,{data}" alt="{escape(alt)}"></figure>'


def _section(i: int, name: str, sec: dict, png: bytes | None, dataset: str) -> str:
    title = escape(sec.get("title", name))
    if sec.get("status") != "ok":
        return ""
    parts = [f'<section id="{name}"><h2>{i}. {title}</h2>']
    try:
        parts.append(f'<p class="finding">{escape(findings.finding(name, sec, dataset))}</p>')
    except (KeyError, ValueError, IndexError, StopIteration):
        parts.append('<p class="finding">Not enough results to summarise.</p>')
    if png:
        parts.append(_img(png, f"{title} on {dataset}"))
    if _has_rows(sec):
        parts.append(_TABLES[name](sec))
    if sec.get("note"):
        parts.append(f'<p class="note">{escape(sec["note"])}.</p>')
    errors = sec.get("errors") or {}
    for model, msg in errors.items():
        parts.append(f'<p class="error">{escape(model)} failed: {escape(msg)}</p>')
    parts.append(f'<p class="why"><b>Why.</b> {escape(findings.WHY[name])}</p></section>')
    return "".join(parts)


def _header(record) -> str:
    ds = record["dataset"]
    models = _table(["model", "family", "likelihood", "why it is here"],
                    [[m["name"], m["family"], m["likelihood"], m["picked"]]
                     for m in record["models"]])  # fmt: skip
    notes = "".join(f"<li>{escape(n)}</li>" for n in ds.get("notes", []))
    tuned = {m: p for m, p in record["settings"].get("model_params", {}).items() if p}
    tuned_txt = "; ".join(f"{m}: " + ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else
                                               f"{k}={v}" for k, v in p.items())
                          for m, p in tuned.items())  # fmt: skip
    seeds = record["settings"]["seeds"]
    return (
        f"<header><h1>genvsdisc report: {escape(ds['name'])}</h1>"
        '<p class="lead">The <b class="disc">detective</b> (discriminative: learns p(y|x)) and '
        'the <b class="gen">artist</b> (generative: learns p(x|y)·p(y)) on the same data.</p>'
        f"<p>{escape(ds['description'])}. {ds['n_samples']} rows, "
        f"{ds['n_features'] if ds['n_features'] is not None else 'raw-text'} features, "
        f"{len(ds['classes'])} classes; split {ds['n_train']} train / {ds['n_test']} test "
        f"(stratified, seed {ds['split_seed']}); seeds {', '.join(map(str, seeds))}.</p>"
        f"<p>{escape(record['model_choice'])}</p>{models}"
        + (f'<p class="note">Hyper-parameters each model chose by itself on the full '
           f"training side, then fixed for the grid: {escape(tuned_txt)}.</p>" if tuned else "")
        + (f"<ul class='notes'>{notes}</ul>" if notes else "")
        + "</header>"
    )  # fmt: skip


def _nav(record) -> str:
    links = [f'<a href="#{n}">{escape(record["experiments"][n]["title"])}</a>'
             for n in _SECTION_ORDER if record["experiments"].get(n, {}).get("status") == "ok"]  # fmt: skip
    links.append('<a href="#recommendation">Recommendation</a>')
    return "<nav>" + " · ".join(links) + "</nav>"


def _closing(record) -> str:
    recs = findings.recommendation(record)
    parts = ['<section id="recommendation"><h2>Recommendation for this data</h2><ul>']
    parts += [f"<li>{escape(r)}</li>" for r in recs]
    parts.append("</ul></section>")
    skipped = [(v["title"], v["reason"]) for v in record["experiments"].values()
               if v.get("status") == "skipped"]  # fmt: skip
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
        + (f"<details><summary>Warnings from the models ({len(record['warnings'])})</summary>"
           f"<ul>{warn}</ul></details>" if warn else "")
        + "</section>"
    )  # fmt: skip


def render(record: dict, figures: dict[str, bytes] | None = None) -> str:
    """The whole report as one HTML string (figures built when not given)."""
    figures = build_figures(record) if figures is None else figures
    name = record["dataset"]["name"]
    body = [_header(record), _nav(record)]
    i = 0
    for sec_name in _SECTION_ORDER:
        sec = record["experiments"].get(sec_name)
        if sec and sec.get("status") == "ok":
            i += 1
            body.append(_section(i, sec_name, sec, figures.get(sec_name), name))
    body += [_closing(record), _details(record)]
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>genvsdisc report: {escape(name)}</title><style>{_css()}</style></head>"
        f"<body><main>{''.join(body)}</main></body></html>\n"
    )

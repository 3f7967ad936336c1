"""Plain-words explanations of the report's terms: on hover and in a closing glossary.

A term in the report's text is wrapped in ``<abbr title="...">`` the first time it
appears in a section, so hovering shows the explanation (the browser's own
tooltip: no script, nothing fetched); the glossary section at the end lists
every term. One table, :data:`TERMS`, serves both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

__all__ = ["TERMS", "Term", "annotate", "glossary_section"]


@dataclass(frozen=True)
class Term:
    """One glossary entry.

    Attributes
    ----------
    name : str
        The term as the glossary lists it.
    plain : str
        What it means, in plain words (the hover text).
    pattern : str
        Regular expression (case-insensitive) for the ways the report writes it.
    """

    name: str
    plain: str
    pattern: str

    @property
    def anchor(self) -> str:
        return "term-" + re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")


TERMS: tuple[Term, ...] = (
    Term(
        "AUROC",
        "Area under the ROC curve: the chance that a random unusual input gets a higher "
        "'unusual' score than a random normal one. 1 is perfect, 0.5 is a coin flip.",
        r"AUROC",
    ),
    Term(
        "ECE",
        "Expected calibration error: how far the model's stated confidence is from how "
        "often it is right, averaged over confidence bins. 0 means 'says 80 %, right 80 % "
        "of the time'.",
        r"ECE",
    ),
    Term(
        "log-loss",
        "The average of -log(probability given to the true class). Lower is better; it "
        "punishes confident mistakes hard.",
        r"log[- ]loss",
    ),
    Term(
        "CAS",
        "Classification accuracy score: train a classifier on the generated samples only "
        "and test it on real rows. High when the samples carry what tells the classes apart.",
        r"CAS",
    ),
    Term(
        "judge agreement",
        "The share of generated samples that an independent classifier (the judge), "
        "trained on real data, assigns to the class they were drawn for.",
        r"judge agreement",
    ),
    Term(
        "memorisation",
        "Whether generated samples are copies of (or unusually close to) training rows, "
        "compared with how close real unseen rows are.",
        r"memori[sz](?:ation|ed|es|ing)|copying|exact copies",
    ),
    Term(
        "BIC",
        "Bayesian information criterion: fit to the data minus a penalty for every "
        "parameter; used to pick how many mixture components a model gets.",
        r"BIC",
    ),
    Term(
        "likelihood bound",
        "A lower bound on log p(x) (the ELBO) that models such as a VAE report instead "
        "of the exact likelihood, which they cannot compute.",
        r"likelihood bound|ELBO",
    ),
    Term(
        "Ledoit–Wolf",
        "A way of estimating a covariance matrix from few rows: it pulls the estimate "
        "towards a simple diagonal one so it stays invertible and stable.",
        r"Ledoit[-–]Wolf",
    ),
    Term(
        "partial_fit",
        "Training on the data in chunks, updating the model with each chunk instead of "
        "seeing all rows at once.",
        r"partial_fit|incremental",
    ),
    Term(
        "warm start",
        "Continuing training from the previous fit's parameters instead of starting again "
        "from scratch.",
        r"warm[ _-]start",
    ),
    Term(
        "refit",
        "Training the model again from scratch on all rows seen so far.",
        r"refit",
    ),
)

_COMPILED = [(t, re.compile(rf"(?<![\w-])(?:{t.pattern})(?![\w-])", re.I)) for t in TERMS]
# text inside these elements is left alone (already explained, code or a link)
_SKIP = {"abbr", "code", "a", "script", "style", "title", "h1", "h2", "dt"}


def _hover(term: Term, text: str) -> str:
    return f'<abbr class="term" title="{escape(term.plain, quote=True)}">{text}</abbr>'


def _annotate_text(text: str, seen: set[str]) -> str:
    """Wrap the first mention of each unseen term in a stretch of text (no tags)."""
    pieces = []
    while True:
        found = [(rx.search(text), term) for term, rx in _COMPILED if term.name not in seen]
        found = [(m, term) for m, term in found if m]
        if not found:
            break
        match, term = min(found, key=lambda pair: pair[0].start())
        seen.add(term.name)
        pieces.append(text[: match.start()] + _hover(term, match.group(0)))
        text = text[match.end() :]
    pieces.append(text)
    return "".join(pieces)


def annotate(html_text: str, seen: set[str] | None = None) -> str:
    """``html_text`` with the first mention of each term wrapped in ``<abbr title>``.

    Parameters
    ----------
    html_text : str
        Escaped HTML; only text between tags is changed, never a tag or attribute.
    seen : set of str, optional
        Names of terms already explained; updated in place, so one set per section
        explains each term once per section.
    """
    seen = set() if seen is None else seen
    out, skip_depth = [], 0
    for chunk in re.split(r"(<[^>]+>)", html_text):
        if chunk.startswith("<"):
            tag = re.match(r"</?\s*([a-zA-Z0-9]+)", chunk)
            if tag and tag.group(1).lower() in _SKIP:
                skip_depth += -1 if chunk.startswith("</") else 1
            out.append(chunk)
            continue
        if skip_depth > 0 or not chunk.strip():
            out.append(chunk)
            continue
        chunk = _annotate_text(chunk, seen)
        out.append(chunk)
    return "".join(out)


def glossary_section() -> str:
    """The closing glossary: every term with its plain-words explanation."""
    items = "".join(
        f'<dt id="{t.anchor}">{escape(t.name)}</dt><dd>{escape(t.plain)}</dd>' for t in TERMS
    )
    return (
        '<section id="glossary"><h2>Glossary</h2>'
        "<p>Hover over a dotted-underlined term anywhere above for the same explanation.</p>"
        f'<dl class="glossary">{items}</dl></section>'
    )

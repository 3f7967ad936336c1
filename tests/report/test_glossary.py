"""Terms explained on hover (<abbr title>) and in the closing glossary."""

from __future__ import annotations

import re
from html import unescape

import pytest

from genvsdisc.report import render
from genvsdisc.report.glossary import TERMS, annotate, glossary_section

REQUIRED = [
    "ECE",
    "AUROC",
    "CAS",
    "BIC",
    "log-loss",
    "partial_fit",
    "warm start",
    "refit",
    "Ledoit–Wolf",
    "likelihood bound",
    "judge agreement",
    "memorisation",
]


def test_glossary_has_every_required_term_in_plain_words():
    names = [t.name for t in TERMS]
    assert names == list(dict.fromkeys(names)) and set(REQUIRED) <= set(names)
    for term in TERMS:
        assert len(term.plain.split()) >= 8 and term.plain.endswith(".")


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("mean AUROC 0.65", "AUROC"),
        ("ECE 0.04", "ECE"),
        ("log loss fell", "log-loss"),
        ("the Ledoit-Wolf shrinkage", "Ledoit–Wolf"),
        ("fitted with warm_start", "warm start"),
        ("no sign of memorization", "memorisation"),
        ("a BIC of 120", "BIC"),
        ("its likelihood bound", "likelihood bound"),
    ],
)
def test_annotate_wraps_each_term(text, term):
    out = annotate(text)
    (plain,) = re.findall(r'<abbr class="term" title="([^"]+)">', out)
    assert unescape(plain) == next(t.plain for t in TERMS if t.name == term)
    assert re.sub(r"<[^>]+>", "", out) == text  # the words themselves are unchanged


def test_annotate_first_mention_only_and_never_inside_tags():
    html = '<p>AUROC and AUROC</p><img alt="AUROC"><code>ECE</code><p>CASE, ECE</p>'
    out = annotate(html)
    assert out.count("<abbr") == 2  # AUROC once, ECE once (not in <code>, not "CASE")
    assert '<img alt="AUROC">' in out and "<code>ECE</code>" in out
    assert out.index("<abbr") < out.index(" and AUROC")


def test_annotate_leaves_words_that_merely_contain_a_term():
    assert annotate("cascade, BICYCLE, prefitted, recast") == "cascade, BICYCLE, prefitted, recast"


def test_report_explains_terms_on_hover_and_ends_with_glossary(record_moons):
    html = render(record_moons, figures={})
    hovered = set(re.findall(r'<abbr class="term" title="[^"]+">([^<]+)</abbr>', html))
    assert {"AUROC", "ECE", "CAS"} <= hovered
    assert html.rstrip().endswith(glossary_section() + "</main></body></html>")
    assert '<a href="#glossary">Glossary</a>' in html
    assert "<script" not in html

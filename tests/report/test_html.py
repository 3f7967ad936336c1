import base64
import re

from genvsdisc.experiments import get_experiment, registered
from genvsdisc.experiments.accuracy import AccuracyResult
from genvsdisc.report import render
from genvsdisc.report.findings import recommendation


def test_report_files(report_dir):
    html = (report_dir / "report.html").read_text()
    pngs = sorted(p.name for p in (report_dir / "figures").iterdir())
    assert "regions.png" in pngs and "learning_curve.png" in pngs
    assert html.count("data:image/png;base64,") == len(pngs)


def test_report_self_contained(record_moons):
    html = render(record_moons)
    # nothing loaded from elsewhere: no URLs in src/href, no scripts, no @import
    assert not re.search(r'(src|href)="(?!data:|#)', html)
    assert "<script" not in html and "@import" not in html and "http" not in html.split("<body>")[1]


def test_report_images_decode(record_moons):
    html = render(record_moons)
    for data in re.findall(r'src="data:image/png;base64,([^"]+)"', html):
        assert base64.b64decode(data)[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_sections_have_finding_and_why(record_moons):
    html = render(record_moons)
    for name, sec in record_moons["experiments"].items():
        if sec["status"] == "ok":
            assert f'<section id="{name}">' in html
    assert html.count('class="finding"') == html.count('class="why"') >= 6
    assert "Recommendation for this data" in html


def test_report_lists_skipped_with_reason(record_images):
    html = render(record_images)
    assert "Skipped experiments" in html and "decision regions are drawn for 2-D data only" in html


def test_finding_names_models_and_numbers(record_moons):
    result = AccuracyResult.from_dict(record_moons["experiments"]["accuracy"])
    text = get_experiment("accuracy").finding(result, "moons")
    for pair in result.pairs:  # every comparison names its pair and the interval behind it
        assert f"Pair {pair['generative']} ↔ {pair['discriminative']}" in text
    assert "interval" in text
    assert "leads" not in text and "wins" not in text


def test_recommendation_covers_questions(record_moons):
    lines = recommendation(record_moons)
    assert any("missing at prediction time" in s for s in lines)
    assert any("synthetic rows" in s for s in lines)
    assert any("labeled rows" in s or "training size" in s for s in lines)


def test_why_for_every_experiment(record_moons):
    why = {e.name: e.why for e in registered()}
    assert set(why) >= set(record_moons["experiments"]) and all(why.values())


def test_generation_image_grid(record_images):
    assert record_images["experiments"]["generation"]["image_shape"] == [8, 8]
    assert "generation" in __import__("genvsdisc.report", fromlist=["x"]).build_figures(
        record_images
    )

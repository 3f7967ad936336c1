"""The report browser lists reports and serves files from inside the results folder only."""

from __future__ import annotations

import http.client
from urllib.parse import urlparse

import pytest

from genvsdisc.app import create_app
from genvsdisc.app.reports import list_reports, resolve_inside


def test_list_reports_finds_report_with_title(results_dir):
    reports = list_reports(results_dir)
    assert [r["path"] for r in reports] == ["digits-20250101-120000/report.html"]
    assert reports[0]["title"] == "digits: the detective and the artist"


def test_list_reports_missing_folder_is_empty(tmp_path):
    assert list_reports(tmp_path / "nope") == []
    assert list_reports(None) == []


def test_resolve_inside_accepts_nested_file(results_dir):
    target = resolve_inside(results_dir, "digits-20250101-120000/figures/curve.svg")
    assert target is not None and target.name == "curve.svg"


@pytest.mark.parametrize(
    "relative",
    [
        "../secret.txt",
        "digits-20250101-120000/../../secret.txt",
        "/etc/passwd",
        "link-out.txt",
        "dir-out/secret.txt",
        ".hidden",
        "digits-20250101-120000\\..\\..\\secret.txt",
        "digits-20250101-120000/report.html\x00.txt",
        "digits-20250101-120000",
        "",
    ],
)
def test_resolve_inside_refuses_escape(results_dir, relative):
    assert resolve_inside(results_dir, relative) is None


def test_api_reports_lists_report(client):
    body = client.get("/api/reports").json()
    assert body["reports"][0]["path"] == "digits-20250101-120000/report.html"


def test_report_file_served(client):
    r = client.get("/reports/files/digits-20250101-120000/report.html")
    assert r.status_code == 200
    assert "digits report" in r.text
    assert "unsafe-inline" in r.headers["content-security-policy"]
    assert client.get("/reports/files/digits-20250101-120000/figures/curve.svg").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/reports/files/%2e%2e/secret.txt",  # encoded dots
        "/reports/files/..%2fsecret.txt",  # encoded slash
        "/reports/files/%2e%2e%2fsecret.txt",
        "/reports/files/digits-20250101-120000/%2e%2e/%2e%2e/secret.txt",
        "/reports/files/%252e%252e/secret.txt",  # double encoding stays literal
        "/reports/files//etc/passwd",  # absolute
        "/reports/files/%2fetc%2fpasswd",  # encoded absolute
        "/reports/files/link-out.txt",  # symlink to a file outside
        "/reports/files/dir-out/secret.txt",  # symlinked folder outside
        "/reports/files/.hidden",
        "/reports/files/digits-20250101-120000%5c..%5c..%5csecret.txt",  # backslashes
        "/reports/files/digits-20250101-120000/report.html%00",  # NUL byte
        "/reports/files/nope.html",
    ],
)
def test_report_file_escape_is_404(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert r.json()["field"] == "path"
    assert "do not serve me" not in r.text


def test_report_file_literal_dotdot_is_404(live_server):
    # httpx removes literal '..' segments before sending; http.client sends them as written
    parsed = urlparse(live_server)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
    conn.request("GET", "/reports/files/../../secret.txt")
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    assert response.status == 404
    assert "do not serve me" not in body


def test_report_file_without_results_dir_is_404():
    from fastapi.testclient import TestClient

    with TestClient(create_app(), base_url="http://localhost") as c:
        assert c.get("/reports/files/report.html").status_code == 404
        assert c.get("/api/reports").json() == {"results_dir": None, "reports": []}


def test_an_opened_report_links_back_to_the_app(client):
    page = client.get("/reports/files/digits-20250101-120000/report.html")
    assert page.status_code == 200
    body = page.text
    assert body.index('<nav id="genvsdisc-back"') > body.index("<body>")
    assert 'href="/reports"' in body and "digits report" in body
    # figures are served as they are
    svg = client.get("/reports/files/digits-20250101-120000/figures/curve.svg")
    assert "genvsdisc-back" not in svg.text


def test_serve_lists_compare_default_folder_when_no_results_given(tmp_path, monkeypatch):
    """`genvsdisc serve` without --results lists ./genvsdisc-report, where compare writes."""
    import uvicorn
    from click.testing import CliRunner

    from genvsdisc.cli import cli

    seen = {}
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app))
    result = CliRunner().invoke(cli, ["serve", "--no-warm"])
    assert result.exit_code == 0, result.output
    state = seen["app"].state.genvsdisc
    assert state.results_dir == tmp_path / "genvsdisc-report"

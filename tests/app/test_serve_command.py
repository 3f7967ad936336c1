"""`genvsdisc serve`: options, one-line errors, and a real start on loopback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from click.testing import CliRunner

from genvsdisc.cli import cli


def test_serve_help_shows_loopback_default():
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    assert "[default: 127.0.0.1]" in result.output


def test_serve_missing_results_folder_is_one_line_error(tmp_path):
    result = CliRunner().invoke(cli, ["serve", "--results", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "--results" in result.output and "is not a folder" in result.output
    assert "Traceback" not in result.output


def test_serve_bad_port_is_usage_error():
    result = CliRunner().invoke(cli, ["serve", "--port", "70000"])
    assert result.exit_code == 2
    assert "--port" in result.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def test_serve_starts_on_loopback_and_answers(tmp_path):
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    launcher = [sys.executable, "-c", "from genvsdisc.cli import main; main()"]
    cmd = [*launcher, "serve", "--port", str(port), "--no-warm", "--results", str(tmp_path)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                body = _get(f"http://127.0.0.1:{port}/api/health")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"server did not start: {proc.stdout.read().decode()}")
                time.sleep(0.2)
        assert body["status"] == "ok"
        assert _get(f"http://127.0.0.1:{port}/api/reports")["reports"] == []
    finally:
        proc.terminate()
        output = proc.communicate(timeout=20)[0].decode()
    assert f"http://127.0.0.1:{port}/" in output

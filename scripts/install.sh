#!/usr/bin/env bash
# Create ./.venv and install genvsdisc into it, ready to run.
#   bash scripts/install.sh          # the package and its runtime needs
#   bash scripts/install.sh --test   # also the test tools and headless Chromium
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# The CPU build of torch first: a bare `torch` requirement would pull a CUDA build.
.venv/bin/python -m pip install -q torch==2.13.0
# Debian's espeak-ng speaks the spoken_words data set (synthesised at first use)
if ! command -v espeak-ng >/dev/null 2>&1; then
    (apt-get update -qq && apt-get install -y -qq espeak-ng >/dev/null) \
        || echo "install.sh: espeak-ng could not be installed; the spoken_words data set will refuse to load (apt-get install espeak-ng)" >&2
fi
if [ "${1:-}" = "--test" ]; then
    .venv/bin/python -m pip install -q -e ".[test]"
    if ! command -v chromium >/dev/null 2>&1; then
        (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) \
            || echo "install.sh: chromium could not be installed; browser tests will be skipped" >&2
    fi
    # axe-core (npm) checks the app's pages for accessibility faults in tests/app; the
    # test injects it into the page, the app never serves it.
    if [ ! -f node_modules/axe-core/axe.min.js ]; then
        (command -v npm >/dev/null 2>&1 && npm install -s --no-save --no-audit --no-fund axe-core >/dev/null) \
            || echo "install.sh: axe-core could not be installed; the accessibility test will be skipped" >&2
    fi
else
    .venv/bin/python -m pip install -q -e .
fi

"""An in-process run never imports distributed (about half a second of start-up)."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import sys
from genvsdisc.data import load, train_test_split
from genvsdisc.engine import InProcessEngine, task
from genvsdisc.experiments.base import fit_model
from genvsdisc.experiments.common import Settings

train, test = train_test_split(load("iris"))
engine = InProcessEngine()
data = engine.data(train, test)
out = engine.run({"fit": task(fit_model, *data, model="gaussian_nb", settings=Settings())})
print(out["fit"].error, "distributed" in sys.modules)
"""


def test_in_process_engine_does_not_import_distributed():
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["None", "False"], out.stdout + out.stderr

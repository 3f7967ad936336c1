"""The labs' training progress in headless Chromium: followed by EventSource, polled as a fallback."""

from __future__ import annotations

import pytest
from browsing import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs /usr/bin/chromium (apt-get install chromium)"
    ),
]

# Trains gaussian_nb through the page's LabTraining.train, counting the event streams opened;
# `streams` false removes EventSource, as an old browser would, so the page must poll.
_TRAIN = """async (streams) => {
  let opened = 0;
  const Native = window.EventSource;
  window.EventSource = streams ? class extends Native { constructor(u) { super(u); opened++; } } : undefined;
  const bar = document.createElement("progress");
  const label = document.createElement("span");
  const info = await LabTraining.train({
    trainPath: "/api/images/train", infoPath: "/api/images/info", name: "gaussian_nb",
    pick: (i) => i.models.find((m) => m.name === "gaussian_nb"), bar, label,
  });
  window.EventSource = Native;
  return { opened, ready: info.models[0].ready, hidden: bar.hidden };
}"""


@pytest.mark.parametrize("streams", [True, False])
def test_lab_training_streams_progress_or_polls(page, streams):
    page.goto(page.base + "/images")
    result = page.evaluate(_TRAIN, streams)
    assert result == {"opened": 1 if streams else 0, "ready": True, "hidden": True}
    assert page.errors == []

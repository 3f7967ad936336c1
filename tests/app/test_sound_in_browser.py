"""The sound lab in headless Chromium, with a fake microphone that says "seven".

Chromium's fake capture device plays a WAV file in a loop
(``--use-file-for-fake-audio-capture``); the file is espeak-ng saying "seven"
followed by 1.5 s of silence, resampled to 48 kHz 16-bit. Where in that loop
the 1.5 s recording starts is up to Chromium, so the test asserts what holds
for any start: the page shows both verdicts and the artist's log p(x) with its
typicality; it does not assert which word the models hear (measured in four
runs: the artist heard "seven" four times, the detective twice, "two" otherwise).
"""

from __future__ import annotations

import shutil

import browsing
import numpy as np
import pytest
from browsing import CHROMIUM, wait_js
from test_sound_api import espeak

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium"),
    pytest.mark.skipif(
        shutil.which("espeak-ng") is None,
        reason="needs espeak-ng (apt-get install espeak-ng): spoken_words and the fake voice",
    ),
]

#: The fake microphone's rate: Chromium's fake capture reads 16-bit PCM WAV files.
MIC_RATE = 48_000


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Chromium whose microphone says "seven" (replaces conftest's browser in this module)."""
    import soundfile as sf
    import soxr
    from playwright.sync_api import sync_playwright

    samples, rate = espeak("seven")
    voice = soxr.resample(samples, rate, MIC_RATE)
    loop = np.concatenate([voice, np.zeros(int(1.5 * MIC_RATE), dtype=voice.dtype)])
    wav = tmp_path_factory.mktemp("mic") / "seven.wav"
    sf.write(wav, loop, MIC_RATE, subtype="PCM_16")
    args = [
        *browsing.CHROMIUM_ARGS,
        "--use-fake-ui-for-media-stream",  # grant the microphone without asking
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}",
    ]
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=args)
        yield b
        b.close()


def _clips_shown(page) -> None:
    page.goto(page.base + "/sound")
    wait_js(page, "Number(document.body.dataset.clips || 0) > 0", 180)


def test_sound_lab_plays_pictures_and_judges_clips(page):
    _clips_shown(page)
    assert page.locator("#grid figure.clip").count() == 20  # a real and a generated clip per word
    assert page.locator("#grid figure.clip.generated").count() == 10
    # every spectrogram is a decoded picture (they may still be decoding when the clips show)
    pictures = "[...document.querySelectorAll('#grid img.spectrogram')]"
    wait_js(page, f"{pictures}.every(i => i.complete && i.naturalWidth > 0)")
    widths = page.evaluate(
        "[...document.querySelectorAll('#grid img.spectrogram')].map(i => i.naturalWidth)"
    )
    assert len(widths) == 20 and min(widths) > 0
    # the first player's WAV loads and plays in the page (its duration is the clip's)
    duration = page.evaluate(
        """async () => { const a = document.querySelector('#grid audio');
          a.preload = 'auto'; a.load();
          await new Promise((ok, bad) => { a.onloadedmetadata = ok; a.onerror = bad; });
          return a.duration; }"""
    )
    assert 0.1 < duration <= 1.05
    card = page.locator("#grid figure.clip").first.inner_text()
    assert "Detective hears" in card and "Artist hears" in card and "log p(x) =" in card
    assert "The detective (clip_svm" in page.inner_text("#summary")
    assert page.errors == []


def test_sound_lab_records_the_fake_microphone(page, tmp_path):
    _clips_shown(page)
    page.focus("#record")  # a keyboard user records with Enter
    page.keyboard.press("Enter")
    wait_js(page, "Number(document.body.dataset.recorded || 0) > 0", 60)
    text = page.inner_text("#recording")
    assert "your recording" in text
    assert "Detective hears" in text and "Artist hears" in text
    assert "Artist's log p(x) = " in text and ("typical" in text or "unusual" in text)
    heard = page.evaluate("document.querySelector('#recording figcaption').textContent")
    seconds = float(heard.split("·")[1].split("s")[0])
    assert 0.1 < seconds <= 1.0  # silence trimmed, cut to the data's 1 s clips
    assert page.locator("#recording table.proba tbody tr").count() == 10
    assert page.inner_text("#status").startswith("done in")
    assert page.inner_text("#error") == ""
    page.screenshot(path=str(tmp_path / "sound_lab_recording.png"), full_page=True)
    assert page.errors == []


def test_sound_lab_fits_a_phone(browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server + "/sound")
    wait_js(page, "Number(document.body.dataset.clips || 0) > 0", 180)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    nav = page.evaluate(
        """() => { const h = document.querySelector('header.top').getBoundingClientRect();
          return [...document.querySelectorAll('header.top nav a')].map(a => {
            const r = a.getBoundingClientRect();
            return r.right <= innerWidth && r.bottom <= h.bottom && r.top >= h.top; }); }"""
    )
    context.close()
    assert len(nav) == 5 and all(nav)


# A 48 kHz tone through the page's resampler: the RMS of its 8 kHz output after the edges.
_TONE_RMS = """(hz) => {
  const rate = 48000, x = new Float32Array(rate);
  for (let n = 0; n < x.length; n++) x[n] = Math.sin(2 * Math.PI * hz * n / rate);
  const y = SoundRecorder.resample(x, rate).subarray(100, 7900);
  return [y.length, Math.sqrt(y.reduce((s, v) => s + v * v, 0) / y.length)];
}"""


def test_sound_recorder_resampler_keeps_speech_band_and_drops_aliases(page):
    page.goto(page.base + "/sound")
    n, rms = page.evaluate(_TONE_RMS, 1000)
    assert n == 7800 and abs(rms - 0.5**0.5) < 0.01  # 1 kHz passes unchanged
    # 6 kHz is above the 4 kHz the models read: linear interpolation would fold it to 2 kHz
    assert page.evaluate(_TONE_RMS, 6000)[1] < 0.01


def test_sound_lab_shows_microphone_and_upload_errors_in_one_line(page):
    _clips_shown(page)
    # a microphone the user refused
    page.evaluate(
        """() => { navigator.mediaDevices.getUserMedia = () =>
             Promise.reject(new DOMException('Permission denied', 'NotAllowedError')); }"""
    )
    page.click("#record")
    wait_js(page, "document.getElementById('error').textContent.length > 0", 30)
    assert page.inner_text("#error") == (
        "no microphone: Permission denied (allow the microphone for this page)"
    )
    # a recording of silence: the server's one-line 422 is shown as it is
    page.evaluate(
        """() => { SoundRecorder.record = async () =>
             ({ samples: new Float32Array(12000), rate: 8000, capturedRate: 48000 }); }"""
    )
    page.click("#record")
    wait_js(page, "document.getElementById('error').textContent.includes('silent')", 30)
    assert page.inner_text("#error") == "samples: the recording is silent; check the microphone"
    assert not page.is_disabled("#record")  # the button comes back after an error
    assert page.inner_text("#recording") == ""
    assert all("422" in e or "Unprocessable" in e for e in page.errors)  # the failed fetch only

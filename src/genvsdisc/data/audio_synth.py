"""``spoken_words``: the ten digit words spoken by espeak-ng voices, in noise.

Each voice (an espeak-ng English accent with a voice variant, e.g.
``en-gb-scotland+f3``) says each of the ten words ``RENDITIONS`` times at a
seeded speed and pitch. Every clip is resampled to 8 kHz, trimmed of silence,
placed after a short seeded lead-in, cut to ``CLIP_SECONDS`` and mixed with
white, pink or babble noise (three other clips) at one of ``SNRS_DB``; the
clips are then peak-normalised. Synthetic speech is easy: at 20 dB SNR
clip_logreg names 96 % of the words of voices it never heard; the lower SNRs
make it a task (79 % at 0 dB; benchmarks/sound_data.py, RESULTS.md).

The set is synthesised at first use (parallel espeak-ng processes, a progress
bar) and cached in the user's cache folder; the same seed gives the same set.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import numpy as np

from genvsdisc.data.audio_io import SAMPLE_RATE, features_of, frames_for, to_rate, trim_silence
from genvsdisc.data.dataset import Dataset
from genvsdisc.exceptions import DataError, ParameterError

__all__ = [
    "ACCENTS",
    "VARIANTS",
    "WORDS",
    "SNRS_DB",
    "voice_names",
    "cache_folder",
    "synthesise",
    "load_spoken_words",
]

WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
ACCENTS = (
    "en-us",
    "en-gb",
    "en-gb-scotland",
    "en-gb-x-gbclan",
    "en-gb-x-rp",
    "en-gb-x-gbcwmd",
    "en-029",
    "en-us-nyc",
)
# male and female variants interleaved, so a few voices already cover both
VARIANTS = ("m1", "f1", "m2", "f2", "m3", "f3", "m4", "f4", "m5", "f5", "m6", "m7")
SNRS_DB = (20, 10, 5, 0)
NOISES = ("white", "pink", "babble")
RENDITIONS = 2  # speed/pitch draws per voice and word
SPEEDS = (120, 220)  # espeak-ng -s, words per minute
PITCHES = (25, 75)  # espeak-ng -p, 0..99
CLIP_SECONDS = 1.0
LEAD_SECONDS = (0.02, 0.15)  # noise-only lead-in and tail around the word
FORMAT_VERSION = 1  # bump when the recipe changes: a new cache file is made
INSTALL_HINT = (
    "spoken_words: espeak-ng is not installed; install it (apt-get install espeak-ng, "
    "or bash scripts/install.sh) to synthesise this set"
)


def voice_names(n_voices: int | None = None) -> list[str]:
    """``accent+variant`` names, variants outermost; the first ``n_voices`` of them."""
    names = [f"{a}+{v}" for v in VARIANTS for a in ACCENTS]
    return names[:n_voices] if n_voices else names


def cache_folder() -> Path:
    """``$XDG_CACHE_HOME/genvsdisc``, else ``~/.cache/genvsdisc``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "genvsdisc"


def _plan(voices: list[str], seed: int) -> list[dict]:
    """One dict per clip: voice, word index, speed, pitch, SNR, noise kind."""
    rng = np.random.default_rng(seed)
    rows = [
        {
            "voice": v,
            "y": k,
            "speed": int(rng.integers(*SPEEDS)),
            "pitch": int(rng.integers(*PITCHES)),
        }
        for v in voices
        for k in range(len(WORDS))
        for _ in range(RENDITIONS)
    ]
    # every SNR and noise kind equally often, in a seeded order
    snrs = rng.permutation(np.resize(SNRS_DB, len(rows)))
    noises = rng.permutation(np.resize(np.arange(len(NOISES)), len(rows)))
    for row, snr, noise in zip(rows, snrs, noises, strict=True):
        row["snr_db"], row["noise"] = int(snr), NOISES[noise]
    return rows


def _speak(row: dict) -> np.ndarray:
    """espeak-ng's rendition of one word at 8 kHz, silence trimmed, float32."""
    import soundfile as sf

    command = ["espeak-ng", "-v", row["voice"], "-s", str(row["speed"]), "-p", str(row["pitch"])]
    try:
        done = subprocess.run(
            [*command, "--stdout", WORDS[row["y"]]], capture_output=True, check=False, timeout=60
        )
    except FileNotFoundError:
        raise DataError(INSTALL_HINT) from None
    if done.returncode != 0 or not done.stdout:
        error = done.stderr.decode(errors="replace").strip().splitlines()
        raise DataError(
            f"spoken_words: {' '.join(command)} failed ({error[0] if error else 'no output'})"
        )
    samples, rate = sf.read(io.BytesIO(done.stdout), dtype="float32")
    return trim_silence(to_rate(samples, rate))


def _coloured(kind: str, n: int, rng, pool: list[np.ndarray]) -> np.ndarray:
    """n samples of white, pink (1/f power) or babble noise, unit mean square."""
    if kind == "babble":  # three other clips, each looped from a seeded offset
        picks = rng.choice(len(pool), size=3, replace=False)
        noise = sum(np.roll(np.resize(pool[i], n), rng.integers(n)) for i in picks)
    else:
        noise = rng.standard_normal(n)
        if kind == "pink":
            # numpy has no coloured noise: shape white noise's spectrum by 1/sqrt(f)
            spectrum = np.fft.rfft(noise)
            spectrum[1:] /= np.sqrt(np.arange(1, len(spectrum)))
            noise = np.fft.irfft(spectrum, n)
    noise = np.asarray(noise, dtype=np.float64)
    return noise / np.sqrt(np.mean(noise**2) + 1e-20)


def _mix(clean: list[np.ndarray], plan: list[dict], seed: int) -> list[np.ndarray]:
    """Each word after a lead-in, in its noise at its SNR, peak-normalised to 0.9."""
    rng = np.random.default_rng([seed, 1])
    limit = int(CLIP_SECONDS * SAMPLE_RATE)
    out = []
    for speech, row in zip(clean, plan, strict=True):
        lead, tail = (int(rng.uniform(*LEAD_SECONDS) * SAMPLE_RATE) for _ in range(2))
        n = min(limit, lead + len(speech) + tail)
        signal = np.zeros(n)
        part = speech[: max(0, n - lead)]
        signal[lead : lead + len(part)] = part
        power = np.mean(part.astype(np.float64) ** 2) + 1e-20
        noise = _coloured(row["noise"], n, rng, clean)
        mixed = signal + noise * np.sqrt(power / 10 ** (row["snr_db"] / 10))
        out.append((0.9 * mixed / np.max(np.abs(mixed))).astype(np.float32))
    return out


def synthesise(voices: list[str], seed: int = 0, *, progress: bool | None = None) -> dict:
    """Synthesise the clips of ``voices`` (see the module docstring).

    Returns
    -------
    dict
        ``X`` (n, T*13) float64 MFCC frames, ``waveforms`` (n, 8000) float32,
        ``y`` (n,) int64, per-clip ``voice``, ``speed``, ``pitch``, ``snr_db``,
        ``noise`` arrays, the synthesis ``seconds`` (wall clock) and ``espeak_version``.
    """
    if shutil.which("espeak-ng") is None:
        raise DataError(INSTALL_HINT)
    from tqdm.auto import tqdm

    start = time.perf_counter()
    plan = _plan(voices, seed)
    workers = max(1, os.cpu_count() or 1)  # espeak-ng runs single-threaded per word
    with (
        ThreadPoolExecutor(max_workers=workers) as pool,
        tqdm(
            total=len(plan),
            desc="spoken_words: synthesising",
            unit="clip",
            disable=None if progress is None else not progress,
        ) as bar,
    ):
        clean = []
        for clip in pool.map(_speak, plan):
            clean.append(clip)
            bar.update()
    clips = _mix(clean, plan, seed)
    X, waveforms = features_of(clips, int(CLIP_SECONDS * SAMPLE_RATE))
    columns = {
        k: np.asarray([row[k] for row in plan])
        for k in ("voice", "speed", "pitch", "snr_db", "noise")
    }
    return {
        "X": X,
        "waveforms": waveforms,
        "y": np.asarray([row["y"] for row in plan], dtype=np.int64),
        **columns,
        "seconds": time.perf_counter() - start,
        # another espeak-ng release may speak differently: the cache file says which spoke
        "espeak_version": subprocess.run(
            ["espeak-ng", "--version"], capture_output=True, text=True, check=False
        ).stdout.strip(),
    }


def _cache_file(n_voices: int, seed: int) -> Path:
    return cache_folder() / f"spoken_words-v{FORMAT_VERSION}-voices{n_voices}-seed{seed}.npz"


def _save(path: Path, data: dict) -> None:
    """Write through a temporary file in the same folder, then rename: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            # X is stored as float32 (NaN kept): half the size, far below MFCC precision
            np.savez(handle, **{**data, "X": data["X"].astype(np.float32)})
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@cache  # one read (or synthesis) per process and set; callers get copies
def _words_raw(n_voices: int, seed: int) -> tuple[dict, str]:
    path = _cache_file(n_voices, seed)
    if not path.is_file():
        _save(path, synthesise(voice_names(n_voices), seed))
    try:
        with np.load(path, allow_pickle=False) as stored:
            data = {k: stored[k] for k in stored.files}
    except (OSError, ValueError, KeyError) as err:
        raise DataError(
            f"spoken_words: cache file {path} cannot be read ({err}); delete it to synthesise again"
        ) from None
    data["X"] = data["X"].astype(np.float64)
    return data, str(path)


def load_spoken_words(
    description: str, *, random_state=0, n_voices: int | None = None, holdout_voices: bool = True
) -> Dataset:
    """The synthesised spoken-words set (see the module docstring).

    Parameters
    ----------
    description : str
    random_state : int, default 0
        Seed of the speeds, pitches, SNRs, noise and lead-ins.
    n_voices : int, optional
        The first ``n_voices`` of the 96 voices (2 to 96); default all.
    holdout_voices : bool, default True
        Set ``groups`` to each clip's voice, so train/test splits keep every voice on
        one side (no test voice is heard in training). False: clips split at random.
    """
    total = len(ACCENTS) * len(VARIANTS)
    n = total if n_voices is None else n_voices
    if not isinstance(n, int | np.integer) or not 2 <= n <= total:
        raise ParameterError(
            f"spoken_words: n_voices must be an int from 2 to {total}; got {n_voices!r}"
        )
    if not isinstance(random_state, int | np.integer):
        raise ParameterError(f"spoken_words: random_state must be an int; got {random_state!r}")
    data, path = _words_raw(int(n), int(random_state))
    T = data["X"].shape[1] // 13
    lengths = np.isfinite(data["X"].reshape(len(data["X"]), T, 13)[:, :, 0]).sum(axis=1)
    row_info = {k: data[k].copy() for k in ("voice", "speed", "pitch", "snr_db", "noise")}
    split = (
        "train/test splits hold whole voices out (no test voice is heard in training)"
        if holdout_voices
        else "train/test splits draw clips at random, so test voices are also heard in training"
    )
    return Dataset(
        name="spoken_words",
        X=data["X"].copy(),
        y=data["y"].copy(),
        classes=list(WORDS),
        modality="audio",
        feature_names=[f"f{t}_mfcc{j}" for t in range(T) for j in range(13)],
        description=description,
        notes=[
            f"{n} espeak-ng voices x 10 words x {RENDITIONS} speed/pitch draws, seed {random_state}; {split}",
            f"noise mixed in at SNR {', '.join(map(str, SNRS_DB))} dB (white, pink, babble of "
            "other clips), equally often; speeds "
            f"{SPEEDS[0]}-{SPEEDS[1]} wpm, pitches {PITCHES[0]}-{PITCHES[1]}",
            f"clips at {SAMPLE_RATE} Hz, silence-trimmed, at most {CLIP_SECONDS:g} s "
            f"({frames_for(int(CLIP_SECONDS * SAMPLE_RATE))} frames of 13 MFCCs), "
            f"{lengths.min()}-{lengths.max()} frames long; NaN after each clip's end",
            "credit: synthesised by espeak-ng (github.com/espeak-ng/espeak-ng); "
            "voices and recipe in genvsdisc.data.audio_synth",
        ],
        info={
            "source": path,
            "kinds": {"mfcc frames": T},
            "missing": {},
            "frames": {"min": int(lengths.min()), "max": int(lengths.max())},
            "voices": sorted(set(row_info["voice"].tolist())),
            "snr_db": list(SNRS_DB),
            "espeak_version": str(data.get("espeak_version", "")),
            "synthesis_seconds": float(data.get("seconds", np.nan)),
        },
        frame_shape=(T, 13),
        waveforms=data["waveforms"].copy(),
        sample_rate=SAMPLE_RATE,
        groups=row_info["voice"].copy() if holdout_voices else None,
        row_info=row_info,
    )

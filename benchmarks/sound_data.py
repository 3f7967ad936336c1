"""spoken_words: synthesis cost, size, and how hard it is per SNR on unseen voices.

Usage: OMP_NUM_THREADS=1 .venv/bin/python benchmarks/sound_data.py [--splits 5] [--voices 96]
           [--no-synthesis]

Synthesis runs in a fresh interpreter with a fresh cache folder (imports not
timed); "CPU" is that process's user + system time plus its espeak-ng children's.
Difficulty: clip_logreg (detective) and frame_gmm (artist) trained with whole
voices held out (genvsdisc's group split, 30 % of the voices in test), test
accuracy per SNR, mean and 95 % t-interval over ``--splits`` split seeds; one
row with clips split at random (voices shared) shows what holding voices out costs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from scipy import stats

_PROBE = """
import json, resource, time, numpy, librosa, soxr, soundfile
from genvsdisc.data.audio_synth import _cache_file, load_spoken_words
t = time.perf_counter(); c = time.process_time()
ds = load_spoken_words("", n_voices={voices})
wall = time.perf_counter() - t
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({{"wall": wall, "cpu": time.process_time() - c + kids.ru_utime + kids.ru_stime,
    "rows": ds.n_samples, "bytes": _cache_file({voices}, 0).stat().st_size,
    "X": ds.X.nbytes, "waves": ds.waveforms.nbytes}}))
"""


def synthesis(voices: int) -> dict:
    with tempfile.TemporaryDirectory() as cache:
        env = {"XDG_CACHE_HOME": cache, "OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"}
        out = subprocess.run(
            [sys.executable, "-c", _PROBE.format(voices=voices)],
            capture_output=True,
            text=True,
            check=True,
            env={**env, "PYTHONPATH": str(Path(__file__).parents[1] / "src")},
        )
    return json.loads(out.stdout.strip().splitlines()[-1])


def interval(values) -> str:
    values = np.asarray(values) * 100
    half = stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
    return f"{values.mean():5.1f} ± {half:4.1f}"


def difficulty(voices: int, splits: int) -> list[tuple[str, str, dict]]:
    from genvsdisc.data import load, train_test_split
    from genvsdisc.models.registry import make

    rows = []
    for model in ("clip_logreg", "frame_gmm"):
        for held_out in (True, False):
            if not held_out and model == "frame_gmm":
                continue
            ds = load("spoken_words", n_voices=voices, holdout_voices=held_out)
            snrs = sorted(set(ds.row_info["snr_db"].tolist()), reverse=True)
            scores = {s: [] for s in [*snrs, "all"]}
            for seed in range(splits):
                train, test = train_test_split(ds, test_size=0.3, random_state=seed)
                right = (
                    make(model, random_state=seed).fit(train.X, train.y).predict(test.X) == test.y
                )
                scores["all"].append(right.mean())
                for s in snrs:
                    scores[s].append(right[test.row_info["snr_db"] == s].mean())
            rows.append((model, "voices held out" if held_out else "random clips", scores))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--splits", type=int, default=5)
    parser.add_argument("--voices", type=int, default=96)
    parser.add_argument("--no-synthesis", action="store_true", help="skip the timing run")
    args = parser.parse_args()
    print(
        "command: OMP_NUM_THREADS=1 .venv/bin/python benchmarks/sound_data.py "
        f"--splits {args.splits} --voices {args.voices}" + " --no-synthesis" * args.no_synthesis
    )
    if not args.no_synthesis:
        s = synthesis(args.voices)
        print(
            f"{'clips':>6s} {'wall (s)':>9s} {'CPU (s)':>8s} {'cache MB':>9s} {'X MB':>6s} {'waveforms MB':>13s}"
        )
        print(
            f"{s['rows']:6d} {s['wall']:9.1f} {s['cpu']:8.1f} {s['bytes'] / 2**20:9.1f} "
            f"{s['X'] / 2**20:6.1f} {s['waves'] / 2**20:13.1f}"
        )
    rows = difficulty(args.voices, args.splits)
    snrs = [k for k in rows[0][2] if k != "all"]
    header = f"{'model':12s} {'split':16s} " + " ".join(f"{f'{s} dB':>13s}" for s in snrs)
    print(f"test accuracy % (mean ± 95 % interval over {args.splits} splits)")
    print(header + f" {'all':>13s}")
    for model, split, scores in rows:
        cells = " ".join(f"{interval(scores[s]):>13s}" for s in [*snrs, "all"])
        print(f"{model:12s} {split:16s} {cells}")


if __name__ == "__main__":
    main()

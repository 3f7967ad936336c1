"""The sound lab of ``genvsdisc serve``: how long it makes a user wait, and how it hears clean voices.

Usage: OMP_NUM_THREADS=1 .venv/bin/python benchmarks/sound_lab.py [--voices en en-us en-029]

Times: the lab's default configuration (spoken_words, all 96 voices, gmm_hmm
artist, clip_svm detective, seed 0) through FastAPI's TestClient: the first
clips request (loading the cached set and training both models), then the
median of 5 clips requests (1 and 3 clips per word) and of 5 recordings.

Clean voices: each of ``--voices`` (espeak-ng, no noise; the lab's data are
noisy) says the ten digit words; each clip goes through the record endpoint
as a browser would send it, and both families' readings are counted, with
Wilson 95 % intervals and an exact McNemar test on the paired readings.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import time

import numpy as np
from scipy import stats

WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def wilson(k: int, n: int) -> str:
    z = stats.norm.ppf(0.975)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return f"{100 * p:5.1f} % [{100 * (centre - half):5.1f}, {100 * (centre + half):5.1f}]"


def spoken(voice: str, word: str) -> tuple[list[float], int]:
    import soundfile as sf

    wav = subprocess.run(
        ["espeak-ng", "-v", voice, "--stdout", word], capture_output=True, check=True
    ).stdout
    samples, rate = sf.read(io.BytesIO(wav), dtype="float32")
    return np.round(samples.astype(float), 3).tolist(), rate


def post(client, path: str, body: dict) -> tuple[dict, float]:
    start = time.perf_counter()
    res = client.post(
        path,
        content=json.dumps(body, separators=(",", ":")),
        headers={"content-type": "application/json"},
    )
    seconds = time.perf_counter() - start
    if res.status_code != 200:
        raise SystemExit(f"{path}: {res.status_code} {res.text}")
    return res.json(), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voices", nargs="+", default=["en", "en-us", "en-029"])
    args = parser.parse_args()
    from fastapi.testclient import TestClient

    from genvsdisc.app import create_app

    with TestClient(create_app(), base_url="http://localhost") as client:
        cpu = time.process_time()
        first, wall = post(client, "/api/sound/clips", {"per_class": 1})
        cpu = time.process_time() - cpu
        rows = [("first clips request (load + train)", wall, cpu)]
        for per in (1, 3):
            times = [
                post(client, "/api/sound/clips", {"per_class": per, "seed": s})[1] for s in range(5)
            ]
            rows.append((f"clips request, {per} per word (median of 5)", np.median(times), None))
        seven, rate = spoken("en", "seven")
        times = [
            post(client, "/api/sound/record", {"samples": seven, "rate": rate})[1] for _ in range(5)
        ]
        rows.append(("record request (median of 5)", np.median(times), None))
        print(
            f"command: OMP_NUM_THREADS=1 .venv/bin/python benchmarks/sound_lab.py "
            f"--voices {' '.join(args.voices)}"
        )
        print(
            f"artist {first['artist']['name']} {100 * first['artist']['test_accuracy']:.1f} %, "
            f"detective {first['detective']['name']} "
            f"{100 * first['detective']['test_accuracy']:.1f} % on real test clips "
            f"({len(WORDS)} words, voices held out)"
        )
        print(f"{'step':46s} {'wall (s)':>9s} {'CPU (s)':>8s}")
        for name, w, c in rows:
            print(f"{name:46s} {w:9.2f} {'' if c is None else f'{c:8.2f}'}")
        right = {"detective": [], "artist": []}
        for voice in args.voices:
            for k, word in enumerate(WORDS):
                samples, rate = spoken(voice, word)
                clip = post(client, "/api/sound/record", {"samples": samples, "rate": rate})[0]
                for family in right:
                    right[family].append(clip["clip"][family]["index"] == k)
        n = len(right["artist"])
        print(f"clean espeak-ng words ({', '.join(args.voices)}; {n} clips), named right:")
        for family, hits in right.items():
            print(f"  {family:10s} {sum(hits):3d}/{n}  {wilson(sum(hits), n)}")
        a, d = np.array(right["artist"]), np.array(right["detective"])
        only_a, only_d = int(np.sum(a & ~d)), int(np.sum(d & ~a))
        p = stats.binomtest(only_a, only_a + only_d).pvalue if only_a + only_d else 1.0
        print(
            f"  paired: artist alone right {only_a}, detective alone right {only_d}, "
            f"exact McNemar p = {p:.3g}"
        )


if __name__ == "__main__":
    main()

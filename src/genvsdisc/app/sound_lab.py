"""The sound lab: real and generated spoken words, both families' verdicts, your own voice.

Real clips come from the test split of ``spoken_words`` (whole voices held
out, so the models never heard them); generated clips are an audio artist's
MFCC frames made audible by the generation core's seeded Griffin-Lim
(:mod:`genvsdisc.generation.sound`). Every clip, and a recording sent from
the page, is read by the detective (p(y|x)) and by the artist (p(y|x) by
Bayes' rule, and log p(x) placed among the real test clips,
:func:`~genvsdisc.app.sound_clips.typicality`).

Models are trained once per server, on first use or in the background with
progress (:class:`~genvsdisc.app.lab_training.Lazy`, as in the other labs).
"""

from __future__ import annotations

import numpy as np

from genvsdisc.app.config import SoundConfig
from genvsdisc.app.lab_training import Lazy, menu_entry
from genvsdisc.app.labs import _field_error, _fit_scored, _spec, _split
from genvsdisc.app.sound_clips import (
    WavStore,
    checked_recording,
    generated_wave,
    per_frame,
    recording_clip,
    spectrogram_png,
    typicality,
    verdict,
)
from genvsdisc.data.audio import clip_lengths
from genvsdisc.data.audio_io import SAMPLE_RATE
from genvsdisc.generation import draw, fit_judge
from genvsdisc.generation.sound import clip_memorisation_check

__all__ = ["SoundLab", "MEMORISATION_KEYS"]

#: What the page shows of the memorisation check (as the image lab does): the median
#: distance of generated clips to their nearest training clip over that of real test
#: clips, and exact copies among generated and among real test clips.
MEMORISATION_KEYS = ("ratio", "copies", "test_copies", "copying")


class SoundLab:
    """Play, picture and judge real and generated clips; judge a recording.

    Examples
    --------
    >>> from genvsdisc.app.config import SoundConfig
    >>> lab = SoundLab(SoundConfig(dataset_params={"n_voices": 8}))
    >>> [a["name"] for a in lab.info()["artists"]]  # info() trains nothing
    ['gmm_hmm', 'hmm', 'frame_gmm']
    """

    def __init__(self, config: SoundConfig | None = None):
        self.config = config = config or SoundConfig()
        self._data = Lazy(
            lambda: _split(config.dataset, config.max_train, config.seed, config.dataset_params)
        )
        self._artists = {name: Lazy(lambda n=name: self._fit(n)) for name in config.artists}
        self._detective = Lazy(
            lambda: fit_judge(
                *self._data.get(),
                config.detective,
                seed=config.seed,
                params=config.params.get(config.detective),
            )
        )
        self.wavs = WavStore()

    def _fit(self, name: str) -> tuple[object, float, np.ndarray]:
        """The artist, its accuracy on real test clips, and their log p(x) per frame (sorted)."""
        train, test = self._data.get()
        model, acc = _fit_scored(name, self.config.params, self.config.seed, (train, test))
        reference = np.sort(per_frame(model.score_samples(test.X), test.X))
        return model, acc, reference

    def lazy(self, name: str) -> Lazy | None:
        """The one-time training of ``name`` (None when the lab does not offer it)."""
        return self._detective if name == self.config.detective else self._artists.get(name)

    def info(self) -> dict:
        """What the page needs for its menus and progress; trains nothing."""

        def entry(name, lazy):
            spec = _spec(name)
            return {**menu_entry(name, lazy), "description": spec.description if spec else ""}

        return {
            "dataset": self.config.dataset,
            "artists": [entry(n, lazy) for n, lazy in self._artists.items()],
            "detective": entry(self.config.detective, self._detective),
            "max_per_class": self.config.max_per_class,
            "sample_rate": SAMPLE_RATE,
        }

    def _artist_name(self, model: str | None) -> str:
        allowed = self.config.artists
        name = model or allowed[0]
        if name not in allowed:
            raise _field_error(
                "model", f"'{name}' is not offered here; choose one of: {', '.join(allowed)}"
            )
        return name

    def train(self, model: str | None) -> dict:
        """Start training the detective and artist ``model`` in the background; poll :meth:`info`."""
        name = self._artist_name(model)
        self._detective.start()  # first: the quick detective is not queued behind the artist
        self._artists[name].start()
        return self.info()

    def _judge_rows(self, name: str, X: np.ndarray) -> list[dict]:
        """Both families' verdicts and the artist's typicality for each row of ``X`` (m, T*13)."""
        artist, _, reference = self._artists[name].get()
        detective = self._detective.get()
        classes = list(self._data.get()[0].classes)
        d_proba = detective.model.predict_proba(X)
        a_proba = artist.predict_proba(X)
        log_px = artist.score_samples(X)
        frames = clip_lengths(X, 13)
        return [
            {
                "detective": verdict(d_proba[i], detective.model.classes_, classes),
                "artist": verdict(a_proba[i], artist.classes_, classes),
                "typicality": typicality(log_px[i], frames[i], reference),
                "frames": int(frames[i]),
            }
            for i in range(len(X))
        ]

    def _models(self, name: str) -> dict:
        _, acc, _ = self._artists[name].get()
        detective = self._detective.get()
        return {
            "artist": {"name": name, "test_accuracy": acc},
            "detective": {"name": detective.name, "test_accuracy": detective.accuracy},
        }

    def clips(self, model: str | None, per_class: int, seed: int = 0) -> dict:
        """``per_class`` real test clips and generated clips of every class, judged.

        Returns
        -------
        dict
            ``classes``; ``rows``: per class its ``class`` name and ``clips``,
            each with ``kind`` ("real" or "generated"), ``wav`` (a name for
            ``GET /api/sound/wav/{name}``), ``seconds``, ``spectrogram`` (PNG
            data URI), ``detective`` and ``artist``
            (:func:`~genvsdisc.app.sound_clips.verdict`), ``typicality`` and
            ``frames``; ``agreement``: share of generated clips the detective
            reads as the class intended; ``memorisation``: the generation
            core's copy check of the generated clips (:data:`MEMORISATION_KEYS`);
            ``artist``/``detective`` with their accuracy on real test clips.
        """
        name = self._artist_name(model)
        if not 1 <= per_class <= self.config.max_per_class:
            raise _field_error(
                "per_class", f"must be 1 to {self.config.max_per_class}; got {per_class}"
            )
        artist, _, _ = self._artists[name].get()
        train, test = self._data.get()
        K = len(train.classes)
        rng = np.random.default_rng(seed)
        real = np.concatenate(
            [
                rng.choice(of_k, size=min(per_class, len(of_k)), replace=False)
                for of_k in (np.flatnonzero(test.y == k) for k in range(K))
            ]
        )
        wanted = np.repeat(np.arange(K), per_class)
        generated = draw(artist, wanted, seed=seed, modality="audio").X
        X = np.vstack([test.X[real], generated])
        judged = self._judge_rows(name, X)
        clips = []
        for j, (row, verdicts) in enumerate(zip(X, judged, strict=True)):
            if j < len(real):
                kind, k = "real", int(test.y[real[j]])
                wave = np.trim_zeros(test.waveforms[real[j]], "b")
            else:
                kind, k = "generated", int(wanted[j - len(real)])
                wave = generated_wave(row, seed + j)
            clips.append(self._clip(kind, k, row, wave, verdicts))
        made = [c for c in clips if c["kind"] == "generated"]
        copies = clip_memorisation_check(generated, train.X, test.X)
        return {
            "dataset": self.config.dataset,
            "classes": list(train.classes),
            "rows": [
                {"class": train.classes[k], "clips": [c for c in clips if c["class"] == k]}
                for k in range(K)
            ],
            "agreement": float(np.mean([c["detective"]["index"] == c["class"] for c in made])),
            "memorisation": {key: copies[key] for key in MEMORISATION_KEYS},
            **self._models(name),
        }

    def _clip(self, kind: str, k: int, row, wave, verdicts: dict) -> dict:
        return {
            "kind": kind,
            "class": k,
            "wav": self.wavs.put(wave),
            "seconds": round(len(wave) / SAMPLE_RATE, 2),
            "spectrogram": spectrogram_png(row),
            **verdicts,
        }

    def record(self, samples, rate: int, model: str | None) -> dict:
        """A recording from the page, read by the detective and artist ``model``.

        Parameters
        ----------
        samples : sequence of float (n,)
            Mono PCM in [-1, 1] at ``rate`` (at most 5 s).
        rate : int
        model : str or None
            An artist offered here (default the first).

        Returns
        -------
        dict
            ``classes``, ``clip`` (as in :meth:`clips`, ``kind`` "recording", ``class`` None;
            ``wav`` plays what the models heard after trimming, cutting and
            levelling) and the two models with their accuracy.
        """
        name = self._artist_name(model)
        x = checked_recording(samples, rate)  # before any training: a bad upload costs nothing
        train, _ = self._data.get()
        row, wave = recording_clip(x, rate, train.waveforms.shape[1])
        (verdicts,) = self._judge_rows(name, row)
        clip = self._clip("recording", None, row[0], wave, verdicts)
        return {"classes": list(train.classes), "clip": clip, **self._models(name)}

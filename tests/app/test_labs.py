"""The labs' lazy, cached models and their one-line errors."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from genvsdisc.app import LabConfig
from genvsdisc.app.lab_scores import diversity, memorisation
from genvsdisc.app.lab_training import Lazy, menu_entry
from genvsdisc.app.labs import ImageLab, TextLab
from genvsdisc.exceptions import ParameterError
from genvsdisc.generation import judge_name, memorisation_check
from genvsdisc.models.generative.text_lm import BOS, UNK, tokenize


def test_image_lab_info_fits_nothing(tiny_labs):
    lab = ImageLab(tiny_labs)
    info = lab.info()
    assert info["dataset"] == "digits" and not info["judge"]["ready"]
    assert [m["name"] for m in info["detectives"]] == ["logreg"]


def test_image_lab_warm_fits_default_and_judge_once(tiny_labs):
    lab = ImageLab(tiny_labs)
    lab.warm()
    info = lab.info()
    assert info["models"][0]["ready"] and info["judge"]["ready"]
    first = lab._models["gaussian_nb"].get()
    lab.warm()
    assert lab._models["gaussian_nb"].get() is first  # cached, not refitted


def test_image_lab_refuses_model_not_offered(tiny_labs):
    with pytest.raises(
        ParameterError, match="'cvae' is not offered here; choose one of: gaussian_nb"
    ) as info:
        ImageLab(tiny_labs).generate("cvae", 2)
    assert info.value.field == "model"


def test_image_lab_draw_refuses_generative_name(tiny_labs):
    with pytest.raises(
        ParameterError, match="'gaussian_nb' is not offered here; choose one of: logreg"
    ):
        ImageLab(tiny_labs).draw("gaussian_nb")


def test_text_lab_unknown_topic_lists_topics(tiny_labs):
    with pytest.raises(
        ParameterError, match="unknown topic 'cooking'; choose one of: business"
    ) as info:
        TextLab(tiny_labs).continue_prompt("cooking", "x", 5)
    assert info.value.field == "topic"


def test_image_lab_names_the_judge_the_generation_core_picks():
    config = LabConfig()
    assert config.image_judge == judge_name("image")
    assert ImageLab(config).info()["judge"]["name"] == judge_name("image")
    assert config.text_judge == judge_name("text")


def test_image_lab_menu_says_trained_only_after_training(tiny_labs):
    lab = ImageLab(tiny_labs)
    assert lab.info()["models"][0]["status"] == "trains on first use (<1 s)"
    lab.generate("gaussian_nb", 2)
    assert lab.info()["models"][0]["status"] == "trained"
    with_cvae = LabConfig(image_models=("gaussian_nb", "cvae"))
    assert ImageLab(with_cvae).info()["models"][-1]["status"] == "trains on first use (~60 s)"


def test_image_lab_diversity_and_memorisation_match_the_generation_core(tiny_labs):
    lab = ImageLab(tiny_labs)
    out = lab.generate("gaussian_nb", 3, seed=1)
    train, test = lab._data.get()
    X_new = np.array([im["pixels"] for im in out["images"]])
    core = memorisation_check(X_new, train.X, test.X)
    mem = out["memorisation"]
    # pixels travel rounded to 2 decimals, so the ratio agrees to that precision
    assert abs(mem["ratio"] - core["ratio"]) < 0.02 and mem["copies"] == core["copies"] == 0
    div = out["diversity"]
    assert len(div["per_class"]) == len(out["classes"]) and 0.2 < div["ratio"] < 3
    # one sample per class has no spread to measure
    assert lab.generate("gaussian_nb", 1)["diversity"]["ratio"] is None


def test_diversity_is_zero_for_copies_and_memorisation_counts_them():
    rng = np.random.default_rng(0)
    X_real, y_real = rng.random((40, 5)), np.repeat([0, 1], 20)
    copies = np.repeat(X_real[[0, 20]], 4, axis=0)  # four identical drawings per class
    y_copies = np.repeat([0, 1], 4)
    assert diversity(copies, y_copies, X_real, y_real)["ratio"] == 0.0
    fresh = rng.random((8, 5))
    assert 0.7 < diversity(fresh, y_copies, X_real, y_real)["ratio"] < 1.3
    mem = memorisation(copies, X_real, rng.random((20, 5)))
    assert mem["copies"] == 8 and mem["test_copies"] == 0 and mem["copying"]


def test_text_lab_next_words_are_the_models_own_distribution_tempered(tiny_labs):
    lab = TextLab(tiny_labs)
    topic = lab.topics()[1]
    cold = lab.next_words(topic, "the new figures show", temperature=0.5)
    assert [a["name"] for a in cold["artists"]] == ["ngram_lm"]  # transformer_lm untrained
    words = cold["artists"][0]["words"]
    model = lab.artists["ngram_lm"].get()[0]
    v = model.vocabulary_
    p = model._next_probs(1, model._start(v.encode(tokenize("the new figures show"))))
    p[[v.index[UNK], v.index[BOS]]] = 0.0
    p = p / p.sum()
    best = int(np.argmax(p))
    assert words[0]["word"] == v.words[best] and abs(words[0]["p"] - p[best]) < 1e-4
    *words, rest = words
    ps = [w["p"] for w in words]
    assert ps == sorted(ps, reverse=True) and len(words) == 10
    assert rest["word"] is None and abs(rest["p"] + sum(ps) - 1) < 1e-3
    # a low temperature sharpens: the top word gains, the tenth loses
    assert words[0]["p_t"] > words[0]["p"] and words[-1]["p_t"] < words[-1]["p"]
    hot = lab.next_words(topic, "the new figures show", temperature=2.0)["artists"][0]["words"]
    assert [w["word"] for w in hot[:-1]] == [w["word"] for w in words]
    assert hot[0]["p_t"] < hot[0]["p"] and hot[-1]["p_t"] > hot[-1]["p"]  # mass to the rest
    info = {a["name"]: a for a in lab.info()["artists"]}
    assert info["ngram_lm"]["status"] == "trained"
    assert info.get("transformer_lm", {"ready": False})["ready"] is False


def test_text_lab_next_words_refuse_unknown_topic(tiny_labs):
    with pytest.raises(ParameterError, match="unknown topic 'cooking'"):
        TextLab(tiny_labs).next_words("cooking", "x")


def test_api_image_lab_shows_diversity_memorisation_and_the_judge(client):
    info = client.get("/api/images/info").json()
    out = client.post("/api/images/generate", json={"n_per_class": 2, "seed": 3}).json()
    assert out["judge"]["name"] == info["judge"]["name"] == "logreg"  # the tiny labs' judge
    assert set(out["memorisation"]) == {"ratio", "copies", "test_copies", "copying", "copy_p_value"}
    assert out["diversity"]["ratio"] > 0
    after = client.get("/api/images/info").json()
    assert after["models"][0]["status"] == "trained" and after["judge"]["ready"]


def test_api_text_next_words_and_its_one_line_error(client):
    topic = client.get("/api/text/info").json()["topics"][0]
    body = {"topic": topic, "prompt": "the", "temperature": 1.5}
    out = client.post("/api/text/next", json=body).json()
    words = out["artists"][0]["words"]
    assert out["temperature"] == 1.5 and words[0]["p_t"] < words[0]["p"]
    bad = client.post("/api/text/next", json={**body, "topic": "cooking"})
    assert bad.status_code == 422 and "unknown topic 'cooking'" in bad.text


def test_lazy_trains_in_background_with_time_left_then_says_trained():
    release = threading.Event()
    lazy = Lazy(lambda: release.wait(10) and "model")
    assert menu_entry("cvae", lazy)["status"] == "trains on first use (~60 s)"
    lazy.start()
    wait_until(lambda: lazy.progress(60)["training"])
    lazy.start()  # a second start while training starts nothing more
    entry = menu_entry("cvae", lazy)
    assert entry["training"] and 58 <= entry["seconds_left"] <= 60
    assert entry["status"].startswith("training, about") and entry["status"].endswith("s left")
    release.set()
    wait_until(lambda: lazy.ready)
    assert lazy.get() == "model" and menu_entry("cvae", lazy)["status"] == "trained"
    assert menu_entry("cvae", lazy)["seconds_left"] is None


def test_lazy_background_failure_is_reported_and_can_be_retried():
    attempts = []

    def build():
        attempts.append(1)
        if len(attempts) == 1:
            raise ValueError("out of memory")
        return "model"

    lazy = Lazy(build)
    lazy.start()
    wait_until(lambda: lazy.error is not None)
    assert menu_entry("x", lazy)["error"] == "out of memory" and not lazy.ready
    lazy.start()
    wait_until(lambda: lazy.ready)
    assert lazy.get() == "model" and menu_entry("x", lazy)["error"] is None


def test_api_train_starts_and_info_reports_trained(client):
    body = client.post("/api/text/train", json={"model": "ngram_lm"}).json()
    assert body["artists"][0]["name"] == "ngram_lm"
    wait_until(lambda: client.get("/api/text/info").json()["artists"][0]["ready"])
    started = client.post("/api/images/train", json={"model": "gaussian_nb"})
    assert started.status_code == 200
    wait_until(lambda: client.get("/api/images/info").json()["models"][0]["ready"])
    bad = client.post("/api/text/train", json={"model": "gaussian_nb"})
    assert bad.status_code == 422 and "'gaussian_nb' is not offered here" in bad.text


def wait_until(condition, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_text_lab_detective_refuses_to_write_naming_only_the_pages_artists(client):
    said = client.post("/api/text/write", json={}).json()
    assert said["model"] == "logreg" and not said["can_generate"]
    offered = [a["name"] for a in client.get("/api/text/info").json()["artists"]]
    assert said["message"].startswith("logreg is discriminative:")
    assert said["message"].endswith(f"Ask an artist on this page instead: {', '.join(offered)}.")

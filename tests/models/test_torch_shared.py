"""What the torch models share: devices, seeding, threads, the training template, saving / loading."""

from __future__ import annotations

import json
import struct

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits

from genvsdisc.exceptions import DataError, ParameterError
from genvsdisc.models import make
from genvsdisc.models.generative.ngram import NGramLMClassifier
from genvsdisc.models.torch import load_model, save_model
from genvsdisc.models.torch._images import check_unit_range, resolve_image_shape
from genvsdisc.models.torch._runtime import configure_threads, resolve_device, seeded
from genvsdisc.models.torch._training import optimiser_step

TINY = {
    "cnn": {"epochs": 1, "channels": 2, "hidden": 8},
    "cvae": {"epochs": 1, "hidden": 8, "latent_dim": 2, "n_importance": 4},
    "diffusion": {"epochs": 1, "hidden": 8, "n_blocks": 1, "sample_steps": 3, "n_trials": 2},
}
DOCS = [
    "the team won the match",
    "shares rose on the market",
    "the coach praised the team",
    "the firm said profits grew",
] * 3
TOPICS = ["sport", "business", "sport", "business"] * 3


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:120] / 16.0, y[:120]


@pytest.fixture(scope="module")
def saved(digits, tmp_path_factory):
    """name -> (fitted model, path of its saved file)."""
    X, y = digits
    out = {}
    for name, params in TINY.items():
        model = make(name, **params).fit(X, y)
        out[name] = (model, save_model(model, tmp_path_factory.mktemp(name) / "m.safetensors"))
    text = {
        "ngram_lm": {"min_count": 1},
        "transformer_lm": {"epochs": 1, "n_embd": 8, "n_head": 2, "block_size": 8, "min_count": 1},
    }
    for name, params in text.items():
        model = make(name, **params).fit(DOCS, TOPICS)
        out[name] = (model, save_model(model, tmp_path_factory.mktemp(name) / "m.safetensors"))
    return out


def test_resolve_device_auto_and_cpu():
    assert resolve_device("cpu") == torch.device("cpu")
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert resolve_device("auto").type == expected


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_resolve_device_cuda_without_gpu_is_refused():
    with pytest.raises(
        ParameterError, match="device='cuda' was asked for, but PyTorch sees no CUDA GPU"
    ):
        resolve_device("cuda")


def test_resolve_device_unknown_name_is_refused():
    with pytest.raises(
        ParameterError, match="'device' parameter must be 'auto', 'cpu' or 'cuda'. Got 'gpu'"
    ):
        resolve_device("gpu")


def test_configure_threads_never_exceeds_allowed_cores():
    import os

    assert 1 <= configure_threads() <= len(os.sched_getaffinity(0))


def test_seeded_is_repeatable_and_restores_global_state():
    torch.manual_seed(7)
    before = torch.random.get_rng_state()
    with seeded(3) as gen:
        a = torch.rand(2), torch.randperm(5, generator=gen)
    with seeded(3) as gen:
        b = torch.rand(2), torch.randperm(5, generator=gen)
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    assert torch.equal(torch.random.get_rng_state(), before)


def test_seeded_bad_seed_is_refused():
    with pytest.raises(
        ParameterError, match="'random_state' parameter must be None, a non-negative int"
    ):
        with seeded(-1):
            pass


def test_optimiser_step_clips_the_gradient_norm():
    w = torch.nn.Parameter(torch.tensor([3.0, 4.0]))
    opt = torch.optim.SGD([w], lr=1.0)
    net = torch.nn.ParameterList([w])
    loss = optimiser_step((w * w).sum(), net, opt, clip=1.0)  # gradient (6, 8), norm 10
    assert loss == pytest.approx(25.0)
    assert w.detach().numpy() == pytest.approx([3.0 - 0.6, 4.0 - 0.8], abs=1e-5)


def test_optimiser_step_steps_the_schedule():
    w = torch.nn.Parameter(torch.ones(2))
    opt = torch.optim.SGD([w], lr=1.0)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    optimiser_step(w.sum(), torch.nn.ParameterList([w]), opt, sched)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.5)


def test_diffusion_module_is_the_weight_average_of_training(digits):
    """The template trains the network and keeps its EMA: module_ is the average, not the last."""
    from genvsdisc.models.torch._training import TorchEstimatorMixin

    X, y = digits
    seen = {}
    model = make("diffusion", **TINY["diffusion"])
    original = TorchEstimatorMixin._train

    def spy(self, net, *args):
        seen["net"] = net
        return original(self, net, *args)

    model._train = spy.__get__(model)
    model.fit(X, y)
    assert seen["net"] is not model.module_
    last = dict(seen["net"].named_parameters())
    assert any(not torch.equal(p, last[n]) for n, p in model.module_.named_parameters())
    assert not any(p.requires_grad for p in model.module_.parameters())


def test_check_unit_range_names_the_model_and_the_values():
    check_unit_range(np.array([[0.0, np.nan, 1.0]]), "cvae", "predict")  # NaN is let through
    with pytest.raises(DataError, match=r"X \(fit\): diffusion models pixel .* from -1 to 2"):
        check_unit_range(np.array([[-1.0, 2.0]]), "diffusion", "fit")


def test_resolve_image_shape_square_and_explicit():
    assert resolve_image_shape(None, 784) == (28, 28, 1)
    assert resolve_image_shape((2, 3, 3), 18) == (2, 3, 3)


@pytest.mark.parametrize("name", list(TINY) + ["ngram_lm", "transformer_lm"])
def test_save_load_round_trip_predicts_the_same(saved, digits, name):
    model, path = saved[name]
    loaded = load_model(path)
    assert type(loaded) is type(model)
    assert loaded.get_params() == model.get_params()
    assert list(loaded.classes_) == list(model.classes_)
    X = digits[0][:10] if name in TINY else DOCS[:4]
    np.testing.assert_allclose(
        loaded.predict_proba(X), model.predict_proba(X), rtol=1e-6, atol=1e-12
    )
    if name != "cnn":
        a, _ = model.sample(2, y=model.classes_[1], random_state=0)
        b, _ = loaded.sample(2, y=model.classes_[1], random_state=0)
        assert list(a) == list(b) if name in ("ngram_lm", "transformer_lm") else np.allclose(a, b)


def test_saved_file_holds_only_tensors_and_json(saved):
    _, path = saved["cvae"]
    data = path.read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    meta = json.loads(json.loads(data[8 : 8 + n])["__metadata__"]["genvsdisc"])
    assert meta["model"] == "cvae" and meta["format"] == "genvsdisc.model"
    assert meta["classes"] == list(range(10))
    assert meta["params"]["hidden"] == 8
    assert len(meta["sha256"]) == 64


def test_load_truncated_file_is_refused(saved, tmp_path):
    _, path = saved["cnn"]
    cut = tmp_path / "cut.safetensors"
    cut.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(
        DataError, match=r"cut\.safetensors: the model file is damaged or truncated"
    ):
        load_model(cut)
    cut.write_bytes(path.read_bytes()[:50])
    with pytest.raises(DataError, match=r"cut\.safetensors: the model file is truncated \(header"):
        load_model(cut)


def test_load_tampered_weights_are_refused(saved, tmp_path):
    _, path = saved["diffusion"]
    data = bytearray(path.read_bytes())
    data[-5] ^= 0xFF  # flip bits in the last weight
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(bytes(data))
    with pytest.raises(DataError, match=r"bad\.safetensors: the weights and metadata do not match"):
        load_model(bad)


def test_load_tampered_metadata_is_refused(saved, tmp_path):
    _, path = saved["cvae"]
    bad = tmp_path / "bad.safetensors"
    # Same length, so the safetensors header stays readable: only the digest can tell.
    bad.write_bytes(path.read_bytes().replace(b'\\"hidden\\": 8', b'\\"hidden\\": 9'))
    with pytest.raises(DataError, match=r"bad\.safetensors: the weights and metadata do not match"):
        load_model(bad)


def test_load_model_name_outside_the_fixed_list_is_refused(saved, tmp_path):
    """Even with a consistent digest, a file cannot make genvsdisc import another class."""
    from safetensors.torch import load, save

    from genvsdisc.models.torch.persist import _digest, _read_header

    _, path = saved["cvae"]
    data = path.read_bytes()
    meta = _read_header(path, data)
    meta["model"] = "os.system"
    tensors = load(data)
    meta["sha256"] = _digest(tensors, meta)
    bad = tmp_path / "evil.safetensors"
    bad.write_bytes(save(tensors, metadata={"genvsdisc": json.dumps(meta)}))
    with pytest.raises(
        DataError,
        match=r"evil\.safetensors: unknown model 'os\.system'; genvsdisc loads audio_cnn, .*, cvae",
    ):
        load_model(bad)


def test_load_foreign_files_are_refused(tmp_path):
    from safetensors.torch import save_file

    other = tmp_path / "other.safetensors"
    save_file({"w": torch.zeros(2)}, other)
    with pytest.raises(
        DataError, match=r"other\.safetensors: not a genvsdisc model file \(no genvsdisc"
    ):
        load_model(other)
    tiny = tmp_path / "tiny.bin"
    tiny.write_bytes(b"abc")
    with pytest.raises(DataError, match=r"tiny\.bin: not a genvsdisc model file \(only 3 bytes\)"):
        load_model(tiny)
    with pytest.raises(DataError, match=r"nowhere\.safetensors: cannot read the model file"):
        load_model(tmp_path / "nowhere.safetensors")


def test_save_unsupported_model_is_refused(tmp_path):
    X, y = load_digits(return_X_y=True)
    model = make("gaussian_nb").fit(X[:50], y[:50])
    with pytest.raises(
        ParameterError, match="save_model: GaussianNaiveBayes cannot be saved this way"
    ):
        save_model(model, tmp_path / "nb.safetensors")


def test_save_unfitted_model_is_refused(tmp_path):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        save_model(NGramLMClassifier(), tmp_path / "x.safetensors")


def test_save_leaves_no_partial_file(saved, tmp_path):
    model, _ = saved["cnn"]
    path = save_model(model, tmp_path / "m.safetensors")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.safetensors"]
    assert path.stat().st_size > 0


def test_saved_ngram_keeps_class_counts_and_array_priors(tmp_path):
    import numpy as np

    from genvsdisc.models import make
    from genvsdisc.models.torch import load_model, save_model

    docs = ["the cat sat", "a cat ran", "stocks fell", "markets rose"] * 3
    y = np.array([0, 0, 1, 1] * 3)
    model = make("ngram_lm", priors=np.array([0.25, 0.75])).fit(docs, y)
    back = load_model(save_model(model, tmp_path / "lm.safetensors"))
    np.testing.assert_array_equal(back.class_count_, model.class_count_)
    np.testing.assert_allclose(back.class_prior_, [0.25, 0.75])
    np.testing.assert_allclose(back.predict_proba(docs), model.predict_proba(docs))

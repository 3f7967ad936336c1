"""`genvsdisc generate`: let a generative model draw new examples, and a judge check them."""

from __future__ import annotations

from pathlib import Path

import click

from genvsdisc.cli.options import data_options, progress_option, safe_stem
from genvsdisc.exceptions import ParameterError, few
from genvsdisc.outputs import check_out_file

__all__ = ["COMMANDS", "generate", "parse_params", "MAX_SAMPLES"]

#: Samples drawn in one run, all classes together (-n times the classes drawn):
#: 50,000 images of 28x28 pixels take 300 MB; more is a typo, not a wish.
MAX_SAMPLES = 50_000


def parse_params(pairs) -> dict:
    """``("epochs=3", "lr=0.01")`` -> ``{"epochs": 3, "lr": 0.01}``.

    Values are read as int, float, true/false/none, a tuple ``28,28``, or kept as text.
    """
    out = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise ParameterError(f"--set {pair}: expected KEY=VALUE, e.g. --set epochs=5.")
        out[key.strip()] = _value(raw.strip())
    return out


def _value(raw: str):
    low = raw.lower()
    if low in ("true", "false"):
        return low == "true"
    if low == "none":
        return None
    if "," in raw:
        return tuple(_value(p.strip()) for p in raw.split(",") if p.strip())
    for cast in (int, float):
        try:
            return cast(raw)
        except ValueError:
            pass
    return raw


def _default_out(source: str, model: str, modality: str) -> Path:
    ext = {"image": ".png", "text": ".txt", "audio": ""}.get(modality, ".csv")
    return Path(f"generated-{safe_stem(source)}-{model}{ext}")


@click.command()
@click.argument("source")
@click.option(
    "--model",
    "-m",
    "model",
    required=True,
    help="A generative model, e.g. cvae, diffusion, gmm, ngram_lm.",
)
@click.option(
    "--class",
    "classes",
    multiple=True,
    metavar="C",
    help="Only this class (repeatable; default: every class).",
)
@click.option(
    "-n",
    "n",
    type=click.IntRange(min=1, max=MAX_SAMPLES),
    default=8,
    show_default=True,
    help=f"Samples per class (at most {MAX_SAMPLES:,} in all; an image grid shows 32 per "
    "class and the rest go to <out>.samples.npy).",
)
@click.option("--prompt", default="", help="Text to continue (text models).")
@click.option(
    "--max-words",
    type=click.IntRange(min=1),
    default=60,
    show_default=True,
    help="Most words generated after the prompt (text models).",
)
@click.option(
    "--min-words",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="The text may not end before this many words (text models).",
)
@click.option(
    "--temperature",
    type=click.FloatRange(min=0, min_open=True),
    default=1.0,
    show_default=True,
    help="Sampling temperature (< 1: safer, > 1: wilder).",
)
@click.option(
    "--top-k",
    "top_k",
    type=click.IntRange(min=1),
    default=None,
    help="Draw each word among the k most probable ones (text models; default: all).",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Seeds the split, training, judge and sampling.",
)
@click.option(
    "--device",
    type=click.Choice(["auto", "cpu", "cuda"]),
    default="auto",
    show_default=True,
    help="Where PyTorch models run.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Output file (default ./generated-<source>-<model>.png|.txt|.csv); for audio a "
    "new or empty folder of WAV files and spectrograms.png (default ./generated-<source>-<model>).",
)
@click.option(
    "--judge",
    default="auto",
    show_default=True,
    help="Discriminative judge of the samples: a model name, 'auto' (knn for images, hgb for tables, logreg for text, clip_svm for audio) or 'none'.",
)
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="KEY=VALUE",
    help="Model parameter (repeatable), e.g. --set epochs=5.",
)
@click.option(
    "--load",
    "load_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Use a model saved with --save instead of training one.",
)
@click.option(
    "--save",
    "save_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Save the trained model (.safetensors, deep and n-gram models).",
)
@data_options
@progress_option
def generate(
    source,
    model,
    classes,
    n,
    prompt,
    max_words,
    min_words,
    temperature,
    top_k,
    seed,
    device,
    out,
    judge,
    settings,
    load_path,
    save_path,
    reading,
    progress,
):
    """Train a generative MODEL on SOURCE and draw new examples of each class.

    Images become a PNG grid (one row per class), texts are printed and
    written to a file, table rows go to a CSV, audio clips become WAV files
    (8 kHz, 16-bit; MFCCs inverted by Griffin-Lim, so they sound rough) in a
    folder with a spectrogram grid. A discriminative judge,
    trained on the same real rows, labels every sample: does it look like
    the class it was drawn from? Discriminative models cannot generate.

    \b
    Examples:
      genvsdisc generate digits --model gmm
      genvsdisc generate mnist5k --model cvae --class 3 -n 16
      genvsdisc generate bbc_news --model ngram_lm --class sports --prompt "The match"
      genvsdisc generate mnist5k --model diffusion --save diffusion.safetensors
      genvsdisc generate spoken_digits --model gmm_hmm --class 7 -n 5 --out sevens
    """
    # imported here, not at the top: `genvsdisc --help` and the other commands
    # should not pay for loading the models
    from genvsdisc.generation import format_texts, write_samples
    from genvsdisc.generation import generate as run_generate

    params = parse_params(settings)
    if save_path is not None:
        check_out_file(save_path, "--save")  # before any work: a run must not fail at its end
    ds = reading.load(source)
    if out is not None:
        _check_out(out, ds.modality)  # once the data's kind is known, still before training
    fitted = None
    if load_path is not None:
        if params:
            raise ParameterError("--set: parameters cannot change a model loaded with --load.")
        from genvsdisc.models import name_of
        from genvsdisc.models.torch import load_model  # only --load needs torch

        fitted = load_model(load_path, device=device)
        if name_of(fitted) != model:
            raise ParameterError(
                f"--load {load_path}: holds a {name_of(fitted)!r} model, not {model!r}."
            )
    if out is None:
        out = _default_out(source, model, ds.modality)
        _check_out(out, ds.modality)
    drawn = len(classes) or len(ds.classes)
    if n * drawn > MAX_SAMPLES:
        raise ParameterError(
            f"-n {n}: {n:,} samples x {drawn} classes = {n * drawn:,}; at most "
            f"{MAX_SAMPLES:,} samples per run (lower -n or pick classes with --class)"
        )
    click.echo(f"genvsdisc: {ds.description}", err=True)
    result = run_generate(
        ds,
        model,
        classes=list(classes) or None,
        n_per_class=n,
        prompt=prompt,
        temperature=temperature,
        top_k=top_k,
        max_words=max_words,
        min_words=min_words,
        seed=seed,
        device=device,
        params=params,
        judge=None if judge == "none" else judge,
        fitted=fitted,
        verbose=progress,
    )
    if save_path is not None:
        from genvsdisc.models.torch import save_model  # only --save needs torch

        save_model(result.fitted_model, save_path, class_names=result.classes)
        click.echo(f"genvsdisc: model saved to {save_path}", err=True)
    written = write_samples(result, out)
    if ds.modality == "text":
        click.echo(format_texts(result))
    click.echo(_summary(result, written))


def _check_out(out: Path, modality: str) -> None:
    """Audio samples go into a folder (WAVs and a grid); everything else into one file."""
    if modality == "audio":
        from genvsdisc.generation.audio_output import check_out_folder

        check_out_folder(out)
    else:
        check_out_file(out)


def _summary(result, written: Path) -> str:
    lines = [f"{len(result.samples)} samples from {result.model} written to {written}"]
    if result.modality == "audio":
        lines[0] += " (one WAV each, and spectrograms.png)"
    from genvsdisc.generation.output import MAX_GRID_COLUMNS, samples_file

    per_class = max(result.intended.tolist().count(k) for k in set(result.intended.tolist()))
    if result.modality == "image" and per_class > MAX_GRID_COLUMNS:
        order = [result.classes[k] for k in dict.fromkeys(result.intended.tolist())]
        lines.append(
            f"the grid shows {MAX_GRID_COLUMNS} per class; all samples, shape "
            f"(classes, n, *image) with classes in the order {few(order)}, "
            f"are in {samples_file(written)}"
        )
    if result.judge is not None:
        lines.append(
            f"judge {result.judge} (accuracy {100 * result.judge_accuracy:.1f}% on real test rows): "
            f"{100 * result.agreement:.1f}% of samples look like their intended class"
        )
    mem = result.memorisation
    if mem:
        lines.append(
            f"memorisation: median distance to nearest training "
            f"{'clip (clip summaries)' if result.modality == 'audio' else 'row'} {mem['sample_median']:.3g} "
            f"(real test rows: {mem['test_median']:.3g}); exact copies: {mem['copies']}"
        )
    return "\n".join(lines)


COMMANDS = [generate]

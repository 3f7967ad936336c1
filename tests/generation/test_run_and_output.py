"""A whole generation run (``genvsdisc generate``'s function) and its files."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from genvsdisc.exceptions import ParameterError
from genvsdisc.generation import format_texts, generate, save_image_grid, write_samples


@pytest.fixture(scope="module")
def iris_run(iris):
    return generate(iris, "gaussian_nb", n_per_class=2, judge="logreg", params={})


def test_generate_table_samples_judged_and_checked(iris_run):
    assert iris_run.samples.shape == (6, 4) and iris_run.intended.tolist() == [0, 0, 1, 1, 2, 2]
    assert iris_run.judge == "logreg" and iris_run.judge_accuracy > 0.9
    assert iris_run.agreement == np.mean(iris_run.judged == iris_run.intended)
    assert iris_run.memorisation["copies"] == 0


def test_generate_default_judge_follows_the_policy():
    from genvsdisc.data import load

    digits = load("digits")
    result = generate(digits, "gaussian_nb", classes=["3"], n_per_class=2)
    assert result.judge == "knn" and result.judge_accuracy > 0.95
    assert result.intended.tolist() == [3, 3]


def test_generate_without_judge(iris):
    result = generate(iris, "gaussian_nb", n_per_class=1, judge=None)
    assert result.judge is None and result.judged is None and result.memorisation


def test_generate_bag_of_words_text_model(topics):
    # a bag-of-words model draws word counts; they reach the judge as documents
    result = generate(topics, "multinomial_nb", n_per_class=2, judge="logreg")
    assert all(isinstance(doc, str) for doc in result.samples)
    assert 0 <= result.agreement <= 1 and "copies" in result.memorisation


def test_generate_rejects_bad_sample_count(iris):
    with pytest.raises(ParameterError, match="-n: expected a positive number"):
        generate(iris, "gaussian_nb", n_per_class=0)


def test_write_samples_csv_has_class_and_judge(iris_run, tmp_path):
    path = write_samples(iris_run, tmp_path / "s.csv")
    lines = path.read_text().splitlines()
    assert lines[0].startswith("class,judge,") and len(lines) == 7


def test_write_samples_texts_with_verdicts(topics, tmp_path):
    result = generate(topics, "multinomial_nb", n_per_class=1, judge="logreg")
    path = write_samples(result, tmp_path / "s.txt")
    assert path.read_text(encoding="utf-8") == format_texts(result)
    assert "[1] class: sport | judge (logreg): " in format_texts(result)


def test_image_grid_one_row_per_class(tmp_path):
    from genvsdisc.data import load

    result = generate(load("digits"), "gaussian_nb", classes=["1", "2"], n_per_class=3)
    path = write_samples(result, tmp_path / "g.png")
    with Image.open(path) as image:
        assert image.format == "PNG" and image.height == 22 + 2 * (8 * 7 + 16 + 4)


def test_image_grid_needs_image_data(iris_run, tmp_path):
    with pytest.raises(ParameterError, match="an image grid needs image data; iris is tabular"):
        save_image_grid(iris_run, tmp_path / "x.png")

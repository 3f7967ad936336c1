"""One repetition gives no interval: the text says "not settled", never a tie."""

from genvsdisc.experiments import evidence


def test_a_gap_without_an_interval_is_not_called_a_tie():
    iv = evidence.paired_interval([0.9], [0.6])
    text = evidence.versus("gmm", "knn", iv)
    assert "not settled" in text and "too close to call" not in text
    assert "one repetition: no interval" in text


def test_an_interval_across_zero_is_too_close_to_call():
    iv = evidence.paired_interval([0.80, 0.82, 0.79], [0.81, 0.80, 0.80])
    text = evidence.versus("gmm", "knn", iv)
    assert "too close to call" in text and "[" in text

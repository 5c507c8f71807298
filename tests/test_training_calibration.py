"""Calibration, thresholds, metrics, splits and config: the arithmetic behind the manifests and reports."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the training extra (torch, torchvision) is not installed")

from training.calibration import choose_threshold, fit_temperature  # noqa: E402
from training.compare import verdict  # noqa: E402
from training.config import FitConfig  # noqa: E402
from training.errors import ConfigError  # noqa: E402
from training.metrics import calibration_error, mcnemar, summarise  # noqa: E402
from training.samples import Sample, stratified_split  # noqa: E402

pytestmark = pytest.mark.training


def test_fit_temperature_recovers_the_temperature_of_the_labels() -> None:
    generator = torch.Generator().manual_seed(0)
    logits = torch.randn(4000, 5, generator=generator) * 3
    targets = torch.multinomial((logits / 2.0).softmax(1), 1, generator=generator).squeeze(1)
    assert fit_temperature(logits, targets) == pytest.approx(2.0, rel=0.1)


def test_choose_threshold_stops_before_the_first_error_when_evidence_allows() -> None:
    confidence = np.linspace(1.0, 0.5, 500)
    correct = np.arange(500) < 400  # 400 right answers, then only wrong ones
    high = choose_threshold(confidence, correct, 0.99)
    assert high["reached"]
    assert (high["answers"], high["correct"]) == (400, 400)
    assert high["threshold"] == confidence[399]
    assert high["precision_lower_95"] >= 0.99


def test_choose_threshold_refuses_a_target_the_data_cannot_support() -> None:
    confidence = np.linspace(1.0, 0.5, 300)
    high = choose_threshold(confidence, np.ones(300, dtype=bool), 0.99)  # 300/300: lower bound 0.987
    assert not high["reached"]
    assert high["threshold"] > 1.0


def test_choose_threshold_keeps_tied_confidences_together() -> None:
    confidence = np.array([0.99] * 400 + [0.9] * 10)
    correct = np.array([True] * 400 + [True] * 5 + [False] * 5)
    result = choose_threshold(confidence, correct, 0.99)
    assert (result["answers"], result["threshold"]) == (400, 0.99)


def test_calibration_error_is_zero_when_confidence_matches_accuracy() -> None:
    confidence = np.full(10, 0.8)
    assert calibration_error(confidence, np.arange(10) < 8)[0] == pytest.approx(0.0)
    assert calibration_error(np.ones(10), np.arange(10) < 5)[0] == pytest.approx(0.5)


def test_summarise_counts_per_class_and_top3() -> None:
    probs = np.array([[0.7, 0.2, 0.1, 0.0], [0.1, 0.6, 0.3, 0.0], [0.5, 0.1, 0.15, 0.25]])
    report = summarise(probs, np.array([0, 2, 3]), ["a", "b", "c", "d"])
    assert (report["correct"], report["top1"]) == (1, pytest.approx(1 / 3))
    assert report["top3"] == pytest.approx(1.0)
    assert report["confusion"][2][1] == 1
    assert report["per_class"][1] == {
        "class": "b",
        "support": 0,
        "predicted": 1,
        "correct": 0,
        "precision": 0.0,
        "recall": None,
    }


def test_mcnemar_is_exact_on_small_counts() -> None:
    a = np.array([False] * 10 + [True] * 5)
    b = np.array([True] * 10 + [True] * 5)
    assert mcnemar(a, b) == {"only_a_correct": 0, "only_b_correct": 10, "p_value": pytest.approx(2 / 1024)}
    assert verdict(0.4, 1.0, mcnemar(a, b)).startswith("B is better: top-1 A 40.00%, B 100.00% (+60.0 points")
    assert verdict(0.9, 0.9, mcnemar(b, b)).startswith("no clear winner")


def test_stratified_split_is_seeded_and_keeps_every_class() -> None:
    samples = [Sample(Path(f"/{label}/{i}.jpg"), label) for label in "abc" for i in range(20)]
    first = stratified_split(samples, 0.15, 0.15, seed=1)
    assert first == stratified_split(list(reversed(samples)), 0.15, 0.15, seed=1)
    assert first != stratified_split(samples, 0.15, 0.15, seed=2)
    for name, expected in (("train", 14), ("val", 3), ("test", 3)):
        assert sorted(s.label for s in first[name]) == sorted("abc" * expected)


def test_config_refuses_unknown_keys() -> None:
    with pytest.raises(ConfigError, match=r"optim\.learning_rate"):
        FitConfig.from_dict({"optim": {"learning_rate": 0.1}})
    config = FitConfig.from_dict({"data": {"augment": {"crop_scale": [0.5, 1.0]}}})
    assert config.data.augment.crop_scale == (0.5, 1.0)
    assert FitConfig.from_dict(config.to_dict()) == config

"""The classifier's two views (centre crop, whole photo letterboxed) and its calibration, as the manifest says."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from basegun.inference.manifest import CROP_AND_LETTERBOX, Manifest
from basegun.inference.preprocess import prepare_views, square_letterbox
from basegun.inference.session import OnnxSession
from basegun.networks.typology import TypologyClassifier
from basegun.settings import DEFAULT_MODELS_DIR
from tests.images import landscape


@pytest.fixture(scope="module")
def classifier() -> TypologyClassifier:
    return TypologyClassifier(OnnxSession.from_manifest_path(DEFAULT_MODELS_DIR / "typology.json"))


def test_square_letterbox_keeps_the_whole_photo_centred_on_the_pad_colour() -> None:
    wide = Image.new("RGB", (400, 100), (200, 10, 10))
    boxed = square_letterbox(wide, 320, (114, 114, 114))
    assert boxed.shape == (320, 320, 3)
    assert boxed[0, 0].tolist() == [114, 114, 114]
    assert boxed[-1, -1].tolist() == [114, 114, 114]
    assert boxed[160, 0].tolist() == [200, 10, 10]
    assert boxed[160, -1].tolist() == [200, 10, 10]
    assert (boxed[:, 160] != 114).any(axis=1).sum() == 80  # 100 px high at 320/400


def test_each_mode_gives_its_views(classifier: TypologyClassifier) -> None:
    prep = classifier.session.manifest.preprocessing
    photo = landscape()
    assert prepare_views(photo, replace(prep, resize="shorter_side_center_crop")).shape == (1, 3, 320, 320)
    assert prepare_views(photo, replace(prep, resize="letterbox")).shape == (1, 3, 320, 320)
    both = prepare_views(photo, replace(prep, resize=CROP_AND_LETTERBOX))
    assert both.shape == (2, 3, 320, 320)


def test_the_served_manifest_names_its_mode_and_calibration() -> None:
    manifest = Manifest.load(DEFAULT_MODELS_DIR / "typology.json")
    assert manifest.preprocessing.resize == CROP_AND_LETTERBOX
    assert manifest.decoding["temperature"] > 0  # applied when served (a trained model has it in its network)
    assert manifest.thresholds["confidence_medium"] <= manifest.thresholds["confidence_high"] < 1


def test_calibration_keeps_the_ranking_and_averages_the_views(classifier: TypologyClassifier) -> None:
    views = np.array([[0.9, 0.05, 0.05] + [0.0] * 9, [0.6, 0.3, 0.1] + [0.0] * 9], dtype=np.float32)
    combined = classifier.combine(views)
    assert combined.sum() == pytest.approx(1.0, abs=1e-5)
    assert combined.argmax() == 0
    single = classifier.combine(views[:1])
    if classifier.temperature > 1:  # an over-confident network is tempered: its top probability goes down
        assert single[0] < 0.9


def test_a_prediction_says_whether_its_views_agree(classifier: TypologyClassifier) -> None:
    views = classifier.view_probabilities(landscape())
    prediction = classifier.predict(landscape())
    assert views.shape == (2, len(classifier.classes))
    assert prediction.views_agree == (views[0].argmax() == views[1].argmax())
    assert prediction.confidence == pytest.approx(float(classifier.combine(views).max()), abs=1e-6)

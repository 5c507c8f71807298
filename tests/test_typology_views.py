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
from basegun.settings import DEFAULT_MODELS_DIR, Settings
from tests.images import landscape

SERVED = DEFAULT_MODELS_DIR / Settings().typology_manifest  # the manifest the service loads (the INT8 model)


@pytest.fixture(scope="module")
def classifier() -> TypologyClassifier:
    return TypologyClassifier(OnnxSession.from_manifest_path(SERVED))


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
    manifest = Manifest.load(SERVED)
    assert manifest.path.name == "typology-int8.json"
    assert manifest.preprocessing.resize == CROP_AND_LETTERBOX
    assert manifest.decoding["temperature"] > 0  # applied when served (a trained model has it in its network)
    assert manifest.thresholds["confidence_medium"] <= manifest.thresholds["confidence_high"] < 1


def test_calibration_tempers_each_view_then_averages(classifier: TypologyClassifier) -> None:
    """At temperature 2, tempering a view is p -> sqrt(p) / sum(sqrt(p)); worked by hand on two views that disagree:
    (0.64, 0.36) -> (0.8, 0.6) / 1.4 = (0.5714, 0.4286) and (0.04, 0.96) -> (0.2, 0.9798) / 1.1798 = (0.1695,
    0.8305), averaged (0.3705, 0.6295). Averaging before tempering would give (0.4179, 0.5821); the larger view
    alone (0.5714 or 0.8305); the product of the views (0.0665, 0.9335)."""
    tempered = TypologyClassifier(classifier.session)
    tempered.temperature = 2.0
    views = np.zeros((2, len(classifier.classes)), dtype=np.float32)
    views[0, :2] = (0.64, 0.36)
    views[1, :2] = (0.04, 0.96)
    combined = tempered.combine(views)
    assert combined[:2] == pytest.approx([0.3705, 0.6295], abs=2e-4)  # the ten empty classes share under 1e-5
    assert tempered.combine(views[:1])[:2] == pytest.approx([0.5714, 0.4286], abs=2e-4)
    assert tempered.combine(views[1:])[:2] == pytest.approx([0.1695, 0.8305], abs=2e-4)
    plain = TypologyClassifier(classifier.session)
    plain.temperature = 1.0
    assert plain.combine(views)[:2] == pytest.approx([0.34, 0.66], abs=1e-6)  # untempered: the plain average


def test_a_prediction_says_whether_its_views_agree(classifier: TypologyClassifier) -> None:
    views = classifier.view_probabilities(landscape())
    prediction = classifier.predict(landscape())
    assert views.shape == (2, len(classifier.classes))
    assert prediction.views_agree == (views[0].argmax() == views[1].argmax())
    assert prediction.confidence == pytest.approx(float(classifier.combine(views).max()), abs=1e-6)

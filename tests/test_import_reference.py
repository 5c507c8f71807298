"""The reference import: parity with the original networks on real photos, and a reproducible result.

Reproducible means the same network, not the same bytes: batch-norm folding during export rounds differently on
different processors (an AMD and an Intel machine gave weights differing by up to 4e-6), so the re-exported files are
compared by graph, by weights within a tolerance, and by their outputs on real photos, never byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch", reason="the training extra (torch) is not installed")

from basegun.inference.imaging import decode
from basegun.inference.manifest import Preprocessing
from basegun.inference.preprocess import prepare_crop, prepare_letterbox
from basegun.inference.session import OnnxSession
from basegun.networks.card_detector import CardDetector
from basegun.settings import REPO_ROOT
from training.import_reference import (
    CARD_PREP,
    KEYPOINT_TOLERANCE_PX,
    KEYPOINTS_PREP,
    TYPOLOGY_PREP,
    TYPOLOGY_TOLERANCE,
    import_reference,
)
from training.model_diff import compare_onnx
from training.onnx_export import onnx_session

pytestmark = pytest.mark.training
COMMITTED = REPO_ROOT / "models"
STEMS = ("typology", "keypoints", "card")
# Measured on this run (parity, the file's own sha256) or chosen after the import for serving (preprocessing mode,
# calibration, thresholds and the presence rule, recorded by the accuracy protocol and `basegun-train` calibration):
# not what the import fixes. The served temperature sits in `decoding` beside what the import does fix there.
NOT_REPRODUCED = {"parity", "sha256", "preprocessing", "thresholds", "thresholds_source", "calibration", "presence"}
SERVED_DECODING = {"temperature"}


@pytest.fixture(scope="module")
def imported(reference_wheel: Path, photos: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("imported")
    import_reference(reference_wheel, photos, out)  # raises ParityError if PyTorch and ONNX Runtime disagree
    return out


def _photo_images(photos: Path) -> list:
    return [decode(p.read_bytes()).image for p in sorted(photos.rglob("*.jpg"))[:12]]


def test_import_writes_every_model_with_its_own_sha256(imported: Path) -> None:
    assert sorted(p.name for p in imported.iterdir()) == sorted(f"{s}.{e}" for s in STEMS for e in ("onnx", "json"))
    for stem in STEMS:
        manifest = json.loads((imported / f"{stem}.json").read_text())
        assert manifest["sha256"] == hashlib.sha256((imported / f"{stem}.onnx").read_bytes()).hexdigest()


def test_import_checked_parity_with_pytorch_on_real_photos(imported: Path) -> None:
    typology = json.loads((imported / "typology.json").read_text())["parity"]
    keypoints = json.loads((imported / "keypoints.json").read_text())["parity"]
    assert typology["photos"] >= 12
    assert typology["max_abs_prob_delta"] <= TYPOLOGY_TOLERANCE
    assert keypoints["max_abs_px_delta"] <= KEYPOINT_TOLERANCE_PX


@pytest.mark.parametrize("stem", STEMS)
def test_import_reproduces_the_committed_network(imported: Path, stem: str) -> None:
    """Same operators, inputs, outputs and initializers; weights equal within |Δ| <= 1e-5 + 1e-5·|w|."""
    diff = compare_onnx((imported / f"{stem}.onnx").read_bytes(), (COMMITTED / f"{stem}.onnx").read_bytes())
    assert diff.graph_differences == []
    assert diff.outside_tolerance == [], diff.describe()
    fresh = json.loads((imported / f"{stem}.json").read_text())
    committed = json.loads((COMMITTED / f"{stem}.json").read_text())
    for manifest in (fresh, committed):
        manifest["decoding"] = {k: v for k, v in manifest.get("decoding", {}).items() if k not in SERVED_DECODING}
    assert {k: v for k, v in fresh.items() if k not in NOT_REPRODUCED} == {
        k: v for k, v in committed.items() if k not in NOT_REPRODUCED
    }


def test_imported_typology_answers_as_the_committed_one(imported: Path, photos: Path) -> None:
    fresh, committed = onnx_session(imported / "typology.onnx"), onnx_session(COMMITTED / "typology.onnx")
    prep = Preprocessing.from_dict(TYPOLOGY_PREP)
    for image in _photo_images(photos):
        tensor = prepare_crop(image, prep)
        a, b = fresh.run(None, {"images": tensor})[0][0], committed.run(None, {"images": tensor})[0][0]
        assert float(np.abs(a - b).max()) <= TYPOLOGY_TOLERANCE
        second, first = np.sort(b)[-2:]
        if first - second > 2 * TYPOLOGY_TOLERANCE:  # a near-tie may flip on rounding; anything else may not
            assert int(a.argmax()) == int(b.argmax())


def test_imported_keypoints_answer_as_the_committed_ones(imported: Path, photos: Path) -> None:
    fresh, committed = onnx_session(imported / "keypoints.onnx"), onnx_session(COMMITTED / "keypoints.onnx")
    prep = Preprocessing.from_dict(KEYPOINTS_PREP)
    for image in _photo_images(photos):
        tensor = prepare_letterbox(image, prep).tensor
        a, b = fresh.run(None, {"images": tensor})[0][0], committed.run(None, {"images": tensor})[0][0]
        best = int(b[4].argmax())  # neighbouring anchors can tie: compare at the committed model's winner
        assert abs(float(a[4].max()) - float(b[4, best])) <= 1e-3
        coords = [0, 1, 2, 3, *range(5, b.shape[0])]
        assert float(np.abs(a[coords, best] - b[coords, best]).max()) <= KEYPOINT_TOLERANCE_PX


def test_imported_card_detector_answers_as_the_committed_one(imported: Path, photos: Path) -> None:
    fresh, committed = onnx_session(imported / "card.onnx"), onnx_session(COMMITTED / "card.onnx")
    name = committed.get_inputs()[0].name
    prep = Preprocessing.from_dict(CARD_PREP)
    for image in _photo_images(photos)[:4]:
        tensor = prepare_letterbox(image, prep).tensor
        a, b = fresh.run(None, {name: tensor})[0], committed.run(None, {name: tensor})[0]
        assert float(np.abs(a - b).max()) <= 1e-3 * max(1.0, float(np.abs(b).max()))


def test_card_boxes_decoded_outside_the_graph_are_the_reference_graphs(reference_wheel: Path, photos: Path) -> None:
    """The committed card model ends before YOLOv5's box decoding, which `CardDetector` does in NumPy for the anchors
    that pass: on the reference's own 640 × 640 input, its rows are the reference graph's, anchor for anchor."""
    with zipfile.ZipFile(reference_wheel) as archive:
        original = onnx_session(archive.read("basegun_ml/card_detection.onnx"))
    detector = CardDetector(OnnxSession.from_manifest_path(COMMITTED / "card.json"))
    square = Preprocessing.from_dict({**CARD_PREP, "dynamic_shape": False})
    threshold = 0.01  # well under the detection threshold: hundreds of anchors per photo are compared
    compared = 0
    for image in _photo_images(photos)[:6]:
        tensor = prepare_letterbox(image, square).tensor
        reference = original.run(["output"], {"images": tensor})[0][0]
        reference = reference[reference[:, 4] * reference[:, 5] >= threshold]
        ours = detector._rows(detector.session.run(tensor), threshold)
        assert ours.shape[0] == reference.shape[0]
        np.testing.assert_allclose(ours[:, :4], reference[:, :4], rtol=1e-4, atol=1e-3)
        np.testing.assert_allclose(ours[:, 4], reference[:, 4] * reference[:, 5], rtol=1e-4, atol=1e-6)
        assert (ours[:, 5:].argmax(axis=1) == reference[:, 6:].argmax(axis=1)).all()
        compared += ours.shape[0]
    assert compared > 100

"""The OCR stages: models found in the rapidocr wheel, checked, loaded through OnnxSession, and no network."""

from __future__ import annotations

import importlib.util
import json
import socket
from pathlib import Path

import numpy as np
import pytest

from basegun.errors import ModelUnavailable
from basegun.inference.imaging import decode
from basegun.inference.manifest import Manifest
from basegun.inference.session import OnnxSession
from basegun.networks.ocr.detect import TextDetector
from basegun.networks.ocr.orient import LineOrienter
from basegun.networks.ocr.reader import MIN_SHORT_SIDE_PX, TextReader, enlargement
from basegun.networks.ocr.recognize import LineRecogniser
from basegun.networks.served import Models
from basegun.settings import DEFAULT_MODELS_DIR

OCR_MANIFESTS = ("ocr_det.json", "ocr_cls.json", "ocr_rec.json")


def read(reader: TextReader, path: Path) -> list[str]:
    return [line.text for line in reader.read(decode(path.read_bytes(), detail=reader.detail).image)]


@pytest.mark.parametrize("name", OCR_MANIFESTS)
def test_manifest_finds_model_in_installed_package(name: str) -> None:
    manifest = Manifest.load(DEFAULT_MODELS_DIR / name)
    assert manifest.package == "rapidocr"
    assert manifest.onnx_path.is_file()
    spec = importlib.util.find_spec("rapidocr")
    assert spec is not None
    assert spec.submodule_search_locations
    assert Path(spec.submodule_search_locations[0]) in manifest.onnx_path.parents
    assert manifest.raw["license"] == "Apache-2.0"
    assert manifest.raw["provenance"]["version"] == "3.10.0"


def _manifest_copy(tmp_path: Path, name: str, **changes: str) -> Path:
    data = json.loads((DEFAULT_MODELS_DIR / name).read_text(encoding="utf-8"))
    path = tmp_path / name
    path.write_text(json.dumps({**data, **changes}), encoding="utf-8")
    return path


def test_session_refuses_package_not_installed(tmp_path: Path) -> None:
    path = _manifest_copy(tmp_path, "ocr_cls.json", package="no_such_package_here")
    with pytest.raises(ModelUnavailable, match="not installed"):
        OnnxSession.from_manifest_path(path)


def test_session_refuses_package_file_with_other_sha256(tmp_path: Path) -> None:
    path = _manifest_copy(tmp_path, "ocr_cls.json", sha256="0" * 64)
    with pytest.raises(ModelUnavailable, match="corrupt"):
        OnnxSession.from_manifest_path(path)


def test_recogniser_reads_its_alphabet_from_the_model(models: Models) -> None:
    recogniser = models.line_recogniser
    assert len(recogniser.alphabet) == 18_710  # the network's output classes: blank, 18,708 characters, space
    assert recogniser.alphabet[0] == ""
    assert {"A", "Z", "0", "9", "."} <= set(recogniser.alphabet)


def test_read_finds_markings_of_close_up(models: Models, photos: Path) -> None:
    lines = models.text_reader.read(decode((photos / "alarm" / "alarm_gun_blow_f92.jpg").read_bytes()).image)
    texts = [line.text for line in lines]
    assert "BLOW F92" in texts
    assert any("9mm" in text for text in texts)
    assert all(0 <= line.confidence <= 1 and len(line.corners) == 4 for line in lines)


def test_read_turns_upside_down_markings(models: Models, photos: Path) -> None:
    image = decode((photos / "alarm" / "alarm_gun_blow_f92.jpg").read_bytes()).image.rotate(180)
    assert "BLOW F92" in [line.text for line in models.text_reader.read(image)]


def test_read_downloads_nothing(photos: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Load the OCR models and read a photo with every network connection refused."""
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network access during the test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    det, cls, rec = (OnnxSession.from_manifest_path(DEFAULT_MODELS_DIR / name) for name in OCR_MANIFESTS)
    reader = TextReader(TextDetector(det), LineOrienter(cls), LineRecogniser(rec))
    assert "BLOW F92" in read(reader, photos / "alarm" / "alarm_gun_blow_f92.jpg")
    assert attempts == []


@pytest.mark.parametrize(
    ("height", "width", "factor"),
    [
        (40, 300, 4.0),  # a thin strip: its shorter side brought to 160 px
        (40, 6000, 736 / np.sqrt(40 * 6000)),  # a very long one: held to the detector's pixel budget
        (237, 675, 1.0),  # tall enough already
        (3024, 4032, 1.0),  # a photo: never reduced here (the detector reduces it)
    ],
)
def test_enlargement_of_small_strips(height: int, width: int, factor: float) -> None:
    assert enlargement(height, width, 736, MIN_SHORT_SIDE_PX) == pytest.approx(factor)

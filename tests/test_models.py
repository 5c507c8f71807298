"""The embedded models: integrity checks at load, torch-free serving, and the expected answers on real photos."""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from basegun.errors import ModelUnavailable
from basegun.inference.imaging import decode
from basegun.inference.manifest import Manifest
from basegun.inference.session import OnnxSession
from basegun.networks.served import Models
from basegun.networks.typology import TypologyClassifier
from basegun.settings import REPO_ROOT, Settings
from tests.calls import basegun_cli

MODELS = REPO_ROOT / "models"
SERVED = Path(Settings().typology_manifest).stem  # the typology model the service loads by default


def test_manifests_match_their_onnx_files() -> None:
    from basegun.inference.session import sha256_of

    for manifest in sorted(MODELS.glob("*.json")):
        data = json.loads(manifest.read_text())
        if "package" in data:
            continue  # a model shipped inside a registry package: checked when loaded
        assert sha256_of(MODELS / data["file"]) == data["sha256"], manifest.name
        assert data["license"]
        assert data["provenance"]["original_sha256"]


def test_serving_imports_neither_torch_nor_ultralytics() -> None:
    code = (
        "import sys, basegun\n"
        "from basegun.networks.served import Models\n"
        "from basegun.settings import Settings\n"
        "from api.app import create_app\n"
        "Models.load(Settings())\n"
        "create_app(Settings())\n"
        "bad = [m for m in ('torch', 'ultralytics', 'torchvision', 'paddle') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO_ROOT, timeout=120)


def _copy_models(tmp_path: Path) -> Path:
    target = tmp_path / "models"
    shutil.copytree(MODELS, target)
    return target


def test_load_refuses_missing_model_naming_the_file(tmp_path: Path) -> None:
    models_dir = _copy_models(tmp_path)
    (models_dir / "keypoints.onnx").unlink()
    with pytest.raises(ModelUnavailable, match=r"keypoints\.onnx"):
        Models.load(Settings(models_dir=models_dir))


def test_load_refuses_corrupt_model_naming_the_file(tmp_path: Path) -> None:
    models_dir = _copy_models(tmp_path)
    data = bytearray((models_dir / f"{SERVED}.onnx").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (models_dir / f"{SERVED}.onnx").write_bytes(bytes(data))
    with pytest.raises(ModelUnavailable, match=rf"{SERVED}\.onnx.*sha256"):
        Models.load(Settings(models_dir=models_dir))


def test_load_refuses_manifest_whose_input_differs(tmp_path: Path) -> None:
    models_dir = _copy_models(tmp_path)
    manifest = json.loads((models_dir / f"{SERVED}.json").read_text())
    manifest["input"]["shape"] = ["batch", 3, 224, 224]
    (models_dir / f"{SERVED}.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelUnavailable, match="input shape"):
        Models.load(Settings(models_dir=models_dir))


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [("resize", "stretch", "preprocessing.resize"), ("mean", [0.5, 0.5], "preprocessing.mean"),
     ("sizee", 320, "preprocessing.sizee")],
)  # fmt: skip
def test_manifest_with_a_bad_preprocessing_names_the_file_and_field(
    tmp_path: Path, field: str, value: object, named: str
) -> None:
    manifest = json.loads((MODELS / f"{SERVED}.json").read_text(encoding="utf-8"))
    manifest["preprocessing"][field] = value
    (tmp_path / "retrained.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ModelUnavailable, match=rf"retrained\.json: {re.escape(named)}\b"):
        Manifest.load(tmp_path / "retrained.json")


@pytest.mark.parametrize("command", [["identify", "photo.jpg"], ["serve", "--port", "0"]])
def test_cli_with_missing_model_stops_with_one_line(tmp_path: Path, command: list[str]) -> None:
    models_dir = _copy_models(tmp_path)
    (models_dir / f"{SERVED}.json").unlink()
    result = basegun_cli(*command, env={"BASEGUN_MODELS_DIR": str(models_dir), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert f"{SERVED}.json" in result.stderr


def test_typology_expected_on_every_typology_photo(models: Models, photos: Path, labels: list[dict]) -> None:
    for row in (r for r in labels if r["kind"] == "typology"):
        prediction = models.typology.predict(decode((photos / row["path"]).read_bytes()).image)
        assert prediction.key == row["expected"], row["path"]


@pytest.mark.parametrize("thresholds", [None, {"confidence_medium": 0.5, "confidence_high": 0.9}])
def test_typology_levels_follow_manifest_thresholds(tmp_path: Path, thresholds: dict[str, float] | None) -> None:
    """The served manifest's levels, and a retrained model's own: the levels come from the manifest, not the code."""
    manifest = json.loads((MODELS / f"{SERVED}.json").read_text(encoding="utf-8"))
    manifest["thresholds"] = thresholds or manifest["thresholds"]
    (tmp_path / f"{SERVED}.json").write_text(json.dumps(manifest), encoding="utf-8")
    (tmp_path / manifest["file"]).symlink_to(MODELS / manifest["file"])
    classifier = TypologyClassifier(OnnxSession.from_manifest_path(tmp_path / f"{SERVED}.json", 1))
    medium, high = manifest["thresholds"]["confidence_medium"], manifest["thresholds"]["confidence_high"]
    assert 0 < medium < high < 1
    below = math.nextafter  # the nearest float under a threshold is still the level below it
    levels = [classifier.level(p) for p in (0.0, below(medium, 0), medium, below(high, 0), high, 1.0)]
    assert levels == ["low", "low", "medium", "medium", "high", "high"]


def test_weapon_detector_maps_keypoints_into_the_photo(models: Models, photos: Path) -> None:
    photo = decode((photos / "typology" / "un_coup.jpg").read_bytes())
    (best, *_) = models.weapons.detect(photo.image)
    x1, y1, x2, y2 = best.box
    width, height = photo.image.size
    assert 0 <= x1 < x2 <= width * 1.02
    assert 0 <= y1 < y2 <= height * 1.02
    assert best.keypoints.shape == (4, 2)
    inside = (best.keypoints[:, 0] >= x1 - 20) & (best.keypoints[:, 0] <= x2 + 20)
    assert inside.all()

"""The reference import: parity with the original networks on real photos, and a reproducible result."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("torch", reason="the training extra (torch) is not installed")

from basegun.settings import REPO_ROOT
from training.import_reference import import_reference

pytestmark = pytest.mark.training
MEASURED = {"parity"}  # figures measured on this run's photos, not part of what the import produces


def test_import_reference_reproduces_the_committed_models(reference_wheel: Path, photos: Path, tmp_path: Path) -> None:
    written = import_reference(reference_wheel, photos, tmp_path)  # raises ParityError if a check fails
    typology = json.loads((tmp_path / "typology.json").read_text())["parity"]
    keypoints = json.loads((tmp_path / "keypoints.json").read_text())["parity"]
    assert typology["photos"] >= 12
    assert typology["max_abs_prob_delta"] <= 1e-3  # and the same top-1 on every photo
    assert keypoints["max_abs_px_delta"] <= 1.0  # and the same winning box on every photo
    assert sorted(p.name for p in written) == sorted(
        f"{stem}.{ext}" for stem in ("typology", "keypoints", "card") for ext in ("onnx", "json")
    )
    for stem in ("typology", "keypoints", "card"):
        assert (tmp_path / f"{stem}.onnx").read_bytes() == (REPO_ROOT / "models" / f"{stem}.onnx").read_bytes()
        fresh = json.loads((tmp_path / f"{stem}.json").read_text())
        committed = json.loads((REPO_ROOT / "models" / f"{stem}.json").read_text())
        assert {k: v for k, v in fresh.items() if k not in MEASURED} == {
            k: v for k, v in committed.items() if k not in MEASURED
        }

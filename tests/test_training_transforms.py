"""The serving preprocessing (`basegun.inference.preprocess.prepare_crop`) gives the training evaluation transform's
tensor."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the training extra (torch, torchvision) is not installed")

from torchvision import transforms as tv  # noqa: E402

from basegun.inference.imaging import Detail, decode  # noqa: E402
from basegun.inference.manifest import Manifest, Preprocessing  # noqa: E402
from basegun.inference.preprocess import prepare_crop  # noqa: E402
from basegun.settings import DEFAULT_MODELS_DIR  # noqa: E402
from training.config import default_preprocessing  # noqa: E402
from training.errors import ConfigError  # noqa: E402
from training.transforms import eval_transform  # noqa: E402

pytestmark = pytest.mark.training


def _typology_photos(photos: Path) -> list[Path]:
    with (photos / "labels.csv").open(newline="", encoding="utf-8") as handle:
        return [photos / row["path"] for row in csv.DictReader(handle) if row["kind"] == "typology"]


@pytest.mark.parametrize(("arch", "size"), [("mobilenet_v3_large", 224), ("resnet18", 97), ("yolov8s-cls", 320)])
def test_eval_transform_equals_prepare_crop_on_real_photos(photos: Path, arch: str, size: int) -> None:
    prep = Preprocessing.from_dict({**default_preprocessing(arch), "size": size})
    transform = eval_transform(prep)
    worst = 0.0
    for path in _typology_photos(photos):
        image = decode(path.read_bytes(), detail=Detail(min_short_side=size)).image
        served = prepare_crop(image, prep)
        trained = transform(image)[None].numpy()
        assert served.shape == trained.shape == (1, 3, size, size)
        worst = max(worst, float(np.abs(served - trained).max()))
    assert worst <= 1e-5  # float rounding only: the same Pillow resize and the same crop


def test_reference_recorded_transform_equals_prepare_crop_on_real_photos(photos: Path) -> None:
    """The reference checkpoint records Resize(320, bilinear), CenterCrop(320), ToTensor, and no normalisation."""
    recorded = tv.Compose(
        [tv.Resize(320, interpolation=tv.InterpolationMode.BILINEAR), tv.CenterCrop(320), tv.ToTensor()]
    )
    prep = Manifest.load(DEFAULT_MODELS_DIR / "typology.json").preprocessing
    for path in _typology_photos(photos):
        image = decode(path.read_bytes(), detail=Detail(min_short_side=320)).image
        assert float(np.abs(prepare_crop(image, prep) - recorded(image)[None].numpy()).max()) <= 1e-6, path.name


def test_eval_transform_refuses_letterbox() -> None:
    prep = Preprocessing.from_dict({**default_preprocessing("resnet18"), "resize": "letterbox"})
    with pytest.raises(ConfigError, match="shorter_side_center_crop"):
        eval_transform(prep)

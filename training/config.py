"""A training run's configuration: every choice that changes the result, resolved and written beside the run.

`config.json` in a run folder is this structure; `fit --config FILE` reads the same shape back, so a run can be
repeated from its own record. Unknown keys are refused rather than ignored, so a typo cannot silently change a run.
"""

from __future__ import annotations

import json
import subprocess
import types
import typing
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from typing import Any

from basegun.settings import REPO_ROOT
from training.errors import ConfigError

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
REFERENCE_ARCH = "yolov8s-cls"


@dataclass(frozen=True)
class AugmentConfig:
    """Training augmentations that imitate field photos: framing, tilt, perspective, light, focus and compression."""

    crop_scale: tuple[float, float] = (0.35, 1.0)
    crop_ratio: tuple[float, float] = (3 / 4, 4 / 3)
    rotation_degrees: float = 10.0
    perspective_p: float = 0.3
    perspective_distortion: float = 0.2
    hflip_p: float = 0.5
    no_flip_classes: tuple[str, ...] = ()  # classes whose mirror image is another thing (none of the 12 typologies)
    brightness: float = 0.3
    contrast: float = 0.3
    saturation: float = 0.3
    hue: float = 0.02
    blur_p: float = 0.2
    blur_sigma: tuple[float, float] = (0.1, 2.0)
    jpeg_p: float = 0.3
    jpeg_quality: tuple[int, int] = (30, 90)
    fill: int = 114  # grey for the corners that rotation and perspective uncover


@dataclass(frozen=True)
class DataConfig:
    source: str = ""  # a folder with one sub-folder per class, or a CSV of path,label
    classes: tuple[str, ...] = ()  # output order; empty: the labels found, sorted
    splits: str | None = None  # a folder with train.csv, val.csv, test.csv; None: a stratified split of `source`
    val_fraction: float = 0.15
    test_fraction: float = 0.15
    preprocessing: dict[str, Any] = field(default_factory=dict)  # the manifest's block; empty: the model's default
    augment: AugmentConfig = AugmentConfig()
    workers: int = 2


@dataclass(frozen=True)
class ModelConfig:
    arch: str = "mobilenet_v3_large"  # a torchvision classification model, or "yolov8s-cls"
    weights: str | None = None  # a local state-dict file to start from (never downloaded)
    init_reference: str | None = None  # the basegun-ml wheel: start from the reference typology network
    yolo: dict[str, Any] | None = None  # resolved for yolov8s-cls: the network description and batch-norm epsilon


@dataclass(frozen=True)
class OptimConfig:
    epochs: int = 30
    batch_size: int = 32
    lr: float = 1e-3
    weight_decay: float = 0.05
    warmup_epochs: float = 1.0
    min_lr_ratio: float = 0.01
    label_smoothing: float = 0.1
    balance: typing.Literal["loss", "sampler", "none"] = "loss"
    patience: int = 8  # epochs without a better validation top-1 before stopping
    amp: bool = True  # mixed precision, used only on CUDA


@dataclass(frozen=True)
class CalibrationConfig:
    target_high: float = 0.99  # precision that "high" answers must reach on validation
    target_medium: float = 0.90  # precision of every answer shown (medium or high) on validation


@dataclass(frozen=True)
class FitConfig:
    data: DataConfig = DataConfig()
    model: ModelConfig = ModelConfig()
    optim: OptimConfig = OptimConfig()
    calibration: CalibrationConfig = CalibrationConfig()
    seed: int = 0
    device: str = "auto"
    progress: bool = True

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data (tuples as lists), as written to config.json."""
        return json.loads(json.dumps(asdict(self)))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FitConfig:
        return _build(cls, data, "")


def _build(cls: type, data: dict[str, Any], where: str) -> Any:
    if not isinstance(data, dict):
        raise ConfigError(f"{where or 'config'}: expected an object")
    hints = typing.get_type_hints(cls)
    names = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise ConfigError(f"unknown config key(s): {', '.join(where + k for k in unknown)}")
    values = {}
    for name, value in data.items():
        hint = hints[name]
        if is_dataclass(hint):
            value = _build(hint, value, f"{where}{name}.")
        elif _is_tuple(hint) and value is not None:
            value = tuple(value)
        values[name] = value
    return cls(**values)


def _is_tuple(hint: Any) -> bool:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_is_tuple(arg) for arg in typing.get_args(hint))
    return origin is tuple


def default_preprocessing(arch: str) -> dict[str, Any]:
    """The input a backbone expects: the reference network reads 320 px in [0, 1], torchvision's ImageNet statistics."""
    reference = arch == REFERENCE_ARCH
    return {
        "resize": "shorter_side_center_crop",
        "size": 320 if reference else 224,
        "interpolation": "bilinear",
        "scale": 1 / 255,
        "mean": [0.0, 0.0, 0.0] if reference else list(IMAGENET_MEAN),
        "std": [1.0, 1.0, 1.0] if reference else list(IMAGENET_STD),
        "channel_order": "RGB",
    }


def git_commit() -> dict[str, Any]:
    """The code a model was made with: the commit, and whether the tree had uncommitted changes."""

    def git(*args: str) -> str:
        result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            ["git", *args],  # noqa: S607 - git from PATH, as a developer runs it
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
        return result.stdout.strip()

    try:
        return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain"))}
    except (OSError, subprocess.SubprocessError):
        return {"commit": "unknown", "dirty": None}

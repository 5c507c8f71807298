"""Model manifests: the JSON file beside each ONNX model that says how to feed it and read it.

Preprocessing, class names and thresholds live here, never as constants in code, so that a retrained model ships as
one ONNX file and one manifest with no code change.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from basegun.errors import ModelUnavailable

CROP_AND_LETTERBOX = "center_crop_and_letterbox_mean"
ResizeMode = Literal[
    "shorter_side_center_crop", "letterbox", "center_crop_and_letterbox_mean", "limit_long_side", "fixed_height"
]


@dataclass(frozen=True)
class Preprocessing:
    """How the network's input was made at training time.

    - `shorter_side_center_crop`: scale the shorter side to `size` (Pillow bilinear), centre-crop size×size.
    - `letterbox`: scale the longer side to `size` (OpenCV linear) keeping the aspect ratio, pad with `pad_value`
      to a multiple of `stride` (`dynamic_shape`) or to size×size, the image centred;
      `pad_value` is in `channel_order`. For a classifier: the longer side to `size` with Pillow's bilinear filter
      (as the crop), on a size×size square of `pad_value`, at offset floor((size - side) / 2).
    - `center_crop_and_letterbox_mean` (classifier): both views above as one batch of two; each view's
      probabilities are tempered by the manifest's `decoding.temperature`, then averaged.
    - `limit_long_side` (text detection): scale down only, so that the longer side is at most `size` (OpenCV
      linear), each side rounded to a multiple of `stride`.
    - `fixed_height` (text recognition and orientation): scale each text line to `size` px high keeping its aspect
      ratio (its width capped at `max_width` when set), then pad on the right with zeros (after normalisation) to
      the batch's widest line, and at least to `min_width`.
    Then pixel values are multiplied by `scale`, minus `mean`, divided by `std`, channels in `channel_order`.
    """

    resize: ResizeMode
    size: int
    interpolation: str
    scale: float
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    channel_order: Literal["RGB", "BGR"]
    pad_value: tuple[int, int, int] = (114, 114, 114)
    stride: int = 32
    dynamic_shape: bool = False
    min_width: int = 0
    max_width: int | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Preprocessing:
        return cls(
            resize=data["resize"],
            size=int(data["size"]),
            interpolation=data["interpolation"],
            scale=float(data["scale"]),
            mean=tuple(data["mean"]),
            std=tuple(data["std"]),
            channel_order=data["channel_order"],
            pad_value=_triple(data.get("pad_value", (114, 114, 114))),
            stride=int(data.get("stride", 32)),
            dynamic_shape=bool(data.get("dynamic_shape", False)),
            min_width=int(data.get("min_width", 0)),
            max_width=int(data["max_width"]) if "max_width" in data else None,
        )


@dataclass(frozen=True)
class Manifest:
    """A model's manifest, as read from `models/<name>.json`.

    `file` is relative to the manifest's folder, or, when `package` is set, to that installed Python package's
    folder: a model shipped inside a registry package (pinned, and still checked against `sha256`).
    """

    path: Path
    name: str
    version: str
    task: str
    file: str
    sha256: str
    input_name: str
    input_shape: tuple[int | str, ...]
    output_names: tuple[str, ...]
    preprocessing: Preprocessing
    classes: tuple[str, ...]
    thresholds: dict[str, float]
    decoding: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    package: str | None = None

    @property
    def onnx_path(self) -> Path:
        if self.package is None:
            return self.path.parent / self.file
        spec = importlib.util.find_spec(self.package)  # locates the package without importing it
        if spec is None or not spec.submodule_search_locations:
            raise ModelUnavailable(f"package {self.package!r} named by {self.path} is not installed")
        return Path(spec.submodule_search_locations[0]) / self.file

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """Read and check a manifest; any problem is a `ModelUnavailable` that names the file."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ModelUnavailable(f"model manifest not found: {path}") from exc
        except (OSError, json.JSONDecodeError) as exc:
            raise ModelUnavailable(f"model manifest unreadable: {path}: {exc}") from exc
        try:
            return cls(
                path=path,
                name=data["name"],
                version=str(data["version"]),
                task=data["task"],
                file=data["file"],
                sha256=data["sha256"],
                input_name=data["input"]["name"],
                input_shape=tuple(data["input"]["shape"]),
                output_names=tuple(o["name"] for o in data["outputs"]),
                preprocessing=Preprocessing.from_dict(data["preprocessing"]),
                classes=tuple(data.get("classes", [])),
                thresholds={k: float(v) for k, v in data.get("thresholds", {}).items()},
                decoding=data.get("decoding", {}),
                raw=data,
                package=data.get("package"),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelUnavailable(f"model manifest invalid: {path}: missing or bad field {exc}") from exc


def _triple(values: list[int] | tuple[int, ...]) -> tuple[int, int, int]:
    """A pad colour: exactly three channel values."""
    first, second, third = (int(v) for v in values)
    return first, second, third

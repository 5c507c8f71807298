"""Model manifests: the JSON file beside each ONNX model that says how to feed it and read it.

Preprocessing, class names and thresholds live here, never as constants in code, so that a retrained model ships as
one ONNX file and one manifest with no code change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from basegun.errors import ModelUnavailable

ResizeMode = Literal["shorter_side_center_crop", "letterbox"]


@dataclass(frozen=True)
class Preprocessing:
    """How the network's input was made at training time.

    - `shorter_side_center_crop`: scale the shorter side to `size` (Pillow bilinear), centre-crop size×size.
    - `letterbox`: scale the longer side to `size` (OpenCV linear) keeping the aspect ratio, pad with `pad_value`
      to a multiple of `stride` (`dynamic_shape`) or to size×size, the image centred;
      `pad_value` is in `channel_order`.
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
            pad_value=tuple(int(v) for v in data.get("pad_value", (114, 114, 114))),
            stride=int(data.get("stride", 32)),
            dynamic_shape=bool(data.get("dynamic_shape", False)),
        )


@dataclass(frozen=True)
class Manifest:
    """A model's manifest, as read from `models/<name>.json`."""

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

    @property
    def onnx_path(self) -> Path:
        return self.path.parent / self.file

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
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelUnavailable(f"model manifest invalid: {path}: missing or bad field {exc}") from exc

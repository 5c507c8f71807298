"""Model manifests: the JSON file beside each ONNX model that says how to feed it and read it.

Preprocessing, class names and thresholds live here, never as constants in code, so that a retrained model ships as
one ONNX file and one manifest with no code change.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, TypeAdapter, ValidationError
from pydantic.dataclasses import dataclass as checked_dataclass

from basegun.errors import ModelUnavailable

CROP_AND_LETTERBOX = "center_crop_and_letterbox_mean"
ResizeMode = Literal[
    "shorter_side_center_crop", "letterbox", "center_crop_and_letterbox_mean", "limit_long_side", "fixed_height"
]


@checked_dataclass(frozen=True, config=ConfigDict(extra="forbid"))
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

    description: str = ""  # for the reader of the manifest; changes nothing

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Preprocessing:
        """The block checked by pydantic: an unknown resize mode, a missing field or a mean of two values is refused
        (`pydantic.ValidationError`, a `ValueError`), naming the field."""
        return _PREPROCESSING.validate_python(data)


_PREPROCESSING = TypeAdapter(Preprocessing)


class _Tensor(BaseModel):
    """An input or output of the network as the manifest describes it (dtype and layout are for the reader)."""

    name: str
    shape: tuple[int | str, ...]


class _ManifestFile(BaseModel):
    """The fields Basegun reads from a manifest file; others (provenance, license, parity, …) are kept in `raw`."""

    model_config = ConfigDict(extra="allow")

    name: str
    version: Annotated[str, BeforeValidator(str)]  # "2.0.7", or a plain number
    task: str
    file: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    input: _Tensor
    outputs: list[_Tensor] = Field(min_length=1)
    preprocessing: Preprocessing
    classes: tuple[str, ...] = ()
    thresholds: dict[str, float] = {}
    decoding: dict[str, Any] = {}
    package: str | None = None


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
            checked = _ManifestFile.model_validate(data)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in error['loc']) or 'file'}: {error['msg']}" for error in exc.errors()
            )
            raise ModelUnavailable(f"model manifest invalid: {path}: {problems}") from exc
        return cls(
            path=path,
            name=checked.name,
            version=checked.version,
            task=checked.task,
            file=checked.file,
            sha256=checked.sha256,
            input_name=checked.input.name,
            input_shape=checked.input.shape,
            output_names=tuple(output.name for output in checked.outputs),
            preprocessing=checked.preprocessing,
            classes=checked.classes,
            thresholds=checked.thresholds,
            decoding=checked.decoding,
            raw=data,
            package=checked.package,
        )

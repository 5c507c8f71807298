"""Import the public Basegun reference models from the `basegun-ml` wheel into `models/`.

The two Ultralytics checkpoints are read with a restricted unpickler, rebuilt in our own network code (a strict
state-dict load), exported to ONNX and checked against PyTorch on real photos before anything is written. The card
detector is already ONNX: it is cut before its box decoding (`training/card_graph.py`), which Basegun does itself.
Every model gets a manifest (see `basegun/inference/manifest.py`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import torch

from basegun.inference.imaging import decode
from basegun.inference.manifest import Preprocessing
from basegun.inference.preprocess import prepare_crop, prepare_letterbox
from basegun.settings import DEFAULT_MODELS_DIR
from training.card_graph import without_decoding
from training.checkpoint import Checkpoint, read_checkpoint
from training.model_diff import ModelDiff, compare_onnx
from training.onnx_export import export_onnx, onnx_session, torch_outputs
from training.yolo import YoloNet

log = logging.getLogger(__name__)

PACKAGE, VERSION = "basegun-ml", "2.0.7"
LICENSE = "AGPL-3.0"
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}

TYPOLOGY_PREP = {
    "resize": "shorter_side_center_crop",
    "size": 320,
    "interpolation": "bilinear",
    "scale": 1 / 255,
    "mean": [0.0, 0.0, 0.0],
    "std": [1.0, 1.0, 1.0],
    "channel_order": "RGB",
}
KEYPOINTS_PREP = {
    "resize": "letterbox",
    "size": 640,
    "interpolation": "linear",
    "scale": 1 / 255,
    "mean": [0.0, 0.0, 0.0],
    "std": [1.0, 1.0, 1.0],
    "channel_order": "RGB",
    "pad_value": [114, 114, 114],
    "stride": 32,
    "dynamic_shape": True,
}
CARD_PREP = {
    "resize": "letterbox",
    "size": 640,
    "interpolation": "linear",
    "scale": 1 / 255,
    "mean": [0.0, 0.0, 0.0],
    "std": [1.0, 1.0, 1.0],
    "channel_order": "RGB",
    "pad_value": [255, 0, 255],
    "stride": 32,
    "dynamic_shape": True,
}
KEYPOINT_NAMES = ["rear_end_a", "rear_end_b", "barrel_rear", "muzzle"]

TYPOLOGY_TOLERANCE = 1e-3  # max |Δp| between PyTorch and ONNX Runtime
KEYPOINT_TOLERANCE_PX = 1.0


class ParityError(RuntimeError):
    """The exported model does not reproduce the original network; nothing is written."""


@dataclass
class Artifact:
    stem: str
    onnx: bytes
    manifest: dict[str, Any]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _provenance(original: str, data: bytes, checkpoint: Checkpoint | None) -> dict[str, Any]:
    info: dict[str, Any] = {
        "package": PACKAGE,
        "version": VERSION,
        "original_file": f"basegun_ml/{original}",
        "original_sha256": _sha256(data),
        "imported_by": "basegun-train import-reference",
    }
    if checkpoint is not None:
        info["ultralytics_version"] = checkpoint.ultralytics_version
        info["training_args"] = {k: checkpoint.train_args.get(k) for k in ("imgsz", "epochs", "model", "task")}
    return info


def _photos(photos_dir: Path) -> list[Path]:
    found = sorted(p for p in photos_dir.rglob("*") if p.suffix.lower() in PHOTO_SUFFIXES)
    if not found:
        raise ParityError(f"no photos to check parity on in {photos_dir}")
    return found


def build_typology(pt: bytes, photos: list[Path]) -> Artifact:
    checkpoint = read_checkpoint(pt)
    net = YoloNet.from_checkpoint(checkpoint).eval()
    size = TYPOLOGY_PREP["size"]
    onnx_bytes = export_onnx(
        net, torch.zeros(1, 3, size, size), "images", "probs", {"images": {0: "batch"}, "probs": {0: "batch"}}
    )
    session = onnx_session(onnx_bytes)
    prep = Preprocessing.from_dict(TYPOLOGY_PREP)
    worst = 0.0
    for path in photos:
        tensor = prepare_crop(decode(path.read_bytes()).image, prep)
        expected = torch_outputs(net, tensor)
        actual = session.run(None, {"images": tensor})[0]
        delta = float(np.abs(expected - actual).max())
        worst = max(worst, delta)
        if expected.argmax() != actual.argmax() or delta > TYPOLOGY_TOLERANCE:
            raise ParityError(f"typology parity failed on {path.name}: max |Δp| {delta:.2e}")
    log.info("typology parity: %d photos, max |Δp| %.2e", len(photos), worst)
    manifest = {
        "name": "basegun-typology",
        "version": VERSION,
        "task": "classification",
        "architecture": "YOLOv8s-cls",
        "file": "typology.onnx",
        "input": {"name": "images", "shape": ["batch", 3, size, size], "dtype": "float32", "layout": "NCHW"},
        "outputs": [{"name": "probs", "shape": ["batch", len(checkpoint.names)], "dtype": "float32"}],
        "preprocessing": TYPOLOGY_PREP,
        "decoding": {"kind": "softmax_probabilities", "softmax_in_network": True},
        "classes": checkpoint.names,
        "thresholds": {"confidence_medium": 0.76, "confidence_high": 0.98},
        "thresholds_source": "the public Basegun service's levels: low < 0.76 <= medium < 0.98 <= high",
        "parity": {"photos": len(photos), "max_abs_prob_delta": worst, "tolerance": TYPOLOGY_TOLERANCE},
        "provenance": _provenance("classification.pt", pt, checkpoint),
        "license": LICENSE,
    }
    return Artifact("typology", onnx_bytes, manifest)


def build_keypoints(pt: bytes, photos: list[Path]) -> Artifact:
    checkpoint = read_checkpoint(pt)
    net = YoloNet.from_checkpoint(checkpoint).eval()
    onnx_bytes = export_onnx(
        net,
        torch.zeros(1, 3, 640, 480),
        "images",
        "detections",
        {"images": {0: "batch", 2: "height", 3: "width"}, "detections": {0: "batch", 2: "anchors"}},
    )
    session = onnx_session(onnx_bytes)
    prep = Preprocessing.from_dict(KEYPOINTS_PREP)
    worst = 0.0
    for path in photos:
        tensor = prepare_letterbox(decode(path.read_bytes()).image, prep).tensor
        expected = torch_outputs(net, tensor)[0]
        actual = session.run(None, {"images": tensor})[0][0]
        best = int(expected[4].argmax())
        if int(actual[4].argmax()) != best:
            raise ParityError(f"keypoints parity failed on {path.name}: a different box wins")
        coords = [0, 1, 2, 3, *range(5, expected.shape[0])]
        delta = float(np.abs(expected[coords, best] - actual[coords, best]).max())
        worst = max(worst, delta)
        if delta > KEYPOINT_TOLERANCE_PX:
            raise ParityError(f"keypoints parity failed on {path.name}: {delta:.3f} px")
    log.info("keypoints parity: %d photos, max %.2e px", len(photos), worst)
    manifest = {
        "name": "basegun-weapon-keypoints",
        "version": VERSION,
        "task": "pose",
        "architecture": "YOLOv8n-pose",
        "file": "keypoints.onnx",
        "input": {
            "name": "images",
            "shape": ["batch", 3, "height", "width"],
            "dtype": "float32",
            "layout": "NCHW",
        },
        "outputs": [{"name": "detections", "shape": ["batch", 13, "anchors"], "dtype": "float32"}],
        "preprocessing": KEYPOINTS_PREP,
        "decoding": {
            "kind": "yolov8_pose",
            "rows": "0-3 box centre x, centre y, width, height (input pixels); 4 weapon score (sigmoid); "
            "5-12 keypoints x, y (input pixels)",
            "keypoints": KEYPOINT_NAMES,
            "nms_iou": 0.7,
        },
        "classes": checkpoint.names,
        "thresholds": {"detection": 0.25, "presence": 0.1},
        "thresholds_source": "detection: Ultralytics' default prediction confidence, as the public Basegun service "
        "uses it to measure. presence: below it Basegun answers 'no firearm found'; set low on purpose, since telling "
        "someone that a real firearm is not one costs more than the reverse (see models/MODEL_CARD.md for the "
        "false-answer rates measured on photos with and without firearms)",
        "parity": {"photos": len(photos), "max_abs_px_delta": worst, "tolerance_px": KEYPOINT_TOLERANCE_PX},
        "provenance": _provenance("keypoints.pt", pt, checkpoint),
        "license": LICENSE,
    }
    return Artifact("keypoints", onnx_bytes, manifest)


def build_card(onnx_bytes: bytes) -> Artifact:
    """The reference card detector without its box decoding (`training/card_graph.py`), and its manifest."""
    cut, levels = without_decoding(onnx.load_from_string(onnx_bytes))
    cut_bytes = cut.SerializeToString()
    session = onnx_session(cut_bytes)
    (inp,), outputs = session.get_inputs(), session.get_outputs()
    manifest = {
        "name": "basegun-card-detector",
        "version": VERSION,
        "task": "oriented_detection",
        "architecture": "YOLOv5-OBB",
        "file": "card.onnx",
        "input": {"name": inp.name, "shape": inp.shape, "dtype": "float32", "layout": "NCHW"},
        "outputs": [{"name": out.name, "shape": out.shape, "dtype": "float32"} for out in outputs],
        "preprocessing": CARD_PREP,
        "decoding": {
            "kind": "yolov5_obb",
            "maps": "one raw map per stride, before any sigmoid: per anchor, channels 0-1 centre offset, 2-3 long "
            "and short side, 4 objectness, 5 class score, 6-185 angle bins; centre = (2 sigmoid(t) - 0.5 + cell) x "
            "stride, side = (2 sigmoid(t))^2 x anchor, angle = (argmax - 90) degrees, as YOLOv5 decodes them",
            "strides": [level.stride for level in levels],
            "anchors": [level.anchors for level in levels],
            "angle_bins": 180,
            "nms_iou": 0.1,
        },
        "classes": ["card"],
        "thresholds": {"detection": 0.5},
        "thresholds_source": "the public Basegun service's card detector settings (CONF_THRES, NMS_THRES)",
        "card_size_mm": [85.60, 53.98],
        "provenance": {
            **_provenance("card_detection.onnx", onnx_bytes, None),
            "derived": "cut before its box decoding, input height and width left free (training/card_graph.py)",
        },
        "license": LICENSE,
    }
    return Artifact("card", cut_bytes, manifest)


@dataclass(frozen=True)
class Imported:
    """One model written by the import, and how it compares with the committed one (None where there is none)."""

    onnx_path: Path
    manifest_path: Path
    sha256: str
    diff: ModelDiff | None

    def describe(self) -> str:
        against = self.diff.describe() if self.diff is not None else "no committed model to compare with"
        return f"wrote {self.onnx_path} and {self.manifest_path.name} (sha256 {self.sha256[:12]}…): {against}"


def import_reference(
    wheel: Path, photos_dir: Path, out_dir: Path, committed_dir: Path = DEFAULT_MODELS_DIR
) -> list[Imported]:
    """Build and check all three models, then write them; a failed check writes nothing.

    Each written manifest carries the sha256 of the file this run produced. Each model is also compared with the one
    in `committed_dir` (read before anything is written, so `out_dir` may be the same folder): a re-export on another
    processor usually differs only by rounding, and the result says so.
    """
    with zipfile.ZipFile(wheel) as archive:
        read = {
            name: archive.read(f"basegun_ml/{name}")
            for name in ("classification.pt", "keypoints.pt", "card_detection.onnx")
        }
    photos = _photos(photos_dir)
    artifacts = [
        build_typology(read["classification.pt"], photos),
        build_keypoints(read["keypoints.pt"], photos),
        build_card(read["card_detection.onnx"]),
    ]
    diffs = {}
    for artifact in artifacts:
        committed = committed_dir / f"{artifact.stem}.onnx"
        diffs[artifact.stem] = compare_onnx(artifact.onnx, committed.read_bytes()) if committed.is_file() else None
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for artifact in artifacts:
        onnx_path = out_dir / f"{artifact.stem}.onnx"
        onnx_path.write_bytes(artifact.onnx)
        sha256 = _sha256(artifact.onnx)
        manifest = {"schema_version": 1, **artifact.manifest, "sha256": sha256}
        manifest_path = out_dir / f"{artifact.stem}.json"
        manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(Imported(onnx_path, manifest_path, sha256, diffs[artifact.stem]))
    return written

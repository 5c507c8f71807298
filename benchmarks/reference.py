"""The reference side: the public Basegun pipeline (`basegun-ml` 2.0.7), its own functions on the same bytes.

Typology and measurement run in this process, through the reference's own `classification.get_typology` and
`measure.get_lengths` (Ultralytics on the `.pt` files; a new ONNX Runtime card session on every call, as its
`YOLOv5_OBB.run` does). Its OCR needs PaddlePaddle, which pins packages that cannot live beside Basegun's, so it
runs in a worker process from its own virtual environment (`benchmarks/reference_ocr.py`).

These need the `bench` extra (Ultralytics, torch, OpenCV); they are never part of serving.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from basegun.settings import REPO_ROOT
from benchmarks.reference_package import use

REQUIREMENT = "basegun-ml==2.0.7"
WHEEL = "basegun_ml-2.0.7-py3-none-any.whl"
CACHE = REPO_ROOT / "var" / "reference"  # where `make reference-wheel` puts the wheel
WHEEL_ENV = "BASEGUN_REFERENCE_WHEEL"
OCR_PYTHON_ENV = "BASEGUN_REFERENCE_OCR_PYTHON"
OCR_VENV = CACHE / "paddle-venv"
OCR_REQUIREMENTS = Path(__file__).with_name("reference-ocr-requirements.txt")
OPENCV_FOR_PADDLE = "opencv-contrib-python==4.6.0.66"
# The typologies the reference's upload route measures (when its confidence level is not "low"): those whose
# category turns on their lengths (DOMAIN.md, "measured").
MEASURED_TYPOLOGIES = frozenset(
    {
        "epaule_a_levier_sous_garde",
        "epaule_a_pompe",
        "epaule_a_un_coup_par_canon",
        "epaule_a_verrou",
        "epaule_semi_auto_style_chasse",
    }
)


@dataclass(frozen=True)
class Located:
    """Where a file the reference side needs was found (the wheel, the OCR's Python), or why it was not."""

    path: Path | None
    how: str


def locate_wheel(option: Path | None, *, download: bool = True) -> Located:
    """The wheel from the option, the environment, the local cache, or else `pip download` into that cache."""
    for path, how in ((option, "--reference-wheel"), (_env_path(WHEEL_ENV), f"${WHEEL_ENV}"), (CACHE / WHEEL, "cache")):
        if path is not None:
            if path.is_file():
                return Located(path, f"{how}: {path}")
            if how != "cache":
                return Located(None, f"{how} names no file: {path}")
    if not download:
        return Located(None, f"no wheel in {CACHE} and download disabled")
    CACHE.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(CACHE), REQUIREMENT]
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=600)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        return Located(None, f"pip download {REQUIREMENT} failed: {type(exc).__name__}")
    path = CACHE / WHEEL
    return Located(path, f"pip download: {path}") if path.is_file() else Located(None, f"pip download left no {WHEEL}")


def unpack(wheel: Path) -> Path:
    """Extract the wheel's `basegun_ml/` folder once, beside the wheel; returns that folder."""
    target = wheel.parent / wheel.name.removesuffix(".whl")
    package = target / "basegun_ml"
    if not (package / "classification.pt").is_file():
        with zipfile.ZipFile(wheel) as archive:
            members = [m for m in archive.namelist() if m.startswith("basegun_ml/")]
            archive.extractall(target, members)
    return package


def ultralytics_yolo() -> type:
    """Ultralytics' `YOLO`, imported after torch as `basegun_ml` does, without leaking its OMP_NUM_THREADS.

    Ultralytics sets OMP_NUM_THREADS=1 when it is unset, and its predictor sets torch to cores - 1 threads (one, on
    2 cores): that is how the reference runs, and it is kept. The variable is taken out again afterwards, so that
    processes started later (the server under test, the OCR worker) run as they would on their own.
    """
    was_set = "OMP_NUM_THREADS" in os.environ
    import torch  # noqa: F401  (first, as in the reference package)
    from ultralytics import YOLO

    if not was_set:
        os.environ.pop("OMP_NUM_THREADS", None)
    return YOLO


class ReferenceTypology:
    """`basegun_ml.classification.get_typology`: PIL open from bytes, then the Ultralytics YOLO classifier."""

    def __init__(self, package: Path) -> None:
        model = ultralytics_yolo()(str(package / "classification.pt"))
        model(str(package / "warmup.jpg"), verbose=False)  # the package warms it up at import
        self.module = use(package, ("classification",), model_classif=model)["classification"]

    def __call__(self, data: bytes) -> tuple[str, float]:
        label, confidence, _level = self.module.get_typology(data)
        return label, confidence

    def with_level(self, data: bytes) -> tuple[str, float, str]:
        label, confidence, level = self.module.get_typology(data)
        return label, confidence, level


class ReferenceMeasurer:
    """`basegun_ml.measure.get_lengths` with its default drawing of the result image (written to a scratch file).

    Returns (overall cm, barrel cm), or the name of the exception the reference raised.
    """

    def __init__(self, package: Path) -> None:
        ultralytics_yolo()
        modules = use(package, ("exceptions", "utils"))
        model_card, model_keypoints = modules["utils"].load_models(
            str(package / "card_detection.onnx"), str(package / "keypoints.pt"), str(package / "warmup.jpg")
        )
        self.module = use(package, ("measure",), model_card=model_card, model_keypoints=model_keypoints)["measure"]
        # How the reference refuses: its own exceptions, and an IndexError when no weapon is found at all.
        self._refusals = (modules["exceptions"].MissingCard, modules["exceptions"].MissingGun, IndexError)
        self._scratch = tempfile.TemporaryDirectory(prefix="basegun-bench-")
        self._output = str(Path(self._scratch.name) / "result.jpg")

    def __call__(self, data: bytes) -> tuple[float, float] | str:
        try:
            overall, barrel, _card_confidence = self.module.get_lengths(data, output_filename=self._output)
        except self._refusals as exc:
            return type(exc).__name__
        return float(overall), float(barrel)


class ReferenceUpload:
    """The reference's upload route as it runs: its classifier, then, for the five measured typologies when the
    level is not low, its length measurement on the same bytes. Returns the typology key (what `identify` is
    compared on) and keeps the last lengths, or the refusal's name, in `measured`."""

    def __init__(self, typology: ReferenceTypology, measurer: ReferenceMeasurer) -> None:
        self.typology = typology
        self.measurer = measurer
        self.measured: tuple[float, float] | str | None = None

    def __call__(self, data: bytes) -> str:
        label, _confidence, level = self.typology.with_level(data)
        measure = label in MEASURED_TYPOLOGIES and level != "low"
        self.measured = self.measurer(data) if measure else None
        return label


class ReferenceOcr:
    """The reference alarm check in its worker process: `is_alarm_weapon` on the bytes of a photo sent earlier."""

    def __init__(self, python: Path, package: Path) -> None:
        self._process = subprocess.Popen(
            [str(python), "-m", "benchmarks.reference_ocr", str(package)],
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.versions: dict[str, str] = self._receive()["versions"]

    def _receive(self) -> dict[str, Any]:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError(f"the reference OCR worker stopped (exit {self._process.wait()})")
        return json.loads(line)

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps(request) + "\n")
        self._process.stdin.flush()
        return self._receive()

    def load(self, name: str, path: Path) -> None:
        """Send a photo once: the timed calls then only name it, as the reference is handed bytes."""
        self._ask({"load": name, "path": str(path)})

    def __call__(self, name: str) -> str:
        return self._ask({"check": name})["verdict"]

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        self._process.wait(timeout=30)


def ocr_python(option: Path | None) -> Located:
    """The reference OCR's Python: the option, the environment, or the venv that `--make-ocr-venv` builds."""
    for path, how in ((option, "--reference-ocr-python"), (_env_path(OCR_PYTHON_ENV), f"${OCR_PYTHON_ENV}")):
        if path is not None:
            return Located(path, f"{how}: {path}") if path.is_file() else Located(None, f"{how} names no file: {path}")
    python = OCR_VENV / "bin" / "python"
    if python.is_file():
        return Located(python, f"venv: {python}")
    return Located(None, f"no PaddleOCR venv: build one with --make-ocr-venv, or set ${OCR_PYTHON_ENV}")


def make_ocr_venv() -> Path:
    """Build the reference OCR's own virtual environment from `reference-ocr-requirements.txt`."""
    subprocess.run([sys.executable, "-m", "venv", str(OCR_VENV)], check=True)
    pip = [str(OCR_VENV / "bin" / "python"), "-m", "pip"]
    subprocess.run([*pip, "install", "--quiet", "-r", str(OCR_REQUIREMENTS)], check=True)
    # PaddleOCR 2.7 needs OpenCV 4.6 built for NumPy 1; its dependencies also pull a newer headless OpenCV that
    # shadows it, so that one goes and 4.6 is laid down again.
    subprocess.run([*pip, "uninstall", "--yes", "--quiet", "opencv-python-headless", "opencv-python"], check=True)
    subprocess.run([*pip, "install", "--quiet", "--force-reinstall", "--no-deps", OPENCV_FOR_PADDLE], check=True)
    return OCR_VENV / "bin" / "python"


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value) if value else None

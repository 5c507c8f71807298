"""The one owner of ONNX Runtime sessions: load once, check integrity, run on the CPU."""

from __future__ import annotations

import hashlib
import logging
import threading
from pathlib import Path

import numpy as np
import onnxruntime as ort

from basegun.errors import ModelUnavailable
from basegun.inference.manifest import Manifest
from basegun.runtime.metrics import NETWORK_SECONDS

log = logging.getLogger(__name__)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class OnnxSession:
    """An ONNX Runtime session and the manifest that describes it.

    Loading verifies the file's sha256 and that the network's input matches the manifest, so a missing, corrupt or
    mismatched model stops start-up with one line naming the file rather than failing at the first request.
    `run` is thread-safe (ONNX Runtime sessions are).

    `memory_arena`: ONNX Runtime's arena keeps the largest activations a network ever needed, for as long as the
    process lives. It pays for the network that runs on every photo; the measuring, detecting and reading networks
    run on a few photos each with large activations, and without it give their memory back after each run (the
    serving process's peak RSS in BENCHMARKS.md).
    """

    _lock = threading.Lock()

    def __init__(self, manifest: Manifest, intra_op_threads: int = 1, memory_arena: bool = True) -> None:
        self.manifest = manifest
        path = manifest.onnx_path
        if not path.is_file():
            raise ModelUnavailable(f"model file not found: {path}")
        actual = sha256_of(path)
        if actual != manifest.sha256:
            raise ModelUnavailable(
                f"model file corrupt: {path}: sha256 {actual[:12]}… != manifest {manifest.sha256[:12]}…"
            )
        options = ort.SessionOptions()
        options.intra_op_num_threads = intra_op_threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.enable_cpu_mem_arena = memory_arena
        try:
            with self._lock:
                self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own untyped errors for bad files
            raise ModelUnavailable(f"model file unreadable by ONNX Runtime: {path}: {type(exc).__name__}") from exc
        self._check_input(path)
        self._timer = NETWORK_SECONDS.labels(manifest.name)
        log.info(
            "model loaded",
            extra={"model": manifest.name, "file": str(path), "intra_op_threads": intra_op_threads},
        )

    @classmethod
    def from_manifest_path(cls, path: Path, intra_op_threads: int = 1, memory_arena: bool = True) -> OnnxSession:
        return cls(Manifest.load(path), intra_op_threads, memory_arena)

    def _check_input(self, path: Path) -> None:
        inputs = self._session.get_inputs()
        expected = self.manifest
        if len(inputs) != 1 or inputs[0].name != expected.input_name:
            raise ModelUnavailable(f"model input does not match its manifest: {path}: {[i.name for i in inputs]}")
        actual_shape = inputs[0].shape
        for got, want in zip(actual_shape, expected.input_shape, strict=False):
            if isinstance(want, int) and isinstance(got, int) and got != want:
                raise ModelUnavailable(
                    f"model input shape {actual_shape} != manifest {list(expected.input_shape)}: {path}"
                )
        if len(actual_shape) != len(expected.input_shape):
            raise ModelUnavailable(f"model input rank {len(actual_shape)} != manifest: {path}")

    @property
    def metadata(self) -> dict[str, str]:
        """The ONNX file's own metadata map: where some models keep their labels (e.g. an OCR's characters)."""
        return dict(self._session.get_modelmeta().custom_metadata_map)

    def run(self, tensor: np.ndarray) -> list[np.ndarray]:
        """Run the network on one NCHW float32 batch; returns the outputs in manifest order. Timed for `/metrics`."""
        with self._timer.time():
            return self._session.run(list(self.manifest.output_names), {self.manifest.input_name: tensor})

"""Static INT8 quantization of a classifier, the one way Basegun makes INT8 models (reference import and training).

ONNX Runtime, QDQ format; weights INT8 per channel on 7 bits, activations UINT8 with min-max ranges read on
calibration inputs made by the serving preprocessing. Two choices matter for the answers:

- the layers after the last convolution (pooling, linear layer, softmax) stay in float: on 8 bits the softmax's
  output rounds every small probability to 0 and the top one to 1, and the calibrated confidence with it;
- weights use 7 of their 8 bits (`reduce_range`): the products of 8-bit weights and activations can saturate the
  16-bit sums of processors without VNNI and not of those with it, which would make the answers depend on the
  processor; on 7 bits no such sum can reach the limit (2 × 255 × 64 < 32,767), so the integer paths agree. This
  follows from the arithmetic; it was not run on a processor without VNNI here.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import onnx
from onnxruntime.quantization import CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType, quantize_static
from onnxruntime.quantization.shape_inference import quant_pre_process

DESCRIPTION = {
    "format": "QDQ",
    "weights": "int8 on 7 bits (reduce_range), per channel",
    "activations": "uint8, min-max calibration",
    "kept_in_float": "the layers after the last convolution",
}


class _Calibration(CalibrationDataReader):
    """Feeds each calibration input once."""

    def __init__(self, input_name: str, tensors: Iterable[np.ndarray]) -> None:
        self._feeds: Iterator[np.ndarray] = iter(tensors)
        self._input_name = input_name

    def get_next(self) -> dict[str, np.ndarray] | None:
        tensor = next(self._feeds, None)
        return None if tensor is None else {self._input_name: tensor}


HEAD_OPS = {"GlobalAveragePool", "AveragePool", "Flatten", "Reshape", "Gemm", "MatMul", "Softmax"}


def head_nodes(path: Path) -> list[str]:
    """The classification head: from the first pooling, flattening, linear or softmax node after the last
    convolution (its activation, and a residual sum, are still quantized) to the output."""
    nodes = list(onnx.load(str(path)).graph.node)
    last_conv = max(i for i, node in enumerate(nodes) if node.op_type == "Conv")
    start = next(i for i in range(last_conv + 1, len(nodes)) if nodes[i].op_type in HEAD_OPS)
    return [node.name for node in nodes[start:]]


def quantize_int8(source: Path, target: Path, input_name: str, calibration: Iterable[np.ndarray]) -> None:
    """Write the INT8 copy of the FP32 classifier `source` to `target`; `calibration`: (1, C, H, W) inputs."""
    source, target = source.resolve(), target.resolve()
    with tempfile.TemporaryDirectory() as scratch, contextlib.chdir(scratch):  # ORT writes temp files in the cwd
        prepared = Path(scratch) / "prepared.onnx"
        quant_pre_process(str(source), str(prepared))
        quantize_static(
            str(prepared),
            str(target),
            _Calibration(input_name, calibration),
            quant_format=QuantFormat.QDQ,
            per_channel=True,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            calibrate_method=CalibrationMethod.MinMax,
            reduce_range=True,
            nodes_to_exclude=head_nodes(prepared),
        )

"""Export a PyTorch network to one self-contained ONNX file, and check it against PyTorch through ONNX Runtime."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch

OPSET = 17


def export_onnx(
    net: torch.nn.Module,
    example: torch.Tensor,
    input_name: str,
    output_name: str,
    dynamic_axes: dict[str, dict[int, str]],
) -> bytes:
    """Serialise `net` (in eval mode, fp32) to ONNX bytes with fixed names; the weights stay inside the file."""
    net.eval()
    buffer = io.BytesIO()
    with torch.no_grad():
        torch.onnx.export(
            net,
            (example,),
            buffer,
            input_names=[input_name],
            output_names=[output_name],
            dynamic_axes=dynamic_axes,
            opset_version=OPSET,
            do_constant_folding=True,
            dynamo=False,
        )
    model = onnx.load_from_string(buffer.getvalue())
    onnx.checker.check_model(model, full_check=True)
    return buffer.getvalue()


def onnx_session(data: bytes | Path) -> ort.InferenceSession:
    source = str(data) if isinstance(data, Path) else data
    return ort.InferenceSession(source, providers=["CPUExecutionProvider"])


def torch_outputs(net: torch.nn.Module, tensor: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return net(torch.from_numpy(tensor)).numpy()

"""Compare two ONNX files by what they compute, not by their bytes.

Re-exporting the same checkpoint on another processor gives the same graph with weights that differ in their last
bits: batch-norm folding multiplies and adds in float32, and the vector units of an AMD and an Intel processor may
round those operations differently (differences of a few 1e-6 were seen). The bytes then differ while the network
is the same. So a re-imported model is judged by its graph (operators, inputs, outputs, initializer names and
shapes) and by its weights within a tolerance far above float32 rounding and far below any change that matters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import onnx
from onnx import numpy_helper

# |Δw| <= ATOL + RTOL·|w|: float32 rounding of folded weights is ~1e-7 relative; a real change is orders larger.
ATOL = 1e-5
RTOL = 1e-5


@dataclass(frozen=True)
class ModelDiff:
    """How a freshly exported model differs from the committed one."""

    identical: bool  # byte for byte
    graph_differences: list[str]  # empty when the graphs are the same
    initializers: int
    initializers_changed: int
    max_abs_delta: float
    worst_initializer: str | None
    outside_tolerance: list[str]

    @property
    def same_network(self) -> bool:
        """The same graph, with every weight within tolerance."""
        return not self.graph_differences and not self.outside_tolerance

    def describe(self) -> str:
        """One line for the import's output."""
        if self.identical:
            return "identical to the committed file"
        if self.graph_differences:
            return "a different graph: " + "; ".join(self.graph_differences[:3])
        if self.outside_tolerance:
            return (
                f"weights differ beyond |Δ| <= {ATOL:g} + {RTOL:g}·|w| in {len(self.outside_tolerance)} initializers "
                f"(worst {self.worst_initializer}, max |Δ| {self.max_abs_delta:.2e})"
            )
        return (
            f"the same network, differing only by rounding: {self.initializers_changed} of {self.initializers} "
            f"initializers, max |Δ| {self.max_abs_delta:.2e} (in {self.worst_initializer})"
        )


def _value_infos(values: list[onnx.ValueInfoProto]) -> list[tuple[str, int, tuple[int | str, ...]]]:
    def dims(value: onnx.ValueInfoProto) -> tuple[int | str, ...]:
        return tuple(d.dim_param or d.dim_value for d in value.type.tensor_type.shape.dim)

    return [(v.name, v.type.tensor_type.elem_type, dims(v)) for v in values]


def _graph_differences(fresh: onnx.ModelProto, committed: onnx.ModelProto) -> list[str]:
    differences = []
    a, b = fresh.graph, committed.graph
    if [n.op_type for n in a.node] != [n.op_type for n in b.node]:
        differences.append("operators differ")
    if _value_infos(list(a.input)) != _value_infos(list(b.input)):
        differences.append("inputs differ")
    if _value_infos(list(a.output)) != _value_infos(list(b.output)):
        differences.append("outputs differ")
    shapes_a = {t.name: (t.data_type, tuple(t.dims)) for t in a.initializer}
    shapes_b = {t.name: (t.data_type, tuple(t.dims)) for t in b.initializer}
    if shapes_a.keys() != shapes_b.keys():
        differences.append(f"initializer names differ ({len(shapes_a.keys() ^ shapes_b.keys())} not in both)")
    elif shapes_a != shapes_b:
        differences.append("initializer shapes or types differ")
    return differences


def compare_onnx(fresh: bytes, committed: bytes) -> ModelDiff:
    """Compare a freshly exported ONNX file with the committed one."""
    model_a, model_b = onnx.load_from_string(fresh), onnx.load_from_string(committed)
    graph_differences = _graph_differences(model_a, model_b)
    weights_b = {t.name: t for t in model_b.graph.initializer}
    changed, worst_name, worst, outside = 0, None, 0.0, []
    for tensor in model_a.graph.initializer:
        other = weights_b.get(tensor.name)
        if other is None or tuple(tensor.dims) != tuple(other.dims):
            continue  # already reported as a graph difference
        a = numpy_helper.to_array(tensor).astype(np.float64)
        b = numpy_helper.to_array(other).astype(np.float64)
        delta = np.abs(a - b)
        if not delta.any():
            continue
        changed += 1
        if float(delta.max()) > worst:
            worst, worst_name = float(delta.max()), tensor.name
        if (delta > ATOL + RTOL * np.abs(b)).any():
            outside.append(tensor.name)
    return ModelDiff(
        identical=fresh == committed,
        graph_differences=graph_differences,
        initializers=len(model_a.graph.initializer),
        initializers_changed=changed,
        max_abs_delta=worst,
        worst_initializer=worst_name,
        outside_tolerance=outside,
    )

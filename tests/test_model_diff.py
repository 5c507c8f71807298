"""Comparing ONNX files by what they compute: rounding passes, a real change does not."""

from __future__ import annotations

import numpy as np
import pytest

onnx = pytest.importorskip("onnx", reason="the training extra (onnx) is not installed")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from training.model_diff import compare_onnx  # noqa: E402

pytestmark = pytest.mark.training
WEIGHT = np.linspace(-2.0, 2.0, 12, dtype=np.float32).reshape(3, 4)


def _model(weight: np.ndarray, op: str = "MatMul", weight_name: str = "w") -> bytes:
    graph = helper.make_graph(
        [helper.make_node(op, ["x", weight_name], ["y"])],
        "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 4])],
        [numpy_helper.from_array(weight, weight_name)],
    )
    return helper.make_model(graph).SerializeToString()


def test_identical_files_are_identical() -> None:
    diff = compare_onnx(_model(WEIGHT), _model(WEIGHT))
    assert diff.identical
    assert diff.same_network
    assert diff.initializers_changed == 0


def test_last_bit_rounding_is_the_same_network() -> None:
    rounded = np.nextafter(WEIGHT, np.float32(np.inf))  # every weight one float32 step away
    diff = compare_onnx(_model(rounded), _model(WEIGHT))
    assert not diff.identical
    assert diff.same_network
    assert diff.initializers_changed == 1
    assert 0 < diff.max_abs_delta < 1e-6
    assert "only by rounding" in diff.describe()


def test_a_changed_weight_is_a_different_network() -> None:
    changed = WEIGHT.copy()
    changed[1, 2] += 1e-3
    diff = compare_onnx(_model(changed), _model(WEIGHT))
    assert not diff.same_network
    assert diff.outside_tolerance == ["w"]
    assert diff.max_abs_delta == pytest.approx(1e-3, rel=1e-3)


def test_a_changed_operator_or_initializer_name_is_a_different_graph() -> None:
    assert compare_onnx(_model(WEIGHT, op="Add"), _model(WEIGHT)).graph_differences == ["operators differ"]
    renamed = compare_onnx(_model(WEIGHT, weight_name="v"), _model(WEIGHT))
    assert not renamed.same_network
    assert any("initializer names" in d for d in renamed.graph_differences)

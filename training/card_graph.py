"""The reference card detector cut before its box decoding: the network proper, on any input size.

The reference's `card_detection.onnx` (YOLOv5-OBB) ends in YOLOv5's box decoding, written for a 640 × 640 input:
its cell grids and anchor sizes are constants of that shape, and a sigmoid runs over all 186 channels of its 25,200
anchors. Cut before the decoding, the same weights run on a letterbox padded only to a multiple of 32 (a landscape
view costs about two thirds of the square), and `basegun.networks.card_detector` decodes only the anchors whose card
score passes, from the anchors and strides this module reads out of the cut tail.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import onnx
from onnx import numpy_helper


@dataclass(frozen=True)
class Head:
    """One detection level: the convolution whose raw output is kept, and how its cells map to input pixels."""

    conv_output: str
    stride: int
    channels: int  # anchors × (5 + classes + angle bins)
    anchors: list[list[float]]  # (anchors, 2): width and height in input pixels


def _initializers(graph: onnx.GraphProto) -> dict[str, np.ndarray]:
    return {init.name: numpy_helper.to_array(init) for init in graph.initializer}


def _anchor_sizes(arrays: dict[str, np.ndarray], cells: tuple[int, int]) -> list[list[float]]:
    """The anchor grid of one level: the (1, anchors, ny, nx, 2) constant that is the same in every cell (the cell
    grid, the other constant of that shape, counts cells)."""
    for array in arrays.values():
        if array.ndim == 5 and array.shape[2:4] == cells and array.shape[4] == 2:
            first = array[0, :, :1, :1, :]
            if np.array_equal(np.broadcast_to(first, array.shape[1:]), array[0]) and first.any():
                return [[float(w), float(h)] for w, h in first.reshape(-1, 2)]
    raise ValueError(f"no anchor grid of {cells} cells in the graph")


def heads(model: onnx.ModelProto) -> list[Head]:
    """The detection levels, finest first: each is a Conv whose output is reshaped to (1, anchors, channels, ny, nx)."""
    graph = model.graph
    arrays = _initializers(graph)
    producers = {out: node for node in graph.node for out in node.output}
    input_side = graph.input[0].type.tensor_type.shape.dim[2].dim_value
    found = []
    for node in graph.node:
        if node.op_type != "Reshape" or node.input[1] not in arrays:
            continue
        shape = arrays[node.input[1]]
        source = producers.get(node.input[0])
        if shape.size == 5 and source is not None and source.op_type == "Conv":
            cells = (int(shape[3]), int(shape[4]))
            channels = int(shape[1] * shape[2])
            found.append(Head(source.output[0], input_side // cells[0], channels, _anchor_sizes(arrays, cells)))
    if not found:
        raise ValueError("no YOLOv5 detection head found")
    return sorted(found, key=lambda head: head.stride)


def without_decoding(model: onnx.ModelProto) -> tuple[onnx.ModelProto, list[Head]]:
    """A copy that ends at the head convolutions, one output per level named `stride{N}`, input height and width
    free; and the levels, for decoding outside the graph."""
    cut = onnx.ModelProto()
    cut.CopyFrom(model)
    graph = cut.graph
    levels = heads(cut)
    renamed = {head.conv_output: f"stride{head.stride}" for head in levels}
    producers = {out: node for node in graph.node for out in node.output}
    kept: set[int] = set()
    pending = list(renamed)
    while pending:
        node = producers.get(pending.pop())
        if node is not None and id(node) not in kept:
            kept.add(id(node))
            pending.extend(node.input)
    nodes = [node for node in graph.node if id(node) in kept]
    for node in nodes:
        node.output[:] = [renamed.get(name, name) for name in node.output]
    del graph.node[:]
    graph.node.extend(nodes)
    used = {name for node in nodes for name in node.input}
    initializers = [init for init in graph.initializer if init.name in used]
    del graph.initializer[:]
    graph.initializer.extend(initializers)
    del graph.value_info[:]  # every inferred shape was the 640 × 640 one
    del graph.output[:]
    for head in levels:
        name = renamed[head.conv_output]
        shape = [1, head.channels, f"{name}_rows", f"{name}_columns"]
        graph.output.append(onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, shape))
    dims = graph.input[0].type.tensor_type.shape.dim
    dims[2].dim_param, dims[3].dim_param = "height", "width"
    onnx.checker.check_model(cut)
    return cut, levels

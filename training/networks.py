"""The networks a run can train: a torchvision backbone, or the reference YOLOv8s-cls typology network.

Every network here outputs logits; `Probabilities` adds the calibrated softmax that is exported and served. Nothing is
downloaded: torchvision models are built with `weights=None`, and starting weights come from a local file or from
the reference checkpoint inside the basegun-ml wheel.
"""

from __future__ import annotations

import logging
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import torch
import torchvision
from torch import nn

from training.checkpoint import read_checkpoint
from training.config import REFERENCE_ARCH, ModelConfig
from training.errors import ConfigError
from training.yolo import Classify, YoloNet

log = logging.getLogger(__name__)

REFERENCE_MEMBER = "basegun_ml/classification.pt"


class Probabilities(nn.Module):
    """softmax(logits / temperature): the calibrated output that goes into the ONNX file."""

    def __init__(self, net: nn.Module, temperature: float = 1.0) -> None:
        super().__init__()
        self.net = net
        self.register_buffer("temperature", torch.tensor(float(temperature)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (self.net(x) / self.temperature).softmax(1)


def build_network(model: ModelConfig, num_classes: int) -> nn.Module:
    """A freshly initialised network for `num_classes` (weights from `model.weights` when given)."""
    if model.arch == REFERENCE_ARCH:
        if model.yolo is None:
            raise ConfigError("model.yolo: the yolov8s-cls network description is resolved from --init-reference")
        net = YoloNet(model.yolo["config"], bn_eps=model.yolo["bn_eps"])
        _yolo_head(net).softmax = False
        _set_head(net, num_classes)
        return net
    if model.arch not in torchvision.models.list_models(module=torchvision.models):
        raise ConfigError(f"model.arch {model.arch!r}: not a torchvision classification model nor {REFERENCE_ARCH}")
    net = torchvision.models.get_model(model.arch, weights=None, num_classes=num_classes)
    if model.weights:
        _load_local_weights(net, Path(model.weights))
    return net


def _load_local_weights(net: nn.Module, path: Path) -> None:
    """Load every tensor whose name and shape match; only the classifier may differ (another class count)."""
    state = torch.load(path, map_location="cpu", weights_only=True)
    if isinstance(state.get("model"), dict):  # a checkpoint of ours
        state = state["model"]
    own = net.state_dict()
    unexpected = sorted(set(state) - set(own))
    if unexpected:
        raise ConfigError(f"{path}: not weights of this architecture (unexpected {unexpected[:3]}…)")
    kept = {k: v for k, v in state.items() if own[k].shape == v.shape}
    missing = sorted(set(own) - set(kept))
    if len(missing) > 2:  # a classifier's weight and bias
        raise ConfigError(f"{path}: {len(missing)} tensors missing or of another shape, first {missing[:3]}")
    net.load_state_dict(kept, strict=False)
    log.info("started from %s (%d tensors; re-initialised: %s)", path, len(kept), ", ".join(missing) or "none")


def _yolo_head(net: YoloNet) -> Classify:
    head = net.model[-1]
    if not isinstance(head, Classify):
        raise ConfigError("the reference network has no classification head")
    return head


def _set_head(net: YoloNet, num_classes: int, names: list[str] | None = None, classes: tuple[str, ...] = ()) -> None:
    """Give the head `num_classes` outputs; rows of classes the old head knew (`names`) keep their weights."""
    head = _yolo_head(net)
    if head.linear.out_features == num_classes and (names is None or list(classes) == names):
        return
    old, new = head.linear, nn.Linear(head.linear.in_features, num_classes)
    with torch.no_grad():
        for i, name in enumerate(classes):
            if names and name in names:
                new.weight[i] = old.weight[names.index(name)]
                new.bias[i] = old.bias[names.index(name)]
    head.linear = new


def init_from_reference(model: ModelConfig, classes: tuple[str, ...]) -> tuple[ModelConfig, nn.Module]:
    """Start from the reference typology network in the basegun-ml wheel (a strict load of its checkpoint).

    Returns the model config with the network description resolved, so that the run rebuilds without the wheel.
    """
    wheel = Path(model.init_reference or "")
    try:
        with zipfile.ZipFile(wheel) as archive:
            checkpoint = read_checkpoint(archive.read(REFERENCE_MEMBER))
    except (OSError, KeyError, zipfile.BadZipFile) as exc:
        raise ConfigError(f"--init-reference {wheel}: not the basegun-ml wheel ({exc})") from exc
    yolo: dict[str, Any] = {
        "config": checkpoint.config,
        "bn_eps": checkpoint.bn_eps,
        "names": checkpoint.names,
    }
    net = YoloNet.from_checkpoint(checkpoint)
    _yolo_head(net).softmax = False
    _set_head(net, len(classes), checkpoint.names, classes)
    kept = [c for c in classes if c in checkpoint.names]
    log.info("started from the reference network; head rows kept for %d of %d classes", len(kept), len(classes))
    return replace(model, arch=REFERENCE_ARCH, yolo=yolo), net

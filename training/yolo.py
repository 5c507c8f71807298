"""YOLOv8 classification and pose networks, defined in our own PyTorch code.

Module and parameter names follow the Ultralytics layout so that the reference checkpoints load with
`load_state_dict(strict=True)`: a strict load is the proof that this definition is the network that was trained.
Only what the reference models use is here (Conv, C2f, SPPF, Concat, Upsample, Classify, Pose).
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn

from training.checkpoint import Checkpoint


def _make_divisible(value: float, divisor: int = 8) -> int:
    return int(math.ceil(value / divisor) * divisor)


class Conv(nn.Module):
    """Convolution, batch norm, SiLU."""

    def __init__(self, c1: int, c2: int, k: int = 1, s: int = 1, g: int = 1) -> None:
        super().__init__()
        self.conv = nn.Conv2d(c1, c2, k, s, k // 2, groups=g, bias=False)
        self.bn = nn.BatchNorm2d(c2, eps=0.001, momentum=0.03)
        self.act = nn.SiLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.bn(self.conv(x)))


class Bottleneck(nn.Module):
    def __init__(self, c1: int, c2: int, shortcut: bool) -> None:
        super().__init__()
        self.cv1 = Conv(c1, c2, 3)
        self.cv2 = Conv(c2, c2, 3)
        self.add = shortcut and c1 == c2

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.cv2(self.cv1(x))
        return x + y if self.add else y


class C2f(nn.Module):
    """CSP bottleneck with two convolutions, every bottleneck's output concatenated."""

    def __init__(self, c1: int, c2: int, n: int = 1, shortcut: bool = False) -> None:
        super().__init__()
        self.c = c2 // 2
        self.cv1 = Conv(c1, 2 * self.c, 1)
        self.cv2 = Conv((2 + n) * self.c, c2, 1)
        self.m = nn.ModuleList(Bottleneck(self.c, self.c, shortcut) for _ in range(n))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = list(self.cv1(x).split((self.c, self.c), 1))
        y.extend(m(y[-1]) for m in self.m)
        return self.cv2(torch.cat(y, 1))


class SPPF(nn.Module):
    """Spatial pyramid pooling, fast: three chained max-pools."""

    def __init__(self, c1: int, c2: int, k: int = 5) -> None:
        super().__init__()
        hidden = c1 // 2
        self.cv1 = Conv(c1, hidden, 1)
        self.cv2 = Conv(hidden * 4, c2, 1)
        self.m = nn.MaxPool2d(kernel_size=k, stride=1, padding=k // 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = [self.cv1(x)]
        y.extend(self.m(y[-1]) for _ in range(3))
        return self.cv2(torch.cat(y, 1))


class Concat(nn.Module):
    def __init__(self, dim: int = 1) -> None:
        super().__init__()
        self.d = dim

    def forward(self, x: list[torch.Tensor]) -> torch.Tensor:
        return torch.cat(x, self.d)


class Classify(nn.Module):
    """Classification head: 1280-channel convolution, global pooling, linear; softmax in eval mode."""

    def __init__(self, c1: int, c2: int) -> None:
        super().__init__()
        hidden = 1280
        self.conv = Conv(c1, hidden, 1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.drop = nn.Dropout(p=0.0, inplace=True)
        self.linear = nn.Linear(hidden, c2)
        self.softmax = True  # False when training/ wants logits in eval mode too (calibration, export with temperature)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.linear(self.drop(self.pool(self.conv(x)).flatten(1)))
        return x if self.training or not self.softmax else x.softmax(1)


class DFL(nn.Module):
    """Distribution focal loss integral: expected value of each box side over `reg_max` bins."""

    def __init__(self, c1: int = 16) -> None:
        super().__init__()
        self.conv = nn.Conv2d(c1, 1, 1, bias=False).requires_grad_(False)
        self.conv.weight.data[:] = torch.arange(c1, dtype=torch.float).view(1, c1, 1, 1)
        self.c1 = c1

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, _, a = x.shape
        return self.conv(x.view(b, 4, self.c1, a).transpose(2, 1).softmax(1)).view(b, 4, a)


def _make_anchors(feats: list[torch.Tensor], strides: list[float]) -> tuple[torch.Tensor, torch.Tensor]:
    points, stride_list = [], []
    for feat, stride in zip(feats, strides, strict=True):
        h, w = feat.shape[2:]
        sx = torch.arange(w, dtype=feat.dtype, device=feat.device) + 0.5
        sy = torch.arange(h, dtype=feat.dtype, device=feat.device) + 0.5
        grid_y, grid_x = torch.meshgrid(sy, sx, indexing="ij")
        points.append(torch.stack((grid_x, grid_y), -1).view(-1, 2))
        stride_list.append(torch.full((h * w, 1), stride, dtype=feat.dtype, device=feat.device))
    return torch.cat(points).transpose(0, 1), torch.cat(stride_list).transpose(0, 1)


class Pose(nn.Module):
    """Anchor-free detection head with keypoints.

    Eval output: (batch, 4 + nc + nk, anchors): box centre x, y, width, height in input pixels, class
    probabilities, then each keypoint's x, y in input pixels.
    """

    def __init__(self, nc: int, kpt_shape: list[int], ch: list[int], strides: list[float]) -> None:
        super().__init__()
        self.nc, self.reg_max, self.kpt_shape = nc, 16, kpt_shape
        self.nk = kpt_shape[0] * kpt_shape[1]
        self.strides = strides
        c2 = max(16, ch[0] // 4, self.reg_max * 4)
        c3 = max(ch[0], min(nc, 100))
        c4 = max(ch[0] // 4, self.nk)
        self.cv2 = nn.ModuleList(
            nn.Sequential(Conv(x, c2, 3), Conv(c2, c2, 3), nn.Conv2d(c2, 4 * self.reg_max, 1)) for x in ch
        )
        self.cv3 = nn.ModuleList(nn.Sequential(Conv(x, c3, 3), Conv(c3, c3, 3), nn.Conv2d(c3, nc, 1)) for x in ch)
        self.cv4 = nn.ModuleList(nn.Sequential(Conv(x, c4, 3), Conv(c4, c4, 3), nn.Conv2d(c4, self.nk, 1)) for x in ch)
        self.dfl = DFL(self.reg_max)

    def forward(self, x: list[torch.Tensor]) -> torch.Tensor:
        bs = x[0].shape[0]
        kpt = torch.cat([self.cv4[i](x[i]).view(bs, self.nk, -1) for i in range(len(x))], -1)
        feats = [torch.cat((self.cv2[i](x[i]), self.cv3[i](x[i])), 1) for i in range(len(x))]
        anchors, strides = _make_anchors(feats, self.strides)
        flat = torch.cat([f.view(bs, 4 * self.reg_max + self.nc, -1) for f in feats], 2)
        box, cls = flat.split((self.reg_max * 4, self.nc), 1)
        lt, rb = self.dfl(box).chunk(2, 1)
        anchor_points = anchors.unsqueeze(0)
        x1y1, x2y2 = anchor_points - lt, anchor_points + rb
        dbox = torch.cat(((x1y1 + x2y2) / 2, x2y2 - x1y1), 1) * strides
        ndim = self.kpt_shape[1]
        kx = (kpt[:, 0::ndim] * 2.0 + (anchors[0] - 0.5)) * strides
        ky = (kpt[:, 1::ndim] * 2.0 + (anchors[1] - 0.5)) * strides
        kpts = torch.stack((kx, ky), 2).flatten(1, 2)  # x0, y0, x1, y1, ...
        return torch.cat((dbox, cls.sigmoid(), kpts), 1)


class YoloNet(nn.Module):
    """A YOLOv8 network built from its YAML description (the `yaml` stored in the checkpoint)."""

    def __init__(self, config: dict[str, Any], bn_eps: float = 0.001, strides: list[float] | None = None) -> None:
        super().__init__()
        depth, width, max_channels = _scaling(config)
        channels: list[int] = []  # output channels of each layer
        layers: list[nn.Module] = []
        self.sources: list[int | list[int]] = []
        self.save: set[int] = set()
        for i, (src, repeats, kind, args) in enumerate(config["backbone"] + config["head"]):
            n = max(round(repeats * depth), 1) if repeats > 1 else repeats
            args = [config.get(a, a) if isinstance(a, str) else a for a in args]
            c1 = channels[src] if channels and isinstance(src, int) else config.get("ch", 3)
            if kind == "Conv":
                c2 = _make_divisible(min(args[0], max_channels) * width)
                layer: nn.Module = Conv(c1, c2, *args[1:])
            elif kind == "C2f":
                c2 = _make_divisible(min(args[0], max_channels) * width)
                layer = C2f(c1, c2, n, *args[1:])
            elif kind == "SPPF":
                c2 = _make_divisible(min(args[0], max_channels) * width)
                layer = SPPF(c1, c2, *args[1:])
            elif kind == "nn.Upsample":
                c2 = c1
                layer = nn.Upsample(scale_factor=args[1], mode=args[2])
            elif kind == "Concat":
                c2 = sum(channels[j] for j in src)
                layer = Concat(args[0])
            elif kind == "Classify":
                c2 = args[0]
                layer = Classify(c1, c2)
            elif kind == "Pose":
                c2 = 0
                layer = Pose(args[0], args[1], [channels[j] for j in src], strides or [8.0, 16.0, 32.0])
            else:
                raise ValueError(f"unsupported layer type {kind!r} in the network description")
            layers.append(layer)
            self.sources.append(src)
            for j in [src] if isinstance(src, int) else src:
                if j != -1:
                    self.save.add(j % (i + 1) if j < 0 else j)
            channels.append(c2)
        self.model = nn.Sequential(*layers)
        for module in self.modules():
            if isinstance(module, nn.BatchNorm2d):
                module.eps = bn_eps

    @classmethod
    def from_checkpoint(cls, checkpoint: Checkpoint) -> YoloNet:
        """The network of a reference checkpoint, its weights loaded strictly in fp32."""
        net = cls(checkpoint.config, bn_eps=checkpoint.bn_eps, strides=checkpoint.attributes.get("stride"))
        net.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in checkpoint.state_dict.items()})
        return net

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        outputs: list[torch.Tensor | None] = []
        for i, layer in enumerate(self.model):
            src = self.sources[i]
            if isinstance(src, list):
                x = [x if j == -1 else outputs[j] for j in src]
            x = layer(x)
            outputs.append(x if i in self.save else None)
        return x


def _scaling(config: dict[str, Any]) -> tuple[float, float, float]:
    """Depth and width multipliers and the channel cap, in either of the two YAML styles."""
    if "scales" in config:
        depth, width, max_channels = config["scales"][config["scale"]]
        return depth, width, max_channels
    return config["depth_multiple"], config["width_multiple"], float("inf")

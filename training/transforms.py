"""Network inputs in PyTorch, built from the manifest's preprocessing block: the same values serving reads.

The evaluation transform is the serving preprocessing (`basegun.inference.preprocess.prepare_crop`) written with
torchvision:
shorter side to `size` with Pillow's bilinear filter, centre crop, then scale, channel order, mean and std. A test
proves both give the same tensor. The training transform adds augmentations that imitate field photos.
"""

from __future__ import annotations

import math

import torch
from torchvision.transforms import InterpolationMode, v2

from basegun.inference.manifest import Preprocessing
from training.config import AugmentConfig
from training.errors import ConfigError


class Normalise(torch.nn.Module):
    """uint8 CHW RGB → float32 with the manifest's scale, channel order, mean and std."""

    def __init__(self, prep: Preprocessing) -> None:
        super().__init__()
        self.scale = prep.scale
        self.bgr = prep.channel_order == "BGR"
        self.register_buffer("mean", torch.tensor(prep.mean, dtype=torch.float32).view(3, 1, 1))
        self.register_buffer("std", torch.tensor(prep.std, dtype=torch.float32).view(3, 1, 1))

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        if self.bgr:
            pixels = pixels.flip(0)
        return (pixels.to(torch.float32) * self.scale - self.mean) / self.std


def check_preprocessing(prep: Preprocessing) -> None:
    """A classifier is trained and exported for `prepare_crop`: only its resize and filter can be trained for. (The
    reference model is served with a second, letterboxed view as well, chosen afterwards by `benchmarks.accuracy`.)"""
    if prep.resize != "shorter_side_center_crop" or prep.interpolation != "bilinear":
        raise ConfigError(
            f"preprocessing {prep.resize}/{prep.interpolation}: a classifier is served with "
            "shorter_side_center_crop/bilinear"
        )


def eval_transform(prep: Preprocessing) -> v2.Compose:
    check_preprocessing(prep)
    return v2.Compose(
        [
            v2.Resize(prep.size, interpolation=InterpolationMode.BILINEAR),
            v2.CenterCrop(prep.size),
            v2.PILToTensor(),
            Normalise(prep),
        ]
    )


def train_transform(prep: Preprocessing, aug: AugmentConfig) -> v2.Compose:
    """Framing, tilt and perspective on the PIL image, then light and focus, then JPEG re-compression.

    Horizontal flips depend on the class, so the dataset applies them (see `dataset.PhotoDataset`).
    """
    check_preprocessing(prep)
    blur_kernel = 2 * math.ceil(3 * aug.blur_sigma[1]) + 1
    return v2.Compose(
        [
            v2.RandomResizedCrop(
                prep.size,
                scale=aug.crop_scale,
                ratio=aug.crop_ratio,
                interpolation=InterpolationMode.BILINEAR,
            ),
            v2.RandomRotation(aug.rotation_degrees, interpolation=InterpolationMode.BILINEAR, fill=aug.fill),
            v2.RandomPerspective(aug.perspective_distortion, p=aug.perspective_p, fill=aug.fill),
            v2.ColorJitter(aug.brightness, aug.contrast, aug.saturation, aug.hue),
            v2.RandomApply([v2.GaussianBlur(blur_kernel, sigma=aug.blur_sigma)], p=aug.blur_p),
            v2.PILToTensor(),
            v2.RandomApply([v2.JPEG(aug.jpeg_quality)], p=aug.jpeg_p),
            Normalise(prep),
        ]
    )

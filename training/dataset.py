"""Photos read for PyTorch exactly as the service reads uploads: `basegun.inference.imaging.decode`, at the detail it
asks for."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import torch
from PIL import Image
from torch.utils.data import Dataset
from torchvision.transforms.v2 import functional as tvf

from basegun.errors import ImageRejected
from basegun.inference.imaging import Detail, decode
from training.errors import DataError
from training.samples import Sample


def load_photo(path: Path, detail: Detail) -> Image.Image:
    """Decode as the service does (orientation, RGB, reduced JPEG decoding); a photo it would refuse is an error."""
    try:
        return decode(path.read_bytes(), detail=detail).image
    except ImageRejected as exc:
        raise DataError(f"{path}: {exc.detail}") from exc


def label_indices(samples: Sequence[Sample], classes: Sequence[str]) -> list[int]:
    index = {name: i for i, name in enumerate(classes)}
    unknown = sorted({s.label for s in samples} - set(index))
    if unknown:
        raise DataError(f"labels the model does not know: {', '.join(unknown)} (its classes: {', '.join(classes)})")
    return [index[s.label] for s in samples]


class PhotoDataset(Dataset):
    """(input, class index) pairs; `transform=None` yields the decoded PIL image (for ONNX evaluation)."""

    def __init__(
        self,
        samples: Sequence[Sample],
        classes: Sequence[str],
        detail: Detail,
        transform: Callable[[Image.Image], Any] | None = None,
        hflip_p: float = 0.0,
        no_flip_classes: Sequence[str] = (),
    ) -> None:
        self.samples = list(samples)
        self.targets = label_indices(self.samples, classes)
        self.detail = detail
        self.transform = transform
        self.hflip_p = hflip_p
        self.no_flip = {i for i, name in enumerate(classes) if name in set(no_flip_classes)}

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, index: int) -> tuple[Any, int]:
        image = load_photo(self.samples[index].path, self.detail)
        target = self.targets[index]
        if self.hflip_p and target not in self.no_flip and torch.rand(()) < self.hflip_p:
            image = tvf.horizontal_flip(image)
        return (self.transform(image) if self.transform else image), target


def collate_images(batch: list[tuple[Image.Image, int]]) -> tuple[list[Image.Image], torch.Tensor]:
    images, targets = zip(*batch, strict=True)
    return list(images), torch.tensor(targets)

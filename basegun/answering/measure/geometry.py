"""Where the measurement happens: one small turned copy of the photo, and lengths read from keypoints.

Both networks letterbox their input by resizing the photo's longer side to their size with OpenCV linear
interpolation. That resize commutes with quarter turns, so the photo is resized once to that size and the
small copy is turned (to landscape, or upside down) instead of the full photo: the networks see the same
pixels, at a fraction of the cost of turning a 12 MP image.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np
from PIL import Image

# Keypoint order of the weapon network (its manifest's decoding.keypoints).
REAR_A, REAR_B, BARREL_REAR, MUZZLE = range(4)


@dataclass(frozen=True)
class View:
    """The photo resized by `scale` (view pixels per photo pixel), then turned clockwise `turns` times 90°.

    Photo pixels are those of the upright photo at full size, also when it was decoded at a reduced size;
    `detail_per_px` is how many decoded pixels each view pixel stands for (at most 1 / scale).
    """

    pixels: np.ndarray  # H×W×3 uint8 RGB
    scale: float
    turns: int
    detail_per_px: float

    @classmethod
    def of(cls, image: Image.Image, long_side: int, photo_size: tuple[int, int] | None = None) -> View:
        """Resize the longer side to `long_side` as the networks' letterbox would, its rounding included.

        `photo_size` is the photo's full size when `image` was decoded smaller (a JPEG draft). The networks were
        trained on a linear resize of the full photo; from a 1/2 draft (libjpeg's DCT scaling, which already
        averages), a cubic resize reproduces that view best: 38–52 dB PSNR against it on the ten shared photos a
        draft reduces, above a linear (37–51) or an area (33–46) resize on every one of them
        (`python -m benchmarks.measure_draft`).
        """
        width, height = photo_size or image.size
        scale = long_side / max(width, height)
        size = (round(width * scale), round(height * scale))
        drafted = image.size != (width, height)
        pixels = np.asarray(image)
        if size != image.size:
            interpolation = cv2.INTER_CUBIC if drafted else cv2.INTER_LINEAR
            pixels = cv2.resize(pixels, size, interpolation=interpolation)
        return cls(pixels=pixels, scale=scale, turns=0, detail_per_px=image.width / size[0])

    @property
    def image(self) -> Image.Image:
        return Image.fromarray(self.pixels)

    @property
    def is_portrait(self) -> bool:
        return self.pixels.shape[0] > self.pixels.shape[1]

    def turned(self, quarter_turns: int) -> View:
        """This view turned a further `quarter_turns` clockwise."""
        pixels = np.ascontiguousarray(np.rot90(self.pixels, k=-quarter_turns))
        return replace(self, pixels=pixels, turns=(self.turns + quarter_turns) % 4)

    def to_photo(self, points: np.ndarray) -> np.ndarray:
        """Map (N, 2) view coordinates back to the upright photo's pixel coordinates."""
        points = np.asarray(points, dtype=np.float64)
        height, width = self.pixels.shape[:2]
        for _ in range(self.turns):
            # Undo one clockwise turn: the view before it was `height` wide and `width` high.
            points = np.stack([points[:, 1], width - points[:, 0]], axis=1)
            width, height = height, width
        return points / self.scale


@dataclass(frozen=True)
class WeaponLengths:
    """Lengths in view pixels, and the point on the barrel axis level with the rearmost end (for drawing)."""

    overall: float
    barrel: float
    rear_on_axis: np.ndarray


def points_left(keypoints: np.ndarray) -> bool:
    """Whether the muzzle is left of the rear ends: the network was trained on weapons pointing right."""
    return bool(keypoints[MUZZLE, 0] < keypoints[[REAR_A, REAR_B], 0].mean())


def weapon_lengths(keypoints: np.ndarray) -> WeaponLengths:
    """Barrel: muzzle to barrel rear. Overall: along the barrel axis, from the muzzle to the farther rear end.

    The stock's two rear points (heel and toe) are projected on the barrel axis, so that a stock that drops
    below the axis does not lengthen the weapon: overall length is measured parallel to the bore.
    """
    muzzle = keypoints[MUZZLE].astype(np.float64)
    bore = keypoints[BARREL_REAR] - muzzle
    barrel = float(np.hypot(*bore))
    axis = bore / barrel if barrel > 0 else np.zeros(2)
    overall = float(max((keypoints[REAR_A] - muzzle) @ axis, (keypoints[REAR_B] - muzzle) @ axis))
    return WeaponLengths(overall=overall, barrel=barrel, rear_on_axis=muzzle + overall * axis)

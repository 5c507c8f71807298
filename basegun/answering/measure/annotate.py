"""An annotated copy of the measured photo, for the user to check by eye what was measured.

It shows the card's outline, the four keypoints, the barrel and overall lengths as segments along the barrel
axis, and both lengths written with their uncertainty. Only pixels leave: the JPEG carries no metadata.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from basegun.answering.measure.geometry import BARREL_REAR, MUZZLE
from basegun.answering.measure.measurement import Measurement
from basegun.inference.imaging import encode_jpeg

LONG_SIDE = 1200
CARD = (255, 221, 0)
OVERALL = (0, 170, 255)
BARREL = (255, 80, 40)
POINT = (255, 255, 255)
INK = (20, 20, 20)


def reduced_copy(image: Image.Image, long_side: int = LONG_SIDE) -> Image.Image:
    """A copy of the photo reduced to `long_side`, to draw on; it needs no result, so it is made beside the networks."""
    factor = min(1.0, long_side / max(image.size))
    if factor == 1:
        return image.copy()
    size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
    # reducing_gap=1: a box reduction by the whole factor, then one bilinear step: half the time of a gap of 2 on
    # a phone photo, and as clean at this size.
    return image.resize(size, Image.Resampling.BILINEAR, reducing_gap=1.0)


def annotate(canvas: Image.Image, photo_size: tuple[int, int], measurement: Measurement) -> bytes:
    """Draw on `canvas`, a reduced copy of the photo, and return it as JPEG; points are in `photo_size` pixels."""
    factor = canvas.width / photo_size[0]
    size = canvas.size
    draw = ImageDraw.Draw(canvas)
    unit = max(2, round(max(size) / 300))

    def xy(points: np.ndarray) -> list[tuple[float, float]]:
        return [(float(x) * factor, float(y) * factor) for x, y in np.reshape(points, (-1, 2))]

    corners = xy(measurement.card_corners)
    draw.line([*corners, corners[0]], fill=CARD, width=unit)
    keypoints = measurement.keypoints
    draw.line(xy(keypoints[[BARREL_REAR, MUZZLE]]), fill=BARREL, width=2 * unit)
    # The overall length as a dimension line, set off beside the barrel axis so that both stay visible.
    muzzle, rear = xy(np.stack([keypoints[MUZZLE], measurement.rear_on_axis]))
    along = np.subtract(rear, muzzle)
    offset = np.array([-along[1], along[0]]) / max(float(np.hypot(*along)), 1.0) * 8 * unit
    ends = [tuple(np.add(muzzle, offset)), tuple(np.add(rear, offset))]
    draw.line(ends, fill=OVERALL, width=2 * unit)
    for end, base in zip(ends, (muzzle, rear), strict=True):
        draw.line([base, tuple(np.add(end, offset / 4))], fill=OVERALL, width=unit)
    for x, y in xy(keypoints):
        draw.ellipse((x - 2 * unit, y - 2 * unit, x + 2 * unit, y + 2 * unit), fill=POINT, outline=INK, width=1)

    font = ImageFont.load_default(size=6 * unit)
    m = measurement.exact
    lines = [
        (OVERALL, "Longueur totale / overall", m.overall_length_cm, m.overall_uncertainty_cm),
        (BARREL, "Canon / barrel", m.barrel_length_cm, m.barrel_uncertainty_cm),
    ]
    top: float = 2 * unit
    for colour, label, value, uncertainty in lines:
        text = f"{label}: {value:.0f} ± {uncertainty:.0f} cm"
        left, _, right, bottom = draw.textbbox((0, 0), text, font=font)
        height = bottom + 2 * unit
        draw.rectangle((2 * unit, top, 7 * unit + right, top + height), fill=(255, 255, 255))
        draw.rectangle((2 * unit, top, 4 * unit, top + height), fill=colour)
        draw.text((6 * unit - left, top + unit), text, fill=INK, font=font)
        top += height + unit
    return encode_jpeg(canvas)

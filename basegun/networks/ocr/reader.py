"""The OCR pipeline: detect the lines, cut them out, turn over those upside down, read them."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from basegun.inference.imaging import Detail
from basegun.networks.ocr.detect import TextDetector
from basegun.networks.ocr.lines import crop_line
from basegun.networks.ocr.orient import LineOrienter
from basegun.networks.ocr.recognize import LineRecogniser

# Lines are read from crops of the photo itself, not of the detector's reduced input: engraved markings are small,
# so keep up to about 2,000 px on the long side (what rapidocr keeps too); more adds time, not legibility.
READING_DETAIL = Detail(min_long_side=2000)
# A close-up cropped to the markings is a thin strip (often 40–240 px tall): the text detector, whose input is
# then a few strides high, misses lines that fill most of it. Such a strip is enlarged (cubic) until its shorter
# side is at least this, within the detector's usual pixel budget (its size squared), before anything runs.
# `python -m benchmarks.alarm_strips --enlarge` compares sizes on rendered strips.
MIN_SHORT_SIDE_PX = 160


def enlargement(height: int, width: int, budget_side: int, min_short_side: int) -> float:
    """The factor (at least 1) that brings the shorter side to `min_short_side`, within `budget_side`² pixels."""
    wanted = min_short_side / min(height, width)
    affordable = budget_side / np.sqrt(height * width)
    return float(max(1.0, min(wanted, affordable)))


@dataclass(frozen=True)
class TextLine:
    """One line of text: what was read, how sure the recogniser is, and where it is (photo pixels, tl tr br bl)."""

    text: str
    confidence: float
    corners: tuple[tuple[float, float], ...]
    height_px: float

    def to_dict(self) -> dict[str, object]:
        return {
            "text": self.text,
            "confidence": round(self.confidence, 4),
            "box": [[round(x), round(y)] for x, y in self.corners],
            "height_px": round(self.height_px, 1),
        }


class TextReader:
    """Reads every line of text in a photo; each stage owns its network and its pre- and post-processing."""

    detail = READING_DETAIL

    def __init__(self, detector: TextDetector, orienter: LineOrienter, recogniser: LineRecogniser) -> None:
        self.detector = detector
        self.orienter = orienter
        self.recogniser = recogniser
        self.min_confidence = recogniser.session.manifest.thresholds["text"]
        self.min_short_side = MIN_SHORT_SIDE_PX

    def read(self, image: Image.Image) -> list[TextLine]:
        """Every line found, in reading order, with its confidence (callers decide which ones count as read).

        Boxes and heights are in the image's own pixels, also when a small strip was enlarged to be read.
        """
        rgb = np.asarray(image.convert("RGB"))
        budget = self.detector.prep.size
        height, width = rgb.shape[:2]
        factor = enlargement(height, width, budget, self.min_short_side)
        long_side = None
        if factor > 1:
            size = (round(width * factor), round(height * factor))
            rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_CUBIC)
            long_side = max(budget, *size)  # the detector keeps the enlarged strip whole
        found = self.detector.detect(rgb, long_side)
        crops = self.orienter.upright([crop_line(rgb, corners) for corners, _ in found])
        read = self.recogniser.recognise(crops)
        return [
            TextLine(
                text=r.text.strip(),
                confidence=r.confidence,
                corners=tuple((float(x) / factor, float(y) / factor) for x, y in corners),
                height_px=float(min(crop.shape[:2])) / factor,
            )
            for (corners, _), crop, r in zip(found, crops, read, strict=True)
        ]

"""The OCR pipeline: detect the lines, cut them out, turn over those upside down, read them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from basegun.imaging import Detail
from basegun.ocr.detect import TextDetector
from basegun.ocr.lines import crop_line
from basegun.ocr.orient import LineOrienter
from basegun.ocr.recognize import LineRecogniser

# Lines are read from crops of the photo itself, not of the detector's reduced input: engraved markings are small,
# so keep up to about 2,000 px on the long side (what rapidocr keeps too); more adds time, not legibility.
READING_DETAIL = Detail(min_long_side=2000)


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

    def read(self, image: Image.Image) -> list[TextLine]:
        """Every line found, in reading order, with its confidence (callers decide which ones count as read)."""
        rgb = np.asarray(image.convert("RGB"))
        found = self.detector.detect(rgb)
        crops = self.orienter.upright([crop_line(rgb, corners) for corners, _ in found])
        read = self.recogniser.recognise(crops)
        return [
            TextLine(
                text=r.text.strip(),
                confidence=r.confidence,
                corners=tuple((float(x), float(y)) for x, y in corners),
                height_px=float(min(crop.shape[:2])),
            )
            for (corners, _), crop, r in zip(found, crops, read, strict=True)
        ]

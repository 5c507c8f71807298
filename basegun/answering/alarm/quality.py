"""Is this photo too poor for markings to be read? Measured on the photo alone, beside what the OCR reads.

A blurred, dark or washed-out photo in which no marking is read must be answered "unreadable: take a sharper
close-up", never "no alarm marking", which an OCR that reads nothing would otherwise imply (a marking read in it
is still the answer, `basegun/answering/alarm/check.py`). Two measures, both taken on a grey copy scaled (down only) to
the size the text detector sees, so that they mean the same for a 12 MP photo and a small one:

- blur: the width (Gaussian sigma, in pixels) of the photo's strongest edges, estimated by re-blurring
  (Hu & de Haan, "Low cost robust blur estimator", ICIP 2006): a step edge blurred by sigma has a peak gradient
  proportional to 1/sqrt(sigma^2 + s^2) after smoothing by s, so the ratio of the peak gradients after smoothing
  by two known widths gives sigma, whatever the edge's contrast. On six real photos blurred on purpose by a known
  sigma up to 2.5 px, the estimate follows the total blur within about 0.3 px. Fine strokes (thin engraved text
  with no other edge) read sharper than they are, so the estimate errs towards letting a photo through.
- edge contrast: the gradient of the strongest edges (the 99th percentile, grey levels 0..1 per pixel). Too little
  light, a veiled or a washed-out photo all lower it, whatever the cause.

Size is not a measure: a close-up cropped to the markings is a thin strip, and one 32 px tall can be read (the OCR
enlarges small strips before it looks for text, `basegun/networks/ocr/reader.py`). The only size limit is the upload's
shorter side, `MIN_SHORT_SIDE_PX`; whether a small photo holds legible text is for the OCR to say.

Thresholds. Blur: chosen by 5-fold cross-validation over 132 source close-ups (96 marking strips rendered in six
DejaVu fonts, 32–237 px tall, and 36 strips cut from a real close-up), each blurred by a known sigma from 0 to
4 px (1,056 copies; a source and its copies always in the same fold): the limit that best separates copies whose
listed model the OCR still reads from those it does not, ties going to the higher limit. Every fold chose
1.75 px; held out, 227 of the 1,056 copies are on the wrong side, as many as in-sample: strips with large text
stay legible well past that blur, small text is lost before it, and the measure does not know the text's size
(`python -m benchmarks.alarm_strips` prints the study). Hence the limit only decides what a photo in which no
marking is read is answered: `unreadable`, or `no_text` / `no_alarm_marking`.
Contrast, from degraded copies of a sharp photo of markings (`python -m benchmarks.quality_gate`): every marking
stays legible down to an edge contrast of 0.040 and all are lost at 0.024; the limit sits between.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import cv2
import numpy as np
from PIL import Image

MIN_SHORT_SIDE_PX = 32  # the thinnest strip of markings accepted (one line of text)
MAX_BLUR_PX = 1.75
MIN_EDGE_CONTRAST = 0.03
DARK_MEDIAN = 0.25  # a photo whose median grey is under this is called too dark rather than low in contrast
SMOOTHING_PX = (1.0, 2.0)  # the two re-blur widths of the blur estimator
STRONGEST_EDGES = 0.01  # the share of pixels, by gradient, that the measures look at

Problem = Literal["blurred", "too_dark", "low_contrast"]


@dataclass(frozen=True)
class Quality:
    """The measures taken, and the problems found (none: the photo can be read)."""

    long_side_px: int
    blur_px: float
    edge_contrast: float
    median_brightness: float
    problems: tuple[Problem, ...] = field(default=())

    @property
    def readable(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, object]:
        return {
            "problems": list(self.problems),
            "long_side_px": self.long_side_px,
            "blur_px": round(self.blur_px, 2),
            "max_blur_px": MAX_BLUR_PX,
            "edge_contrast": round(self.edge_contrast, 4),
            "min_edge_contrast": MIN_EDGE_CONTRAST,
            "median_brightness": round(self.median_brightness, 3),
        }


def grey_at(image: Image.Image, long_side: int) -> np.ndarray:
    """A float grey copy (0..1) whose longer side is at most `long_side` (area averaging: no aliasing)."""
    grey = np.asarray(image.convert("L"), np.float32) / 255
    height, width = grey.shape
    ratio = long_side / max(height, width)
    if ratio >= 1:
        return grey
    return np.asarray(cv2.resize(grey, (round(width * ratio), round(height * ratio)), interpolation=cv2.INTER_AREA))


def gradient(grey: np.ndarray, sigma: float) -> np.ndarray:
    """Gradient magnitude (grey levels per pixel) after Gaussian smoothing by `sigma`."""
    smooth = cv2.GaussianBlur(grey, (0, 0), sigma)
    gx = cv2.Sobel(smooth, cv2.CV_32F, 1, 0, ksize=3) / 8
    gy = cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3) / 8
    return np.hypot(gx, gy)


def edge_blur(grey: np.ndarray) -> tuple[float, float]:
    """(blur sigma in px, edge contrast) of the strongest edges."""
    fine, coarse = SMOOTHING_PX
    g_fine, g_coarse = gradient(grey, fine), gradient(grey, coarse)
    contrast = float(np.quantile(g_fine, 1 - STRONGEST_EDGES))
    edges = g_fine >= max(contrast, 1e-3)
    if not edges.any():
        return float("inf"), contrast
    ratio2 = (g_fine[edges] / np.maximum(g_coarse[edges], 1e-6)) ** 2
    sigma2 = (coarse**2 - ratio2 * fine**2) / np.maximum(ratio2 - 1, 1e-6)
    return float(np.median(np.sqrt(np.clip(sigma2, 0, None)))), contrast


def assess(image: Image.Image, long_side: int) -> Quality:
    """Measure the photo as the text detector will see it (`long_side`: the detector's input size)."""
    grey = grey_at(image, long_side)
    blur, contrast = edge_blur(grey)
    median = float(np.median(grey))
    problems: list[Problem] = []
    if contrast < MIN_EDGE_CONTRAST:
        problems.append("too_dark" if median < DARK_MEDIAN else "low_contrast")
    elif blur > MAX_BLUR_PX:
        problems.append("blurred")
    return Quality(max(image.size), blur, contrast, median, tuple(problems))

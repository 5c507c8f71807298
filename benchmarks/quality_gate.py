"""The study behind the alarm check's image-quality gate (`basegun/answering/alarm/quality.py`).

Run: `python -m benchmarks.quality_gate`. Prints a Markdown table: a sharp close-up of markings degraded on purpose
(blur, less light, less contrast, fewer pixels), with the gate's measures and what the OCR still reads at each step.
The gate's thresholds sit between the last legible and the first illegible step; rerun it after changing the OCR
models or the thresholds.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
from PIL import Image

from basegun.answering.alarm import AlarmChecker, AlarmTexts, MarkingRules
from basegun.answering.alarm.quality import assess
from basegun.answering.markings import FieldParser
from basegun.catalog.loading import load_catalog
from basegun.inference.imaging import Limits, decode
from basegun.networks.served import Models
from basegun.settings import Settings
from benchmarks.photos import PHOTOS

CLOSE_UP = PHOTOS / "alarm" / "alarm_gun_blow_f92.jpg"


def degraded(checker: AlarmChecker, image: Image.Image) -> None:
    pixels = np.asarray(image).astype(np.float32)
    rng = np.random.default_rng(0)

    def as_image(values: np.ndarray) -> Image.Image:
        return Image.fromarray(np.clip(values, 0, 255).astype(np.uint8))

    steps: list[tuple[str, Callable[[], Image.Image]]] = [
        *(
            (f"blur sigma {s}", lambda s=s: as_image(cv2.GaussianBlur(pixels, (0, 0), s) if s else pixels))
            for s in (0, 0.5, 1, 1.25, 1.5, 2, 3)
        ),
        *(
            (f"light x{k}", lambda k=k: as_image(pixels * k + rng.normal(0, 2, pixels.shape)))
            for k in (0.5, 0.25, 0.15, 0.1)
        ),
        *((f"contrast x{c}", lambda c=c: as_image(128 + (pixels - 128) * c)) for c in (0.5, 0.25, 0.12)),
        *(
            (
                f"size x{f}",
                lambda f=f: image.resize((round(image.width * f), round(image.height * f)), Image.Resampling.LANCZOS),
            )
            for f in (0.8, 0.7, 0.6)
        ),
    ]
    size = checker.reader.detector.prep.size
    print("\n| copy | blur (px) | edge contrast | long side | gate | read with confidence >= 0.5 |")
    print("|---|---|---|---|---|---|")
    for name, make in steps:
        copy = make()
        quality = assess(copy, size)
        lines = [line.text for line in checker.reader.read(copy) if line.confidence >= checker.reader.min_confidence]
        gate = ", ".join(quality.problems) or "pass"
        print(
            f"| {name} | {quality.blur_px:.2f} | {quality.edge_contrast:.3f} | {quality.long_side_px} | {gate} "
            f"| {' / '.join(lines) or '-'} |"
        )


def main() -> None:
    models = Models.load(Settings())
    checker = AlarmChecker(
        models.text_reader, FieldParser.load(MarkingRules.load()), AlarmTexts.load(), Limits(), load_catalog().notice
    )
    degraded(checker, decode(CLOSE_UP.read_bytes()).image)


if __name__ == "__main__":
    main()

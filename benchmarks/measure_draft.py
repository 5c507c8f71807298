"""The study behind measuring from a reduced JPEG decode (`Measurer.detail`, `View.of`).

Run: `python -m benchmarks.measure_draft`. Prints two Markdown tables:

- fidelity: how close the 640 px view the networks see, rebuilt from a 1/2 or 1/4 DCT-scaled decode with each
  interpolation, is to the view a full decode gives (a linear resize, as the networks were trained): PSNR in dB,
  on every shared photo whose long side is at least 2560 px (the ones a draft decode reduces), not only the
  measured ones;
- lengths: the measurement from a full decode and from the reduced decode, against the labelled truth, on the
  labelled photos and on derived variants of them (smaller copies, recompressed): mean absolute error, largest
  error, and how many true lengths the uncertainty covers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from basegun.answering.measure import Measurer
from basegun.errors import MeasurementRefused
from basegun.inference.imaging import FULL_DETAIL, Detail, decode, encode_jpeg
from basegun.networks.served import Models
from basegun.settings import Settings
from benchmarks.photos import PHOTOS

VIEW = 640
INTERPOLATIONS = {"linear": cv2.INTER_LINEAR, "cubic": cv2.INTER_CUBIC, "area": cv2.INTER_AREA}


def view_pixels(image: Image.Image, interpolation: int, photo_size: tuple[int, int]) -> np.ndarray:
    """The view of a photo of `photo_size` made from `image` (the photo, or a reduced decode of it)."""
    width, height = photo_size
    scale = VIEW / max(width, height)
    return cv2.resize(np.asarray(image), (round(width * scale), round(height * scale)), interpolation=interpolation)


def fidelity(paths: list[Path]) -> None:
    print("\n| photo | long side | " + " | ".join(f"1/{d} {n}" for d in (2, 4) for n in INTERPOLATIONS) + " |")
    print("|---|---|" + "---|" * (2 * len(INTERPOLATIONS)))
    for path in paths:
        data = path.read_bytes()
        full = decode(data)
        reference = view_pixels(full.image, cv2.INTER_LINEAR, full.image.size)
        cells = []
        for divisor in (2, 4):
            # Pillow picks the largest DCT reduction that keeps at least the size asked for.
            drafted = decode(data, detail=Detail(min_long_side=int(max(full.image.size) / (divisor + 0.5)))).image
            for interpolation in INTERPOLATIONS.values():
                cells.append(f"{cv2.PSNR(view_pixels(drafted, interpolation, full.image.size), reference):.1f}")
        print(f"| {path.relative_to(PHOTOS)} | {max(full.image.size)} | " + " | ".join(cells) + " |")


def variants(data: bytes) -> Iterator[tuple[str, bytes]]:
    """The photo, copies with a long side of 3000 and 2400 px, and a copy recompressed at quality 60."""
    yield "original", data
    image = decode(data).image
    for long_side in (3000, 2400):
        if max(image.size) > long_side:
            factor = long_side / max(image.size)
            size = (round(image.width * factor), round(image.height * factor))
            yield f"long side {long_side}", encode_jpeg(image.resize(size, Image.Resampling.LANCZOS), quality=90)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=60)
    yield "JPEG quality 60", buffer.getvalue()


def lengths(measurer: Measurer) -> None:
    rows = [r for r in csv.DictReader((PHOTOS / "labels.csv").open(encoding="utf-8")) if r["overall_length_cm"]]
    ways: dict[str, Detail] = {"full decode": FULL_DETAIL, "reduced decode": measurer.detail}
    found: dict[str, dict[tuple[str, str], tuple[np.ndarray, np.ndarray] | str]] = {way: {} for way in ways}
    truths = {}
    for row in rows:
        truths[row["path"]] = np.array([float(row["overall_length_cm"]), float(row["barrel_length_cm"])])
        for variant, data in variants((PHOTOS / row["path"]).read_bytes()):
            for way, detail in ways.items():
                try:
                    result = measurer.measure(decode(data, detail=detail), annotated=False)
                except MeasurementRefused as refusal:
                    found[way][row["path"], variant] = refusal.code
                    continue
                lengths = np.array([result.exact.overall_length_cm, result.exact.barrel_length_cm])
                uncertainty = np.array([result.exact.overall_uncertainty_cm, result.exact.barrel_uncertainty_cm])
                found[way][row["path"], variant] = (lengths, uncertainty)
    keys = list(found["full decode"])
    both = [k for k in keys if all(not isinstance(found[way][k], str) for way in ways)]
    print(f"\n{len(keys)} photos ({len(rows)} labelled photos and their variants); both decodes measured {len(both)}.")
    print("\n| decode | refused | MAE where both measure (cm) | largest error | lengths within their uncertainty |")
    print("|---|---|---|---|---|")
    for way in ways:
        refused = [
            f"{path} {variant}: {found[way][path, variant]}"
            for path, variant in keys
            if isinstance(found[way][path, variant], str)
        ]
        errors = np.concatenate([np.abs(found[way][k][0] - truths[k[0]]) for k in both])  # type: ignore[index]
        covered = sum(int((np.abs(found[way][k][0] - truths[k[0]]) <= found[way][k][1]).sum()) for k in both)  # type: ignore[index]
        print(
            f"| {way} | {len(refused)} {refused} | {errors.mean():.2f} | {errors.max():.1f} | {covered}/{errors.size} |"
        )
    shifts = np.concatenate([np.abs(found["full decode"][k][0] - found["reduced decode"][k][0]) for k in both])  # type: ignore[index]
    print(
        f"\nFull against reduced decode, same photo: mean |difference| {shifts.mean():.2f} cm, "
        f"largest {shifts.max():.2f} cm."
    )


def main() -> None:
    if not (PHOTOS / "labels.csv").is_file():
        raise SystemExit(f"the shared photos are absent ({PHOTOS})")
    large = [p for p in sorted(PHOTOS.glob("*/*")) if p.suffix.lower() in (".jpg", ".jpeg")]
    fidelity([p for p in large if max(Image.open(p).size) >= 4 * VIEW])
    models = Models.load(Settings())
    lengths(Measurer(models.weapons, models.card))


if __name__ == "__main__":
    main()

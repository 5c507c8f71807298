"""Alarm checks on close-ups of markings that nobody tuned on, and the study behind the blur limit.

Run: `python -m benchmarks.alarm_strips [--enlarge]` (about 5 minutes on 2 cores, 10 with `--enlarge`). Prints
Markdown:

1. verdicts: `Basegun.alarm_check` (bytes in, answer out) on the strips of `benchmarks/strips.py`, rendered and
   cut from the shared close-up (those only when the shared photos are present), by family and strip height;
2. the blur limit: every source strip blurred by a known sigma, the gate's blur measure beside whether the OCR
   still reads the listed model when the gate is not asked; the limit (`MAX_BLUR_PX`) is chosen by 5-fold
   cross-validation grouped by source strip (a source and its blurred copies are never split), and the held-out
   error is printed beside the in-sample one;
3. with `--enlarge`: the listed models read for each target size of the strip enlargement
(`basegun/networks/ocr/reader.py`).
"""

from __future__ import annotations

import argparse
import io
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image

from basegun.answering.alarm.quality import MAX_BLUR_PX, assess
from basegun.errors import BasegunError
from basegun.inference.imaging import decode
from basegun.networks.ocr.reader import MIN_SHORT_SIDE_PX
from basegun.service import Basegun
from basegun.settings import Settings
from benchmarks import strips
from benchmarks.photos import PHOTOS

CLOSE_UP = PHOTOS / "alarm" / "alarm_gun_blow_f92.jpg"
SIGMAS = (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0)
FOLDS = 5
ENLARGE_TO = (1, 64, 96, 128, 160, 224)


def collect(count: int) -> list[strips.Strip]:
    chosen = list(strips.rendered(count))
    if CLOSE_UP.is_file():
        chosen += list(strips.derived(CLOSE_UP.read_bytes()))
    return chosen


def status(service: Basegun, data: bytes) -> str:
    try:
        return str(service.alarm_check(data).status)
    except BasegunError as error:
        return f"refused: {error.code}"


def verdicts(service: Basegun, chosen: Sequence[strips.Strip]) -> dict[str, Counter[str]]:
    """Status counts by family ('rendered' or the derived kind) and strip height band."""
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for strip in chosen:
        height = Image.open(io.BytesIO(strip.data)).height
        band = "32–59 px" if height < 60 else "60–119 px" if height < 120 else "120+ px"
        family = "rendered" if strip.source.startswith("rendered") else "derived: " + (strip.copy or "crop")
        answer = status(service, strip.data)
        table[f"{family}, {band}"][answer] += 1
        table["all"][answer] += 1
    return table


def print_verdicts(table: dict[str, Counter[str]]) -> None:
    columns = sorted({answer for counts in table.values() for answer in counts})
    print("\n| strips | n | " + " | ".join(columns) + " |")
    print("|---|---|" + "---|" * len(columns))
    for row in sorted(table, key=lambda key: (key == "all", key)):
        counts = table[row]
        print(f"| {row} | {sum(counts.values())} | " + " | ".join(str(counts.get(c, 0)) for c in columns) + " |")


@dataclass(frozen=True)
class Observation:
    source: str
    sigma: float
    blur_px: float
    read: bool  # the OCR (with no gate) reads the listed model


def observe(service: Basegun, chosen: Iterable[strips.Strip]) -> list[Observation]:
    """Each source strip (no derived copies) blurred by each sigma: the blur measured, and whether it is read."""
    checker = service.alarm
    size = checker.reader.detector.prep.size
    seen = set()
    observations = []
    for strip in chosen:
        if strip.source in seen or strip.copy:
            continue
        seen.add(strip.source)
        for sigma in SIGMAS:
            image = decode(strips.blurred(strip.data, sigma), checker.limits, checker.reader.detail).image
            quality = assess(image, size)
            reading = checker.read(image)
            observations.append(Observation(strip.source, sigma, quality.blur_px, bool(reading.findings.listed_models)))
    return observations


def errors(observations: Sequence[Observation], limit: float) -> int:
    """Photos the gate would get wrong at `limit`: a legible one refused, or an illegible one let through."""
    return sum((o.blur_px > limit) == o.read for o in observations)


def best_limit(observations: Sequence[Observation], candidates: np.ndarray) -> float:
    """The limit with the fewest errors; among ties the highest (a photo let through can still be read)."""
    counts = [errors(observations, c) for c in candidates]
    fewest = min(counts)
    return float(max(c for c, n in zip(candidates, counts, strict=True) if n == fewest))


def cross_validate(observations: Sequence[Observation]) -> None:
    sources = sorted({o.source for o in observations})
    rng = np.random.default_rng(0)
    order = rng.permutation(len(sources))
    fold_of = {sources[i]: rank % FOLDS for rank, i in enumerate(order)}
    candidates = np.round(np.arange(0.8, 4.01, 0.05), 2)
    held_out_errors, chosen = 0, []
    for fold in range(FOLDS):
        train = [o for o in observations if fold_of[o.source] != fold]
        test = [o for o in observations if fold_of[o.source] == fold]
        limit = best_limit(train, candidates)
        chosen.append(limit)
        held_out_errors += errors(test, limit)
    everything = best_limit(observations, candidates)
    print("\n| sigma added | photos | read | blur measured (median, min–max) |")
    print("|---|---|---|---|")
    for sigma in SIGMAS:
        group = [o for o in observations if o.sigma == sigma]
        blur = [o.blur_px for o in group]
        print(
            f"| {sigma} | {len(group)} | {sum(o.read for o in group)} | {np.median(blur):.2f} "
            f"({min(blur):.2f}–{max(blur):.2f}) |"
        )
    n = len(observations)
    print(f"\nSources: {len(sources)}, blurred copies: {n}. Limit chosen per fold: {chosen}.")
    print(f"Held-out (5-fold, grouped by source): {held_out_errors}/{n} gated wrongly.")
    print(f"In-sample at the limit chosen on every source ({everything} px): {errors(observations, everything)}/{n}.")
    for limit in sorted({everything, MAX_BLUR_PX}):
        refused = sum(o.blur_px > limit and o.read for o in observations)
        through = sum(o.blur_px <= limit and not o.read for o in observations)
        print(f"At {limit} px: {refused} legible copies called blurred, {through} illegible copies sent to the OCR.")


def enlargements(service: Basegun, chosen: Sequence[strips.Strip]) -> None:
    """Listed models read for each enlargement target (1: none), rendered and derived strips apart, and the time."""
    reader = service.alarm.reader
    families = {
        "rendered": [s for s in chosen if s.source.startswith("rendered")],
        "cut from the shared close-up": [s for s in chosen if not s.source.startswith("rendered")],
    }
    print("\n| shorter side enlarged to (px) | " + " | ".join(f"{f}: read" for f in families) + " | OCR median ms |")
    print("|---|" + "---|" * (len(families) + 1))
    for side in ENLARGE_TO:
        reader.min_short_side = side
        cells, times = [], []
        for members in families.values():
            read = 0
            for strip in members:
                image = decode(strip.data, service.alarm.limits, reader.detail).image
                started = time.perf_counter()
                read += bool(service.alarm.read(image).findings.listed_models)
                times.append((time.perf_counter() - started) * 1000)
            cells.append(f"{read}/{len(members)}")
        print(f"| {side} | " + " | ".join(cells) + f" | {np.median(times):.0f} |")
    reader.min_short_side = MIN_SHORT_SIDE_PX


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.alarm_strips", description=__doc__)
    parser.add_argument("--rendered", type=int, default=96, help="rendered strips (default 96)")
    parser.add_argument("--no-blur-study", action="store_true", help="verdicts only")
    parser.add_argument("--enlarge", action="store_true", help="also compare enlargement targets for small strips")
    args = parser.parse_args(argv)
    if not strips.fonts_available():
        raise SystemExit(f"the DejaVu fonts are absent ({strips.FONT_DIR}): apt-get install fonts-dejavu-core")
    service = Basegun(Settings(), store=False)
    chosen = collect(args.rendered)
    print_verdicts(verdicts(service, chosen))
    if args.enlarge:
        enlargements(service, chosen)
    if not args.no_blur_study:
        cross_validate(observe(service, chosen))
    service.close()


if __name__ == "__main__":
    main()

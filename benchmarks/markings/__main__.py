"""The markings reader measured: per-field exact-match rates on rendered markings nobody tuned on and on the shared
close-ups, fields invented where there are none, and the time per close-up beside the alarm check's.

Run: `python -m benchmarks.markings [--photos ../shared/photos] [--repeat 5]` (about 15 minutes on 2 cores). Prints
Markdown for ACCURACY.md and BENCHMARKS.md.

A field is right when its value equals the truth once both are written in capitals, letters and digits only (so
"Hi-Power" is "HI POWER"), a model's leading "Mod."/"Model"/"Mle" aside; for "maker and model", a model the
markings do not give and the reader did not read counts as right (an honest "not read"). No threshold is fitted on
these close-ups: the reader's only threshold, the line confidence under which a line is not legible, is the OCR
manifest's. Only the latest set (`HELD_OUT_11`) is held out; the earlier ones corrected the reader (`cases.py`).
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections import defaultdict
from pathlib import Path

from basegun.answering.alarm.terms import compact
from basegun.answering.markings import MarkingsResult
from basegun.service import Basegun
from basegun.settings import Settings
from benchmarks.markings.cases import (
    DEVELOPMENT,
    FIELD_NAMES,
    HELD_OUT,
    HELD_OUT_2,
    HELD_OUT_3,
    HELD_OUT_4,
    HELD_OUT_5,
    HELD_OUT_6,
    HELD_OUT_7,
    HELD_OUT_8,
    HELD_OUT_9,
    HELD_OUT_10,
    HELD_OUT_11,
    NO_FIELDS,
    Case,
)
from benchmarks.markings.render import FINISHES, blank, draw, fonts_available, jpeg
from benchmarks.photos import PHOTOS

MODEL_PREFIX = re.compile(r"^(MODEL|MOD|MLE)")
SHARED = (  # the shared close-ups and what a person reads on them
    ("alarm/alarm_gun_blow_f92.jpg", Case("shared-blow-f92", (), "Blow", "F92", "9 mm P.A.K.", None)),
    ("alarm/no_text.jpg", Case("shared-no-text", (), None, None, None, None)),
    ("quality/low_quality_text.jpg", Case("shared-low-quality", (), None, None, None, None)),
)


CORRECTED = "held-out set (its misses then corrected the reader)"
SETS = (  # name, title, cases, seed: the latest set, held out, first; then those whose misses corrected the reader
    ("held-out", "Held out: rendered markings nobody tuned on", HELD_OUT_11, 45000),
    ("tenth", f"Tenth {CORRECTED}", HELD_OUT_10, 41000),
    ("ninth", f"Ninth {CORRECTED}", HELD_OUT_9, 37000),
    ("eighth", f"Eighth {CORRECTED}", HELD_OUT_8, 33000),
    ("seventh", f"Seventh {CORRECTED}", HELD_OUT_7, 29000),
    ("sixth", f"Sixth {CORRECTED}", HELD_OUT_6, 25000),
    ("fifth", f"Fifth {CORRECTED}", HELD_OUT_5, 21000),
    ("fourth", f"Fourth {CORRECTED}", HELD_OUT_4, 17000),
    ("third", f"Third {CORRECTED}", HELD_OUT_3, 13000),
    ("second", f"Second {CORRECTED}", HELD_OUT_2, 9000),
    ("first held-out", f"First {CORRECTED}", HELD_OUT, 5000),
    ("development", "Development set (its misses corrected the reader)", DEVELOPMENT, 0),
)


def same(field: str, read: str | None, truth: str | None) -> bool:
    if read is None or truth is None:
        return read is truth
    a, b = compact(read), compact(truth)
    if field == "model":
        a, b = MODEL_PREFIX.sub("", a), MODEL_PREFIX.sub("", b)
    return a == b


def score(result: MarkingsResult, case: Case) -> dict[str, bool | None]:
    """Each field: right, wrong, or None where the truth has no value and none was read (nothing to score)."""
    out: dict[str, bool | None] = {}
    for field in FIELD_NAMES:
        read, truth = getattr(result, field).value, case.expected(field)
        out[field] = None if read is None and truth is None else same(field, read, truth)
    return out


def right_weapon(scored: dict[str, bool | None]) -> bool:
    """Maker and model both right, a field the markings do not give and the reader rightly left unread counting as
    right (an honest "not read": FN "MLE 1910" stamped with the maker only, and no model read)."""
    return scored["maker"] is not False and scored["model"] is not False


def rate(hits: list[bool]) -> str:
    return f"{sum(hits)}/{len(hits)}" if hits else "–"


def rendered(service: Basegun, title: str, cases: tuple[Case, ...], seed: int) -> list[str]:
    """Per-field rates by finish for one set of cases; returns the misses."""
    by_finish: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    both: dict[str, list[bool]] = defaultdict(list)
    misses: list[str] = []
    for index, case in enumerate(cases):
        for offset, finish in enumerate(FINISHES):
            result = service.markings.read([jpeg(draw(case.lines, finish, seed + index * len(FINISHES) + offset))])
            scored = score(result, case)
            for field, right in scored.items():
                if right is not None:
                    by_finish[finish][field].append(right)
                    if not right:
                        misses.append(f"{case.source} ({finish}) {field}: read {getattr(result, field).value!r}")
            both[finish].append(right_weapon(scored))
    print(f"### {title} ({len(cases)} weapons × {len(FINISHES)} finishes)\n")
    print("| field | " + " | ".join(FINISHES) + " | all |")
    print("|---|" + "---|" * (len(FINISHES) + 1))
    for field in FIELD_NAMES:
        cells = [rate(by_finish[f][field]) for f in FINISHES]
        total = [hit for f in FINISHES for hit in by_finish[f][field]]
        print(f"| {field} | " + " | ".join(cells) + f" | {rate(total)} |")
    cells = [rate(both[f]) for f in FINISHES]
    print("| maker and model | " + " | ".join(cells) + f" | {rate([h for f in FINISHES for h in both[f]])} |\n")
    return misses


def accuracy(service: Basegun, photos: Path) -> None:
    misses = [(name, rendered(service, title, cases, seed)) for name, title, cases, seed in SETS]

    invented = []
    checked = 0
    for index, case in enumerate(NO_FIELDS):
        for offset, finish in enumerate(FINISHES):
            result = service.markings.read([jpeg(draw(case.lines, finish, 1000 + index * 10 + offset))])
            checked += 1
            invented += [f"{case.source} ({finish}) {f}" for f in FIELD_NAMES if getattr(result, f).value is not None]
    statuses = defaultdict(int)
    for seed in range(4):
        result = service.markings.read([blank(seed)])
        statuses[result.status] += 1
        invented += [f"blank {seed} {f}" for f in FIELD_NAMES if getattr(result, f).value is not None]
    print(f"Text without fields ({checked} close-ups): {len(invented)} fields invented {invented or ''}.")
    print(f"Bare metal (4 close-ups): statuses {dict(statuses)}.\n")

    print("### Shared close-ups\n")
    print("| photo | status | maker | model | calibre | serial | right |")
    print("|---|---|---|---|---|---|---|")
    for name, case in SHARED:
        path = photos / name
        if not path.is_file():
            print(f"| {name} | absent | | | | | |")
            continue
        result = service.markings.read([path.read_bytes()])
        scored = score(result, case)
        values = [getattr(result, f).value or "–" for f in FIELD_NAMES]
        if values[3] != "–":
            values[3] = "(read, not shown)"
        wrong = [f for f, right in scored.items() if right is False and f != "serial_number"]
        print(f"| {name} | {result.status} | " + " | ".join(values) + f" | {wrong or 'yes'} |")
    for name, found in misses:
        print(f"\nMisses on the {name} set:\n")
        for miss in found:
            print(f"- {miss}")


def timing(service: Basegun, photos: Path, repeat: int) -> None:
    """Median time per close-up, the markings reader and the alarm check taking turns on the same bytes."""
    samples = [("rendered " + f, jpeg(draw(HELD_OUT_7[i].lines, f, 7 + i))) for i, f in enumerate(FINISHES)]
    blow = photos / "alarm" / "alarm_gun_blow_f92.jpg"
    if blow.is_file():
        samples.insert(0, ("alarm/alarm_gun_blow_f92.jpg", blow.read_bytes()))
    print(f"\n### Time per close-up (ms, median of {repeat})\n")
    print("| close-up | alarm check | markings | ratio |")
    print("|---|---|---|---|")
    ratios = []
    for name, data in samples:
        service.alarm.check(data)
        service.markings.read([data])  # warm
        alarm, markings = [], []
        for _ in range(repeat):
            started = time.perf_counter()
            service.alarm.check(data)
            alarm.append(time.perf_counter() - started)
            started = time.perf_counter()
            service.markings.read([data])
            markings.append(time.perf_counter() - started)
        a, m = statistics.median(alarm) * 1000, statistics.median(markings) * 1000
        ratios.append(m / a)
        print(f"| {name} | {a:.0f} | {m:.0f} | {m / a:.2f}× |")
    print(f"\nMedian ratio: {statistics.median(ratios):.2f}× (target: at most 1.20×).")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=Path, default=PHOTOS, help="the shared photos (labels.csv's folder)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per close-up")
    parser.add_argument("--skip-timing", action="store_true")
    args = parser.parse_args()
    if not fonts_available():
        raise SystemExit("the DejaVu fonts are missing: apt-get install fonts-dejavu-core (make system-deps)")
    service = Basegun(Settings(), store=False)
    try:
        accuracy(service, args.photos)
        if not args.skip_timing:
            timing(service, args.photos, args.repeat)
    finally:
        service.close()


if __name__ == "__main__":
    main()

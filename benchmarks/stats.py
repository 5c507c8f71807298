"""Timing side by side: calls interleaved with their reference, medians and tails, ratios per input.

The machine is shared and noisy, so absolute figures drift from run to run; sides timed in alternation on the
same input, in the same minute, give ratios that hold.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")
REFERENCE = "reference"

# Idle time before each timed call: lets the previous call's spinning worker threads (ONNX Runtime, OpenMP) go
# to sleep, so that one side does not pay for the other's spin-wait.
SETTLE_S = 0.02


@dataclass
class Series:
    """Durations of repeated calls, in seconds."""

    seconds: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return float(np.median(self.seconds))

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.seconds, q))

    def to_dict(self) -> dict[str, Any]:
        return {"n": len(self.seconds), "median_ms": ms(self.median), "p95_ms": ms(self.percentile(95))}


@dataclass
class Row:
    """One input timed on every side; `answers` keeps each side's last output, to check that they agree."""

    name: str
    series: dict[str, Series]
    answers: dict[str, Any] = field(default_factory=dict)

    def ratio(self, side: str, baseline: str = REFERENCE) -> float | None:
        """How many times faster `side` is than `baseline` on this input (baseline's median over side's)."""
        if baseline not in self.series:
            return None
        return self.series[baseline].median / self.series[side].median

    def to_dict(self, baselines: Mapping[str, str] | None = None) -> dict[str, Any]:
        baselines = baselines or {}
        compared = [side for side in self.series if side != REFERENCE and side not in baselines.values()]
        return {
            "input": self.name,
            **{side: series.to_dict() for side, series in self.series.items()},
            "ratios": {side: _round(self.ratio(side, baselines.get(side, REFERENCE))) for side in compared},
            "answers": self.answers,
        }


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def compare(
    inputs: Sequence[tuple[str, T]],
    sides: Mapping[str, Callable[[T], Any]],
    *,
    rounds: int,
    warmup: int = 1,
    settle: float = SETTLE_S,
) -> list[Row]:
    """Time every side on every input, `rounds` times each after `warmup` untimed calls.

    Within a round the sides take turns input by input, and the turn order reverses every round, so that drift
    in the machine's load falls on every side alike.
    """
    rows = [Row(name, {side: Series() for side in sides}) for name, _ in inputs]
    for (_, value), row in zip(inputs, rows, strict=True):
        for side, call in sides.items():
            for _ in range(warmup):
                row.answers[side] = call(value)
    order = list(sides.items())
    for _ in range(rounds):
        for (_, value), row in zip(inputs, rows, strict=True):
            for side, call in order:
                time.sleep(settle)
                started = time.perf_counter()
                row.answers[side] = call(value)
                row.series[side].seconds.append(time.perf_counter() - started)
        order.reverse()
    return rows


def summary(rows: Sequence[Row], baselines: Mapping[str, str] | None = None) -> dict[str, Any]:
    """One line per side for a set of inputs: per-photo median and p95 over every call, and the ratios.

    `ratio` is the baseline's time for one pass over the set over the side's (sums of per-input medians): how
    many more photos of this kind the side answers in the same time; the baseline is the reference, or the side
    `baselines` names for it (like with like: a classifier against the reference's classifier). `ratio_min` is the
    worst single input; `against` names the baseline.
    """
    baselines = baselines or {}
    line: dict[str, Any] = {"photos": len(rows)}
    for side in rows[0].series if rows else ():
        entry = Series([s for row in rows for s in row.series[side].seconds]).to_dict()
        baseline = baselines.get(side, REFERENCE)
        if side not in (REFERENCE, *baselines.values()) and all(baseline in row.series for row in rows):
            total = sum(row.series[baseline].median for row in rows)
            entry["against"] = baseline
            entry["ratio"] = _round(total / sum(row.series[side].median for row in rows))
            entry["ratio_min"] = _round(min(row.ratio(side, baseline) or 0.0 for row in rows))
        line[side] = entry
    return line

"""The two figures of an evaluation: the confusion matrix and the reliability diagram (PNG, no display needed)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure


def confusion_png(path: Path, confusion: np.ndarray, classes: Sequence[str]) -> None:
    """Rows: true class, columns: predicted class; each row shaded by its own total, counts written in the cells."""
    size = max(5.0, 0.55 * len(classes) + 3)
    fig = Figure(figsize=(size, size))
    ax = fig.add_subplot()
    totals = confusion.sum(1, keepdims=True)
    ax.imshow(
        np.divide(confusion, totals, out=np.zeros(confusion.shape), where=totals > 0),
        cmap="Blues",
        vmin=0,
        vmax=1,
    )
    for (row, col), count in np.ndenumerate(confusion):
        if count:
            ax.text(col, row, str(count), ha="center", va="center", fontsize=8)
    ax.set_xticks(range(len(classes)), classes, rotation=60, ha="right", fontsize=7)
    ax.set_yticks(range(len(classes)), classes, fontsize=7)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def reliability_png(path: Path, bins: list[dict[str, Any]], ece: float) -> None:
    """Accuracy against confidence per bin (a calibrated model follows the diagonal), and the answers in each bin."""
    fig = Figure(figsize=(5, 6))
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    width = bins[0]["high"] - bins[0]["low"]
    filled = [b for b in bins if b["count"]]
    top.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    top.bar(
        [b["low"] for b in filled],
        [b["accuracy"] for b in filled],
        width=width,
        align="edge",
        edgecolor="black",
        alpha=0.7,
        label="accuracy",
    )
    top.plot(
        [b["confidence"] for b in filled],
        [b["accuracy"] for b in filled],
        "o",
        color="darkred",
        label="bin (mean confidence, accuracy)",
    )
    top.set_ylabel("accuracy")
    top.set_ylim(0, 1)
    top.set_title(f"reliability (ECE {ece:.3f})")
    top.legend(loc="upper left", fontsize=8)
    bottom.bar([b["low"] for b in bins], [b["count"] for b in bins], width=width, align="edge", edgecolor="black")
    bottom.set_xlabel("top-1 confidence")
    bottom.set_ylabel("photos")
    bottom.set_xlim(0, 1)
    fig.tight_layout()
    fig.savefig(path, dpi=120)

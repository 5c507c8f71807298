"""`compare`: two models (checkpoints or manifests) on the same labelled photos, side by side, and which is better.

"Better" is decided on top-1 accuracy, with an exact McNemar test on the photos where the two disagree: a difference
that chance could explain (p ≥ 0.05) is reported as no clear winner, with the figures.

    OUT/a/, OUT/b/          each model's full evaluation report (see evaluate)
    OUT/comparison.json     both summaries, the paired test and the verdict
    OUT/comparison.md       the side-by-side table and the verdict
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from training.evaluate import Evaluation, evaluate
from training.metrics import mcnemar
from training.predictors import load_predictor
from training.runs import write_json
from training.samples import Sample

SIGNIFICANCE = 0.05
ROWS = (
    ("photos", "photos", "{:d}"),
    ("top-1", "top1", "{:.2%}"),
    ("top-3", "top3", "{:.2%}"),
    ("macro recall", "macro_recall", "{:.2%}"),
    ("ECE", "ece", "{:.4f}"),
    ("NLL", "nll", "{:.4f}"),
)


def compare(
    model_a: Path,
    model_b: Path,
    samples: Sequence[Sample],
    out_dir: Path,
    workers: int = 0,
    progress: bool = True,
) -> dict[str, Any]:
    a = evaluate(load_predictor(model_a), samples, out_dir / "a", workers, progress)
    b = evaluate(load_predictor(model_b), samples, out_dir / "b", workers, progress)
    paired = mcnemar(a.correct, b.correct)
    result = {
        "a": {"model": str(model_a), **_summary(a)},
        "b": {"model": str(model_b), **_summary(b)},
        "mcnemar": paired,
        "verdict": verdict(a.report["top1"], b.report["top1"], paired),
    }
    write_json(out_dir / "comparison.json", result)
    (out_dir / "comparison.md").write_text(table(result), encoding="utf-8")
    return result


def _summary(evaluation: Evaluation) -> dict[str, Any]:
    report = evaluation.report
    summary = {key: report[key] for _, key, _ in ROWS if key in report}
    if "levels" in report:
        summary["levels"] = report["levels"]
    return summary


def verdict(top1_a: float, top1_b: float, paired: dict[str, Any]) -> str:
    gap = (top1_b - top1_a) * 100
    figures = (
        f"top-1 A {top1_a:.2%}, B {top1_b:.2%} ({gap:+.1f} points for B); on the photos where they disagree, "
        f"only A right {paired['only_a_correct']}, only B right {paired['only_b_correct']}, "
        f"exact McNemar p = {paired['p_value']:.3g}"
    )
    if gap == 0 or paired["p_value"] >= SIGNIFICANCE:
        return f"no clear winner: {figures}"
    return f"{'B' if gap > 0 else 'A'} is better: {figures}"


def table(result: dict[str, Any]) -> str:
    lines = [f"| | A: {result['a']['model']} | B: {result['b']['model']} |", "|---|---|---|"]
    for label, key, fmt in ROWS:
        if key in result["a"] and key in result["b"]:
            lines.append(f"| {label} | {fmt.format(result['a'][key])} | {fmt.format(result['b'][key])} |")
    for level in ("high", "medium", "low"):
        cells = [_level(result[side].get("levels", {}).get(level)) for side in ("a", "b")]
        lines.append(f"| {level} answers (right/total) | {cells[0]} | {cells[1]} |")
    return "\n".join([*lines, "", result["verdict"], ""])


def _level(figures: dict[str, Any] | None) -> str:
    return "–" if figures is None else f"{figures['correct']}/{figures['count']}"

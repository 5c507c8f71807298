"""The protocol's figures as JSON-ready data and as the Markdown of ACCURACY.md."""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from typing import Any

from benchmarks.accuracy.evidence import Row

ALARM_EXPECTED = {"alarm_gun": "listed_alarm_model", "no_text": "no_text", "too_poor_to_read": "unreadable"}
OUTCOMES = ("detected", "uncertain", "absent")


def sources(rows: list[Row]) -> dict[str, Any]:
    seen = {r.source.name: r.source for r in rows}
    by = Counter((s.group, s.origin) for s in seen.values())
    return {
        "sources": len(seen),
        "rows": len(rows),
        "refused": dict(Counter(f"{r.source.group}/{r.variant}: {r.refused}" for r in rows if r.refused)),
        "by_group_and_origin": [{"group": g, "origin": o, "photos": n} for (g, o), n in sorted(by.items())],
    }


def _right(row: Row) -> bool | None:
    if row.source.group == "close_up":
        want = ALARM_EXPECTED.get(row.source.expected or "")
        return None if want is None else row.answer.get("alarm") == want
    if row.source.group == "firearm" and row.source.expected:
        return row.answer.get("typology") == row.source.expected and row.answer.get("presence") != "absent"
    return None


def _block(rows: list[Row]) -> dict[str, Any]:
    labelled = [r for r in rows if r.source.group == "firearm" and r.source.expected and "refused" not in r.answer]
    levels = {}
    for level in ("high", "medium", "low"):
        at = [r for r in labelled if r.answer.get("level") == level and r.answer.get("presence") != "absent"]
        right = sum(bool(_right(r)) for r in at)
        levels[level] = {"answers": len(at), "correct": right, "precision": round(right / len(at), 3) if at else None}
    presence = {
        group: {o: sum(r.answer.get("presence") == o for r in rows if r.source.group == group) for o in OUTCOMES}
        for group in ("firearm", "no_firearm")
    }
    weapons = [r for r in rows if r.source.group != "close_up" and "presence" in r.answer]
    close = [r for r in rows if r.source.group == "close_up"]
    return {
        "labelled": len(labelled),
        "top1": sum(bool(_right(r)) for r in labelled),
        "levels": levels,
        "presence": presence,
        "detector_run": sum(bool(r.answer.get("detector_run")) for r in weapons),
        "answered": len(weapons),
        "refused": sum("refused" in r.answer for r in rows),
        "alarm": dict(Counter(str(r.answer.get("alarm", r.answer.get("refused"))) for r in close)),
        "alarm_right": sum(bool(_right(r)) for r in close),
        "alarm_judged": sum(_right(r) is not None for r in close),
    }


def service_figures(rows: list[Row]) -> dict[str, Any]:
    by_variant: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_variant[row.variant].append(row)
    return {"all": _block(rows), "by_variant": {v: _block(rs) for v, rs in by_variant.items()}}


def _short(row: Row) -> str:
    a = row.answer
    if "refused" in a:
        return f"refused: {a['refused']}"
    if "alarm" in a:
        return str(a["alarm"])
    if a.get("presence") == "absent":
        return "absent"
    mark = {True: "✓", False: "✗", None: ""}[_right(row)]
    return f"{mark}{a['typology']} {a['level']}{' (uncertain)' if a['presence'] == 'uncertain' else ''}".strip()


def row_answers(rows: list[Row]) -> list[dict[str, Any]]:
    return [
        {
            "source": r.source.name,
            "group": r.source.group,
            "expected": r.source.expected,
            "variant": r.variant,
            "answer": r.answer,
            "right": _right(r),
        }
        for r in rows
    ]


def as_json(results: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    """Every figure, then one line per row: valid JSON whose diffs stay readable."""
    figures = json.dumps(results, indent=1, ensure_ascii=False, default=str)
    lines = ",\n  ".join(json.dumps(row, ensure_ascii=False, default=str) for row in rows)
    return f'{figures[:-2]},\n "rows": [\n  {lines}\n ]\n}}\n'


def _levels(block: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v['correct']}/{v['answers']}" for k, v in block["levels"].items() if v["answers"])


def _presence(block: dict[str, Any], group: str) -> str:
    counts = block["presence"][group]
    return " / ".join(str(counts[o]) for o in OUTCOMES)


def _blur(max_blur_px: float) -> str:
    if math.isfinite(max_blur_px):
        return f" and the photo's blur at the classifier's scale ≤ {max_blur_px} px"
    return " (a blur guard was offered to the fit, and not chosen)"


def _headline(served: dict[str, Any]) -> list[str]:
    """The issue's targets, read on the source photos alone, held out."""
    cv = served["by_variant"]["source"]["cross_validated"]
    firearm, other = cv["presence"]["firearm"], cv["presence"]["no_firearm"]
    high = cv["levels"]["high"]
    return [
        "## In short (source photos, held out)",
        "",
        f"- Typology top-1: {cv['top1']}/{cv['labelled']}; wrong answers at high confidence: "
        f"{high['answers'] - high['correct']}.",
        f"- Photos of a firearm: {firearm['absent']} answered `absent`, {firearm['uncertain']} `uncertain`, out of "
        f"{sum(firearm.values())}.",
        f"- Photos without a firearm: {other['absent'] + other['uncertain']} of {sum(other.values())} answered "
        f"`absent` or `uncertain` ({other['absent']} `absent`).",
        "",
    ]


def markdown(results: dict[str, Any], rows: list[Row]) -> str:
    src, modes, served, service = results["sources"], results["modes"], results["served"], results["service"]
    lines = [
        "# Accuracy",
        "",
        "How often Basegun's answers are right, through the service (bytes in, answer out), on every labelled photo",
        "and on derived variants that imitate field photos. Every threshold is chosen by leave-one-source-photo-out",
        "cross-validation (a photo's variants never split across folds): the cross-validated (held-out) figure is",
        "given beside the in-sample one. Written by the command below; do not edit by hand.",
        "",
        f"- Command: `{results['command']}` (every figure and per-row answer: `ACCURACY.json`)",
        f"- Typology model: `{results['model']}` (`BASEGUN_TYPOLOGY_MANIFEST`, in `models/`)",
        f"- {src['sources']} source photos, {src['rows']} rows (sources and their variants); refused rows: "
        + (", ".join(f"{k} ×{v}" for k, v in src["refused"].items()) or "none"),
        "",
        *_headline(served),
        "| group | origin | source photos |",
        "|---|---|---|",
        *[f"| {r['group']} | {r['origin']} | {r['photos']} |" for r in src["by_group_and_origin"]],
        "",
        "Variants: long side 1600, 800 and 400 px (when smaller than the source), and at ≤ 1600 px: JPEG quality 40,",
        "tight crop (a tenth off each side), loose padding (a quarter of each side added in the border colour), EXIF",
        "rotation (pixels stored sideways, orientation tag 6), blur (Gaussian, a 300th of the long side), a part of",
        "the weapon filling the frame (`part_fills_frame`: the middle two fifths of the width and half of the",
        "height, enlarged back), the weapon on a dark wooden floor (`dark_floor`) or on a tiled floor",
        "(`patterned_floor`): the photo's backdrop (pixels near its border colour) replaced by the floor; these three",
        "imitate the firearm photos answered `absent` in the field, and their rows are held out like the others;",
        "close-ups of markings: strips 40, 60, 80 and 120 px tall cut around the widest line of text the service's",
        "text detector finds (the line, its height above and below, a fifth of its width each side), copies at 50 %",
        "and 25 %.",
        "",
        "## Typology preprocessing: centre crop, letterbox, mean of both",
        "",
        "Each mode with its own temperature and levels (fitted as below). Top-1 and answers at each level over the",
        "labelled firearm rows, `right/answers`.",
        "",
        "| mode | temperature | top-1 in-sample | top-1 held-out | levels in-sample | levels held-out |",
        "|---|---|---|---|---|---|",
    ]
    for mode, f in modes.items():
        ins, cv = f["in_sample"], f["cross_validated"]
        lines.append(
            f"| `{mode}` | {f['temperature']} | {ins['top1']}/{ins['labelled']} | {cv['top1']}/{cv['labelled']} "
            f"| {_levels(ins)} | {_levels(cv)} |"
        )
    ins, cv = served["in_sample"], served["cross_validated"]
    rule = served["presence"]
    lines += [
        "",
        f"## Served: `{served['mode']}`, calibrated, with the three-way presence answer",
        "",
        f"- Temperature {served['temperature']}; levels: medium from {served['levels']['confidence_medium']}, high",
        f"  from {served['levels']['confidence_high']}.",
        f"- Presence: `detected` when the classifier's confidence ≥ {rule['detected_confidence']} and both views name",
        f"  the same typology (the detector is then not run), or the detector's score at {rule['detector_size']} px ≥",
        f"  {rule['detected_score']}; `absent` when confidence < {rule['absent_confidence']} and score <",
        f"  {rule['absent_score']}{_blur(rule['max_blur_px'])}; `uncertain` otherwise (typology shown at low",
        "  confidence, another photo asked for).",
        "",
        "Presence columns: detected / uncertain / absent.",
        "",
        "| rows | top-1 | levels (right/answers) | firearm | no firearm | marking close-ups |",
        "|---|---|---|---|---|---|",
        f"| in-sample | {ins['top1']}/{ins['labelled']} | {_levels(ins)} | {_presence(ins, 'firearm')} "
        f"| {_presence(ins, 'no_firearm')} | {_presence(ins, 'close_up')} |",
        f"| held-out | {cv['top1']}/{cv['labelled']} | {_levels(cv)} | {_presence(cv, 'firearm')} "
        f"| {_presence(cv, 'no_firearm')} | {_presence(cv, 'close_up')} |",
        "",
        "By variant, held-out (in-sample in brackets when different):",
        "",
        "| variant | top-1 | wrong at high | firearm d/u/a | no firearm d/u/a |",
        "|---|---|---|---|---|",
    ]
    for variant, f in served["by_variant"].items():
        a, b = f["cross_validated"], f["in_sample"]
        if not any(sum(a["presence"][g].values()) for g in ("firearm", "no_firearm")):
            continue

        def both(x: str, y: str) -> str:
            return x if x == y else f"{x} ({y})"

        wrong = a["levels"]["high"]["answers"] - a["levels"]["high"]["correct"]
        wrong_in = b["levels"]["high"]["answers"] - b["levels"]["high"]["correct"]
        top_a, top_b = f"{a['top1']}/{a['labelled']}", f"{b['top1']}/{b['labelled']}"
        lines.append(
            f"| {variant} | {both(top_a, top_b)} "
            f"| {both(str(wrong), str(wrong_in))} | {both(_presence(a, 'firearm'), _presence(b, 'firearm'))} "
            f"| {both(_presence(a, 'no_firearm'), _presence(b, 'no_firearm'))} |"
        )
    lines += [
        "",
        "The trade-off, in-sample over every row (detected / uncertain / absent):",
        "",
        "| rule | firearm rows | rows without a firearm |",
        "|---|---|---|",
        *[
            f"| {name} | {' / '.join(str(v) for v in f['firearm'].values())} "
            f"| {' / '.join(str(v) for v in f['no_firearm'].values())} |"
            for name, f in served["alternatives"].items()
        ],
    ]
    everything = service["all"]
    lines += [
        "",
        "## The service's answers (`Basegun.identify`, `Basegun.alarm_check`) with the committed manifest",
        "",
        "| variant | top-1 | levels (right/answers) | firearm d/u/a | no firearm d/u/a | detector run "
        "| alarm verdicts |",
        "|---|---|---|---|---|---|---|",
    ]
    for variant, b in [("all", everything), *service["by_variant"].items()]:
        alarm = ", ".join(f"{k} {v}" for k, v in sorted(b["alarm"].items())) if b["alarm"] else ""
        alarm += f" (right {b['alarm_right']}/{b['alarm_judged']})" if b["alarm_judged"] else ""
        lines.append(
            f"| {variant} | {b['top1']}/{b['labelled']} | {_levels(b)} | {_presence(b, 'firearm')} "
            f"| {_presence(b, 'no_firearm')} | {b['detector_run']}/{b['answered']} | {alarm} |"
        )
    lines += ["", "## Per photo (service answers)", ""]
    per: dict[str, dict[str, str]] = defaultdict(dict)
    expected: dict[str, str] = {}
    for r in rows:
        per[r.source.name][r.variant] = _short(r)
        expected[r.source.name] = r.source.expected or r.source.group
    for name, answers in per.items():
        lines.append(f"- `{name}` (expected: {expected[name]}): " + "; ".join(f"{v}: {a}" for v, a in answers.items()))
    lines.append("")
    return "\n".join(lines)

"""The printable HTML report: one self-contained file, thumbnails inside as small JPEG data URLs.

The page is the Jinja2 template `templates/report.html`, autoescaped: every name from the batch is text, never markup.
Its style, `report.css` beside this module, is inline for the file opened from disk, and also linked as
`report.css`, which the API serves: the service's Content-Security-Policy (`style-src 'self'`) blocks inline
styles in served pages.
"""

from __future__ import annotations

import base64
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from basegun.batch.texts import AGREEMENT, FLAGS, HEADINGS, LEVELS, NO_FIREARM, REASONS
from basegun.catalog.texts import Text

HERE = Path(__file__).resolve().parent
CSS = (HERE / "report.css").read_text(encoding="utf-8")
INLINE_STYLE = f"<style>{CSS}</style>"
_TEMPLATES = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,  # a key missing from the report is an error, not an empty cell
    keep_trailing_newline=False,
)


@dataclass(frozen=True)
class _Row:
    """One weapon's line of the table, its words already in the report's language (escaped by the template)."""

    name: str
    thumbnail: str | None
    agreement: str | None
    kind: str
    confidence: str
    category: str
    lengths: tuple[str, str] | None
    flags: list[str]


def render_html(report: dict[str, Any], thumbnails: dict[str, bytes], lang: str = "fr") -> str:
    """The whole page; `thumbnails` maps a weapon's name to its JPEG thumbnail."""
    batch = report["batch"]

    def t(text: Text) -> str:
        return text.get(lang) or text["fr"]

    created = datetime.fromisoformat(batch["created"])
    counts = Counter(flag for weapon in report["weapons"] for flag in weapon["flags"])
    return _TEMPLATES.get_template("report.html").render(
        lang=lang,
        t=t,
        h=lambda key: t(HEADINGS[key]),
        css=Markup(CSS),  # noqa: S704 - our own style sheet, shipped with the package
        inline_style=True,
        batch=batch,
        created=created.strftime("%d/%m/%Y %H:%M UTC" if lang == "fr" else "%Y-%m-%d %H:%M UTC"),
        model=report["model"],
        notices=report["notices"],
        categories=[(t(row["label"]), row["count"]) for row in report["summary"]],
        flag_counts=[(t(FLAGS[flag]), counts[flag]) for flag in FLAGS if counts[flag]],
        flag_texts=FLAGS,
        rows=[_row(weapon, thumbnails.get(weapon["name"]), t, lang) for weapon in report["weapons"]],
        not_analysed=report["not_analysed"],
        reasons=REASONS,
    )


def for_serving(html: str) -> str:
    """The page as the API serves it: without the inline style, which its Content-Security-Policy would refuse
    (and report as an error); the linked `report.css` styles it there."""
    return html.replace(INLINE_STYLE, "", 1)


def _row(weapon: dict[str, Any], thumbnail: bytes | None, t: Callable[[Text], str], lang: str) -> _Row:
    agreement = weapon["agreement"]
    agreeing = None
    if agreement["readable"] > 1:
        counts = {"agreeing": str(agreement["agreeing"]), "total": str(agreement["readable"])}
        agreeing = t({k: v.format(**counts) for k, v in AGREEMENT.items()})
    level = weapon["confidence_level"]
    typology = weapon["typology"]
    if typology is None:
        kind, confidence, category, lengths = t(NO_FIREARM), "", "", None
    else:
        kind = t(typology["labels"]) if level != "low" else t(weapon["legal"]["category_text"])
        confidence = f"{_percent(weapon['confidence'], lang)} ({t(LEVELS[level])})"
        category = t(weapon["legal"]["category_text"])
        lengths = _lengths(weapon["measurement"], lang)
    return _Row(
        name=weapon["name"],
        thumbnail=base64.b64encode(thumbnail).decode("ascii") if thumbnail else None,
        agreement=agreeing,
        kind=kind,
        confidence=confidence,
        category=category,
        lengths=lengths,
        flags=list(weapon["flags"]),
    )


def _percent(probability: float, lang: str) -> str:
    """Rounded down to 0.1 %, and never 100 %: the network's probability is not a certainty."""
    number = f"{min(math.floor(probability * 1000), 999) / 10:.1f}"
    shown = ("≥ " if probability >= 0.999 else "") + number
    return shown.replace(".", ",") + "\u202f%" if lang == "fr" else shown + "%"


def _lengths(measurement: dict[str, Any] | None, lang: str) -> tuple[str, str] | None:
    """The overall and barrel lengths, each with its uncertainty, as the language writes them."""
    if measurement is None:
        return None

    def cm(value: float, uncertainty: float) -> str:
        number = f"{value:.0f} ± {uncertainty:.0f} cm"
        return number.replace(".", ",") if lang == "fr" else number

    return (
        cm(measurement["overall_length_cm"], measurement["overall_uncertainty_cm"]),
        cm(measurement["barrel_length_cm"], measurement["barrel_uncertainty_cm"]),
    )

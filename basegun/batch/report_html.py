"""The printable HTML report: one self-contained file, thumbnails inside as small JPEG data URLs.

The page is the Jinja2 template `templates/report.html`, autoescaped: every name from the batch is text, never markup.
The template reads the report itself; this module gives it only the words in the report's language and the numbers as
that language writes them. Its style, `report.css` beside this module, is inline for the file opened from disk, and
also linked as `report.css`, which the API serves: the service's Content-Security-Policy (`style-src 'self'`) blocks
inline styles in served pages.
"""

from __future__ import annotations

import base64
import math
from collections import Counter
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from basegun.batch.answer_models import BatchReport
from basegun.batch.texts import AGREEMENT, FLAGS, HEADINGS, LEVELS, NO_FIREARM, REASONS
from basegun.catalog.texts import Text

HERE = Path(__file__).resolve().parent
CSS = (HERE / "report.css").read_text(encoding="utf-8")
INLINE_STYLE = f"<style>{CSS}</style>"
_TEMPLATES = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,  # a field missing from the report is an error, not an empty cell
)


def render_html(report: BatchReport, thumbnails: dict[str, bytes], lang: str = "fr") -> str:
    """The whole page; `thumbnails` maps a weapon's name to its JPEG thumbnail. The template reads the report as
    report.json writes it (its own words as `{"fr", "en"}`)."""

    def t(text: Text) -> str:
        return text.get(lang) or text["fr"]

    counts: Counter[str] = Counter(flag for weapon in report.weapons for flag in weapon.flags)
    created = datetime.fromisoformat(report.batch.created)
    return _TEMPLATES.get_template("report.html").render(
        report=report.model_dump(mode="json"),
        lang=lang,
        t=t,
        h=lambda key: t(HEADINGS[key]),
        percent=lambda probability: _percent(probability, lang),
        cm=lambda value, uncertainty: _centimetres(value, uncertainty, lang),
        css=Markup(CSS),  # noqa: S704 - our own style sheet, shipped with the package
        inline_style=True,
        created=created.strftime("%d/%m/%Y %H:%M UTC" if lang == "fr" else "%Y-%m-%d %H:%M UTC"),
        thumbnails={name: base64.b64encode(data).decode("ascii") for name, data in thumbnails.items() if data},
        flag_counts=[{"label": FLAGS[flag], "count": counts[flag]} for flag in FLAGS if counts[flag]],
        flag_texts=FLAGS,
        levels=LEVELS,
        agreement=AGREEMENT,
        no_firearm=NO_FIREARM,
        reasons=REASONS,
    )


def for_serving(html: str) -> str:
    """The page as the API serves it: without the inline style, which its Content-Security-Policy would refuse
    (and report as an error); the linked `report.css` styles it there."""
    return html.replace(INLINE_STYLE, "", 1)


def _percent(probability: float, lang: str) -> str:
    """Rounded down to 0.1 %, and never 100 %: the network's probability is not a certainty."""
    number = f"{min(math.floor(probability * 1000), 999) / 10:.1f}"
    shown = ("≥ " if probability >= 0.999 else "") + number
    return shown.replace(".", ",") + "\u202f%" if lang == "fr" else shown + "%"


def _centimetres(value: float, uncertainty: float, lang: str) -> str:
    number = f"{value:.0f} ± {uncertainty:.0f} cm"
    return number.replace(".", ",") if lang == "fr" else number

"""The printable HTML report: one self-contained file, thumbnails inside as small JPEG data URLs.

Its style, `report.css` beside this module, is inline for the file opened from disk, and also linked as
`report.css`, which the API serves: the service's Content-Security-Policy (`style-src 'self'`) blocks inline
styles in served pages. Every name from the batch is escaped.
"""

from __future__ import annotations

import base64
import math
from collections import Counter
from datetime import datetime
from html import escape
from pathlib import Path

from basegun.answering.answer_models import MeasurementAnswer, WeaponAnswer, Words
from basegun.answering.markings.confirmed import WeaponMarkings
from basegun.batch.answer_models import BatchReport, FileNotAnalysed
from basegun.batch.texts import AGREEMENT, FLAGS, HEADINGS, LEVELS, NO_FIREARM, REASONS

CSS = (Path(__file__).resolve().parent / "report.css").read_text(encoding="utf-8")


INLINE_STYLE = f"<style>{CSS}</style>"


def render_html(report: BatchReport, thumbnails: dict[str, bytes], lang: str = "fr") -> str:
    """The whole page; `thumbnails` maps a weapon's name to its JPEG thumbnail."""
    batch = report.batch
    text = _Texts(lang)
    created = datetime.fromisoformat(batch.created)
    date = created.strftime("%d/%m/%Y %H:%M UTC" if lang == "fr" else "%Y-%m-%d %H:%M UTC")
    model = report.model
    notices = report.notices
    parts = [
        "<!doctype html>",
        f'<html lang="{escape(lang)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{text.h('title')} — {escape(batch.name)}</title>",
        f'{INLINE_STYLE}<link rel="stylesheet" href="report.css">',
        "</head><body><header>",
        f"<h1>{text.h('title')}</h1>",
        f'<p class="meta">{text.h("batch")} « {escape(batch.name)} » · {text.h("created")} {escape(date)} · '
        f"{batch.weapons} {text.h('weapons').lower()} · {batch.photos} {text.h('photos').lower()} · "
        f"{text.h('model')} {escape(model.name)} {escape(model.version)}</p>",
    ]
    if notices.stopped is not None:
        parts.append(f'<p class="notice stopped" role="alert">{text.t(notices.stopped)}</p>')
    parts += [
        f'<p class="notice">{text.t(notices.information)}</p>',
        f'<p class="notice">{text.t(notices.retention)}</p>',
        f'<p class="hint">{text.h("print_hint")}</p>',
        "</header><main>",
        _summary(report, text),
        _weapons(report, thumbnails, text),
        _not_analysed(report, text),
        "</main></body></html>",
    ]
    return "\n".join(parts)


def for_serving(html: str) -> str:
    """The page as the API serves it: without the inline style, which its Content-Security-Policy would refuse
    (and report as an error); the linked `report.css` styles it there."""
    return html.replace(INLINE_STYLE, "", 1)


class _Texts:
    """Picks the report language out of the bilingual texts, escaped for HTML."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def t(self, text: Words | dict[str, str]) -> str:
        if isinstance(text, Words):
            return escape(text.text(self.lang))
        return escape(text.get(self.lang) or text["fr"])

    def h(self, key: str) -> str:
        return self.t(HEADINGS[key])


def _summary(report: BatchReport, text: _Texts) -> str:
    categories = [(text.t(row.label), row.count) for row in report.summary]
    counts = Counter(flag for weapon in report.weapons for flag in weapon.flags)
    flags = [(text.t(words), counts[flag]) for flag, words in report.flags.items() if counts[flag]]
    return (
        f'<section aria-labelledby="summary"><h2 id="summary">{text.h("summary")}</h2>'
        f"{_count_table(text.h('category'), categories, text)}"
        f"{_count_table(text.h('flags'), flags, text) if flags else ''}</section>"
    )


def _count_table(heading: str, rows: list[tuple[str, int]], text: _Texts) -> str:
    body = "".join(f'<tr><td>{label}</td><td class="count">{count}</td></tr>' for label, count in rows)
    return (
        f'<table class="summary"><thead><tr><th scope="col">{heading}</th>'
        f'<th scope="col">{text.h("count")}</th></tr></thead><tbody>{body}</tbody></table>'
    )


def _weapons(report: BatchReport, thumbnails: dict[str, bytes], text: _Texts) -> str:
    heads = ("photo", "weapon", "typology", "confidence", "category", "markings", "flags")
    head = "".join(f'<th scope="col">{text.h(key)}</th>' for key in heads)
    rows = "".join(_weapon_row(weapon, thumbnails.get(weapon.name), text) for weapon in report.weapons)
    return (
        f'<section aria-labelledby="weapons"><h2 id="weapons">{text.h("weapons")}</h2>'
        f'<table class="weapons"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></section>'
    )


def _weapon_row(weapon: WeaponAnswer, thumbnail: bytes | None, text: _Texts) -> str:
    name = escape(weapon.name)
    image = ""
    if thumbnail:
        data = base64.b64encode(thumbnail).decode("ascii")
        alt = f"{text.h('photo')} : {name}" if text.lang == "fr" else f"{text.h('photo')}: {name}"
        image = f'<img src="data:image/jpeg;base64,{data}" alt="{alt}">'
    agreement = weapon.agreement
    photos = ""
    if agreement.readable > 1:
        counts = {"agreeing": str(agreement.agreeing), "total": str(agreement.readable)}
        photos = f'<div class="small">{text.t({k: v.format(**counts) for k, v in AGREEMENT.items()})}</div>'
    level, typology, legal = weapon.confidence_level, weapon.typology, weapon.legal
    if typology is None or legal is None or level is None or weapon.confidence is None:
        kind, confidence, category = text.t(NO_FIREARM), "", ""
    else:
        kind = text.t(typology.labels) if level != "low" else text.t(legal.category_text)
        confidence = f"{_percent(weapon.confidence, text.lang)} ({text.t(LEVELS[level])})"
        category = text.t(legal.category_text) + _lengths(weapon.measurement, text)
    flags = "".join(f'<li class="{flag}">{text.t(FLAGS[flag])}</li>' for flag in weapon.flags)
    return (
        f'<tr><td class="thumb">{image}</td><th scope="row">{name}{photos}</th><td>{kind}</td>'
        f"<td>{confidence}</td><td>{category}</td><td>{_markings(weapon.markings, text)}</td>"
        f'<td><ul class="flags">{flags}</ul></td></tr>'
    )


def _markings(markings: WeaponMarkings | None, text: _Texts) -> str:
    """Maker, model, calibre and serial number, each marked read or typed."""
    if markings is None:
        return ""
    heads = {"maker": "maker", "model": "model_name", "calibre": "calibre", "serial_number": "serial_number"}
    items = "".join(
        f"<li>{text.h(head)} : {escape(field.value)} "
        f'<span class="small">({text.h("source_" + (field.source or "read"))})</span></li>'
        for name, head in heads.items()
        if (field := getattr(markings, name)).value
    )
    return f'<ul class="markings">{items}</ul>' if items else ""


def _percent(probability: float, lang: str) -> str:
    """Rounded down to 0.1 %, and never 100 %: the network's probability is not a certainty."""
    number = f"{min(math.floor(probability * 1000), 999) / 10:.1f}"
    shown = ("≥ " if probability >= 0.999 else "") + number
    return shown.replace(".", ",") + "\u202f%" if lang == "fr" else shown + "%"


def _lengths(measurement: MeasurementAnswer | None, text: _Texts) -> str:
    if measurement is None:
        return ""

    def cm(value: float, uncertainty: float) -> str:
        number = f"{value:.0f} ± {uncertainty:.0f} cm"
        return number.replace(".", ",") if text.lang == "fr" else number

    overall = cm(measurement.overall_length_cm, measurement.overall_uncertainty_cm)
    barrel = cm(measurement.barrel_length_cm, measurement.barrel_uncertainty_cm)
    return f'<div class="small">{text.h("lengths")} : {text.h("overall")} {overall}, {text.h("barrel")} {barrel}</div>'


def _not_analysed(report: BatchReport, text: _Texts) -> str:
    items = report.not_analysed
    if not items:
        body = f"<p>{text.h('none')}</p>"
    else:
        rows = "".join(
            f"<tr><td>{escape(item.name)}</td><td>{_reason(item, text)}"
            f'<div class="small">{escape(item.code)} : {escape(item.detail)}</div></td></tr>'
            for item in items
        )
        body = (
            f'<table><thead><tr><th scope="col">{text.h("photo")}</th><th scope="col">{text.h("reason")}</th></tr>'
            f"</thead><tbody>{rows}</tbody></table>"
        )
    return f'<section aria-labelledby="skipped"><h2 id="skipped">{text.h("not_analysed")}</h2>{body}</section>'


def _reason(item: FileNotAnalysed, text: _Texts) -> str:
    reason = REASONS.get(item.code)
    return text.t(reason) if reason else escape(item.detail)

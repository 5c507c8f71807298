"""Texts in French and English, French first: the `Text` type, the few helpers that build one, and the reading of
the service's wording from `basegun/data/*.json`, where every user-facing word of the service lives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

Text = dict[str, str]  # {"fr": ..., "en": ...}
LANGUAGES = ("fr", "en")
DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def same(value: str) -> Text:
    """A text that reads the same in every language (a category letter, a number)."""
    return dict.fromkeys(LANGUAGES, value)


def fill(template: Text, **fields: Text) -> Text:
    """Fill a bilingual `str.format` template, each field given per language."""
    return {lang: template[lang].format(**{name: value[lang] for name, value in fields.items()}) for lang in LANGUAGES}


def join(items: list[Text], conjunction: Text) -> Text:
    """'B', 'B ou C', 'A, B ou D': commas, then the conjunction template (`{head}`, `{last}`)."""
    if len(items) == 1:
        return dict(items[0])
    return {
        lang: conjunction[lang].format(head=", ".join(item[lang] for item in items[:-1]), last=items[-1][lang])
        for lang in LANGUAGES
    }


def number(value: float, decimals: int | None = None) -> Text:
    """A number as each language writes it: 54.0 in English, 54,0 in French."""
    english = f"{value:.{decimals}f}" if decimals is not None else f"{value:g}"
    return {"fr": english.replace(".", ","), "en": english}


def capitalised(text: Text) -> Text:
    return {lang: sentence[:1].upper() + sentence[1:] for lang, sentence in text.items()}


def load_texts(name: str, data_dir: Path = DATA_DIR) -> dict[str, Any]:
    """A wording file, `basegun/data/<name>.json`; refused, naming the file and the place, unless every text in it
    (an object whose keys are the languages) has every language."""
    path = data_dir / f"{name}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    _check(data, path, name)
    return data


def _check(value: Any, path: Path, where: str) -> None:
    if isinstance(value, dict):
        if set(value) & set(LANGUAGES):
            missing = [lang for lang in LANGUAGES if not (isinstance(value.get(lang), str) and value[lang].strip())]
            if missing or set(value) - set(LANGUAGES):
                raise ValueError(f"{path}: {where}: expected a text in {list(LANGUAGES)}, got keys {sorted(value)}")
            return
        for key, item in value.items():
            _check(item, path, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check(item, path, f"{where}[{i}]")

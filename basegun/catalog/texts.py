"""Texts in French and English, French first: the `Text` type, the few helpers that build one, and the reading of
the service's wording from `basegun/data/*.json`, where every user-facing word of the service lives."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, StringConstraints, TypeAdapter, ValidationError

Text = dict[str, str]  # {"fr": ..., "en": ...}
LANGUAGES = ("fr", "en")
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
Keyed = TypeVar("Keyed", bound=dict[str, Any])
Model = TypeVar("Model", bound=BaseModel)


def exactly(keys: Collection[str]) -> Callable[[Keyed], Keyed]:
    """A pydantic after-validator: the mapping has these keys, no fewer and no more."""

    def check(value: Keyed) -> Keyed:
        missing, unexpected = sorted(set(keys) - set(value)), sorted(set(value) - set(keys))
        if missing or unexpected:
            raise ValueError(f"keys missing {missing}, keys not expected {unexpected}")
        return value

    return check


# A text in a wording file, checked by pydantic: every language, each a non-blank string, and nothing else.
CheckedText = Annotated[dict[str, Annotated[str, StringConstraints(pattern=r"\S")]], AfterValidator(exactly(LANGUAGES))]
_TEXT: TypeAdapter[Text] = TypeAdapter(CheckedText)


def load_model(model: type[Model], path: Path) -> Model:
    """A wording file read into its pydantic model; a problem is a ValueError naming the file and the place."""
    try:
        return model.model_validate_json(path.read_text(encoding="utf-8"))
    except ValidationError as exc:
        raise ValueError(f"{path}: {_problems(exc)}") from exc


def _problems(error: ValidationError, where: str = "") -> str:
    return "; ".join(
        f"{'.'.join([where, *(str(part) for part in item['loc'])]).strip('.') or 'file'}: {item['msg']}"
        for item in error.errors()
    )


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
    """A wording file, `basegun/data/<name>.json`, of any shape; refused, naming the file and the place, unless every
    text in it (an object whose keys are the languages) is a `CheckedText`."""
    path = data_dir / f"{name}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    _check(data, path, name)
    return data


def _check(value: Any, path: Path, where: str) -> None:
    """Finds the texts (objects keyed by a language) in a file of any shape, each checked by pydantic."""
    if isinstance(value, dict):
        if set(value) & set(LANGUAGES):
            try:
                _TEXT.validate_python(value)
            except ValidationError as exc:
                raise ValueError(f"{path}: {_problems(exc, where)}") from exc
            return
        for key, item in value.items():
            _check(item, path, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check(item, path, f"{where}[{i}]")

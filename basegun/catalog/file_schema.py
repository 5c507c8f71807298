"""The shape of the catalog file, `basegun/data/typologies.json`, as pydantic models: each field's type, a text in
every language, the same placeholders in each, lists that must not be empty, the sides of a length limit, a
securing guide or the reason there is none. `catalog_file.py` reads the file through them and checks the rest.
"""

from __future__ import annotations

import string
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from basegun.catalog.texts import LANGUAGES, Text


def _text(value: Any) -> Text:
    if not isinstance(value, dict):
        raise ValueError("expected a text {fr, en}")
    for lang in LANGUAGES:
        if not isinstance(value.get(lang), str) or not value[lang].strip():
            raise ValueError(f"missing '{lang}' text")
    if extra := sorted(set(value) - set(LANGUAGES)):
        raise ValueError(f"unexpected languages {extra}")
    return {lang: value[lang] for lang in LANGUAGES}


def _same_placeholders(text: Text) -> Text:
    names = [{name for _, name, _, _ in string.Formatter().parse(text[lang]) if name} for lang in LANGUAGES]
    if any(other != names[0] for other in names[1:]):
        raise ValueError(f"the languages use different placeholders: {dict(zip(LANGUAGES, names, strict=True))}")
    return text


def _non_empty(items: list[Any]) -> list[Any]:
    if not items:
        raise ValueError("must not be empty")
    return items


TextField = Annotated[Text, BeforeValidator(_text)]
Template = Annotated[Text, BeforeValidator(_text), AfterValidator(_same_placeholders)]
Texts = list[TextField]
Categories = Annotated[list[str], AfterValidator(_non_empty)]


class _Entry(BaseModel):
    """Strict: a `true` is not `"true"`, a number not a string."""

    model_config = ConfigDict(strict=True, frozen=True)


class CategoryEntry(_Entry):
    mention: TextField
    meaning: TextField


class AdviceEntry(_Entry):
    low: Template
    medium: Template
    high: Template


class LengthPhrases(_Entry):
    """The phrases of a length verdict (`legal.LengthWording`); its list conjunctions are the wording's own."""

    overall: Template
    barrel: Template
    measured: Template
    above: Template
    not_above: Template
    below: Template
    not_below: Template
    too_close: Template
    decided: Template
    open: Template
    undecided: Template


class WordingEntry(_Entry):
    or_list: Template
    and_list: Template
    undetermined: Template
    low_confidence: Template
    advice: AdviceEntry
    lengths: LengthPhrases


class LimitEntry(_Entry):
    length: Literal["overall", "barrel"]
    above: Annotated[float, Field(gt=0)] | None = None
    below: Annotated[float, Field(gt=0)] | None = None

    @model_validator(mode="after")
    def _one_side(self) -> LimitEntry:
        if (self.above is None) == (self.below is None):
            raise ValueError("needs exactly one of 'above' or 'below'")
        return self


class OutcomeEntry(_Entry):
    categories: Categories
    when: Literal["all", "any"]
    limits: Annotated[list[LimitEntry], AfterValidator(_non_empty)]


class LengthRuleEntry(_Entry):
    outcomes: list[OutcomeEntry]
    otherwise: Categories
    unmeasured: Categories
    settle: TextField


class VariantEntry(_Entry):
    key: str
    label: TextField
    hint: TextField
    steps: Annotated[Texts, AfterValidator(_non_empty)]


class NoGuideEntry(_Entry):
    key: str
    label: TextField
    hint: TextField
    expert_reason: TextField


class SecuringEntry(_Entry):
    available: bool
    expert_reason: TextField | None
    variants: list[VariantEntry]
    no_guide: list[NoGuideEntry] = []

    @model_validator(mode="after")
    def _guide_or_expert(self) -> SecuringEntry:
        if self.available and (not self.variants or self.expert_reason is not None):
            raise ValueError("an available guide needs variants and no expert_reason")
        if not self.available and (self.variants or self.expert_reason is None):
            raise ValueError("without a guide, give an expert_reason and no variants")
        keys = [variant.key for variant in self.variants] + [variant.key for variant in self.no_guide]
        if len(set(keys)) != len(keys):
            raise ValueError(f"variant keys must be distinct: {keys}")
        return self


class TypologyEntry(_Entry):
    key: str
    label: TextField
    description: TextField
    categories: Categories
    length_rule: str | None
    category_note: TextField | None
    settle: Texts
    other_factors: Texts
    replica_check: bool
    alarm_check: bool
    measured: bool
    securing: SecuringEntry


class CatalogFile(_Entry):
    notice: TextField
    categories: dict[str, CategoryEntry]
    length_rules: dict[str, LengthRuleEntry]
    wording: WordingEntry
    securing_common_steps: Annotated[Texts, AfterValidator(_non_empty)]
    securing_stop: TextField
    typologies: list[TypologyEntry]

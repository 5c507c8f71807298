"""The legal catalog's data model: the 12 typologies, the legal categories, the length rules, the securing guides.

All of it is expert-owned data in `basegun/data/typologies.json`, read and checked once by `catalog_file.py`.
The catalog answers lookups; `resolve` gives, in one object, everything it says about a typology at a confidence
level, from which `answer.py` writes the legal answer shown to the user.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from basegun.catalog.lengths import LengthRule, LengthVerdict
from basegun.catalog.texts import Text, join, same
from basegun.errors import InvalidRequest, NotFound

__all__ = ["CONFIDENCE_LEVELS", "Catalog", "Resolved", "Securing", "SecuringVariant", "Text", "Typology", "Wording"]

CONFIDENCE_LEVELS = ("low", "medium", "high")


@dataclass(frozen=True)
class SecuringVariant:
    """One way of making a typology safe, picked by what the user sees (`hint`); its own steps only."""

    key: str
    label: Text
    hint: Text
    steps: tuple[Text, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "hint": self.hint, "steps": list(self.steps)}


@dataclass(frozen=True)
class NoGuideVariant:
    """A variant the user may recognise that has no safe guide (a black-powder revolver): call an expert."""

    key: str
    label: Text
    hint: Text
    expert_reason: Text

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "hint": self.hint, "expert_reason": self.expert_reason}


@dataclass(frozen=True)
class Securing:
    """A typology's securing guide, or the reason there is none."""

    available: bool
    expert_reason: Text | None
    variants: tuple[SecuringVariant, ...]
    no_guide: tuple[NoGuideVariant, ...] = ()


@dataclass(frozen=True)
class Typology:
    """One of the typology model's classes, with everything the legal answer and the next steps need."""

    key: str
    label: Text
    description: Text
    categories: tuple[str, ...]
    length_rule: str | None
    category_note: Text | None
    settle: tuple[Text, ...]
    other_factors: tuple[Text, ...]
    replica_check: bool
    alarm_check: bool
    measured: bool
    securing: Securing

    def next_steps(self) -> list[str]:
        """What the user can do next, in order: make it safe, check for a replica, an alarm gun, measure."""
        steps = ["securing_guide" if self.securing.available else "expert_securing"]
        flags = {
            "replica_check": self.replica_check,
            "alarm_check": self.alarm_check,
            "measurement": self.measured,
        }
        return steps + [step for step, wanted in flags.items() if wanted]


@dataclass(frozen=True)
class Wording:
    """The phrases of a legal answer (from the data file's `wording`)."""

    or_list: Text  # {head} {last}
    undetermined: Text
    low_confidence: Text
    advice: dict[str, Text]  # by confidence level


@dataclass(frozen=True)
class Resolved:
    """What the catalog says of one typology at one confidence level (lengths narrowing the categories, if given):
    everything the answer-maker needs, asked for once."""

    typology: Typology
    level: str
    categories: tuple[str, ...]
    category_text: Text
    mentions: list[dict[str, Any]]
    explanation: Text | None
    settle: list[Text]
    notice: Text
    wording: Wording

    @property
    def advice(self) -> Text:
        return self.wording.advice[self.level]


class Catalog:
    """The checked contents of the catalog file; read it once with `catalog_file.load_catalog()`."""

    def __init__(
        self,
        *,
        path: Path,
        notice: Text,
        categories: dict[str, dict[str, Text]],
        length_rules: dict[str, LengthRule],
        wording: Wording,
        securing_common_steps: tuple[Text, ...],
        securing_stop: Text,
        typologies: tuple[Typology, ...],
    ) -> None:
        self.path = path
        self.notice = notice
        self._categories = categories
        self._length_rules = length_rules
        self.wording = wording
        self.securing_common_steps = securing_common_steps
        self.securing_stop = securing_stop
        self._typologies = {typology.key: typology for typology in typologies}

    @property
    def keys(self) -> tuple[str, ...]:
        """The typology keys, in the model's class order."""
        return tuple(self._typologies)

    def require_classes(self, classes: Iterable[str]) -> None:
        """Refuse a typology model whose classes are not the catalog's, in the same order."""
        classes = tuple(classes)
        if classes != self.keys:
            raise ValueError(
                f"{self.path}: the model's classes {list(classes)} are not the catalog's {list(self.keys)}"
            )

    def typologies(self) -> list[Typology]:
        return list(self._typologies.values())

    def get(self, key: str) -> Typology:
        try:
            return self._typologies[key]
        except KeyError:
            raise NotFound(f"unknown typology: {key}", code="unknown_typology") from None

    def resolve(self, key: str, level: str, lengths: LengthVerdict | None = None) -> Resolved:
        """A typology at a confidence level; measured lengths, when given, narrow its categories."""
        if level not in CONFIDENCE_LEVELS:
            raise ValueError(f"confidence level must be one of {CONFIDENCE_LEVELS}, not {level!r}")
        typology = self.get(key)
        if lengths is not None and typology.length_rule is None:
            raise InvalidRequest(f"the typology {key} is not classified by its lengths", code="not_measured")
        categories = lengths.categories if lengths is not None else typology.categories
        return Resolved(
            typology=typology,
            level=level,
            categories=categories,
            category_text=self.category_text(categories),
            mentions=self.mentions(categories),
            explanation=lengths.reason if lengths is not None else typology.category_note,
            settle=self.settle(typology, lengths) if len(categories) > 1 else [],
            notice=self.notice,
            wording=self.wording,
        )

    def category(self, key: str) -> dict[str, Text]:
        """A legal category's French mention and what it means for the holder."""
        try:
            return dict(self._categories[key])
        except KeyError:
            raise NotFound(f"unknown legal category: {key}", code="unknown_category") from None

    def length_rule(self, key: str) -> LengthRule:
        return self._length_rules[key]

    def category_text(self, categories: Iterable[str]) -> Text:
        """'B', 'B ou C' / 'B or C'."""
        return join([same(category) for category in categories], self.wording.or_list)

    def mentions(self, categories: Iterable[str]) -> list[dict[str, Any]]:
        return [{"category": category, **self.category(category)} for category in categories]

    def settle(self, typology: Typology, lengths: LengthVerdict | None) -> list[Text]:
        """What would settle an open answer: the lengths (unless a measurement already did), then the rest."""
        rule = typology.length_rule
        measure = [self._length_rules[rule].settle] if rule and not (lengths and lengths.decided) else []
        return measure + list(typology.settle)

    def typology_dict(self, typology: Typology) -> dict[str, Any]:
        """The full typology, as GET /api/v1/typologies/{key} returns it."""
        securing = typology.securing
        return {
            "key": typology.key,
            "label": typology.label,
            "description": typology.description,
            "categories": list(typology.categories),
            "category_text": self.category_text(typology.categories),
            "mentions": self.mentions(typology.categories),
            "category_note": typology.category_note,
            "settle": self.settle(typology, lengths=None),
            "other_factors": list(typology.other_factors),
            "length_rule": typology.length_rule,
            "replica_check": typology.replica_check,
            "alarm_check": typology.alarm_check,
            "measured": typology.measured,
            "next_steps": typology.next_steps(),
            "securing": {
                "available": securing.available,
                "expert_reason": securing.expert_reason,
                "common_steps": list(self.securing_common_steps),
                "stop": self.securing_stop,
                "variants": [variant.to_dict() for variant in securing.variants],
                "no_guide": [variant.to_dict() for variant in securing.no_guide],
            },
        }

    def to_dict(self) -> dict[str, Any]:
        """The whole catalog, as GET /api/v1/typologies returns it."""
        return {
            "notice": self.notice,
            "categories": {key: self.category(key) for key in self._categories},
            "typologies": [self.typology_dict(typology) for typology in self.typologies()],
            # What an answer says by confidence level: the web app words an answer made offline the same way.
            "answer_wording": {
                "advice": self.wording.advice,
                "undetermined": self.wording.undetermined,
                "low_confidence": self.wording.low_confidence,
            },
        }

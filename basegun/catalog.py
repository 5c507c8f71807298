"""The legal catalog: the 12 typologies, the legal categories, the length rules, the securing guides.

All of it is expert-owned data in `basegun/data/typologies.json`; this module reads and checks it once, and
turns a typology and a confidence level (and, for long guns, measured lengths) into the legal answer shown
to the user. A broken file is refused at load time with a message naming the file and the problem's place.
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, NoReturn

from basegun.errors import InvalidRequest, NotFound
from basegun.legal import (
    LANGUAGES,
    LENGTHS,
    LengthRule,
    LengthVerdict,
    LengthWording,
    Limit,
    Outcome,
    Text,
    join,
    same,
)

__all__ = ["CONFIDENCE_LEVELS", "DEFAULT_PATH", "Catalog", "Securing", "SecuringVariant", "Text", "Typology"]

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "typologies.json"
TYPOLOGY_COUNT = 12  # the typology model's classes
CONFIDENCE_LEVELS = ("low", "medium", "high")
CATEGORIES = ("A", "B", "C", "D", "not_classified")  # the French legal categories, and airsoft replicas


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

    def to_dict(self, catalog: Catalog) -> dict[str, Any]:
        """The full typology, as GET /api/v1/typologies/{key} returns it."""
        securing = self.securing
        return {
            "key": self.key,
            "label": self.label,
            "description": self.description,
            "categories": list(self.categories),
            "category_text": catalog.category_text(self.categories),
            "mentions": catalog.mentions(self.categories),
            "category_note": self.category_note,
            "settle": catalog.settle(self, lengths=None),
            "other_factors": list(self.other_factors),
            "length_rule": self.length_rule,
            "replica_check": self.replica_check,
            "alarm_check": self.alarm_check,
            "measured": self.measured,
            "next_steps": self.next_steps(),
            "securing": {
                "available": securing.available,
                "expert_reason": securing.expert_reason,
                "common_steps": list(catalog.securing_common_steps),
                "stop": catalog.securing_stop,
                "variants": [variant.to_dict() for variant in securing.variants],
                "no_guide": [variant.to_dict() for variant in securing.no_guide],
            },
        }


class Catalog:
    """The checked contents of the catalog file; load it once with `Catalog.load()`."""

    def __init__(
        self,
        *,
        path: Path,
        notice: Text,
        categories: dict[str, dict[str, Text]],
        length_rules: dict[str, LengthRule],
        wording: dict[str, Any],
        securing_common_steps: tuple[Text, ...],
        securing_stop: Text,
        typologies: tuple[Typology, ...],
    ) -> None:
        self.path = path
        self.notice = notice
        self._categories = categories
        self._length_rules = length_rules
        self._wording = wording
        self.securing_common_steps = securing_common_steps
        self.securing_stop = securing_stop
        self._typologies = {typology.key: typology for typology in typologies}

    @classmethod
    def load(cls, path: Path | None = None) -> Catalog:
        """Read and check the catalog (default: the packaged file); a problem is a ValueError naming it."""
        return _Reader(path or DEFAULT_PATH).catalog()

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
        return join([same(category) for category in categories], self._wording["or_list"])

    def mentions(self, categories: Iterable[str]) -> list[dict[str, Any]]:
        return [{"category": category, **self.category(category)} for category in categories]

    def settle(self, typology: Typology, lengths: LengthVerdict | None) -> list[Text]:
        """What would settle an open answer: the lengths (unless a measurement already did), then the rest."""
        rule = typology.length_rule
        measure = [self._length_rules[rule].settle] if rule and not (lengths and lengths.decided) else []
        return measure + list(typology.settle)

    def legal_answer(self, key: str, confidence_level: str, lengths: LengthVerdict | None = None) -> dict[str, Any]:
        """The JSON-ready `legal` object of an identification.

        Low confidence asserts nothing; medium and high give the typology's categories, narrowed by measured
        lengths when a length verdict is given. The information-only notice is on every answer.
        """
        if confidence_level not in CONFIDENCE_LEVELS:
            raise ValueError(f"confidence level must be one of {CONFIDENCE_LEVELS}, not {confidence_level!r}")
        typology = self.get(key)
        advice = self._wording["advice"][confidence_level]
        if confidence_level == "low":
            return {
                "asserted": False,
                "categories": [],
                "category_text": self._wording["undetermined"],
                "mentions": [],
                "explanation": self._wording["low_confidence"],
                "settle": [],
                "other_factors": [],
                "length_rule": None,
                "notice": self.notice,
                "advice": advice,
            }
        if lengths is not None and typology.length_rule is None:
            raise InvalidRequest(f"the typology {key} is not classified by its lengths", code="not_measured")
        categories = lengths.categories if lengths is not None else typology.categories
        return {
            "asserted": True,
            "categories": list(categories),
            "category_text": self.category_text(categories),
            "mentions": self.mentions(categories),
            "explanation": lengths.reason if lengths is not None else typology.category_note,
            "settle": self.settle(typology, lengths) if len(categories) > 1 else [],
            "other_factors": list(typology.other_factors),
            "length_rule": typology.length_rule,
            "notice": self.notice,
            "advice": advice,
        }

    def to_dict(self) -> dict[str, Any]:
        """The whole catalog, as GET /api/v1/typologies returns it."""
        return {
            "notice": self.notice,
            "categories": {key: self.category(key) for key in self._categories},
            "typologies": [typology.to_dict(self) for typology in self.typologies()],
        }


class _Reader:
    """Reads and checks the catalog file; every problem names the file and where in it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, problem: str) -> NoReturn:
        raise ValueError(f"{self.path}: {where}: {problem}")

    def catalog(self) -> Catalog:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ValueError(f"{self.path}: unreadable catalog: {exc}") from exc
        if not isinstance(data, dict):
            self.fail("top level", "expected an object")
        categories = {
            key: {
                "mention": self.text(value, "mention", f"categories.{key}"),
                "meaning": self.text(value, "meaning", f"categories.{key}"),
            }
            for key, value in self.get(data, "categories", "top level", dict).items()
        }
        if missing := [key for key in CATEGORIES if key not in categories]:
            self.fail("categories", f"missing {missing}")
        wording = self.wording(self.get(data, "wording", "top level", dict))
        rules = {
            key: self.length_rule(key, value, set(categories), wording)
            for key, value in self.get(data, "length_rules", "top level", dict).items()
        }
        items = self.get(data, "typologies", "top level", list)
        typologies = tuple(
            self.typology(item, f"typologies[{i}]", set(categories), rules) for i, item in enumerate(items)
        )
        keys = [typology.key for typology in typologies]
        if len(keys) != TYPOLOGY_COUNT or len(set(keys)) != len(keys):
            self.fail("typologies", f"expected {TYPOLOGY_COUNT} distinct typologies, found {keys}")
        return Catalog(
            path=self.path,
            notice=self.text(data, "notice", "top level"),
            categories=categories,
            length_rules=rules,
            wording={key: value for key, value in wording.items() if key != "lengths"},
            securing_common_steps=self.texts(data, "securing_common_steps", "top level", non_empty=True),
            securing_stop=self.text(data, "securing_stop", "top level"),
            typologies=typologies,
        )

    # Plain values

    def get(self, obj: Any, key: str, where: str, kind: type | None = None) -> Any:
        if not isinstance(obj, dict) or key not in obj:
            self.fail(where, f"missing '{key}'")
        value = obj[key]
        if kind is not None and not isinstance(value, kind):
            self.fail(f"{where}.{key}", f"expected {kind.__name__}, got {type(value).__name__}")
        return value

    def as_text(self, value: Any, where: str) -> Text:
        if not isinstance(value, dict):
            self.fail(where, "expected a text {fr, en}")
        for lang in LANGUAGES:
            if not isinstance(value.get(lang), str) or not value[lang].strip():
                self.fail(where, f"missing '{lang}' text")
        if extra := sorted(set(value) - set(LANGUAGES)):
            self.fail(where, f"unexpected languages {extra}")
        return {lang: value[lang] for lang in LANGUAGES}

    def text(self, obj: Any, key: str, where: str) -> Text:
        return self.as_text(self.get(obj, key, where), f"{where}.{key}")

    def optional_text(self, obj: Any, key: str, where: str) -> Text | None:
        return None if self.get(obj, key, where) is None else self.text(obj, key, where)

    def texts(self, obj: Any, key: str, where: str, non_empty: bool = False) -> tuple[Text, ...]:
        items = self.get(obj, key, where, list)
        if non_empty and not items:
            self.fail(f"{where}.{key}", "must not be empty")
        return tuple(self.as_text(item, f"{where}.{key}[{i}]") for i, item in enumerate(items))

    def categories(self, obj: Any, key: str, where: str, known: set[str]) -> tuple[str, ...]:
        values = self.get(obj, key, where, list)
        if not values:
            self.fail(f"{where}.{key}", "must not be empty")
        for value in values:
            if value not in known:
                self.fail(f"{where}.{key}", f"unknown category '{value}' (known: {sorted(known)})")
        return tuple(values)

    def template(self, value: Any, where: str) -> Text:
        """A text whose French and English name the same `{placeholders}`."""
        text = self.as_text(value, where)
        names = [{name for _, name, _, _ in string.Formatter().parse(text[lang]) if name} for lang in LANGUAGES]
        if any(other != names[0] for other in names[1:]):
            self.fail(where, f"the languages use different placeholders: {dict(zip(LANGUAGES, names, strict=True))}")
        return text

    # Sections

    def wording(self, data: dict[str, Any]) -> dict[str, Any]:
        where = "wording"
        lengths = self.get(data, "lengths", where, dict)
        advice = self.get(data, "advice", where, dict)
        return {
            **{
                key: self.template(self.get(data, key, where), f"{where}.{key}")
                for key in ("or_list", "and_list", "undetermined", "low_confidence")
            },
            "advice": {
                level: self.template(self.get(advice, level, f"{where}.advice"), f"{where}.advice.{level}")
                for level in CONFIDENCE_LEVELS
            },
            "lengths": {
                f.name: self.template(self.get(lengths, f.name, f"{where}.lengths"), f"{where}.lengths.{f.name}")
                for f in fields(LengthWording)
                if f.name not in ("and_list", "or_list")
            },
        }

    def length_rule(self, key: str, data: Any, known: set[str], wording: dict[str, Any]) -> LengthRule:
        where = f"length_rules.{key}"
        outcomes = []
        for i, item in enumerate(self.get(data, "outcomes", where, list)):
            at = f"{where}.outcomes[{i}]"
            when = self.get(item, "when", at)
            if when not in ("all", "any"):
                self.fail(f"{at}.when", f"expected 'all' or 'any', not {when!r}")
            limits = tuple(
                self.limit(limit, f"{at}.limits[{j}]") for j, limit in enumerate(self.get(item, "limits", at, list))
            )
            if not limits:
                self.fail(f"{at}.limits", "must not be empty")
            outcomes.append(
                Outcome(categories=self.categories(item, "categories", at, known), when=when, limits=limits)
            )
        return LengthRule(
            key=key,
            outcomes=tuple(outcomes),
            otherwise=self.categories(data, "otherwise", where, known),
            unmeasured=self.categories(data, "unmeasured", where, known),
            settle=self.text(data, "settle", where),
            wording=LengthWording(**wording["lengths"], and_list=wording["and_list"], or_list=wording["or_list"]),
        )

    def limit(self, data: Any, where: str) -> Limit:
        length = self.get(data, "length", where)
        if length not in LENGTHS:
            self.fail(f"{where}.length", f"expected one of {LENGTHS}, not {length!r}")
        sides = [side for side in ("above", "below") if isinstance(data, dict) and side in data]
        if len(sides) != 1:
            self.fail(where, "needs exactly one of 'above' or 'below'")
        cm = data[sides[0]]
        if isinstance(cm, bool) or not isinstance(cm, int | float) or cm <= 0:
            self.fail(f"{where}.{sides[0]}", f"expected a positive number of centimetres, not {cm!r}")
        return Limit(length=length, side=sides[0], cm=float(cm))

    def typology(self, data: Any, where: str, known: set[str], rules: dict[str, LengthRule]) -> Typology:
        key = self.get(data, "key", where, str)
        where = f"{where} ({key})"
        categories = self.categories(data, "categories", where, known)
        rule_key = self.get(data, "length_rule", where)
        if rule_key is not None and rule_key not in rules:
            self.fail(f"{where}.length_rule", f"unknown length rule {rule_key!r} (known: {sorted(rules)})")
        typology = Typology(
            key=key,
            label=self.text(data, "label", where),
            description=self.text(data, "description", where),
            categories=categories,
            length_rule=rule_key,
            category_note=self.optional_text(data, "category_note", where),
            settle=self.texts(data, "settle", where),
            other_factors=self.texts(data, "other_factors", where),
            replica_check=self.get(data, "replica_check", where, bool),
            alarm_check=self.get(data, "alarm_check", where, bool),
            measured=self.get(data, "measured", where, bool),
            securing=self.securing(self.get(data, "securing", where, dict), f"{where}.securing"),
        )
        self.check_typology(typology, rules, where)
        return typology

    def check_typology(self, typology: Typology, rules: dict[str, LengthRule], where: str) -> None:
        """The rules that tie a typology's fields together, so that the data cannot contradict itself."""
        rule = rules.get(typology.length_rule or "")
        if typology.measured != (rule is not None):
            self.fail(f"{where}.measured", "must be true exactly when a length rule applies")
        if rule is not None and not rule.categories <= set(typology.categories):
            self.fail(
                f"{where}.categories",
                f"must include every category rule {rule.key} can give: {sorted(rule.categories)}",
            )
        if rule is not None and set(rule.unmeasured) != set(typology.categories):
            self.fail(f"{where}.categories", f"must be rule {rule.key}'s unmeasured set {list(rule.unmeasured)}")
        open_answer = len(typology.categories) > 1
        if open_answer and typology.category_note is None:
            self.fail(f"{where}.category_note", "must say why the answer is open")
        if open_answer and not (typology.settle or rule):
            self.fail(f"{where}.settle", "must say what would settle an open answer")
        if not open_answer and typology.settle:
            self.fail(f"{where}.settle", "must be empty when the answer is a single category")
        if typology.alarm_check and "C" not in typology.categories:
            self.fail(f"{where}.alarm_check", "a listed alarm gun is category C, which the typology does not list")

    def securing(self, data: dict[str, Any], where: str) -> Securing:
        available = self.get(data, "available", where, bool)
        expert_reason = self.optional_text(data, "expert_reason", where)
        variants = tuple(
            self.variant(item, f"{where}.variants[{i}]")
            for i, item in enumerate(self.get(data, "variants", where, list))
        )
        no_guide = tuple(
            NoGuideVariant(
                key=self.get(item, "key", f"{where}.no_guide[{i}]", str),
                label=self.text(item, "label", f"{where}.no_guide[{i}]"),
                hint=self.text(item, "hint", f"{where}.no_guide[{i}]"),
                expert_reason=self.text(item, "expert_reason", f"{where}.no_guide[{i}]"),
            )
            for i, item in enumerate(data.get("no_guide", []))
        )
        if available and (not variants or expert_reason is not None):
            self.fail(where, "an available guide needs variants and no expert_reason")
        if not available and (variants or expert_reason is None):
            self.fail(where, "without a guide, give an expert_reason and no variants")
        keys = [variant.key for variant in (*variants, *no_guide)]
        if len(set(keys)) != len(keys):
            self.fail(where, f"variant keys must be distinct: {keys}")
        return Securing(available=available, expert_reason=expert_reason, variants=variants, no_guide=no_guide)

    def variant(self, data: Any, where: str) -> SecuringVariant:
        return SecuringVariant(
            key=self.get(data, "key", where, str),
            label=self.text(data, "label", where),
            hint=self.text(data, "hint", where),
            steps=self.texts(data, "steps", where, non_empty=True),
        )

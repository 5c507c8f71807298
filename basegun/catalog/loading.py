"""Reading the catalog file, `basegun/data/typologies.json`: its shape checked by the pydantic models of
`catalog_schema.py`, then the rules that tie its parts together, so that the expert-owned data cannot contradict
itself; the result is the catalog's data model (`catalog.py`).

A broken file is refused at load time with one message naming the file and the problem's place in it, such as
`typologies[10] (revolver).securing.variants[1].steps[0]: missing 'en' text`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NoReturn

from pydantic import ValidationError

from basegun.catalog.file_schema import CatalogFile, LengthRuleEntry, LimitEntry, TypologyEntry
from basegun.catalog.lengths import LengthRule, LengthWording, Limit, Outcome
from basegun.catalog.texts import DATA_DIR
from basegun.catalog.typologies import (
    CONFIDENCE_LEVELS,
    Catalog,
    NoGuideVariant,
    Securing,
    SecuringVariant,
    Typology,
    Wording,
)

DEFAULT_PATH = DATA_DIR / "typologies.json"
TYPOLOGY_COUNT = 12  # the typology model's classes
CATEGORIES = ("A", "B", "C", "D", "not_classified")  # the French legal categories, and airsoft replicas


def load_catalog(path: Path | None = None) -> Catalog:
    """Read and check the catalog (default: the packaged file); a problem is a ValueError naming it."""
    return _Reader(path or DEFAULT_PATH).catalog()


class _Reader:
    """Reads and checks one catalog file; every problem names the file and where in it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, problem: str) -> NoReturn:
        raise ValueError(f"{self.path}: {where}: {problem}")

    def catalog(self) -> Catalog:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ValueError(f"{self.path}: unreadable catalog: {exc}") from exc
        try:
            file = CatalogFile.model_validate(data)
        except ValidationError as exc:
            self.fail(*_first_problem(exc, data))
        self.check(file)
        return self.build(file)

    def check(self, file: CatalogFile) -> None:
        """What the shape alone cannot say: every name refers to something defined, and the typologies agree
        with their length rules."""
        known = set(file.categories)
        if missing := [key for key in CATEGORIES if key not in known]:
            self.fail("categories", f"missing {missing}")
        for key, rule in file.length_rules.items():
            for i, outcome in enumerate(rule.outcomes):
                self.known(outcome.categories, known, f"length_rules.{key}.outcomes[{i}].categories")
            self.known(rule.otherwise, known, f"length_rules.{key}.otherwise")
            self.known(rule.unmeasured, known, f"length_rules.{key}.unmeasured")
        keys = [typology.key for typology in file.typologies]
        if len(keys) != TYPOLOGY_COUNT or len(set(keys)) != len(keys):
            self.fail("typologies", f"expected {TYPOLOGY_COUNT} distinct typologies, found {keys}")
        for i, typology in enumerate(file.typologies):
            self.check_typology(typology, file, f"typologies[{i}] ({typology.key})")

    def known(self, categories: Iterable[str], known: set[str], where: str) -> None:
        for category in categories:
            if category not in known:
                self.fail(where, f"unknown category '{category}' (known: {sorted(known)})")

    def check_typology(self, typology: TypologyEntry, file: CatalogFile, where: str) -> None:
        self.known(typology.categories, set(file.categories), f"{where}.categories")
        rule_key = typology.length_rule
        if rule_key is not None and rule_key not in file.length_rules:
            self.fail(f"{where}.length_rule", f"unknown length rule {rule_key!r} (known: {sorted(file.length_rules)})")
        rule = file.length_rules.get(rule_key or "")
        if typology.measured != (rule is not None):
            self.fail(f"{where}.measured", "must be true exactly when a length rule applies")
        if rule is not None:
            given = {c for outcome in rule.outcomes for c in outcome.categories} | {*rule.otherwise, *rule.unmeasured}
            if not given <= set(typology.categories):
                self.fail(
                    f"{where}.categories", f"must include every category rule {rule_key} can give: {sorted(given)}"
                )
            if set(rule.unmeasured) != set(typology.categories):
                self.fail(f"{where}.categories", f"must be rule {rule_key}'s unmeasured set {rule.unmeasured}")
        open_answer = len(typology.categories) > 1
        if open_answer and typology.category_note is None:
            self.fail(f"{where}.category_note", "must say why the answer is open")
        if open_answer and not (typology.settle or rule):
            self.fail(f"{where}.settle", "must say what would settle an open answer")
        if not open_answer and typology.settle:
            self.fail(f"{where}.settle", "must be empty when the answer is a single category")
        if typology.alarm_check and "C" not in typology.categories:
            self.fail(f"{where}.alarm_check", "a listed alarm gun is category C, which the typology does not list")

    def build(self, file: CatalogFile) -> Catalog:
        """The checked file as the catalog's data model."""
        wording = file.wording
        phrases = LengthWording(**wording.lengths.model_dump(), and_list=wording.and_list, or_list=wording.or_list)
        rules = {key: _length_rule(key, rule, phrases) for key, rule in file.length_rules.items()}
        return Catalog(
            path=self.path,
            notice=file.notice,
            categories={key: {"mention": c.mention, "meaning": c.meaning} for key, c in file.categories.items()},
            length_rules=rules,
            wording=Wording(
                or_list=wording.or_list,
                undetermined=wording.undetermined,
                low_confidence=wording.low_confidence,
                advice={level: getattr(wording.advice, level) for level in CONFIDENCE_LEVELS},
            ),
            securing_common_steps=tuple(file.securing_common_steps),
            securing_stop=file.securing_stop,
            typologies=tuple(_typology(typology) for typology in file.typologies),
        )


def _length_rule(key: str, rule: LengthRuleEntry, wording: LengthWording) -> LengthRule:
    def limit(item: LimitEntry) -> Limit:
        if item.above is not None:
            return Limit(length=item.length, side="above", cm=float(item.above))
        assert item.below is not None  # LimitEntry holds exactly one side
        return Limit(length=item.length, side="below", cm=float(item.below))

    return LengthRule(
        key=key,
        outcomes=tuple(
            Outcome(categories=tuple(o.categories), when=o.when, limits=tuple(limit(x) for x in o.limits))
            for o in rule.outcomes
        ),
        otherwise=tuple(rule.otherwise),
        unmeasured=tuple(rule.unmeasured),
        settle=rule.settle,
        wording=wording,
    )


def _typology(item: TypologyEntry) -> Typology:
    securing = item.securing
    return Typology(
        key=item.key,
        label=item.label,
        description=item.description,
        categories=tuple(item.categories),
        length_rule=item.length_rule,
        category_note=item.category_note,
        settle=tuple(item.settle),
        other_factors=tuple(item.other_factors),
        replica_check=item.replica_check,
        alarm_check=item.alarm_check,
        measured=item.measured,
        securing=Securing(
            available=securing.available,
            expert_reason=securing.expert_reason,
            variants=tuple(
                SecuringVariant(key=v.key, label=v.label, hint=v.hint, steps=tuple(v.steps)) for v in securing.variants
            ),
            no_guide=tuple(
                NoGuideVariant(key=v.key, label=v.label, hint=v.hint, expert_reason=v.expert_reason)
                for v in securing.no_guide
            ),
        ),
    )


def _first_problem(error: ValidationError, data: Any) -> tuple[str, str]:
    """The first problem pydantic found, as (where, what): `typologies[2] (epaule_a_pompe).categories`, with the
    typology's key beside its index, and a missing field reported at its parent."""
    problem = error.errors()[0]
    loc = tuple(problem["loc"])
    if problem["type"] == "missing":
        loc, what = loc[:-1], f"missing '{loc[-1]}'"
    elif problem["type"] == "value_error":
        what = str(problem["ctx"]["error"])
    else:
        what = problem["msg"]
    where = ""
    for i, part in enumerate(loc):
        if isinstance(part, int):
            where += f"[{part}]"
            if loc[:i] == ("typologies",) and isinstance(key := _key_of(data, part), str):
                where += f" ({key})"
        else:
            where += f".{part}" if where else str(part)
    return where or "top level", what


def _key_of(data: Any, index: int) -> Any:
    items = data.get("typologies") if isinstance(data, dict) else None
    item = items[index] if isinstance(items, list) and index < len(items) else None
    return item.get("key") if isinstance(item, dict) else None

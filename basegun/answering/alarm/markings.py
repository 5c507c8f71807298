"""Markings of alarm guns, listed alarm models and airsoft replicas: rules from data files, matched in OCR text.

Rules live in `basegun/data/alarm_markings.json` and `basegun/data/airsoft_markings.json`, which the experts own; each
rule is a set of terms that must all be found in the text read (see `basegun/answering/alarm/terms.py` for how a term
matches).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from basegun.answering.alarm.terms import Hit, Line, Name, Term, parse_term
from basegun.catalog.texts import DATA_DIR


@dataclass(frozen=True)
class Rule:
    """One marking: every term must be found (in any line); any `unless` term found vetoes it."""

    label: dict[str, str | None]
    terms: tuple[Term, ...]
    unless: tuple[Term, ...] = ()

    @property
    def name(self) -> str:
        return " ".join(v for v in self.label.values() if v)

    def match(self, lines: list[Line], glued_prefixes: tuple[str, ...]) -> RuleMatch | None:
        """Each term's best hit (fewest confusables), or None when a term is missing; a code may be glued to a name."""
        names = [t for t in self.terms if isinstance(t, Name)]
        anchors = [tuple(hit for name in names for hit in name.find(line)) for line in lines]
        found: list[tuple[Term, int, Hit]] = []
        for term in self.terms:
            hits = [
                (index, hit)
                for index, line in enumerate(lines)
                for hit in term.find(line, glued_prefixes, anchors[index])
            ]
            if not hits:
                return None
            index, hit = min(hits, key=lambda h: h[1].differences)
            found.append((term, index, hit))
        veto = next((term for term in self.unless if any(term.find(line, glued_prefixes) for line in lines)), None)
        return RuleMatch(self, tuple(found), veto)


@dataclass(frozen=True)
class RuleMatch:
    rule: Rule
    found: tuple[tuple[Term, int, Hit], ...]
    vetoed_by: Term | None = None

    @property
    def differences(self) -> int:
        return sum(hit.differences for _, _, hit in self.found)

    @property
    def matched(self) -> int:
        return sum(hit.end - hit.start for _, _, hit in self.found)

    def to_dict(self) -> dict[str, Any]:
        evidence: dict[str, Any] = {
            **self.rule.label,
            "rule": self.rule.name,
            "found": [{"term": term.text, "read": hit.read, "line": index} for term, index, hit in self.found],
        }
        if self.vetoed_by is not None:
            evidence["vetoed_by"] = self.vetoed_by.text
        return evidence


@dataclass(frozen=True)
class RuleSet:
    """Rules in priority order, and the prefixes a code may be glued to."""

    rules: tuple[Rule, ...]
    glued_prefixes: tuple[str, ...]

    def matches(self, lines: list[Line]) -> list[RuleMatch]:
        """Every rule found, best first: the most specific (most characters matched, so "BLOW F92 AUTO" before
        "92 AUTO"), then the fewest characters read as a confusable, then the data file's order."""
        found = [m for rule in self.rules if (m := rule.match(lines, self.glued_prefixes)) is not None]
        order = {id(rule): i for i, rule in enumerate(self.rules)}
        return sorted(found, key=lambda m: (-m.matched, m.differences, order[id(m.rule)]))


@dataclass(frozen=True)
class Findings:
    listed_models: list[RuleMatch]
    blank_firing_marks: list[RuleMatch]
    airsoft_markings: list[RuleMatch]
    vetoed: list[RuleMatch]


@dataclass(frozen=True)
class MarkingRules:
    """The alarm-gun and airsoft rule sets, loaded once from the data files."""

    listed_models: RuleSet
    blank_firing_marks: RuleSet
    airsoft_markings: RuleSet

    @classmethod
    def load(cls, data_dir: Path = DATA_DIR) -> MarkingRules:
        alarm = json.loads((data_dir / "alarm_markings.json").read_text(encoding="utf-8"))
        airsoft = json.loads((data_dir / "airsoft_markings.json").read_text(encoding="utf-8"))
        alarm_glue = tuple(alarm.get("glued_prefixes", ()))
        listed = tuple(_listed_model(spec) for spec in alarm["listed_models"])
        marks = tuple(_rule({"mark": spec["mark"]}, spec) for spec in alarm["blank_firing_marks"])
        replica = tuple(_rule({"marking": spec["marking"]}, spec) for spec in airsoft["markings"])
        return cls(
            RuleSet(listed, alarm_glue),
            RuleSet(marks, alarm_glue),
            RuleSet(replica, tuple(airsoft.get("glued_prefixes", ()))),
        )

    def find(self, texts: list[str]) -> Findings:
        lines = [Line.of(text) for text in texts]
        listed = self.listed_models.matches(lines)
        return Findings(
            listed_models=[m for m in listed if m.vetoed_by is None],
            blank_firing_marks=[m for m in self.blank_firing_marks.matches(lines) if m.vetoed_by is None],
            airsoft_markings=[m for m in self.airsoft_markings.matches(lines) if m.vetoed_by is None],
            vetoed=[m for m in listed if m.vetoed_by is not None],
        )


def _rule(label: dict[str, str | None], spec: dict[str, Any]) -> Rule:
    return Rule(
        label=label,
        terms=tuple(parse_term(t) for t in spec["terms"]),
        unless=tuple(parse_term(t) for t in spec.get("unless", ())),
    )


def _listed_model(spec: dict[str, Any]) -> Rule:
    """A listed model: by default its maker's name (if any) and its model code."""
    if "terms" not in spec:
        terms = ([{"name": spec["maker"]}] if spec["maker"] else []) + [{"code": spec["model"]}]
        spec = {**spec, "terms": terms}
    return _rule({"maker": spec["maker"], "model": spec["model"]}, spec)

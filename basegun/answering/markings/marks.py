"""Proof and approval marks other than the calibre (`basegun/data/proof_marks.json`): blank-firing approvals, proof
houses, black powder; found with the alarm check's terms."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from basegun.answering.alarm.terms import Hit, Line, Term, parse_term
from basegun.answering.markings.makers import accept
from basegun.answering.markings.result import MarkKind
from basegun.catalog.texts import DATA_DIR

GLUED_PREFIXES = ("MM",)  # "9MMPAK": the calibre's unit glued to the mark


@dataclass(frozen=True)
class MarkRule:
    kind: MarkKind
    value: str  # '#' is the number read (P.T.B. 123)
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class MarkBook:
    rules: tuple[MarkRule, ...]

    @classmethod
    def load(cls, path: Path = DATA_DIR / "proof_marks.json") -> MarkBook:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            tuple(
                MarkRule(spec["kind"], spec["value"], tuple(parse_term(t) for t in spec["terms"]))
                for spec in data["marks"]
            )
        )

    def find(self, line: Line) -> list[tuple[MarkRule, Term, Hit]]:
        """Each rule's hits in the line (a rule of one term each)."""
        return [
            (rule, term, hit)
            for rule in self.rules
            for term in rule.terms
            for hit in term.find(line, GLUED_PREFIXES)
            if accept(term, hit)
        ]

"""Length rules: what a long gun's measured lengths say about its legal category, honest about error.

A rule, read from `basegun/data/typologies.json`, is an ordered list of outcomes; each gives a set of
categories when all (or any) of its limits hold. The first outcome that holds wins; when none holds, the
rule's `otherwise` set applies. Limits are strict: 75 cm is neither above nor below 75 cm, so a length
exactly on a threshold falls to `otherwise`, as the regulation's "B if L < 75 … C if L > 75" reads.

A measured length is an interval, value ± uncertainty. A limit is true or false only when the whole
interval lies on one side of its threshold, and unknown otherwise (three-valued logic). An unknown limit
that could change the outcome leaves the verdict undecided: every category still possible is kept, and the
reason says which length is too close to which threshold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from basegun.catalog.texts import LANGUAGES, Text, capitalised, fill, join, number, same

LENGTHS = ("overall", "barrel")

Length = Literal["overall", "barrel"]
Side = Literal["above", "below"]
Truth = bool | None  # None: the interval straddles the threshold


def _centimetres(value: float, uncertainty: float) -> Text:
    """'54,0 ± 4,0 cm', or '75,0 cm' when exact; one decimal, as the measurement is not finer."""
    figure = number(value, 1)
    if uncertainty > 0:
        figure = {lang: f"{figure[lang]} ± {number(uncertainty, 1)[lang]}" for lang in LANGUAGES}
    return {lang: f"{figure[lang]} cm" for lang in LANGUAGES}


@dataclass(frozen=True)
class LengthWording:
    """The phrases a length verdict is written with (from the data file's `wording.lengths`)."""

    overall: Text
    barrel: Text
    measured: Text  # {length} {value} {clauses}
    above: Text  # {threshold}
    not_above: Text
    below: Text
    not_below: Text
    too_close: Text
    decided: Text  # {categories}
    open: Text
    undecided: Text
    and_list: Text  # {head} {last}
    or_list: Text

    def clause(self, limit: Limit, truth: Truth) -> Text:
        if truth is None:
            template = self.too_close
        elif limit.side == "above":
            template = self.above if truth else self.not_above
        else:
            template = self.below if truth else self.not_below
        return fill(template, threshold={lang: f"{n} cm" for lang, n in number(limit.cm).items()})


@dataclass(frozen=True)
class Limit:
    """One strict comparison of one length with a threshold, in centimetres."""

    length: Length
    side: Side
    cm: float

    def test(self, low: float, high: float) -> Truth:
        """True or False when the whole interval [low, high] is on one side of the threshold, else None."""
        if self.side == "above":
            if low > self.cm:
                return True
            return False if high <= self.cm else None
        if high < self.cm:
            return True
        return False if low >= self.cm else None


Evidence = list[tuple[Limit, Truth]]


@dataclass(frozen=True)
class Outcome:
    """Categories that apply when all (or any) of the limits hold."""

    categories: tuple[str, ...]
    when: Literal["all", "any"]
    limits: tuple[Limit, ...]

    def evaluate(self, intervals: dict[str, tuple[float, float]]) -> tuple[Truth, Evidence]:
        """Whether the outcome holds, with the limits that make it so (or that leave it unknown)."""
        results = [(limit, limit.test(*intervals[limit.length])) for limit in self.limits]
        settling = self.when == "any"  # one true limit settles "any"; one false limit settles "all"
        if hits := [result for result in results if result[1] is settling]:
            return settling, hits
        if unknown := [result for result in results if result[1] is None]:
            return None, unknown
        return not settling, results


@dataclass(frozen=True)
class LengthRule:
    """A length rule (L, P or S in DOMAIN.md), as data."""

    key: str
    outcomes: tuple[Outcome, ...]
    otherwise: tuple[str, ...]
    unmeasured: tuple[str, ...]
    settle: Text
    wording: LengthWording = field(repr=False, compare=False)

    @property
    def categories(self) -> frozenset[str]:
        """Every category the rule can give."""
        given = {c for outcome in self.outcomes for c in outcome.categories}
        return frozenset(given | set(self.otherwise) | set(self.unmeasured))


@dataclass(frozen=True)
class LengthVerdict:
    """What measured lengths say.

    `decided` is true when the measurement is clear of every threshold that matters; the rule may still
    leave two categories (rule L between its thresholds). When it is false, `categories` keeps every
    category still possible.
    """

    categories: tuple[str, ...]
    decided: bool
    reason: Text

    def to_dict(self) -> dict[str, object]:
        return {"categories": list(self.categories), "decided": self.decided, "reason": self.reason}


def apply_length_rule(
    rule: LengthRule,
    overall_cm: float,
    barrel_cm: float,
    overall_uncertainty_cm: float,
    barrel_uncertainty_cm: float,
) -> LengthVerdict:
    """Apply a length rule to measured lengths, each taken as the interval value ± uncertainty."""
    measured = {"overall": (overall_cm, overall_uncertainty_cm), "barrel": (barrel_cm, barrel_uncertainty_cm)}
    for name, (value, uncertainty) in measured.items():
        if not (math.isfinite(value) and math.isfinite(uncertainty)) or value < 0 or uncertainty < 0:
            raise ValueError(f"{name} length and uncertainty must be finite and non-negative: {value} ± {uncertainty}")
    intervals = {name: (value - uncertainty, value + uncertainty) for name, (value, uncertainty) in measured.items()}

    possible: set[str] = set()
    unknown: Evidence = []
    rejected: Evidence = []
    for outcome in rule.outcomes:
        truth, evidence = outcome.evaluate(intervals)
        if truth is False:
            rejected += evidence
            continue
        possible.update(outcome.categories)
        if truth is None:
            unknown += evidence
            continue
        facts = evidence
        break
    else:
        possible.update(rule.otherwise)
        facts = rejected

    categories = tuple(sorted(possible))
    wording = rule.wording
    listed = join([same(c) for c in categories], wording.or_list)
    if unknown:
        conclusion = fill(wording.undecided, categories=listed)
    else:
        conclusion = fill(wording.decided if len(categories) == 1 else wording.open, categories=listed)
    sentences = [*_describe(unknown or facts, measured, wording), conclusion]
    reason = {lang: " ".join(sentence[lang] for sentence in sentences) for lang in LANGUAGES}
    return LengthVerdict(categories=categories, decided=not unknown, reason=reason)


def _describe(evidence: Evidence, measured: dict[str, tuple[float, float]], wording: LengthWording) -> list[Text]:
    """One sentence per length: its measured value and where it stands against each threshold involved."""
    sentences = []
    for name in LENGTHS:
        clauses: list[Text] = []
        for limit, truth in evidence:
            clause = wording.clause(limit, truth)
            if limit.length == name and clause not in clauses:
                clauses.append(clause)
        if clauses:
            sentence = fill(
                wording.measured,
                length=getattr(wording, name),
                value=_centimetres(*measured[name]),
                clauses=join(clauses, wording.and_list),
            )
            sentences.append(capitalised(sentence))
    return sentences

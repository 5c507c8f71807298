"""The guided replica check: a real firearm, a pellet-firing replica, a listed alarm gun, or not settled yet.

For the typologies that have a replica check, the user says what the magazine or cylinder takes. Pellets make a
replica (not classified). Cartridges do not settle it for pistols and revolvers, since alarm guns take (blank)
cartridges too: their markings decide, from an alarm check or from text the user read off the weapon. Every
verdict carries the categories it implies and every reason, and never claims more than the answers allow: when they
conflict or are missing, the verdict is `undetermined` with every category still possible.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, cast, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict

from basegun.answering.alarm.check import airsoft_names, status_of
from basegun.answering.alarm.markings import MarkingRules
from basegun.catalog.texts import DATA_DIR, LANGUAGES, CheckedText, Text, exactly, fill, load_model, same
from basegun.catalog.typologies import Catalog, Typology
from basegun.errors import InvalidRequest

Ammunition = Literal["cartridges", "pellets", "unknown"]
Verdict = Literal["real_firearm", "replica", "listed_alarm_gun", "undetermined"]
AMMUNITION: tuple[str, ...] = get_args(Ammunition)
VERDICTS: tuple[str, ...] = get_args(Verdict)
REPLICA_CATEGORY = "not_classified"
LISTED_ALARM_CATEGORY = "C"
MAX_MARKINGS_TEXT = 2000
REASONS = (
    *(f"ammunition_{answer}" for answer in AMMUNITION),
    "listed_alarm_model",
    "blank_firing_mark",
    "no_alarm_marking",
    "alarm_not_read",
    "alarm_not_checked",
    "airsoft_markings",
    "pellets_contradicted",
    "cartridges_contradicted",
)


@dataclass(frozen=True)
class Markings:
    """What a weapon's markings say, from a stored alarm check or from text the user read off the weapon."""

    source: Literal["alarm_check", "markings_text"]
    status: str  # an alarm-check status (basegun.answering.alarm.check.Status)
    listed_model: str | None = None
    airsoft_markings: tuple[str, ...] = ()
    alarm_check_id: str | None = None

    @classmethod
    def from_alarm_check(cls, answer: dict[str, Any], alarm_check_id: str) -> Markings:
        listed = answer.get("listed_model")
        name = " ".join(part for part in (listed["maker"], listed["model"]) if part) if listed else None
        return cls("alarm_check", answer["status"], name, tuple(answer.get("airsoft_markings", ())), alarm_check_id)

    @classmethod
    def from_text(cls, text: str, rules: MarkingRules) -> Markings:
        lines = [line for line in text.splitlines() if line.strip()]
        if not lines:
            return cls("markings_text", "no_text")
        findings = rules.find(lines)
        name = findings.listed_models[0].rule.name if findings.listed_models else None
        return cls("markings_text", status_of(findings), name, tuple(airsoft_names(findings)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "alarm_check_id": self.alarm_check_id,
            "status": self.status,
            "listed_model": self.listed_model,
            "airsoft_markings": list(self.airsoft_markings),
        }


@dataclass(frozen=True)
class Reason:
    key: str
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    categories: tuple[str, ...]
    reasons: tuple[Reason, ...]


def decide(typology: Typology, ammunition: Ammunition, markings: Markings | None) -> Decision:
    """The verdict, its categories and its reasons, from the typology, the ammunition answer and the markings."""
    status = markings.status if markings else None
    listed = status == "listed_alarm_model"
    blank = status == "blank_firing_mark"
    airsoft = bool(markings and markings.airsoft_markings)
    reasons = [Reason(f"ammunition_{ammunition}")]
    if listed and markings and markings.listed_model:
        reasons.append(Reason("listed_alarm_model", {"name": markings.listed_model}))
    elif blank:
        reasons.append(Reason("blank_firing_mark"))
    if airsoft and markings:
        reasons.append(Reason("airsoft_markings", {"markings": ", ".join(markings.airsoft_markings)}))

    # Without the listed alarm models, the typology's categories are those of a real firearm.
    real = tuple(c for c in typology.categories if not (typology.alarm_check and c == LISTED_ALARM_CATEGORY))
    open_with_replica = (*typology.categories, REPLICA_CATEGORY)

    def verdict(name: Verdict, categories: tuple[str, ...], *more: str) -> Decision:
        return Decision(name, categories, (*reasons, *(Reason(key) for key in more)))

    if listed and ammunition != "pellets":
        return verdict("listed_alarm_gun", (LISTED_ALARM_CATEGORY,))
    if ammunition == "pellets":
        if listed or blank:
            return verdict("undetermined", open_with_replica, "pellets_contradicted")
        return verdict("replica", (REPLICA_CATEGORY,))
    if ammunition == "unknown":
        return verdict("undetermined", open_with_replica)
    if airsoft:
        return verdict("undetermined", open_with_replica, "cartridges_contradicted")
    if blank:
        return verdict("undetermined", typology.categories)
    if not typology.alarm_check:
        return verdict("real_firearm", real)
    if status is None:
        return verdict("undetermined", typology.categories, "alarm_not_checked")
    if status in ("no_text", "unreadable"):
        return verdict("undetermined", typology.categories, "alarm_not_read")
    return verdict("real_firearm", real, "no_alarm_marking")


class TransparentMagazineWarning(BaseModel):
    """The warning shown for military-style typologies, whose replicas may show imitation cartridges."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    typologies: frozenset[str]
    text: CheckedText


class ReplicaTexts(BaseModel):
    """The question and verdict texts, from `basegun/data/replica_check.json`, checked by pydantic: every answer,
    verdict and reason has its text, in every language, and there is no text for one the code does not give."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str = ""
    question: CheckedText
    answers: Annotated[dict[str, CheckedText], AfterValidator(exactly(AMMUNITION))]
    transparent_magazine_warning: TransparentMagazineWarning
    verdicts: Annotated[
        dict[str, Annotated[dict[str, CheckedText], AfterValidator(exactly(("summary", "advice")))]],
        AfterValidator(exactly(VERDICTS)),
    ]
    reasons: Annotated[dict[str, CheckedText], AfterValidator(exactly(REASONS))]

    @property
    def warning_typologies(self) -> frozenset[str]:
        return self.transparent_magazine_warning.typologies

    @property
    def transparent_magazine(self) -> Text:
        return self.transparent_magazine_warning.text

    @classmethod
    def load(cls, path: Path = DATA_DIR / "replica_check.json") -> ReplicaTexts:
        return load_model(cls, path)


class ReplicaChecker:
    """Asks the question and gives the verdict, with the catalog's categories and notice."""

    def __init__(self, catalog: Catalog, rules: MarkingRules, texts: ReplicaTexts) -> None:
        unknown = texts.warning_typologies - set(catalog.keys)
        if unknown:
            raise ValueError(f"replica check texts name unknown typologies: {sorted(unknown)}")
        self.catalog = catalog
        self.rules = rules
        self.texts = texts

    def _typology(self, key: str) -> Typology:
        typology = self.catalog.get(key)
        if not typology.replica_check:
            raise InvalidRequest(f"The typology {key} has no replica check.", code="no_replica_check")
        return typology

    def _warnings(self, key: str) -> list[Text]:
        return [self.texts.transparent_magazine] if key in self.texts.warning_typologies else []

    def question(self, key: str) -> dict[str, Any]:
        """The question to ask for a typology, its answers, and the warnings to show with it."""
        self._typology(key)
        return {
            "typology": key,
            "question": self.texts.question,
            "answers": [{"key": answer, "label": self.texts.answers[answer]} for answer in AMMUNITION],
            "warnings": self._warnings(key),
        }

    def markings_from_text(self, text: str) -> Markings:
        if len(text) > MAX_MARKINGS_TEXT:
            raise InvalidRequest(f"The markings text is longer than {MAX_MARKINGS_TEXT} characters.")
        return Markings.from_text(text, self.rules)

    def check(self, key: str, ammunition: str, markings: Markings | None = None) -> dict[str, Any]:
        """The verdict as JSON: what it is, the categories it implies, why, and what to do."""
        typology = self._typology(key)
        if ammunition not in AMMUNITION:
            raise InvalidRequest(f"The ammunition answer must be one of {', '.join(AMMUNITION)}.")
        decision = decide(typology, cast(Ammunition, ammunition), markings)
        texts = self.texts.verdicts[decision.verdict]
        return {
            "typology": key,
            "ammunition": ammunition,
            "verdict": decision.verdict,
            "categories": list(decision.categories),
            "category_text": self.catalog.category_text(decision.categories),
            "mentions": self.catalog.mentions(decision.categories),
            "summary": texts["summary"],
            "advice": texts["advice"],
            "reasons": [self._reason(reason) for reason in decision.reasons],
            "warnings": self._warnings(key),
            "markings": markings.to_dict() if markings else None,
            "notice": self.catalog.notice,
        }

    def _reason(self, reason: Reason) -> dict[str, Any]:
        template = self.texts.reasons[reason.key]
        text = fill(template, **{name: same(value) for name, value in reason.fields.items()})
        return {"key": reason.key, **{lang: text[lang] for lang in LANGUAGES}}

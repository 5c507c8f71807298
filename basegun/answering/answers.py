"""The answer-maker: the one place where what the networks saw becomes the answer a person reads.

The one pipeline (`assess.py`: a weapon from its photos; identifying a photo is assessing a weapon with that one
photo) answers through it, and so do the API, the batch reports and the `basegun` command; its answer is a typed
`Answer` (`answer_models.py`). In order, it decides:

1. whether there is a firearm to speak of (`Presence`, decided by `basegun.answering.presence` from the classifier's
views and, when in doubt, the weapon detector): if absent, the no-firearm answer and its advice, and nothing else; if
   uncertain, the typology is still named but at low confidence, with advice to take the photo again;
2. the typology, with its confidence in figures and in words, and the runners-up (`ALTERNATIVES`);
3. the confidence gate (`confident`): a low-confidence answer still names its top class, but asserts no legal
   category, plans no next step, and nothing is measured or read for it;
4. the legal answer, from what the catalog says of the typology at that level (narrowed by measured lengths).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from basegun.answering.answer_models import Answer, Legal, TypologyRef, Words
from basegun.answering.presence import Outcome
from basegun.catalog.lengths import LengthVerdict
from basegun.catalog.texts import Text, load_texts
from basegun.catalog.typologies import Catalog, Resolved, Typology
from basegun.networks.typology import TypologyPrediction

ALTERNATIVES = 3


@dataclass(frozen=True)
class Presence:
    """Whether a firearm is in the photo (or in any photo of a weapon): the first decision of every answer."""

    outcome: Outcome
    score: float | None = None  # the weapon detector's best score, None where it was not run

    @property
    def detected(self) -> bool:
        """`firearm_detected`: true unless the firearm is absent."""
        return self.outcome != "absent"

    def shown(self, prediction: TypologyPrediction) -> TypologyPrediction:
        """The prediction at the level the answer gives it: low when a firearm is not certain to be there."""
        return replace(prediction, level="low") if self.outcome == "uncertain" else prediction


def asserts(level: str) -> bool:
    """The confidence gate: only an answer above the manifest's low level asserts anything beyond its top class."""
    return level != "low"


def confident(prediction: TypologyPrediction | None) -> bool:
    """A prediction past the confidence gate."""
    return prediction is not None and asserts(prediction.level)


class AnswerMaker:
    """Writes answers from a presence, a typology prediction and, for long guns, measured lengths."""

    def __init__(self, catalog: Catalog, no_firearm_advice: Text, uncertain_advice: Text) -> None:
        self.catalog = catalog
        self.no_firearm_advice = no_firearm_advice
        self.uncertain_advice = uncertain_advice

    @classmethod
    def load(cls, catalog: Catalog) -> AnswerMaker:
        """With the wording of `basegun/data/answers.json`."""
        texts = load_texts("answers")
        return cls(catalog, texts["no_firearm_advice"], texts["uncertain_advice"])

    def answer(
        self, presence: Presence, prediction: TypologyPrediction | None, lengths: LengthVerdict | None = None
    ) -> Answer:
        """The answer: presence, typology and alternatives, the legal answer, the next steps, the advice.

        `prediction` is None where the typology was not asked for (nothing found); lengths are ignored below the
        confidence gate, where nothing is asserted.
        """
        score = None if presence.score is None else round(presence.score, 4)
        found = {"firearm_detected": presence.detected, "firearm_presence": presence.outcome, "firearm_score": score}
        if not presence.detected or prediction is None:
            return Answer(
                **found,
                typology=None,
                confidence=None,
                confidence_level=None,
                alternatives=[],
                legal=None,
                next_steps=[],
                advice=Words(**self.no_firearm_advice),
            )
        prediction = presence.shown(prediction)
        resolved = self.catalog.resolve(prediction.key, prediction.level, lengths if confident(prediction) else None)
        legal = self.legal(resolved)
        return Answer(
            **found,
            typology=self.typology_ref(prediction.key, prediction.confidence),
            confidence=round(prediction.confidence, 4),
            confidence_level=prediction.level,
            alternatives=[self.typology_ref(k, p) for k, p in prediction.ranked[1 : 1 + ALTERNATIVES]],
            legal=legal,
            next_steps=resolved.typology.next_steps() if confident(prediction) else [],
            advice=Words(**self.uncertain_advice) if presence.outcome == "uncertain" else legal.advice,
        )

    def typology_ref(self, key: str, confidence: float) -> TypologyRef:
        """A typology as an answer names it: key, French label (and both labels), the probability given it."""
        label = self.catalog.get(key).label
        return TypologyRef(key=key, label=label["fr"], labels=Words(**label), confidence=round(confidence, 4))

    def legal(self, resolved: Resolved) -> Legal:
        """The legal answer: below the confidence gate it asserts nothing; above, the typology's categories (narrowed
        by measured lengths). The information-only notice is on every answer."""
        typology = resolved.typology
        if not asserts(resolved.level):
            return Legal.model_validate(
                {
                    "asserted": False,
                    "categories": [],
                    "category_text": resolved.wording.undetermined,
                    "mentions": [],
                    "explanation": resolved.wording.low_confidence,
                    "settle": [],
                    "other_factors": [],
                    "length_rule": None,
                    "notice": resolved.notice,
                    "advice": resolved.advice,
                }
            )
        return Legal.model_validate(
            {
                "asserted": True,
                "categories": list(resolved.categories),
                "category_text": resolved.category_text,
                "mentions": resolved.mentions,
                "explanation": resolved.explanation,
                "settle": resolved.settle,
                "other_factors": list(typology.other_factors),
                "length_rule": typology.length_rule,
                "notice": resolved.notice,
                "advice": resolved.advice,
            }
        )

    def confident_typology(self, prediction: TypologyPrediction | None) -> Typology | None:
        """The typology to act on (measure it, read its markings, flag it), or None below the confidence gate."""
        return self.catalog.get(prediction.key) if prediction is not None and confident(prediction) else None

"""Why a photo cannot be measured, in words a user can act on: a stable code, a text in French and English."""

from __future__ import annotations

from typing import Literal

from basegun.errors import MeasurementRefused

RefusalCode = Literal[
    "no_weapon", "no_card", "card_too_small", "card_oblique", "low_keypoint_confidence", "several_cards"
]

MESSAGES: dict[RefusalCode, dict[str, str]] = {
    "no_weapon": {
        "fr": "Aucune arme n'a été trouvée sur la photo. Photographiez l'arme entière, vue de côté et "
        "posée à plat, avec la carte à côté d'elle.",
        "en": "No weapon was found in the photo. Photograph the whole weapon from the side, lying flat, "
        "with the card next to it.",
    },
    "no_card": {
        "fr": "Aucune carte n'a été trouvée sur la photo. Posez une carte au format carte bancaire (carte "
        "bancaire, carte d'identité, permis de conduire) à plat à côté de l'arme, entièrement visible, "
        "puis reprenez la photo.",
        "en": "No card was found in the photo. Lay a bank-card-sized card (bank card, identity card, "
        "driving licence) flat next to the weapon, fully visible, and take the photo again.",
    },
    "card_too_small": {
        "fr": "La carte est trop petite sur la photo pour donner une mesure fiable. Rapprochez-vous ou "
        "envoyez la photo en pleine résolution, en gardant toute l'arme dans le cadre.",
        "en": "The card is too small in the photo to give a reliable measurement. Move closer or send the "
        "photo at full resolution, keeping the whole weapon in the frame.",
    },
    "card_oblique": {
        "fr": "La carte paraît inclinée : ses proportions ne sont pas celles d'une carte bancaire. "
        "Posez-la à plat, dans le même plan que l'arme, et prenez la photo bien au-dessus.",
        "en": "The card looks tilted: its proportions are not those of a bank card. Lay it flat, in the "
        "same plane as the weapon, and take the photo from straight above.",
    },
    "low_keypoint_confidence": {
        "fr": "L'arme est trop mal reconnue pour repérer ses extrémités et son canon avec certitude. "
        "Photographiez-la entière, de côté, sur un fond uni et bien éclairé.",
        "en": "The weapon is not recognised well enough to locate its ends and its barrel with "
        "confidence. Photograph the whole weapon from the side, on a plain, well-lit background.",
    },
    "several_cards": {
        "fr": "Plusieurs cartes sont visibles et ne donnent pas la même échelle. Ne laissez qu'une seule "
        "carte, posée à plat à côté de l'arme.",
        "en": "Several cards are visible and they do not give the same scale. Leave only one card, lying "
        "flat next to the weapon.",
    },
}


def refuse(code: RefusalCode) -> MeasurementRefused:
    """The error to raise for `code`, carrying both texts."""
    return MeasurementRefused(code, MESSAGES[code])

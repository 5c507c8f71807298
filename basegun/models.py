"""Every model the service serves, loaded once at start-up from the manifests named in the settings."""

from __future__ import annotations

from dataclasses import dataclass, fields

from basegun.card_detector import CardDetector
from basegun.onnx_session import OnnxSession
from basegun.settings import Settings
from basegun.typology import TypologyClassifier
from basegun.weapon_detector import WeaponDetector


@dataclass(frozen=True)
class Models:
    typology: TypologyClassifier
    weapons: WeaponDetector
    card: CardDetector

    def sessions(self) -> dict[str, OnnxSession]:
        """Every loaded session, by model role (for the version endpoint and warm-up)."""
        return {f.name: getattr(self, f.name).session for f in fields(self)}

    @classmethod
    def load(cls, settings: Settings) -> Models:
        """Load and verify every model; raises `ModelUnavailable` naming the first bad file."""

        def session(manifest: str) -> OnnxSession:
            return OnnxSession.from_manifest_path(settings.manifest_path(manifest), settings.intra_op_threads)

        return cls(
            typology=TypologyClassifier(session(settings.typology_manifest)),
            weapons=WeaponDetector(session(settings.keypoints_manifest)),
            card=CardDetector(session(settings.card_manifest)),
        )

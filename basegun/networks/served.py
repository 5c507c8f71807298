"""Every model the service serves, loaded once at start-up from the manifests named in the settings."""

from __future__ import annotations

from dataclasses import dataclass, fields

from basegun.inference.session import OnnxSession
from basegun.networks.card_detector import CardDetector
from basegun.networks.ocr.detect import TextDetector
from basegun.networks.ocr.orient import LineOrienter
from basegun.networks.ocr.reader import TextReader
from basegun.networks.ocr.recognize import LineRecogniser
from basegun.networks.typology import TypologyClassifier
from basegun.networks.weapon_detector import WeaponDetector
from basegun.settings import Settings


@dataclass(frozen=True)
class Models:
    typology: TypologyClassifier
    weapons: WeaponDetector
    card: CardDetector
    text_detector: TextDetector
    line_orienter: LineOrienter
    line_recogniser: LineRecogniser

    @property
    def text_reader(self) -> TextReader:
        """The OCR pipeline over the three OCR models (each its own stage and session)."""
        return TextReader(self.text_detector, self.line_orienter, self.line_recogniser)

    def sessions(self) -> dict[str, OnnxSession]:
        """Every loaded session, by model role (for the version endpoint and warm-up)."""
        return {f.name: getattr(self, f.name).session for f in fields(self)}

    @classmethod
    def load(cls, settings: Settings) -> Models:
        """Load and verify every model; raises `ModelUnavailable` naming the first bad file."""

        def session(manifest: str, memory_arena: bool = False) -> OnnxSession:
            path = settings.manifest_path(manifest)
            return OnnxSession.from_manifest_path(path, settings.intra_op_threads, memory_arena)

        return cls(
            typology=TypologyClassifier(session(settings.typology_manifest, memory_arena=True)),  # every photo
            weapons=WeaponDetector(session(settings.keypoints_manifest)),
            card=CardDetector(session(settings.card_manifest)),
            text_detector=TextDetector(session(settings.ocr_detector_manifest)),
            line_orienter=LineOrienter(session(settings.ocr_orienter_manifest)),
            line_recogniser=LineRecogniser(session(settings.ocr_recogniser_manifest)),
        )

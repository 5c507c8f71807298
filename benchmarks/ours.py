"""Our side: each part of the Basegun service as bytes in, answer out, with the answer reduced to what is compared."""

from __future__ import annotations

from basegun.errors import BasegunError
from basegun.inference.imaging import decode
from basegun.inference.session import OnnxSession
from basegun.networks.typology import TypologyClassifier
from basegun.service import Basegun
from basegun.settings import Settings

Lengths = tuple[float, float]
CLASSIFIERS = {"classifier-fp32": "typology.json", "classifier-int8": "typology-int8.json"}


class Ours:
    """The service loaded once (no result store: storage is not what is measured), and its parts as callables."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.service = Basegun(settings, store=False)
        self.models = self.service.models
        served = settings.manifest_path(settings.typology_manifest)
        self.other_classifiers = {  # the committed classifiers that are not the served one, timed beside it
            name: TypologyClassifier(OnnxSession.from_manifest_path(path, settings.intra_op_threads))
            for name, path in ((n, settings.manifest_path(m)) for n, m in CLASSIFIERS.items())
            if path.is_file() and path != served
        }

    def identify(self, data: bytes) -> str | None:
        """The typology key the user is shown (None when no firearm is found)."""
        answer = self.service.identify(data)
        return answer.typology.key if answer.firearm_detected and answer.typology is not None else None

    def identify_timings(self, data: bytes) -> dict[str, float]:
        """Where `identify` spends its time on this photo, stage by stage (ms)."""
        return self.service.identify(data).timings_ms

    def typology(self, data: bytes, classifier: TypologyClassifier | None = None) -> tuple[str, float]:
        """The classifier alone (no firearm detector) on the service's decode: top-1 and its probability."""
        classifier = classifier or self.models.typology
        prediction = classifier.predict(decode(data, self.service.limits, classifier.detail).image)
        return prediction.key, prediction.confidence

    def measure(self, data: bytes) -> Lengths | str:
        """Overall and barrel lengths (cm), or the code of the refusal."""
        try:
            answer = self.service.measure(data)
        except BasegunError as exc:
            return exc.code
        return answer.overall_length_cm, answer.barrel_length_cm

    def alarm_check(self, data: bytes) -> str:
        return self.service.alarm_check(data).status

    def close(self) -> None:
        self.service.close()

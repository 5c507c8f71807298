"""Which thread settings serve best on this machine: ONNX Runtime's intra-op threads × the inference workers.

Each combination is a service of its own (same models, loaded once each). Latency: one client, the photos one at
a time, every combination taking its turn on each photo. Throughput: as many threads as inference workers, each
posting small photos in turn, in short slices taken in turn by every combination so that the machine's other
load falls on all of them alike.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from basegun.service import Basegun
from basegun.settings import Settings
from benchmarks.photos import Sample, phone, small
from benchmarks.server import Load, models_alone
from benchmarks.stats import compare, summary

SLICES = 4


def run(settings: Settings, samples: Sequence[Sample], cores: int, rounds: int, duration: float) -> dict[str, Any]:
    counts = sorted({1, cores})
    combos = {
        f"{intra} × {workers}": (
            workers,
            Basegun(settings.model_copy(update={"intra_op_threads": intra, "inference_workers": workers}), store=False),
        )
        for intra, workers in itertools.product(counts, counts)
    }
    sides = {label: service.identify for label, (_, service) in combos.items()}
    latency = {
        key: summary(compare([(s.name, s.data) for s in chosen], sides, rounds=rounds))
        for key, chosen in (("small", small(samples)), ("phone", phone(samples)))
    }
    loads = {label: Load(workers) for label, (workers, _) in combos.items()}
    photos = [s.data for s in small(samples)]
    for _ in range(SLICES):
        for label, (workers, service) in combos.items():
            part = models_alone(service.identify, photos, workers, duration / SLICES)
            loads[label].latencies += part.latencies
            loads[label].elapsed += part.elapsed
    for _, service in combos.values():
        service.close()
    return {
        "combos": [
            {
                "label": label,
                "small": latency["small"][label],
                "phone": latency["phone"][label],
                "throughput_per_s": loads[label].to_dict()["throughput_per_s"],
            }
            for label in combos
        ]
    }

"""What the networks say about every row (a variant of a source photo), through the service's own decode and models.

Both classifier views (centre crop, whole photo letterboxed) and the detector at both candidate sizes are kept for
every row whatever the manifest serves, so that the fit can compare them; the answers themselves come from
`Basegun.identify` (`protocol.py`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

import numpy as np
from PIL import Image

from basegun.answering.alarm.quality import edge_blur, grey_at
from basegun.errors import ImageRejected
from basegun.inference.imaging import Detail, decode
from basegun.inference.manifest import CROP_AND_LETTERBOX
from basegun.inference.preprocess import prepare_views
from basegun.service import Basegun
from benchmarks.accuracy.fit import DETECTOR_SIZES, Rows
from benchmarks.accuracy.sources import Source
from benchmarks.accuracy.variants import Box, close_up_variants, upright, weapon_variants

log = logging.getLogger("benchmarks.accuracy")
PAD_VALUE = (114, 114, 114)  # Ultralytics' letterbox grey


@dataclass
class Row:
    source: Source
    variant: str
    data: bytes
    refused: str | None = None
    views: np.ndarray | None = None
    scores: dict[int, float] = field(default_factory=dict)
    blur: float = 0.0
    answer: dict[str, object] = field(default_factory=dict)


def widest_line(service: Basegun, image: Image.Image) -> Box | None:
    """The box of the widest line of text the service's text detector finds, or None."""
    lines = service.models.text_detector.detect(np.asarray(image))
    if not lines:
        return None
    corners = max((c for c, _ in lines), key=lambda c: float(np.ptp(c[:, 0])))
    (x1, y1), (x2, y2) = corners.min(axis=0), corners.max(axis=0)
    return float(x1), float(y1), float(x2), float(y2)


def rows_of(service: Basegun, sources: list[Source]) -> list[Row]:
    rows = []
    for source in sources:
        image = upright(source.data)
        if source.group == "close_up":
            variants = close_up_variants(image, widest_line(service, image))
        else:
            variants = weapon_variants(image)
        rows.append(Row(source, "source", source.data))
        rows.extend(Row(source, name, data) for name, data in variants)
    return rows


def gather(service: Basegun, rows: list[Row]) -> None:
    """Fill each row's views and detector scores (or its refusal code)."""
    typology, weapons = service.models.typology, service.models.weapons
    prep = replace(typology.session.manifest.preprocessing, resize=CROP_AND_LETTERBOX, pad_value=PAD_VALUE)
    for n, row in enumerate(rows):
        try:
            photos = {
                size: decode(row.data, service.limits, typology.detail.merge(Detail(min_long_side=size)))
                for size in DETECTOR_SIZES
            }
        except ImageRejected as exc:
            row.refused = exc.code
            continue
        image = photos[min(DETECTOR_SIZES)].image
        row.views = typology.session.run(prepare_views(image, prep))[0]
        row.scores = {size: weapons.best_score(photo.image, size) for size, photo in photos.items()}
        row.blur = edge_blur(grey_at(image, typology.input_size))[0]
        if n % 50 == 0:
            log.info("evidence: %d/%d rows", n, len(rows))


def as_arrays(rows: list[Row], classes: tuple[str, ...], views: slice) -> Rows:
    """The judged rows (not refused) as the fit's arrays; `views` picks the classifier views compared."""
    kept = [r for r in rows if r.views is not None]
    names = sorted({r.source.name for r in kept})
    return Rows(
        source=np.array([names.index(r.source.name) for r in kept]),
        group=np.array([r.source.group for r in kept]),
        label=np.array(
            [
                classes.index(r.source.expected) if r.source.group == "firearm" and r.source.expected else -1
                for r in kept
            ]
        ),
        views=np.stack([r.views[views] for r in kept if r.views is not None]),
        scores={size: np.array([r.scores[size] for r in kept]) for size in DETECTOR_SIZES},
        blur=np.array([r.blur for r in kept]),
    )

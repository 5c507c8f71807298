"""How often the "firearm detected" answer is wrong: on the shared firearm photos and on photos without a firearm.

Run: `python -m benchmarks.presence`. Photos without a firearm: the generated scenes of the tests and every photo
that scikit-image ships in its wheel (the dev extra installs it). Prints a Markdown table.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import skimage

from basegun.errors import ImageRejected
from basegun.imaging import Detail, decode
from basegun.models import Models
from basegun.settings import REPO_ROOT, Settings
from tests.images import landscape, wall

PHOTOS = REPO_ROOT.parent / "shared" / "photos"


def _score(models: Models, data: bytes) -> float | None:
    try:
        photo = decode(data, detail=Detail(min_long_side=640))
    except ImageRejected:
        return None
    found = models.weapons.detect(photo.image, threshold=0.0)
    return found[0].score if found else 0.0


def _png(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def main() -> None:
    models = Models.load(Settings())
    threshold = models.weapons.presence_threshold
    with (PHOTOS / "labels.csv").open(newline="") as handle:
        firearm = [PHOTOS / r["path"] for r in csv.DictReader(handle) if "noWeapon" not in r["path"]]
    negatives = {"generated wall": _png(wall()), "generated landscape": _png(landscape())}
    for path in sorted((Path(skimage.__file__).parent / "data").iterdir()):
        if path.suffix.lower() in (".png", ".jpg", ".gif", ".tif"):
            negatives[f"scikit-image {path.name}"] = path.read_bytes()
    missed = [(p.name, s) for p in firearm if (s := _score(models, p.read_bytes())) is not None and s < threshold]
    scored = {name: _score(models, data) for name, data in negatives.items()}
    judged = {name: s for name, s in scored.items() if s is not None}
    false_found = sorted((name, s) for name, s in judged.items() if s >= threshold)
    print(f"presence threshold: {threshold}\n")
    print("| photos | count | wrong answers |")
    print("|---|---|---|")
    print(f"| shared firearm photos | {len(firearm)} | {len(missed)} said 'no firearm' |")
    print(f"| photos without a firearm | {len(judged)} | {len(false_found)} said 'firearm' |")
    print("\nlowest score on a firearm photo:", min(_score(models, p.read_bytes()) or 0 for p in firearm))
    for name, score in false_found:
        print(f"- false 'firearm': {name} (score {score:.3f})")


if __name__ == "__main__":
    main()

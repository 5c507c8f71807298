"""A small labelled photo set of drawn shapes, for smoke tests and demos of the pipeline (no firearm photos needed).

    python -m training.synthetic OUT [--per-class N] [--seed S]

Each class is a shape with its own colour, drawn near the centre of a plain background of random grey-ish colour,
saved as JPEG: a network separates them within a few epochs, so a short run proves the whole pipeline works.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from PIL import Image, ImageDraw

SHAPES = {"circle": (220, 40, 40), "cross": (230, 200, 30), "square": (40, 160, 40), "triangle": (40, 60, 220)}
SIZE = 112  # above the service's smallest accepted photo side (100 px)


def draw(shape: str, rng: random.Random) -> Image.Image:
    image = Image.new("RGB", (SIZE + rng.randint(0, 40), SIZE), tuple(rng.randint(90, 170) for _ in range(3)))
    pen = ImageDraw.Draw(image)
    r = rng.randint(SIZE // 4, SIZE // 3)
    x, y = image.width // 2 + rng.randint(-8, 8), image.height // 2 + rng.randint(-8, 8)
    colour = tuple(min(255, max(0, c + rng.randint(-25, 25))) for c in SHAPES[shape])
    if shape == "circle":
        pen.ellipse([x - r, y - r, x + r, y + r], fill=colour)
    elif shape == "square":
        pen.rectangle([x - r, y - r, x + r, y + r], fill=colour)
    elif shape == "triangle":
        pen.polygon([(x, y - r), (x - r, y + r), (x + r, y + r)], fill=colour)
    else:
        pen.rectangle([x - r, y - r // 3, x + r, y + r // 3], fill=colour)
        pen.rectangle([x - r // 3, y - r, x + r // 3, y + r], fill=colour)
    return image


def write_shapes(root: Path, per_class: int, seed: int = 0) -> Path:
    """One folder per shape under `root`, `per_class` JPEG photos in each; the same seed draws the same set."""
    rng = random.Random(seed)
    for shape in SHAPES:
        (root / shape).mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            draw(shape, rng).save(root / shape / f"{i:03d}.jpg", quality=90)
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--per-class", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    write_shapes(args.out, args.per_class, args.seed)


if __name__ == "__main__":
    main()

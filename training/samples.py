"""Labelled photos: listed from class folders or a CSV, split by class with a fixed seed, split files read and written.

A split file is a CSV of `path,label`, the same format `fit --data` and `evaluate --data` accept, so the held-out
photos of a run can be evaluated, or reused by another run, as they are.
"""

from __future__ import annotations

import csv
import json
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from training.errors import DataError

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff", ".heic", ".heif", ".gif"}
SPLITS = ("train", "val", "test")


@dataclass(frozen=True)
class Sample:
    path: Path
    label: str


def read_samples(source: Path) -> list[Sample]:
    """A folder with one sub-folder per class (photos found at any depth), or a CSV with `path,label` columns."""
    if source.is_dir():
        return _from_folders(source)
    if source.suffix.lower() == ".csv" and source.is_file():
        return _from_csv(source)
    raise DataError(f"{source}: expected a folder of class folders or a .csv file of path,label")


def _from_folders(root: Path) -> list[Sample]:
    samples = [
        Sample(path, folder.name)
        for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
        for path in sorted(folder.rglob("*"))
        if path.suffix.lower() in PHOTO_SUFFIXES and not path.name.startswith(".")
    ]
    if not samples:
        raise DataError(f"{root}: no photos in class folders")
    return samples


def _from_csv(path: Path, allow_empty: bool = False) -> list[Sample]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if not {"path", "label"} <= set(reader.fieldnames or ()):
            raise DataError(f"{path}: the header must name the columns path and label")
        rows = list(reader)
    samples = [Sample(_resolve(path.parent, row["path"]), row["label"]) for row in rows if row["label"]]
    missing = [str(s.path) for s in samples if not s.path.is_file()]
    if missing:
        raise DataError(f"{path}: {len(missing)} photo(s) not found, first {missing[0]}")
    if not samples and not allow_empty:
        raise DataError(f"{path}: no labelled rows")
    return samples


def _resolve(base: Path, value: str) -> Path:
    path = Path(value)
    return path if path.is_absolute() else (base / path).resolve()


def resolve_classes(samples: list[Sample], given: tuple[str, ...]) -> tuple[str, ...]:
    """The output classes: those given (every label must be one of them), else the labels found, sorted."""
    found = Counter(s.label for s in samples)
    if not given:
        return tuple(sorted(found))
    unknown = sorted(set(found) - set(given))
    if unknown:
        raise DataError(f"labels not in the class list: {', '.join(unknown)}")
    empty = [c for c in given if c not in found]
    if empty:
        raise DataError(f"classes with no photo: {', '.join(empty)}")
    return tuple(given)


def read_class_list(value: str) -> tuple[str, ...]:
    """Classes from a .json list, a .txt file (one per line) or a comma-separated list."""
    path = Path(value)
    if path.suffix == ".json" and path.is_file():
        return tuple(json.loads(path.read_text(encoding="utf-8")))
    if path.suffix == ".txt" and path.is_file():
        return tuple(line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return tuple(c.strip() for c in value.split(",") if c.strip())


def stratified_split(
    samples: list[Sample], val_fraction: float, test_fraction: float, seed: int
) -> dict[str, list[Sample]]:
    """Split each class on its own, so every split keeps the class proportions; the same seed gives the same split."""
    rng = random.Random(seed)
    by_label: dict[str, list[Sample]] = {}
    for sample in sorted(samples, key=lambda s: (s.label, str(s.path))):
        by_label.setdefault(sample.label, []).append(sample)
    splits: dict[str, list[Sample]] = {name: [] for name in SPLITS}
    for label, items in by_label.items():
        rng.shuffle(items)
        n_val, n_test = _share(len(items), val_fraction), _share(len(items), test_fraction)
        if len(items) - n_val - n_test < 1:
            raise DataError(f"class {label} has {len(items)} photo(s): too few to split")
        splits["val"] += items[:n_val]
        splits["test"] += items[n_val : n_val + n_test]
        splits["train"] += items[n_val + n_test :]
    return splits


def _share(count: int, fraction: float) -> int:
    """At least one photo per class in a held-out split when the class has three or more."""
    if fraction <= 0:
        return 0
    return max(round(count * fraction), 1 if count >= 3 else 0)


def write_splits(folder: Path, splits: dict[str, list[Sample]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, items in splits.items():
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["path", "label"])
            writer.writerows([str(s.path.resolve()), s.label] for s in items)


def read_splits(folder: Path) -> dict[str, list[Sample]]:
    """train.csv and val.csv are required; test.csv may be absent or empty."""
    splits = {}
    for name in SPLITS:
        path = folder / f"{name}.csv"
        if path.is_file():
            splits[name] = _from_csv(path, allow_empty=name == "test")
        elif name == "test":
            splits[name] = []
        else:
            raise DataError(f"{folder}: {name}.csv is missing")
    return splits


def counts(samples: list[Sample], classes: tuple[str, ...]) -> dict[str, int]:
    found = Counter(s.label for s in samples)
    return {c: found.get(c, 0) for c in classes}

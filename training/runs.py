"""A run folder: the resolved config, the split files, checkpoints, history and calibration of one `fit`.

RUN/config.json        the resolved FitConfig (`fit --config RUN/config.json` repeats the run)
RUN/run.json           what the config does not decide: code commit, library versions, device, split counts
RUN/splits/*.csv       the photos of each split (path,label)
RUN/last.pt, best.pt   plain state dicts, loaded with weights_only=True
RUN/history.csv        one row per epoch
RUN/calibration.json   temperature and confidence thresholds, from the validation split
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from training.config import FitConfig
from training.errors import DataError
from training.networks import build_network
from training.samples import Sample, read_splits


@dataclass(frozen=True)
class Run:
    root: Path

    @property
    def config_path(self) -> Path:
        return self.root / "config.json"

    @property
    def info_path(self) -> Path:
        return self.root / "run.json"

    @property
    def splits_dir(self) -> Path:
        return self.root / "splits"

    @property
    def last(self) -> Path:
        return self.root / "last.pt"

    @property
    def best(self) -> Path:
        return self.root / "best.pt"

    @property
    def history(self) -> Path:
        return self.root / "history.csv"

    @property
    def calibration_path(self) -> Path:
        return self.root / "calibration.json"

    def config(self) -> FitConfig:
        if not self.config_path.is_file():
            raise DataError(f"{self.root}: not a run folder (no config.json)")
        return FitConfig.from_dict(read_json(self.config_path))

    def info(self) -> dict[str, Any]:
        return read_json(self.info_path)

    def splits(self) -> dict[str, list[Sample]]:
        return read_splits(self.splits_dir)

    def calibration(self) -> dict[str, Any] | None:
        return read_json(self.calibration_path) if self.calibration_path.is_file() else None

    def network(self, checkpoint: Path | None = None) -> nn.Module:
        """The logits network with the weights of `checkpoint` (default: the best epoch), in eval mode."""
        config = self.config()
        net = build_network(config.model, len(config.data.classes))
        net.load_state_dict(load_checkpoint(checkpoint or self.best)["model"])
        return net.eval()


def load_checkpoint(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise DataError(f"checkpoint not found: {path}")
    return torch.load(path, map_location="cpu", weights_only=True)


def read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

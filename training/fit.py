"""`fit`: train a typology classifier into a run folder, then calibrate it on the validation split.

Reproducible: the seed fixes the split, the initial weights, and each epoch's order and augmentations (the loader's
generator is re-seeded from (seed, epoch)), so a run resumed from `last.pt` continues as if never stopped.
The best epoch (validation top-1, then validation loss) is kept in `best.pt`; training stops after `patience`
epochs without a better one. Mixed precision is used only on CUDA.
"""

from __future__ import annotations

import csv
import logging
import math
import platform
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
import torchvision
from torch import nn
from torch.utils.data import DataLoader, WeightedRandomSampler
from tqdm import tqdm

from basegun.inference.imaging import Detail
from basegun.inference.manifest import Preprocessing
from training.calibration import calibrate
from training.config import FitConfig, default_preprocessing, git_commit
from training.dataset import PhotoDataset
from training.errors import ConfigError, DataError
from training.networks import build_network, init_from_reference
from training.runs import Run, load_checkpoint, write_json
from training.samples import (
    Sample,
    counts,
    read_samples,
    read_splits,
    resolve_classes,
    stratified_split,
    write_splits,
)
from training.transforms import eval_transform, train_transform

log = logging.getLogger(__name__)

HISTORY_FIELDS = ["epoch", "lr", "train_loss", "train_top1", "val_loss", "val_top1", "seconds"]


def fit(config: FitConfig, out: Path, resume: bool = False) -> Run:
    """Train (or resume) the run in `out`; returns it with `best.pt` and `calibration.json` written."""
    run = Run(out)
    if resume:
        config = run.config()
        splits = run.splits()
        net = build_network(config.model, len(config.data.classes))
    else:
        if out.exists() and any(out.iterdir()):
            raise DataError(f"{out} is not empty: resume it with --resume, or choose another --out")
        splits = _splits(config)
        config, net = _resolve(config, splits)
        out.mkdir(parents=True, exist_ok=True)
        write_splits(run.splits_dir, splits)
        write_json(run.config_path, config.to_dict())
    device = _device(config.device)
    amp = config.optim.amp and device.type == "cuda"
    info = _run_info(config, splits, device, amp)
    if resume:  # keep the record of the start; add each resumption's code and machine
        info = {**run.info(), "resumed": [*run.info().get("resumed", []), info]}
    write_json(run.info_path, info)
    Trainer(config, run, net, splits, device, amp).train(resume)
    return run


def _splits(config: FitConfig) -> dict[str, list[Sample]]:
    if config.data.splits:
        return read_splits(Path(config.data.splits))
    samples = read_samples(Path(config.data.source))
    return stratified_split(samples, config.data.val_fraction, config.data.test_fraction, config.seed)


def _resolve(config: FitConfig, splits: dict[str, list[Sample]]) -> tuple[FitConfig, nn.Module]:
    """Fill what the config leaves open (classes, preprocessing, the reference network) and build the network."""
    classes = resolve_classes([s for items in splits.values() for s in items], config.data.classes)
    missing = [c for c, n in counts(splits["train"], classes).items() if n == 0]
    if missing:
        raise DataError(f"classes with no training photo: {', '.join(missing)}")
    if not splits["val"]:
        raise DataError("the validation split is empty: calibration and early stopping need it")
    prep = {**default_preprocessing(config.model.arch), **config.data.preprocessing}
    Preprocessing.from_dict(prep)  # a bad block fails here, before training, not at export
    config = replace(config, data=replace(config.data, classes=classes, preprocessing=prep))
    torch.manual_seed(config.seed)
    if config.model.init_reference:
        model, net = init_from_reference(config.model, classes)
        return replace(config, model=model), net
    return config, build_network(config.model, len(classes))


def _device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise ConfigError(f"device {name}: CUDA is not available")
    return torch.device(name)


def _run_info(config: FitConfig, splits: dict[str, list[Sample]], device: torch.device, amp: bool) -> dict[str, Any]:
    return {
        "git": git_commit(),
        "versions": {
            "python": platform.python_version(),
            "torch": torch.__version__,
            "torchvision": torchvision.__version__,
        },
        "device": str(device),
        "amp": amp,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "photos": {name: counts(items, config.data.classes) for name, items in splits.items()},
    }


class Trainer:
    """One run's training loop: AdamW, warm-up then cosine learning rate, early stopping, checkpoints each epoch."""

    def __init__(
        self,
        config: FitConfig,
        run: Run,
        net: nn.Module,
        splits: dict[str, list[Sample]],
        device: torch.device,
        amp: bool,
    ) -> None:
        self.config, self.run, self.device, self.amp = config, run, device, amp
        data, optim = config.data, config.optim
        prep = Preprocessing.from_dict(data.preprocessing)
        detail = Detail(min_short_side=prep.size)
        self.train_set = PhotoDataset(
            splits["train"],
            data.classes,
            detail,
            train_transform(prep, data.augment),
            data.augment.hflip_p,
            data.augment.no_flip_classes,
        )
        self.val_set = PhotoDataset(splits["val"], data.classes, detail, eval_transform(prep))
        self.net = net.to(device)
        class_counts = Counter(self.train_set.targets)
        frequency = torch.tensor([class_counts[i] for i in range(len(data.classes))], dtype=torch.float32)
        self.sample_weights = (1.0 / frequency)[self.train_set.targets] if optim.balance == "sampler" else None
        class_weights = frequency.sum() / (len(frequency) * frequency) if optim.balance == "loss" else None
        self.criterion = nn.CrossEntropyLoss(
            weight=class_weights.to(device) if class_weights is not None else None,
            label_smoothing=optim.label_smoothing,
        )
        self.drop_last = len(self.train_set) > optim.batch_size  # no batch of one for batch norm
        self.steps = max(len(self.train_set) // optim.batch_size if self.drop_last else 1, 1)
        self.optimizer = torch.optim.AdamW(self.net.parameters(), lr=optim.lr, weight_decay=optim.weight_decay)
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(self.optimizer, self._lr_factor)
        self.scaler = torch.amp.GradScaler(device.type, enabled=amp)

    def _lr_factor(self, step: int) -> float:
        optim = self.config.optim
        warmup = optim.warmup_epochs * self.steps
        if step < warmup:
            return (step + 1) / warmup
        progress = min((step - warmup) / max(optim.epochs * self.steps - warmup, 1), 1.0)
        return optim.min_lr_ratio + (1 - optim.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * progress))

    def _loader(self, dataset: PhotoDataset, epoch: int | None) -> DataLoader:
        """Training batches (shuffled or class-balanced, seeded per epoch) or validation batches (in order)."""
        workers = self.config.data.workers
        common = {
            "batch_size": self.config.optim.batch_size,
            "num_workers": workers,
            "pin_memory": self.device.type == "cuda",
            "persistent_workers": False,
        }
        if epoch is None:
            return DataLoader(dataset, shuffle=False, **common)
        generator = torch.Generator().manual_seed(self.config.seed * 100_003 + epoch)
        sampler = None
        if self.sample_weights is not None:
            sampler = WeightedRandomSampler(self.sample_weights, len(dataset), replacement=True, generator=generator)
        return DataLoader(
            dataset,
            shuffle=sampler is None,
            sampler=sampler,
            generator=generator,
            drop_last=self.drop_last,
            **common,
        )

    def train(self, resume: bool) -> None:
        optim = self.config.optim
        start, best, stale = 0, {"epoch": 0, "val_top1": -1.0, "val_loss": math.inf}, 0
        if resume:
            state = load_checkpoint(self.run.last)
            self.net.load_state_dict(state["model"])
            self.optimizer.load_state_dict(state["optimizer"])
            self.scheduler.load_state_dict(state["scheduler"])
            self.scaler.load_state_dict(state["scaler"])
            torch.set_rng_state(state["rng"])
            start, best, stale = state["epoch"], state["best"], state["stale"]
            log.info("resumed %s after epoch %d", self.run.root, start)
        else:
            torch.manual_seed(self.config.seed)
            _write_history_header(self.run.history)
        for epoch in range(start, optim.epochs):
            if stale >= optim.patience:
                break
            began = time.monotonic()
            train_loss, train_top1 = self._train_epoch(epoch)
            logits, targets = self.collect_logits(self._loader(self.val_set, None))
            val_loss = float(F.cross_entropy(logits, targets))
            val_top1 = float((logits.argmax(1) == targets).float().mean())
            row = {
                "epoch": epoch + 1,
                "lr": self.scheduler.get_last_lr()[0],
                "train_loss": train_loss,
                "train_top1": train_top1,
                "val_loss": val_loss,
                "val_top1": val_top1,
                "seconds": round(time.monotonic() - began, 1),
            }
            _append_history(self.run.history, row)
            log.info(
                "epoch %d/%d: train loss %.4f top-1 %.3f, val loss %.4f top-1 %.3f",
                epoch + 1,
                optim.epochs,
                train_loss,
                train_top1,
                val_loss,
                val_top1,
            )
            if (val_top1, -val_loss) > (best["val_top1"], -best["val_loss"]):
                best, stale = {"epoch": epoch + 1, "val_top1": val_top1, "val_loss": val_loss}, 0
                torch.save({"model": self.net.state_dict(), **best}, self.run.best)
            else:
                stale += 1
            torch.save(
                {
                    "model": self.net.state_dict(),
                    "optimizer": self.optimizer.state_dict(),
                    "scheduler": self.scheduler.state_dict(),
                    "scaler": self.scaler.state_dict(),
                    "rng": torch.get_rng_state(),
                    "epoch": epoch + 1,
                    "best": best,
                    "stale": stale,
                },
                self.run.last,
            )
            if stale >= optim.patience:
                log.info(
                    "early stop: no better validation top-1 for %d epochs (best: epoch %d)",
                    stale,
                    best["epoch"],
                )
        self.calibrate()

    def _train_epoch(self, epoch: int) -> tuple[float, float]:
        self.net.train()
        total_loss, hits, seen = 0.0, 0, 0
        batches = tqdm(
            self._loader(self.train_set, epoch),
            desc=f"epoch {epoch + 1}/{self.config.optim.epochs}",
            unit="batch",
            disable=not self.config.progress,
            leave=False,
        )
        for images, targets in batches:
            images = images.to(self.device, non_blocking=True)
            targets = targets.to(self.device, non_blocking=True)
            with torch.autocast(self.device.type, dtype=torch.float16, enabled=self.amp):
                logits = self.net(images)
                loss = self.criterion(logits, targets)
            self.optimizer.zero_grad(set_to_none=True)
            self.scaler.scale(loss).backward()
            self.scaler.step(self.optimizer)
            self.scaler.update()
            self.scheduler.step()
            total_loss += loss.item() * len(targets)
            hits += int((logits.argmax(1) == targets).sum())
            seen += len(targets)
            batches.set_postfix(loss=f"{loss.item():.3f}")
        return total_loss / seen, hits / seen

    def collect_logits(self, loader: DataLoader) -> tuple[torch.Tensor, torch.Tensor]:
        """Logits (fp32, on the CPU) and targets of a whole split, in eval mode."""
        self.net.eval()
        logits, targets = [], []
        with torch.no_grad():
            for images, labels in loader:
                with torch.autocast(self.device.type, dtype=torch.float16, enabled=self.amp):
                    out = self.net(images.to(self.device, non_blocking=True))
                logits.append(out.float().cpu())
                targets.append(labels)
        return torch.cat(logits), torch.cat(targets)

    def calibrate(self) -> None:
        """Temperature and thresholds from the best epoch's validation logits (fp32, as exported)."""
        self.net.load_state_dict(load_checkpoint(self.run.best)["model"])
        self.amp = False
        logits, targets = self.collect_logits(self._loader(self.val_set, None))
        record = calibrate(logits, targets, self.config.calibration)
        write_json(self.run.calibration_path, record)
        log.info(
            "calibration: temperature %.3f, ECE %.3f → %.3f, thresholds %s",
            record["temperature"],
            record["ece_before"],
            record["ece_after"],
            record["thresholds"],
        )


def _write_history_header(path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(HISTORY_FIELDS)


def _append_history(path: Path, row: dict[str, Any]) -> None:
    with path.open("a", newline="", encoding="utf-8") as handle:
        csv.DictWriter(handle, HISTORY_FIELDS).writerow(row)

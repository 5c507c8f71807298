"""Batch triage speed: which way of using the cores analyses a 100-photo batch of phone photos fastest.

Compared on the same batch (the 12 MP phone photos and the measurement photos of ../shared/photos, repeated to
100 photos, one weapon each, so that long guns are measured as in a real seizure):
- one thread, ONNX Runtime using every core inside each network run;
- one thread per core, each network run on one core (the models loaded once, shared);
- one thread per core with every run also asking for every core (oversubscribed);
- one process per core, each with its own copy of the models.
The reference is the service's single-photo speed: `Basegun.identify` on one photo at a time, and the batch's own
per-photo work on one thread and one core, times the cores. `run()` returns those figures.

`identification_during_batch()` measures what a running batch costs the users of single identifications: their
latency idle and while the API's batch manager works.

Run both with `python -m benchmarks.triage` (or through benchmarks/__main__.py).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import statistics
import tempfile
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from basegun.answering.weapon import Weapon
from basegun.batch.intake import Intake, from_folder
from basegun.batch.manager import BatchManager, batch_limits
from basegun.batch.runner import run as run_batch
from basegun.jobs.runtime import Jobs
from basegun.service import Basegun
from basegun.settings import Settings
from benchmarks.photos import PHOTOS

SOURCES = ("alarm/no_text.jpg", "quality/bad_quality.jpg", "quality/low_quality_text.jpg", "measure/*.jpg")
BATCH_SIZE = 100


def build_batch(folder: Path, size: int = BATCH_SIZE) -> list[Path]:
    """`size` photos, one weapon each, cycling over the phone photos (copies: a batch never follows links)."""
    sources = sorted(p for pattern in SOURCES for p in PHOTOS.glob(pattern))
    if not sources:
        raise FileNotFoundError(f"no photos under {PHOTOS}")
    folder.mkdir(parents=True, exist_ok=True)
    copies = []
    for index in range(size):
        source = sources[index % len(sources)]
        copy = folder / f"{index:03d}_{source.name}"
        shutil.copyfile(source, copy)
        copies.append(copy)
    return copies


def _time_batch(service: Basegun, intake: Intake, executor: Executor) -> float:
    started = time.perf_counter()
    run_batch(service.assessor, intake.weapons, executor)
    return time.perf_counter() - started


_worker_service: Basegun | None = None


def _load_worker(intra_op_threads: int) -> None:
    global _worker_service  # one service per worker process, loaded once
    _worker_service = Basegun(Settings(intra_op_threads=intra_op_threads), store=False)


def _assess_in_worker(weapon: Weapon) -> int:
    assert _worker_service is not None
    return len(_worker_service.assessor.assess(weapon).answer.photos)


def _time_processes(intake: Intake, workers: int) -> tuple[float, float]:
    """(seconds for the batch, seconds to start the workers and load their models)."""
    started = time.perf_counter()
    spawn = multiprocessing.get_context("spawn")  # never fork a process that already runs ONNX Runtime threads
    with ProcessPoolExecutor(workers, mp_context=spawn, initializer=_load_worker, initargs=(1,)) as pool:
        ready: set[int] = set()
        while len(ready) < workers:  # until every worker has loaded its models
            ready |= set(pool.map(_worker_pid, range(workers)))
        loaded = time.perf_counter()
        list(pool.map(_assess_in_worker, intake.weapons))
        finished = time.perf_counter()
    return finished - loaded, loaded - started


def _worker_pid(_: int) -> int:
    time.sleep(0.1)  # long enough for the other workers to take the other calls
    return os.getpid()


def _single_photo_seconds(service: Basegun, photos: list[Path]) -> float:
    """Mean seconds of `Basegun.identify` on one photo at a time (what one request costs)."""
    datas = [p.read_bytes() for p in photos]
    service.identify(datas[0])  # warm-up
    started = time.perf_counter()
    for data in datas:
        service.identify(data)
    return (time.perf_counter() - started) / len(datas)


def _latencies(service: Basegun, datas: list[bytes], seconds: float, clients: int) -> list[float]:
    """`clients` users each identifying one photo after another for `seconds`."""
    deadline = time.perf_counter() + seconds

    def client(_: int) -> list[float]:
        latencies = []
        while time.perf_counter() < deadline:
            for data in datas:
                started = time.perf_counter()
                service.identify(data)
                latencies.append(time.perf_counter() - started)
        return latencies

    with ThreadPoolExecutor(clients) as pool:
        return [latency for latencies in pool.map(client, range(clients)) for latency in latencies]


def _percentiles(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "median_ms": round(1000 * statistics.median(ordered), 1),
        "p90_ms": round(1000 * ordered[int(0.9 * (len(ordered) - 1))], 1),
        "count": len(ordered),
    }


def identification_during_batch(seconds: float = 30, size: int = 40, clients: int = 2) -> dict[str, Any]:
    """Single identifications by `clients` users at once, idle and while the service's batch manager (as the API
    configures it) works on a phone batch."""
    folder = Path(tempfile.mkdtemp(prefix="basegun-triage-bench-"))
    try:
        photos = build_batch(folder / "photos", size)
        archive = folder / "batch.zip"
        with zipfile.ZipFile(archive, "w") as zipped:
            for photo in photos:
                zipped.write(photo, photo.name)
        service = Basegun(Settings(data_dir=folder / "data"))
        datas = [(PHOTOS / "typology" / name).read_bytes() for name in ("revolver.jpg", "pompe.jpg", "a_verrou.jpg")]
        service.identify(datas[0])  # warm-up
        figures = {"clients": clients, "idle": _percentiles(_latencies(service, datas, seconds, clients))}
        # The embedded worker as `basegun serve` starts it: batches on half the inference workers.
        jobs = Jobs(service, run_here=True, weapon_threads=max(1, service.settings.inference_workers // 2))
        jobs.start()
        batches = BatchManager(service, jobs.batches, batch_limits(service), jobs.defer_batch, b"bench")
        with archive.open("rb") as handle:
            batch = batches.submit_archive(handle, "bench", "127.0.0.1")
        time.sleep(2)  # let the batch get going
        latencies = _latencies(service, datas, seconds, clients)
        progress = batches.status(batch["id"])["progress"]
        jobs.close()
        service.close()
        rate = progress["photos_per_second"]
        figures["during a batch"] = {**_percentiles(latencies), "batch_photos_per_second": rate}
        return figures
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(size: int = BATCH_SIZE, rounds: int = 2) -> dict[str, Any]:
    """Photos per second for each way, best of `rounds` interleaved rounds (the machine may be shared: a round
    slowed by another program does not decide), with the load average before and after."""
    cores = os.cpu_count() or 1
    folder = Path(tempfile.mkdtemp(prefix="basegun-triage-bench-"))
    try:
        photos = build_batch(folder, size)
        intake = from_folder(folder)
        distinct = photos[: len({p.name.split("_", 1)[1] for p in photos})]
        rates: dict[str, float] = {}
        figures: dict[str, Any] = {"photos": size, "cores": cores, "rounds": rounds, "load_before": os.getloadavg()}

        def keep(label: str, rate: float) -> None:
            rates[label] = max(rates.get(label, 0.0), round(rate, 2))

        def batch(label: str, intra: int, make: Callable[[], Executor]) -> None:
            service = Basegun(Settings(intra_op_threads=intra), store=False)
            with make() as executor:
                run_batch(service.assessor, intake.weapons[:2], executor)  # warm-up
                keep(label, size / _time_batch(service, intake, executor))
            service.close()

        for _ in range(rounds):
            for intra in sorted({1, cores}):
                service = Basegun(Settings(intra_op_threads=intra), store=False)
                keep(
                    f"identify, one photo at a time, {intra} intra-op thread(s)",
                    1 / _single_photo_seconds(service, distinct),
                )
                service.close()
            batch("batch, 1 thread, 1 intra-op thread", 1, lambda: ThreadPoolExecutor(1))
            batch(f"batch, 1 thread, {cores} intra-op threads", cores, lambda: ThreadPoolExecutor(1))
            batch(f"batch, {cores} threads, 1 intra-op thread", 1, lambda: ThreadPoolExecutor(cores))
            batch(f"batch, {cores} threads, {cores} intra-op threads", cores, lambda: ThreadPoolExecutor(cores))
            seconds, startup = _time_processes(intake, cores)
            keep(f"batch, {cores} processes, 1 intra-op thread", size / seconds)
            figures["process_pool_startup_seconds"] = round(startup, 1)
        figures["photos_per_second"] = rates
        figures["ideal_batch_photos_per_second"] = round(rates["batch, 1 thread, 1 intra-op thread"] * cores, 2)
        best = max((k for k in rates if k.startswith("batch")), key=rates.__getitem__)
        figures["best"] = best
        figures["best_vs_ideal"] = round(rates[best] / figures["ideal_batch_photos_per_second"], 2)
        figures["load_after"] = os.getloadavg()
        return figures
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    print(json.dumps({"speed": run(), "identification": identification_during_batch()}, indent=2))

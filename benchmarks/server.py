"""The service as deployed: a real `basegun serve` process on loopback, started cold, then loaded by clients.

Figures: cold start (process start to `/readyz` answering 200), peak RSS with every model loaded (after start and
after the load), and for 1, 4 and 16 concurrent clients posting photos for a bounded time: throughput, latency
percentiles and errors. Each client is its own station behind a reverse proxy (its own `X-Forwarded-For` address,
the server trusting loopback as its proxy), and waits as the answer's `Retry-After` asks when told 503 `busy` by the
bounded admission: those answers are counted apart, and a photo's latency runs from its first attempt to its
answer. Beside them, the models alone: the same photos through `Basegun.identify` in this process
with as many threads as the server has inference workers, i.e. what the cores give without HTTP. The models alone
and the 16 clients take turns in slices, so that the machine's other load falls on both alike.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np

from basegun.settings import REPO_ROOT
from benchmarks.machine import peak_rss_mb

IDENTIFY = "/api/v1/identify"
READY_TIMEOUT_S = 120
SLICES = 4  # turns taken by the models alone and the busiest load


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """One `basegun serve` process with its own data folder and no rate limit."""

    process: subprocess.Popen[bytes]
    port: int
    data_dir: tempfile.TemporaryDirectory[str]
    log: IO[bytes]
    ready_s: float = 0.0

    @classmethod
    def start(cls, env: dict[str, str] | None = None) -> Server:
        """Start (with `env` added to the environment) and wait for `/readyz`; `ready_s` is the time from process
        start to its first 200."""
        data_dir = tempfile.TemporaryDirectory(prefix="basegun-bench-")
        port = free_port()
        env = {
            **os.environ,
            "BASEGUN_DATA_DIR": data_dir.name,
            "BASEGUN_RATE_LIMIT_PER_MINUTE": "0",
            "BASEGUN_TRUSTED_PROXIES": '["127.0.0.1"]',  # the clients' X-Forwarded-For name their stations
            **(env or {}),
        }
        command = [sys.executable, "-m", "cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
        log = Path(data_dir.name, "server.log").open("wb")  # noqa: SIM115 (closed by `stop`)
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        server = cls(process, port, data_dir, log)
        server.ready_s = server._wait_ready(started)
        return server

    def _wait_ready(self, started: float) -> float:
        while time.perf_counter() - started < READY_TIMEOUT_S:
            if self.process.poll() is not None:
                raise RuntimeError(f"basegun serve exited with {self.process.returncode}:\n{self.log_tail()}")
            if self._ready():
                return time.perf_counter() - started
            time.sleep(0.01)
        raise RuntimeError(f"basegun serve not ready after {READY_TIMEOUT_S} s")

    def _ready(self) -> bool:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
        try:
            connection.request("GET", "/readyz")
            return connection.getresponse().status == 200
        except OSError:  # not listening yet
            return False
        finally:
            connection.close()

    def log_tail(self) -> str:
        return Path(self.data_dir.name, "server.log").read_text(errors="replace")[-2000:]

    @property
    def peak_rss_mb(self) -> float | None:
        return peak_rss_mb(self.process.pid)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        self.data_dir.cleanup()


@dataclass
class Load:
    """What clients saw during one bounded run."""

    clients: int
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    busy: int = 0  # 503 `busy` answers, each followed by the wait its Retry-After asked for
    elapsed: float = 0.0

    def add(self, other: Load) -> None:
        self.latencies += other.latencies
        self.errors += other.errors
        self.busy += other.busy
        self.elapsed += other.elapsed

    def to_dict(self) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "clients": self.clients,
            "seconds": round(self.elapsed, 1),
            "requests": len(self.latencies),
            "throughput_per_s": round(len(self.latencies) / self.elapsed, 2) if self.elapsed else 0.0,
            "errors": sum(self.errors.values()),
            "error_kinds": dict(self.errors),
            "busy_retried": self.busy,
        }
        if self.latencies:
            for q in (50, 95, 99):
                answer[f"p{q}_ms"] = round(float(np.percentile(self.latencies, q)) * 1000, 1)
        return answer


def multipart(data: bytes, name: str) -> tuple[bytes, str]:
    """A form upload of one photo in the `image` field; returns the body and its content type."""
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="{name}"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def http_load(port: int, photos: Sequence[tuple[str, bytes]], clients: int, duration: float) -> Load:
    """`clients` threads, each with one keep-alive connection, post photos in turn until `duration` is over."""
    bodies = [multipart(data, Path(name).name) for name, data in photos]
    load = Load(clients)
    lock = threading.Lock()
    deadline = time.perf_counter() + duration

    def client(first: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        headers = {"X-Forwarded-For": f"198.51.100.{first + 1}"}  # a documentation address per station
        index = first
        started = time.perf_counter()
        while time.perf_counter() < deadline:
            body, content_type = bodies[index % len(bodies)]
            wait = 0.0
            try:
                connection.request("POST", IDENTIFY, body, {**headers, "Content-Type": content_type})
                response = connection.getresponse()
                response.read()
                outcome = "ok" if response.status == 200 else f"HTTP {response.status}"
                if response.status == 503 and response.getheader("Retry-After"):
                    outcome, wait = "busy", float(response.getheader("Retry-After") or 0)
            except (OSError, http.client.HTTPException) as exc:
                outcome = type(exc).__name__
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            seconds = time.perf_counter() - started
            with lock:
                if outcome == "ok":
                    load.latencies.append(seconds)
                elif outcome == "busy":
                    load.busy += 1
                else:
                    load.errors[outcome] += 1
            if outcome == "busy":
                time.sleep(min(wait, max(0.0, deadline - time.perf_counter())))
                continue  # the same photo again: its latency keeps running
            index += 1
            started = time.perf_counter()
        connection.close()

    load.elapsed = _run_threads(client, clients)
    return load


def warm_up(port: int, photos: Sequence[tuple[str, bytes]]) -> None:
    """Post every photo once, untimed, so that the first timed requests do not pay for first calls."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    for name, data in photos:
        body, content_type = multipart(data, Path(name).name)
        connection.request("POST", IDENTIFY, body, {"Content-Type": content_type})
        connection.getresponse().read()
    connection.close()


def models_alone(call: Callable[[bytes], Any], photos: Sequence[bytes], workers: int, duration: float) -> Load:
    """The same work without HTTP: `workers` threads calling the service directly, for `duration` seconds."""
    load = Load(workers)
    lock = threading.Lock()
    deadline = time.perf_counter() + duration

    def worker(first: int) -> None:
        index = first
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            call(photos[index % len(photos)])
            index += 1
            with lock:
                load.latencies.append(time.perf_counter() - started)

    load.elapsed = _run_threads(worker, workers)
    return load


def _run_threads(target: Callable[[int], None], count: int) -> float:
    threads = [threading.Thread(target=target, args=(index,)) for index in range(count)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def run(
    call: Callable[[bytes], Any],
    workers: int,
    photos: Sequence[tuple[str, bytes]],
    durations: dict[int, float],
    cold_starts: int,
) -> dict[str, Any]:
    """Cold starts (the last server is kept), then each client count against it, the busiest in turns with the
    models alone."""
    starts, idle_rss = [], []
    server = None
    for attempt in range(cold_starts):
        server = Server.start()
        starts.append(server.ready_s)
        idle_rss.append(server.peak_rss_mb)
        if attempt < cold_starts - 1:
            server.stop()
    assert server is not None
    busiest = max(durations)
    try:
        warm_up(server.port, photos)
        loads = {c: http_load(server.port, photos, c, seconds) for c, seconds in durations.items() if c != busiest}
        alone, loads[busiest] = Load(workers), Load(busiest)
        for _ in range(SLICES):
            alone.add(models_alone(call, [data for _, data in photos], workers, durations[busiest] / SLICES))
            loads[busiest].add(http_load(server.port, photos, busiest, durations[busiest] / SLICES))
        loaded_rss = server.peak_rss_mb
    finally:
        server.stop()
    return {
        "cold_start_s": [round(s, 2) for s in starts],
        "cold_start_median_s": round(float(np.median(starts)), 2),
        "peak_rss_mb_after_start": max(v for v in idle_rss if v is not None),
        "peak_rss_mb_after_load": loaded_rss,
        "inference_workers": workers,
        "models_alone": alone.to_dict(),
        "http": {str(clients): load.to_dict() for clients, load in loads.items()},
    }

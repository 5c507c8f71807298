"""Processes of a fleet on loopback, for the fleet tests: `basegun serve` replicas, `basegun worker`s and HAProxy
(Debian's, running `deploy/haproxy.cfg` itself), each with its log in a file and every wait bounded.

Each process runs in a session of its own, so that `kill()` (SIGKILL, as a machine that dies) and `stop()` reach it
and nothing it started. A wait that runs out raises `TimeoutError` naming what was awaited, with the process's last
log lines.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from basegun.settings import REPO_ROOT

HAPROXY = Path("/usr/sbin/haproxy")
BALANCER_ADDRESS = "127.0.0.2"  # the balancer's own source address: replicas trust X-Forwarded-For from it only
STOP_SECONDS = 15.0


def wait_until(what: str, condition: Callable[[], bool], timeout: float, interval: float = 0.2) -> None:
    """Return once `condition()` is true; `TimeoutError` naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise TimeoutError(f"{what}: not within {timeout:g} s")


def get(url: str, timeout: float = 5.0) -> tuple[int, bytes]:
    """GET `url`: the status and body, (0, b"") when nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return 0, b""


class Process:
    """A child process started by `start()`, its output in `log_path`."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log_path: Path) -> None:
        self.name = name
        self.command = command
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def spawn(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.command,
                env=self.env,
                cwd=REPO_ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_tail(self, size: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-size:]
        except FileNotFoundError:
            return ""

    def log_lines(self) -> list[dict[str, object]]:
        """The JSON log lines written so far (other output skipped)."""
        lines = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                try:
                    lines.append(json.loads(line))
                except ValueError:
                    continue  # a line cut by a SIGKILL
        return lines

    def wait_for(self, what: str, condition: Callable[[], bool], timeout: float) -> None:
        """`wait_until`, failing at once (with its log) when the process has exited."""

        def check() -> bool:
            if not self.alive:
                raise RuntimeError(f"{self.name} exited while waiting for {what}:\n{self.log_tail()}")
            return condition()

        try:
            wait_until(f"{self.name}: {what}", check, timeout)
        except TimeoutError as exc:
            raise TimeoutError(f"{exc}\n{self.log_tail()}") from None

    def ready(self) -> bool:
        """Whether it is ready for work; each kind of process says how it knows."""
        return self.alive

    def start(self, timeout: float = 90) -> None:
        start_together([self], timeout)

    def kill(self) -> None:
        """SIGKILL, as a machine that dies: nothing is finished or cleaned up."""
        if self.process is not None and self.alive:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=STOP_SECONDS)

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> None:
        """Ask it to stop; killed when it has not within `STOP_SECONDS`."""
        if self.process is None or not self.alive:
            return
        os.killpg(self.process.pid, sig)
        try:
            self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.kill()


def basegun_env(data_dir: Path, settings: dict[str, str]) -> dict[str, str]:
    """The environment of a Basegun process: this one's (PYTHONPATH included), its own data folder, `settings`."""
    return {**os.environ, "BASEGUN_DATA_DIR": str(data_dir), "BASEGUN_LOG_LEVEL": "INFO", **settings}


def start_together(processes: list[Process], timeout: float = 90) -> None:
    """Start every process, then wait for each to be ready (models load in parallel); all within `timeout`."""
    for process in processes:
        process.spawn()
    deadline = time.monotonic() + timeout
    for process in processes:
        process.wait_for("ready", process.ready, max(1.0, deadline - time.monotonic()))


class Replica(Process):
    """`basegun serve` on `port`, its data folder its own; ready once `/readyz` answers 200."""

    def __init__(self, name: str, port: int, data_dir: Path, settings: dict[str, str]) -> None:
        command = [sys.executable, "-m", "cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
        super().__init__(name, command, basegun_env(data_dir, settings), data_dir.parent / f"{name}.log")
        self.port = port
        self.data_dir = data_dir
        self.url = f"http://127.0.0.1:{port}"

    def spawn(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        super().spawn()

    def ready(self) -> bool:
        return get(f"{self.url}/readyz", timeout=2)[0] == 200

    def stop(self, sig: signal.Signals = signal.SIGINT) -> None:
        super().stop(sig)  # uvicorn's graceful stop


class Worker(Process):
    """`basegun worker --concurrency N`; ready once it logs so (the log file is its own: a restart starts it anew)."""

    def __init__(
        self, name: str, data_dir: Path, settings: dict[str, str], concurrency: int = 1, metrics_port: int = 0
    ) -> None:
        command = [sys.executable, "-m", "cli", "worker", "--concurrency", str(concurrency)]
        if metrics_port:
            command += ["--metrics-port", str(metrics_port)]
        super().__init__(name, command, basegun_env(data_dir, settings), data_dir.parent / f"{name}.log")
        self.data_dir = data_dir
        self.metrics_url = f"http://127.0.0.1:{metrics_port}/metrics" if metrics_port else None

    def spawn(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.log_path.exists():  # a restart: its readiness is read from a log of its own, the old one kept
            self.log_path.replace(self.log_path.with_suffix(f".{time.monotonic_ns()}.log"))
        super().spawn()

    def ready(self) -> bool:
        return any(line.get("message") == "worker ready" for line in self.log_lines())


class Balancer(Process):
    """HAProxy running `deploy/haproxy.cfg`, its addresses and limits given in the `BALANCER_*` variables."""

    def __init__(
        self, folder: Path, port: int, stats_port: int, replicas: list[Replica], limits: dict[str, str] | None = None
    ) -> None:
        assert len(replicas) == 2, "deploy/haproxy.cfg names two replicas"
        env = {
            **os.environ,
            "BALANCER_BIND": f"127.0.0.1:{port}",
            "BALANCER_STATS_BIND": f"127.0.0.1:{stats_port}",
            "BALANCER_SOURCE": BALANCER_ADDRESS,
            "BALANCER_API1": f"127.0.0.1:{replicas[0].port}",
            "BALANCER_API2": f"127.0.0.1:{replicas[1].port}",
            **(limits or {}),
        }
        command = [str(HAPROXY), "-db", "-f", str(REPO_ROOT / "deploy" / "haproxy.cfg")]
        super().__init__(f"haproxy-{port}", command, env, folder / f"haproxy-{port}.log")
        self.url = f"http://127.0.0.1:{port}"
        self.stats_url = f"http://127.0.0.1:{stats_port}/;csv"

    def server_states(self) -> dict[str, str]:
        """Each replica's state as HAProxy sees it (`UP`, `DOWN`, …), from its stats page."""
        status, body = get(self.stats_url, timeout=2)
        if status != 200:
            return {}
        rows = csv.DictReader(io.StringIO(body.decode().lstrip("# ")))
        return {
            row["svname"]: row["status"]
            for row in rows
            if row["pxname"] == "replicas" and row["svname"].startswith("api")
        }

    def spawn(self) -> None:
        if not HAPROXY.is_file():
            raise FileNotFoundError("HAProxy is not installed: make system-deps")
        super().spawn()

    def ready(self) -> bool:
        return self.server_states() == {"api1": "UP", "api2": "UP"}

    def wait_state(self, server: str, state: str, timeout: float = 20) -> None:
        self.wait_for(f"{server} {state}", lambda: self.server_states().get(server) == state, timeout)

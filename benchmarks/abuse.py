"""`python -m benchmarks.abuse`: the hostile cases of issue 14, each against a real `basegun serve` on loopback.

For each case: what the server answered (status and problem code), the server's peak resident memory during the
case (sampled every 20 ms, every model loaded), the data folder's size after it, and how long it took. A good photo
is sent while the heaviest loads run: it must be answered. Every loop is bounded; nothing leaves loopback.
The Markdown table goes to stdout, every figure to `var/benchmarks/abuse.json`; figures are quoted in RELIABILITY.md.

`--before TREE` first runs every case against the server of another source tree (an export of an earlier commit,
e.g. `git archive COMMIT | tar -x -C /tmp/before`), in the same run, so that both columns share the machine's load.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from PIL import Image

from basegun.settings import REPO_ROOT
from benchmarks.machine import describe
from benchmarks.photos import PHOTOS
from benchmarks.server import free_port

DEFAULT_JSON = REPO_ROOT / "var" / "benchmarks" / "abuse.json"
MB = 1024 * 1024


@dataclass
class Server:
    """`basegun serve` with its own data folder; `rss_peak()` samples its memory in the background."""

    env: dict[str, str]
    tree: Path = REPO_ROOT
    data_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="basegun-abuse-")))
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        env = {**os.environ, "BASEGUN_DATA_DIR": str(self.data_dir), "PYTHONPATH": str(self.tree), **self.env}
        log = (self.data_dir / "server.log").open("wb")
        command_module = "cli" if (self.tree / "cli" / "__main__.py").is_file() else "basegun.cli"  # before the move
        command = [sys.executable, "-m", command_module, "serve", "--port", str(self.port)]
        self.process = subprocess.Popen(command, cwd=self.tree, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("server not ready")

    def rss_mb(self) -> float:
        assert self.process is not None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def data_mb(self) -> float:
        total = sum(p.lstat().st_blocks * 512 for p in self.data_dir.rglob("*") if p.is_file())
        return round(total / MB, 1)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=60)
        shutil.rmtree(self.data_dir, ignore_errors=True)


class Sampler:
    """The peak of the server's RSS while a case runs."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.peak = server.rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self.server.rss_mb())

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def answer(response: httpx.Response) -> str:
    code = ""
    if response.headers.get("content-type", "").startswith("application/problem+json"):
        code = " " + response.json()["code"]
    return f"{response.status_code}{code}"


# The hostile inputs


def zipped(entries: Iterator[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def overlapping_zip(names: int = 20, size: int = 20 * MB) -> bytes:
    """`names` central directory records pointing at one entry's data (the overlapping zip bomb)."""
    data = bytearray(zipped(iter([("a.jpg", bytes(size))])))
    directory, end = data.rindex(b"PK\x01\x02"), data.rindex(b"PK\x05\x06")
    record = bytes(data[directory:end])
    records = record + b"".join(record.replace(b"a.jpg", f"{i:05d}".encode()) for i in range(names - 1))
    tail = bytearray(data[end:])
    tail[8:12] = struct.pack("<HH", names, names)
    tail[12:16] = struct.pack("<L", len(records))
    return bytes(data[:directory]) + records + bytes(tail)


def many_entries_zip(count: int) -> bytes:
    """`count` empty stored entries, written directly (zipfile takes minutes for a million)."""
    local, central = bytearray(), bytearray()
    for i in range(count):
        name = f"{i:x}".encode()
        offset = len(local)
        local += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0, 0, 0, 0, len(name), 0) + name
        central += (
            struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, 0, 0, 0, len(name), 0, 0, 0, 0, 0, offset)
            + name
        )
    entries = min(count, 0xFFFF)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, entries, entries, len(central), len(local), 0)
    return bytes(local + central + end)


def png_49mp() -> bytes:
    """A flat 7000×7000 PNG: 49 megapixels in a few hundred kilobytes."""
    buffer = io.BytesIO()
    Image.new("RGB", (7000, 7000), (200, 190, 180)).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def good_photo() -> bytes:
    shared = PHOTOS / "typology" / "revolver.jpg"
    if shared.is_file():
        return shared.read_bytes()
    rng = np.random.default_rng(0)
    buffer = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, (600, 800, 3), dtype=np.uint8)).save(buffer, format="JPEG")
    return buffer.getvalue()


def multipart_stream(parts: int, size: int, boundary: str) -> Iterator[bytes]:
    chunk = os.urandom(size)
    for i in range(parts):
        yield (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="images"; filename="{i}.jpg"\r\n'
                "Content-Type: image/jpeg\r\n\r\n"
            ).encode()
            + chunk
            + b"\r\n"
        )
    yield f"--{boundary}--\r\n".encode()


# The cases


def post_zip(server: Server, data: bytes, name: str = "lot.zip") -> httpx.Response:
    return httpx.post(f"{server.url}/api/v1/batches", files={"archive": (name, data)}, headers=HOSTILE, timeout=300)


# The server believes X-Forwarded-For from loopback here (as behind a proxy): the hostile client and the station
# sending the good photo are two addresses.
HOSTILE = {"x-forwarded-for": "198.51.100.66"}
STATION = {"x-forwarded-for": "203.0.113.7"}


def with_good_photo(server: Server, load: Callable[[], list[str]]) -> tuple[list[str], str, float]:
    """Run `load`, and send one good photo (from another client) once it is under way: its answer and latency."""
    photo = good_photo()
    with ThreadPoolExecutor(1) as side:
        running = side.submit(load)
        time.sleep(0.5)
        started = time.perf_counter()
        response = httpx.post(
            f"{server.url}/api/v1/identify", files={"image": ("p.jpg", photo)}, headers=STATION, timeout=300
        )
        latency = time.perf_counter() - started
        return running.result(), answer(response), latency


def case_zip_500(server: Server) -> dict[str, Any]:
    data = zipped((f"arme {i}/{i}.jpg", bytes(MB)) for i in range(500))
    return {"input": f"{len(data) // 1024} KiB zip, 500 entries of 1 MiB", "answers": [answer(post_zip(server, data))]}


def case_overlapping(server: Server) -> dict[str, Any]:
    data = overlapping_zip()
    return {
        "input": f"{len(data) // 1024} KiB zip, 20 entries on one 20 MiB",
        "answers": [answer(post_zip(server, data))],
    }


def case_long_names(server: Server) -> dict[str, Any]:
    data = zipped((f".{'n' * 60_000}{i}", b"") for i in range(400))
    return {"input": "400 hidden entries with 60 KB names", "answers": [answer(post_zip(server, data))]}


def case_million_entries(server: Server) -> dict[str, Any]:
    data = many_entries_zip(1_000_000)

    def load() -> list[str]:
        with ThreadPoolExecutor(4) as pool:
            return [answer(r) for r in pool.map(lambda _: post_zip(server, data), range(4))]

    healthz: list[float] = []
    stop = threading.Event()

    def probe() -> None:
        while not stop.is_set():
            started = time.perf_counter()
            httpx.get(f"{server.url}/healthz", timeout=60)
            healthz.append(time.perf_counter() - started)
            time.sleep(0.05)

    prober = threading.Thread(target=probe, daemon=True)
    prober.start()
    answers, photo, latency = with_good_photo(server, load)
    stop.set()
    prober.join()
    return {
        "input": f"4 × {len(data) // MB} MB zip of 1,000,000 entries at once",
        "answers": answers,
        "good_photo": photo,
        "good_photo_s": round(latency, 2),
        "healthz_max_ms": round(max(healthz) * 1000, 1),
    }


def case_multipart(server: Server) -> dict[str, Any]:
    boundary = uuid.uuid4().hex

    def load() -> list[str]:
        response = httpx.post(
            f"{server.url}/api/v1/batches",
            content=multipart_stream(900, 1_000_000, boundary),
            headers={"content-type": f"multipart/form-data; boundary={boundary}", **HOSTILE},
            timeout=300,
        )
        return [answer(response)]

    answers, photo, latency = with_good_photo(server, load)
    return {
        "input": "one batch request of 900 parts of 1 MB",
        "answers": answers,
        "good_photo": photo,
        "good_photo_s": round(latency, 2),
    }


def case_png_flood(server: Server, clients: int = 8, each: int = 3) -> dict[str, Any]:
    data = png_49mp()

    def load() -> list[str]:
        def client(_: int) -> list[str]:
            return [
                answer(
                    httpx.post(
                        f"{server.url}/api/v1/identify", files={"image": ("b.png", data)}, headers=HOSTILE, timeout=300
                    )
                )
                for _ in range(each)
            ]

        with ThreadPoolExecutor(clients) as pool:
            return [a for answers in pool.map(client, range(clients)) for a in answers]

    answers, photo, latency = with_good_photo(server, load)
    return {
        "input": f"{clients} clients × {each} PNG of 49 MP ({len(data) // 1024} KB)",
        "answers": answers,
        "good_photo": photo,
        "good_photo_s": round(latency, 2),
    }


def case_odd_name(server: Server) -> dict[str, Any]:
    response = httpx.post(f"{server.url}/api/v1/batches", files={"images": ("x1²", good_photo())}, timeout=60)
    return {"input": "a batch file named x1²", "answers": [answer(response)]}


def case_open_batches(server: Server) -> dict[str, Any]:
    photo = good_photo()
    answers = [
        answer(httpx.post(f"{server.url}/api/v1/batches", files={"images": (f"{i}.jpg", photo)}, timeout=60))
        for i in range(6)
    ]
    return {"input": "one client sends 6 batches at once", "answers": answers}


def case_cross_site(server: Server) -> dict[str, Any]:
    headers = {"origin": "https://evil.example", "sec-fetch-site": "cross-site"}
    response = httpx.post(f"{server.url}/api/v1/identify", files={"image": ("p.jpg", good_photo())}, headers=headers)
    return {"input": "a cross-site form post", "answers": [answer(response)]}


def case_slow_body(server: Server) -> dict[str, Any]:
    """A body sent a byte at a time: the connection is answered 408 once a piece is late."""
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(
            b"POST /api/v1/identify HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
            b"Content-Length: 100000\r\n\r\n-"
        )
        sock.settimeout(60)
        started = time.perf_counter()
        received = b""
        try:
            while chunk := sock.recv(4096):  # until the server closes the connection
                received += chunk
        except TimeoutError:
            received = received or b"HTTP/1.1 still-open-after-60-s"
        reply = received.decode(errors="replace")
    status = reply.split(" ", 2)[1] if reply else "closed"
    code = "body_timeout" if "body_timeout" in reply else ""
    return {
        "input": "a body that stops after one byte",
        "answers": [f"{status} {code}".strip()],
        "closed_after_s": round(time.perf_counter() - started, 1),
    }


def case_forwarded_rotation(server: Server) -> dict[str, Any]:
    """From loopback, with no trusted proxy: uvicorn must not believe X-Forwarded-For either (60 a minute here)."""
    answers = [
        answer(httpx.post(f"{server.url}/api/v1/identify", headers={"x-forwarded-for": f"10.{i // 250}.{i % 250}.1"}))
        for i in range(130)
    ]
    return {"input": "130 posts, each with a new X-Forwarded-For", "answers": answers}


CASES: dict[str, Callable[[Server], dict[str, Any]]] = {
    "zip_500_compressible": case_zip_500,
    "zip_overlapping": case_overlapping,
    "zip_long_names": case_long_names,
    "zip_million_entries": case_million_entries,
    "multipart_900_parts": case_multipart,
    "png_49mp_flood": case_png_flood,
    "odd_name": case_odd_name,
    "open_batches": case_open_batches,
    "cross_site": case_cross_site,
    "slow_body": case_slow_body,
}


def measured(server: Server, case: Callable[[Server], dict[str, Any]]) -> dict[str, Any]:
    started = time.perf_counter()
    with Sampler(server) as sampler:
        result = case(server)
    return result | {
        "seconds": round(time.perf_counter() - started, 1),
        "peak_rss_mb": round(sampler.peak, 1),
        "data_mb_after": server.data_mb(),
    }


def run(only: list[str], tree: Path = REPO_ROOT) -> dict[str, Any]:
    """Every case against a server of `tree`: all but the rate limiter on one server, the rate limiter on another
    (that believes no proxy)."""
    figures: dict[str, Any] = {"tree": str(tree), "cases": {}}
    main_env = {
        "BASEGUN_RATE_LIMIT_PER_MINUTE": "100000",
        "BASEGUN_BODY_TIMEOUT_SECONDS": "10",
        "BASEGUN_TRUSTED_PROXIES": '["127.0.0.1"]',
    }
    server = Server(main_env, tree).start()
    try:
        figures["idle_rss_mb"] = round(server.rss_mb(), 1)
        for name, case in CASES.items():
            if not only or name in only:
                print(f"{tree.name}: {name}…", file=sys.stderr, flush=True)
                figures["cases"][name] = measured(server, case)
    finally:
        server.stop()
    if not only or "forwarded_rotation" in only:
        limited = Server({"BASEGUN_RATE_LIMIT_PER_MINUTE": "60"}, tree).start()
        try:
            figures["cases"]["forwarded_rotation"] = measured(limited, case_forwarded_rotation)
        finally:
            limited.stop()
    return figures


def table(figures: dict[str, Any], before: dict[str, Any] | None) -> str:
    lines = [f"Idle server with every model loaded: {figures['idle_rss_mb']} MiB RSS.", ""]
    if before:
        lines[0] += f" Before: {before['idle_rss_mb']} MiB."
        lines += [
            "| case | input | before: answers | peak RSS MiB | data MB after | s | now: answers | peak RSS MiB "
            "| data MB after | s | good photo during (now) |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
    else:
        lines += [
            "| case | input | answers | peak RSS MiB | data MB after | s | good photo during |",
            "|---|---|---|---|---|---|---|",
        ]
    for name, case in figures["cases"].items():
        cells = [name, case["input"]]
        if before:
            cells += _cells(before["cases"].get(name))
        cells += _cells(case)
        cells.append(f"{case['good_photo']} in {case['good_photo_s']} s" if "good_photo" in case else "")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _cells(case: dict[str, Any] | None) -> list[str]:
    if case is None:
        return ["", "", "", ""]
    counts = ", ".join(f"{n}× {a}" for a, n in Counter(case["answers"]).items())
    return [counts, str(case["peak_rss_mb"]), str(case["data_mb_after"]), str(case["seconds"])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.abuse", description=__doc__)
    parser.add_argument("--only", nargs="+", choices=[*CASES, "forwarded_rotation"], default=[])
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    parser.add_argument("--before", type=Path, help="a source tree to run first, for a before/after table")
    args = parser.parse_args(argv)
    before = run(args.only, args.before.resolve()) if args.before else None
    figures = run(args.only) | {"machine": describe(), "before": before}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    print(table(figures, before))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

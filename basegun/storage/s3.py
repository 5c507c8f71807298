"""The object store at scale: an S3-compatible bucket (AWS, SeaweedFS, MinIO, Ceph, Garage…), through boto3.

boto3 reads the address and the credentials itself from the standard AWS variables (`AWS_ENDPOINT_URL`,
`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_DEFAULT_REGION`, or a mounted profile or role); TLS certificates
are checked, and plain HTTP is used only when the endpoint says `http://`. Objects are written without an ACL, so
they stay private to the bucket's owner; no public or presigned address is ever made.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from basegun.errors import StoreUnavailable
from basegun.storage.objects import ObjectMissing, checked_key

_MISSING = {"NoSuchKey", "404", "NotFound"}
_DELETE_BATCH = 1000  # the most keys one DeleteObjects call takes
# A store that does not answer fails the request in seconds (readiness says so) instead of holding a worker.
_CONFIG = Config(
    connect_timeout=5,
    read_timeout=30,
    retries={"mode": "standard", "max_attempts": 3},
    max_pool_connections=32,  # batch workers and request threads share one client
)


def _unavailable(exc: Exception) -> StoreUnavailable:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return StoreUnavailable(f"The object store refused: {error.get('Code')} {error.get('Message', '')}".strip())
    return StoreUnavailable(f"The object store cannot be reached: {exc}")


def _is_missing(exc: ClientError) -> bool:
    return str(exc.response.get("Error", {}).get("Code")) in _MISSING


@contextmanager
def _asking(key: str | None = None) -> Iterator[None]:
    """boto3's errors as the store's: `ObjectMissing` where S3 says `key` is not there (when a key is named), else
    `StoreUnavailable`."""
    try:
        yield
    except ClientError as exc:
        if key is not None and _is_missing(exc):
            raise ObjectMissing(f"No object {key!r}.") from None
        raise _unavailable(exc) from exc
    except BotoCoreError as exc:
        raise _unavailable(exc) from exc


class S3Store:
    """Objects in `bucket`, each key under `prefix/` when a prefix is given; the client is thread-safe and shared."""

    def __init__(self, bucket: str, prefix: str = "") -> None:
        self.bucket = bucket
        self.prefix = f"{checked_key(prefix)}/" if prefix else ""
        self.client: Any = boto3.session.Session().client("s3", config=_CONFIG)
        self._probe = f"readiness/{uuid.uuid4().hex}"  # one per process: replicas never delete each other's probe

    def _name(self, key: str) -> str:
        return self.prefix + checked_key(key)

    def put(self, key: str, data: bytes) -> None:
        name = self._name(key)
        with _asking():
            self.client.put_object(Bucket=self.bucket, Key=name, Body=data)

    def get(self, key: str) -> bytes:
        name = self._name(key)
        with _asking(key):
            body = self.client.get_object(Bucket=self.bucket, Key=name)["Body"]
            try:
                return bytes(body.read())
            finally:
                body.close()

    def exists(self, key: str) -> bool:
        name = self._name(key)
        try:
            with _asking(key):
                self.client.head_object(Bucket=self.bucket, Key=name)
        except ObjectMissing:
            return False
        return True

    def keys(self, prefix: str) -> Iterator[str]:
        start = self._name(prefix.strip("/")) + "/" if prefix.strip("/") else self.prefix
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=start)
        with _asking():
            for page in pages:
                for item in page.get("Contents", []):
                    yield item["Key"][len(self.prefix) :]

    def delete(self, key: str) -> None:
        name = self._name(key)
        with _asking():
            self.client.delete_object(Bucket=self.bucket, Key=name)  # S3 answers 204 for a key already gone

    def delete_prefix(self, prefix: str) -> int:
        names = [self.prefix + key for key in self.keys(prefix)]
        for start in range(0, len(names), _DELETE_BATCH):
            batch = [{"Key": name} for name in names[start : start + _DELETE_BATCH]]
            with _asking():
                answer = self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})
            if errors := answer.get("Errors"):
                raise StoreUnavailable(f"The object store kept {len(errors)} objects: {errors[0].get('Code')}")
        return len(names)

    def check(self) -> None:
        self.put(self._probe, b"ok")
        try:
            self.get(self._probe)
        except ObjectMissing as exc:  # written a moment ago: the store lost it
            raise StoreUnavailable("The object store did not keep what it was given.") from exc
        self.delete(self._probe)

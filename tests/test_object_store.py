"""The object store's contract, on both backends (a folder, and S3 on a real SeaweedFS server); how its URL is read."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from basegun.errors import StoreUnavailable
from basegun.settings import Settings
from basegun.storage.folder import FolderStore
from basegun.storage.objects import ObjectMissing, ObjectStore
from basegun.storage.opening import open_object_store, parse_s3_url
from basegun.storage.s3 import S3Store
from tests.conftest import _free_port
from tests.seaweed import SeaweedServer

BAD_KEYS = ["", "/abs", "a//b", "a/./b", "../up", "a/../b", "a b", "a\\b", "trailing/", "é"]


def test_put_then_get_gives_the_bytes(object_store: ObjectStore) -> None:
    data = bytes(range(256)) * 4096  # 1 MiB, every byte value
    object_store.put("photos/owner/1.jpg", data)
    assert object_store.get("photos/owner/1.jpg") == data
    assert object_store.exists("photos/owner/1.jpg")


def test_put_replaces_the_object_whole(object_store: ObjectStore) -> None:
    object_store.put("reports/r.csv", b"first version, longer than the second")
    object_store.put("reports/r.csv", b"second")
    assert object_store.get("reports/r.csv") == b"second"
    assert list(object_store.keys("reports/")) == ["reports/r.csv"]


def test_get_of_a_missing_object_is_object_missing(object_store: ObjectStore) -> None:
    with pytest.raises(ObjectMissing) as error:
        object_store.get("photos/nobody/1.jpg")
    assert error.value.code == "object_missing"
    assert not object_store.exists("photos/nobody/1.jpg")


def test_keys_lists_everything_under_a_prefix_and_nothing_else(object_store: ObjectStore) -> None:
    for key in ("batches/a/photos/0001", "batches/a/photos/0002", "batches/a/report.json", "batches/ab/x", "other"):
        object_store.put(key, b"x")
    assert sorted(object_store.keys("batches/a/")) == [
        "batches/a/photos/0001",
        "batches/a/photos/0002",
        "batches/a/report.json",
    ]
    assert sorted(object_store.keys("batches/a")) == sorted(object_store.keys("batches/a/"))  # a folder-like name
    assert sorted(object_store.keys("batches/a/photos/")) == ["batches/a/photos/0001", "batches/a/photos/0002"]
    assert list(object_store.keys("nothing/here/")) == []
    assert sorted(object_store.keys("")) == sorted(
        ["batches/a/photos/0001", "batches/a/photos/0002", "batches/a/report.json", "batches/ab/x", "other"]
    )


def test_delete_removes_once_and_is_quiet_after(object_store: ObjectStore) -> None:
    object_store.put("photos/o/1.jpg", b"x")
    object_store.delete("photos/o/1.jpg")
    assert not object_store.exists("photos/o/1.jpg")
    object_store.delete("photos/o/1.jpg")  # already gone: nothing happens
    object_store.delete("never/written")


def test_delete_prefix_removes_the_prefix_only(object_store: ObjectStore) -> None:
    for number in range(5):
        object_store.put(f"photos/owner/{number}.jpg", b"x")
    object_store.put("photos/owner-2/0.jpg", b"kept")
    object_store.put("photos/own/0.jpg", b"kept")
    assert object_store.delete_prefix("photos/owner/") == 5
    assert list(object_store.keys("photos/owner/")) == []
    assert sorted(object_store.keys("photos/")) == ["photos/own/0.jpg", "photos/owner-2/0.jpg"]
    assert object_store.delete_prefix("photos/owner/") == 0


def test_check_passes_and_leaves_nothing(object_store: ObjectStore) -> None:
    object_store.check()
    assert list(object_store.keys("")) == []


@pytest.mark.parametrize("key", BAD_KEYS)
def test_bad_keys_are_refused(object_store: ObjectStore, key: str) -> None:
    for call in (lambda: object_store.put(key, b"x"), lambda: object_store.get(key), lambda: object_store.delete(key)):
        with pytest.raises(ValueError, match="not an object key"):
            call()


def _unreachable(kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ObjectStore:
    if kind == "folder":
        store = FolderStore(tmp_path / "objects")
        store.root.rmdir()
        store.root.write_bytes(b"")  # where the folder was: a file, so nothing can be written or read under it
        return store
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{_free_port()}")  # nothing listens there
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "basegun")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    return S3Store("basegun")


@pytest.mark.parametrize("kind", ["folder", "s3"])
def test_unreachable_store_raises_store_unavailable(kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = _unreachable(kind, tmp_path, monkeypatch)
    with pytest.raises(StoreUnavailable) as error:
        store.put("photos/o/1.jpg", b"x")
    assert error.value.code == "store_unavailable"
    with pytest.raises(StoreUnavailable):
        store.check()
    if kind == "s3":  # a folder that cannot hold anything simply has nothing to read
        for call in (
            lambda: store.get("photos/o/1.jpg"),
            lambda: store.exists("photos/o/1.jpg"),
            lambda: list(store.keys("photos/")),
            lambda: store.delete("photos/o/1.jpg"),
            lambda: store.delete_prefix("photos/"),
        ):
            with pytest.raises(StoreUnavailable):
                call()


def test_s3_wrong_credentials_or_bucket_are_store_unavailable(
    s3: SeaweedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in s3.env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(StoreUnavailable, match="NoSuchBucket"):
        S3Store("no-such-bucket").put("a", b"x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
    with pytest.raises(StoreUnavailable, match=r"SignatureDoesNotMatch|AccessDenied"):
        S3Store(s3.bucket).get("a")


def test_s3_prefix_keeps_stores_apart_and_objects_private(s3: SeaweedServer, s3_url: str, tmp_path: Path) -> None:
    first = open_object_store(Settings(data_dir=tmp_path, object_store_url=s3_url))
    second = open_object_store(Settings(data_dir=tmp_path, object_store_url=s3_url + "-other"))
    first.put("photos/o/1.jpg", b"first")
    second.put("photos/o/1.jpg", b"second")
    assert first.get("photos/o/1.jpg") == b"first"
    assert list(first.keys("photos/")) == ["photos/o/1.jpg"]  # the prefix is the store's own, never in its keys
    prefix = s3_url.removeprefix(f"s3://{s3.bucket}/")
    listed = s3.client().list_objects_v2(Bucket=s3.bucket, Prefix=f"{prefix}/")["Contents"]
    assert [item["Key"] for item in listed] == [f"{prefix}/photos/o/1.jpg"]
    with pytest.raises(urllib.error.HTTPError) as refused:  # no public address: an anonymous read is refused
        urllib.request.urlopen(f"{s3.endpoint}/{s3.bucket}/{prefix}/photos/o/1.jpg", timeout=10)
    assert refused.value.code == 403
    assert first.delete_prefix("photos/") == 1
    assert second.get("photos/o/1.jpg") == b"second"


@pytest.mark.parametrize(
    ("url", "bucket", "prefix"),
    [
        ("s3://basegun", "basegun", ""),
        ("s3://basegun/", "basegun", ""),
        ("s3://basegun-prod.fr/station/lyon", "basegun-prod.fr", "station/lyon"),
        ("s3://basegun/prefix/", "basegun", "prefix"),
    ],
)
def test_s3_url_gives_bucket_and_prefix(url: str, bucket: str, prefix: str) -> None:
    assert parse_s3_url(url) == (bucket, prefix)


@pytest.mark.parametrize(
    "url",
    [
        "s3://",
        "s3:///prefix",
        "http://127.0.0.1:8333/basegun",
        "file:///var/basegun",
        "/var/basegun/objects",
        "s3://Basegun",
        "s3://b",
        "s3://basegun:9000/x",
        "s3://key:secret@basegun",
        "s3://basegun?region=eu",
        "s3://basegun/../up",
        "s3://basegun/a b",
    ],
)
def test_bad_object_store_urls_are_refused_at_start(url: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="BASEGUN_OBJECT_STORE_URL"):
        open_object_store(Settings(data_dir=tmp_path, object_store_url=url))


def test_default_store_is_a_folder_under_the_data_folder(tmp_path: Path) -> None:
    store = open_object_store(Settings(data_dir=tmp_path))
    assert isinstance(store, FolderStore)
    store.put("photos/o/1.jpg", b"x")
    assert (tmp_path / "objects" / "photos" / "o" / "1.jpg").read_bytes() == b"x"

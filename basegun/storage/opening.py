"""The object store the settings name: a folder under the data folder by default, an S3 bucket at scale."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from basegun.settings import Settings
from basegun.storage.folder import FolderStore
from basegun.storage.objects import ObjectStore, checked_key

# S3's rule for bucket names (lower case, digits, dots and hyphens, 3 to 63 characters).
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_FORM = "s3://BUCKET[/PREFIX]"


def parse_s3_url(url: str) -> tuple[str, str]:
    """(bucket, prefix) of `s3://BUCKET[/PREFIX]`; a ValueError that says the expected form otherwise."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or parts.query or parts.fragment or "@" in parts.netloc or ":" in parts.netloc:
        raise ValueError(f"BASEGUN_OBJECT_STORE_URL must be {_FORM} (the address goes in AWS_ENDPOINT_URL): {url!r}")
    if not _BUCKET.match(parts.netloc):
        raise ValueError(f"BASEGUN_OBJECT_STORE_URL names no valid S3 bucket ({_FORM}): {url!r}")
    prefix = parts.path.strip("/")
    if prefix:
        try:
            checked_key(prefix)
        except ValueError:
            raise ValueError(
                f"BASEGUN_OBJECT_STORE_URL's prefix may hold letters, digits, '.', '_', '-' and '/' only: {url!r}"
            ) from None
    return parts.netloc, prefix


def open_object_store(settings: Settings) -> ObjectStore:
    """`BASEGUN_OBJECT_STORE_URL` when set, else `<data_dir>/objects`; a bad URL is a ValueError at start-up."""
    if settings.object_store_url:
        bucket, prefix = parse_s3_url(settings.object_store_url)
        from basegun.storage.s3 import S3Store  # boto3 takes 0.4 s to import: only when a bucket is named

        return S3Store(bucket, prefix)
    return FolderStore(settings.data_dir / "objects")

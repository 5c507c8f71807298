"""Service settings, read from the environment (`BASEGUN_*`)."""

from __future__ import annotations

import ipaddress
import os
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODELS_DIR = REPO_ROOT / "models"


class Settings(BaseSettings):
    """Everything an operator can tune; defaults serve the embedded models on a small CPU server."""

    model_config = SettingsConfigDict(env_prefix="BASEGUN_", env_file=None, extra="ignore")

    models_dir: Path = DEFAULT_MODELS_DIR
    frontend_dir: Path = Field(REPO_ROOT / "frontend", description="The web app's files, served at /.")
    # The INT8 copy of the reference classifier: twice as fast on a CPU and a quarter of the download for the web app
    # offline, with the same answers on the accuracy protocol's rows (ACCURACY.md); `typology.json` is the FP32 one.
    typology_manifest: str = Field(
        "typology-int8.json", description="Manifest of the typology model, relative to models_dir or absolute."
    )
    keypoints_manifest: str = "keypoints.json"
    card_manifest: str = "card.json"
    ocr_detector_manifest: str = "ocr_det.json"
    ocr_orienter_manifest: str = "ocr_cls.json"
    ocr_recogniser_manifest: str = "ocr_rec.json"

    # One core per network run, one run per core: measured on 2 cores (`python -m benchmarks --only threads`),
    # 1 intra-op thread × 2 workers answered twice the photos per second of 2 × 2 and with lower latency even for a
    # single client; more intra-op threads only pay on an idle machine, and a server answering several requests at
    # once is not idle (threads of one run then wait on each other across busy cores).
    intra_op_threads: int = Field(1, ge=1)
    inference_workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)

    max_upload_bytes: int = Field(20 * 1024 * 1024, ge=1024)
    max_image_pixels: int = Field(50_000_000, ge=10_000)
    min_image_side: int = Field(100, ge=16)

    data_dir: Path = Field(Path("var"), description="Where results (and batch photos and reports) are kept.")
    retention_days: float = Field(30, gt=0, description="Results, photos and reports are deleted after this.")
    purge_every_seconds: float = Field(3600, gt=0, description="How often expired results and batches are deleted.")
    data_quota_bytes: int = Field(10 * 1024**3, ge=0, description="Most the data folder may hold; 0: no quota.")
    min_free_bytes: int = Field(1024**3, ge=0, description="Nothing new is accepted when the disk has less free.")

    # Admission: what the service takes at once, so that no client can fill the memory or the queues.
    inference_queue: int = Field(
        default_factory=lambda: 2 * (os.cpu_count() or 1), ge=0, description="Requests waiting for a worker."
    )
    max_open_batches: int = Field(20, ge=1, description="Batches queued or running, every client together.")
    max_open_batches_per_client: int = Field(3, ge=1, description="Batches queued or running for one client.")
    decode_pixel_budget: int = Field(
        50_000_000, ge=1, description="Pixels decoded and analysed at once, every request and batch together."
    )
    upload_spool_bytes: int = Field(64 * 1024, ge=0, description="An uploaded part beyond this goes to disk.")

    # The HTTP server (`basegun serve`).
    limit_concurrency: int = Field(64, ge=1, description="Connections and requests at once; more get a 503.")
    keep_alive_seconds: int = Field(5, ge=1, description="An idle keep-alive connection is closed after this.")
    body_timeout_seconds: float = Field(30, gt=0, description="Longest wait for the next piece of a request body.")

    rate_limit_per_minute: int = Field(120, ge=0, description="Request cost per client per minute; 0 disables it.")
    cors_origins: list[str] = []
    trusted_proxies: list[str] = Field(
        [], description="Addresses or networks of the reverse proxies whose X-Forwarded-For/-Proto are believed."
    )
    trust_forwarded: bool = Field(False, description="Replaced by trusted_proxies: refused when set alone.")
    api_docs: bool = Field(False, description="Serve the interactive API docs at /docs (Swagger UI from its CDN).")
    log_level: str = "INFO"

    database_url: str | None = Field(
        None, description="SQLAlchemy URL of the database (postgresql+psycopg://…); default: SQLite in data_dir."
    )
    object_store_url: str | None = Field(
        None, description="s3://BUCKET[/PREFIX] (address and credentials from the AWS_* variables); default: a folder."
    )
    embedded_worker: bool = Field(True, description="Run background jobs in this serving process too.")
    oidc_issuer: str | None = Field(None, description="The OIDC provider that signs agents in; none: no sign-in.")
    oidc_audience: str = Field("basegun", description="The `aud` a token must carry.")
    oidc_roles_claim: str = Field("realm_access.roles", description="Dotted path of the roles list in a token.")
    oidc_client_id: str = Field("basegun", description="The web app's public client id at the provider.")
    smtp_host: str | None = Field(None, description="Mail server for expert notifications; none: mail is kept queued.")
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = Field(False, description="Upgrade the SMTP connection with STARTTLS (certificate checked).")
    smtp_from: str = "basegun@localhost"
    experts_email: str | None = Field(None, description="Where new expert requests are sent.")
    public_url: str = Field("", description="The web app's public address, for links in mails.")
    mail_retry_seconds: float = Field(60, gt=0, description="How often undelivered mail is tried again.")

    @field_validator("cors_origins")
    @classmethod
    def _no_wildcard_origin(cls, origins: list[str]) -> list[str]:
        if "*" in origins:
            raise ValueError("a wildcard CORS origin is refused: list the origins allowed to call the API")
        return origins

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, proxies: list[str]) -> list[str]:
        for proxy in proxies:
            ipaddress.ip_network(proxy, strict=False)  # a ValueError names the bad entry
        return proxies

    @model_validator(mode="after")
    def _forwarded_needs_proxies(self) -> Settings:
        if self.trust_forwarded and not self.trusted_proxies:
            raise ValueError(
                "BASEGUN_TRUST_FORWARDED is replaced by BASEGUN_TRUSTED_PROXIES: list the reverse proxies' addresses "
                "(e.g. BASEGUN_TRUSTED_PROXIES='[\"127.0.0.1\"]'); X-Forwarded-For is believed only from them"
            )
        return self

    @property
    def database(self) -> str:
        """The database URL: the setting, or SQLite under the data folder (nothing to install or run)."""
        return self.database_url or f"sqlite:///{self.data_dir / 'basegun.sqlite3'}"

    @field_validator("oidc_issuer")
    @classmethod
    def _issuer_over_tls(cls, issuer: str | None) -> str | None:
        return check_provider_url(issuer) if issuer else None

    def manifest_path(self, name: str) -> Path:
        """Resolve a manifest setting against the models folder."""
        path = Path(name)
        return path if path.is_absolute() else self.models_dir / path


@lru_cache
def get_settings() -> Settings:
    return Settings()


def check_provider_url(url: str) -> str:
    """`url` itself when it is https, or http on loopback (development and tests); a ValueError otherwise."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and _is_loopback(parts.hostname or ""):
        return url
    raise ValueError(f"the OIDC provider must be reached over https (http only on loopback): {url}")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

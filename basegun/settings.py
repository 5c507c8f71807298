"""Service settings, read from the environment (`BASEGUN_*`)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODELS_DIR = REPO_ROOT / "models"


class Settings(BaseSettings):
    """Everything an operator can tune; defaults serve the embedded models on a small CPU server."""

    model_config = SettingsConfigDict(env_prefix="BASEGUN_", env_file=None, extra="ignore")

    models_dir: Path = DEFAULT_MODELS_DIR
    frontend_dir: Path = Field(REPO_ROOT / "frontend", description="The web app's files, served at /.")
    typology_manifest: str = Field(
        "typology.json", description="Manifest of the typology model, relative to models_dir or absolute."
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
    rate_limit_per_minute: int = Field(120, ge=0, description="Requests per client per minute; 0 disables it.")
    cors_origins: list[str] = []
    trust_forwarded: bool = Field(False, description="Trust X-Forwarded-For/Proto from a reverse proxy.")
    log_level: str = "INFO"

    @field_validator("cors_origins")
    @classmethod
    def _no_wildcard_origin(cls, origins: list[str]) -> list[str]:
        if "*" in origins:
            raise ValueError("a wildcard CORS origin is refused: list the origins allowed to call the API")
        return origins

    def manifest_path(self, name: str) -> Path:
        """Resolve a manifest setting against the models folder."""
        path = Path(name)
        return path if path.is_absolute() else self.models_dir / path


@lru_cache
def get_settings() -> Settings:
    return Settings()

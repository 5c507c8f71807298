"""The Basegun service: every model, the catalog and the result store, loaded once, behind plain methods.

The HTTP API, the CLI and the batch runner all call this one object; none of them touches a model directly.
"""

from __future__ import annotations

import logging
from typing import Any

from basegun.catalog import Catalog
from basegun.errors import ModelUnavailable
from basegun.identify import Identifier
from basegun.imaging import Limits
from basegun.models import Models
from basegun.settings import Settings
from basegun.storage import ResultStore

log = logging.getLogger(__name__)


class Basegun:
    """Load with `Basegun(settings)`; raises `ModelUnavailable` naming the file when a model is missing or corrupt."""

    def __init__(self, settings: Settings, *, store: bool = True) -> None:
        self.settings = settings
        self.limits = Limits(settings.max_upload_bytes, settings.max_image_pixels, settings.min_image_side)
        self.models = Models.load(settings)
        self.catalog = Catalog.load()
        try:
            self.catalog.require_classes(self.models.typology.classes)
        except ValueError as exc:  # a retrained model whose classes the catalog does not describe
            raise ModelUnavailable(str(exc)) from exc
        self.identifier = Identifier(self.models, self.catalog, self.limits)
        self.store = ResultStore(settings.data_dir / "basegun.sqlite3", settings.retention_days) if store else None
        if self.store is not None:
            purged = self.store.purge_expired()
            if purged:
                log.info("expired results deleted", extra={"count": purged})

    def identify(self, data: bytes) -> dict[str, Any]:
        """Identify one photo; the answer is stored (never the photo) and carries its id."""
        answer = self.identifier.identify(data).to_dict()
        return self._keep("identification", answer)

    def _keep(self, kind: str, answer: dict[str, Any]) -> dict[str, Any]:
        if self.store is None:
            return answer
        result_id = self.store.put(kind, answer)
        return {"id": result_id, **answer}

    def close(self) -> None:
        if self.store is not None:
            self.store.close()

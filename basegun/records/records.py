"""Everything the service keeps in its database, built once from the settings: results, expert requests, feedback,
the mail outbox (sent by jobs, `basegun/jobs/`), and their shared photo store (bytes in the object store)."""

from __future__ import annotations

from collections.abc import Callable

from basegun.catalog.typologies import Catalog
from basegun.records.database import Database
from basegun.records.expert_requests import ExpertRequests
from basegun.records.feedback import FeedbackStore
from basegun.records.mail import Outbox, SmtpSettings
from basegun.records.photos import PhotoStore
from basegun.records.results import ResultStore
from basegun.settings import Settings
from basegun.storage.objects import ObjectStore
from basegun.storage.opening import open_object_store


def smtp_settings(settings: Settings) -> SmtpSettings | None:
    if settings.smtp_host is None:
        return None
    return SmtpSettings(
        host=settings.smtp_host,
        port=settings.smtp_port,
        user=settings.smtp_user,
        password=settings.smtp_password,
        starttls=settings.smtp_starttls,
        sender=settings.smtp_from,
    )


class Records:
    """The database and its repositories; `close()` stops the engine."""

    def __init__(self, settings: Settings, catalog: Catalog, objects: ObjectStore | None = None) -> None:
        """`objects`: the service's object store (`Basegun` opens it once); by default the one the settings name."""
        self.objects = objects if objects is not None else open_object_store(settings)
        self.database = Database(settings.database)
        self.results = ResultStore(self.database, settings.retention_days)
        self.photos = PhotoStore(self.database, self.objects)
        try:
            self.photos.move_blobs()  # photos of a database from before the object store (right after the migration)
        except BaseException:
            self.database.close()
            raise
        smtp = smtp_settings(settings)
        self.outbox = Outbox(self.database, smtp, self.photos)
        self.expert_requests = ExpertRequests(
            self.database,
            self.results,
            self.outbox,
            self.photos,
            catalog,
            settings.experts_email,
            settings.public_url,
        )
        self.feedback = FeedbackStore(self.database, self.results, self.photos, catalog)
        self.mail_queued: Callable[[], None] = lambda: None  # set by the job queue (`basegun/jobs/`)

    def send_mail_now(self) -> None:
        """After a transaction that queued mail has been committed: a job per message."""
        self.mail_queued()

    def close(self) -> None:
        self.database.close()

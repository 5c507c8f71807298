"""Everything the service keeps in its database, built once from the settings: results, expert requests, feedback,
the mail outbox (sent by jobs, `basegun/jobs/`), and their shared photo store."""

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

    def __init__(self, settings: Settings, catalog: Catalog) -> None:
        self.database = Database(settings.database)
        self.results = ResultStore(self.database, settings.retention_days)
        self.photos = PhotoStore()
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

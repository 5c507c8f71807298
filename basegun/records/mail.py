"""Mail to the experts and to agents, through an outbox: a message is written in the same transaction as what it
announces, then sent by a job (`send_mail`, `basegun/jobs/`); a mail server that is down loses nothing, the message
stays pending and the periodic sweep queues it again.

Who sends a message is the job queue's decision (one job per message, locked by its id). The row's short claim is
only a guard that makes a duplicate job harmless: two jobs for one message never both reach the mail server. A
process that dies between the mail server's acceptance and the row marked sent leaves the message pending: it is
sent again once the claim has expired (at least once, never lost), with the same Message-ID, by which mail clients
recognise the copy.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import time
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import sqlalchemy as sa

from basegun.errors import StoreUnavailable
from basegun.records.database import Database
from basegun.records.photos import PhotoStore
from basegun.records.tables import outbox
from basegun.storage.objects import ObjectMissing

log = logging.getLogger(__name__)

CLAIM_SECONDS = 120  # a process that dies while sending leaves its claim to expire
SMTP_TIMEOUT = 30


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str | None
    password: str | None
    starttls: bool
    sender: str


class Outbox:
    """Queued messages, each sent by `send(id)`; `status_of(about)` says what became of a thing's messages."""

    def __init__(self, database: Database, smtp: SmtpSettings | None, photos: PhotoStore) -> None:
        self.database = database
        self.smtp = smtp
        self.photos = photos

    def enqueue(
        self,
        connection: sa.Connection,
        *,
        about: str,
        purpose: str,
        recipient: str,
        subject: str,
        body: str,
        attach_photos_of: str | None = None,
    ) -> None:
        """Queue a message inside the caller's transaction: it exists exactly when what it announces does.

        The subject is made one line whatever the fields in it hold: a line break would start another header.
        """
        connection.execute(
            outbox.insert().values(
                id=uuid.uuid4().hex,
                created=time.time(),
                about=about,
                purpose=purpose,
                recipient=recipient,
                subject=" ".join(subject.split()),
                body=body,
                attach_photos_of=attach_photos_of,
                attempts=0,
            )
        )

    def forget(self, connection: sa.Connection, about: str) -> None:
        """Drop the messages about a thing being deleted: none is sent about what is gone."""
        connection.execute(outbox.delete().where(outbox.c.about == about))

    def status_of(self, connection: sa.Connection, about: str) -> list[dict[str, Any]]:
        query = sa.select(outbox.c.purpose, outbox.c.sent, outbox.c.attempts).where(outbox.c.about == about)
        return [
            {"to": row.purpose, "status": "sent" if row.sent else "pending", "attempts": row.attempts}
            for row in connection.execute(query.order_by(outbox.c.created))
        ]

    def pending(self) -> list[str]:
        """The messages not sent yet, oldest first (none when no mail server is set: they wait for one)."""
        if self.smtp is None:
            return []
        with self.database.transaction() as connection:
            pending = connection.execute(
                sa.select(outbox.c.id).where(outbox.c.sent.is_(None)).order_by(outbox.c.created)
            ).scalars()
            return list(pending)

    def send(self, message_id: str) -> bool:
        """Send one message unless it is sent or being sent; whether this call sent it."""
        if self.smtp is None or not self._claim(message_id):
            return False
        return self._send(message_id) == 1

    def deliver_pending(self) -> int:
        """Send every pending message this process can claim; returns how many were sent."""
        return sum(self.send(message_id) for message_id in self.pending())

    def _claim(self, message_id: str) -> bool:
        now = time.time()
        free = sa.or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until < now)
        with self.database.transaction() as connection:
            claimed = connection.execute(
                outbox.update()
                .where(outbox.c.id == message_id, outbox.c.sent.is_(None), free)
                .values(claimed_until=now + CLAIM_SECONDS)
            )
        return claimed.rowcount == 1

    def _send(self, message_id: str) -> int:
        assert self.smtp is not None
        with self.database.transaction() as connection:
            row = connection.execute(sa.select(outbox).where(outbox.c.id == message_id)).one()
        try:
            attachments = self.photos.all_of(row.attach_photos_of) if row.attach_photos_of else []
            self._transmit(self._message(row, attachments))
        except (OSError, ValueError, smtplib.SMTPException, StoreUnavailable, ObjectMissing) as exc:
            # ValueError: an address email cannot carry; the store's errors: the photos cannot be read now.
            # The error's kind only: an SMTP refusal quotes addresses, which stay out of the logs.
            log.warning("mail not sent; it stays queued", extra={"purpose": row.purpose, "error": type(exc).__name__})
            with self.database.transaction() as connection:
                connection.execute(
                    outbox.update()
                    .where(outbox.c.id == message_id)
                    .values(attempts=outbox.c.attempts + 1, last_error=str(exc)[:500], claimed_until=None)
                )
            return 0
        with self.database.transaction() as connection:
            connection.execute(
                outbox.update()
                .where(outbox.c.id == message_id)
                .values(sent=time.time(), attempts=outbox.c.attempts + 1, last_error=None)
            )
        return 1

    def _message(self, row: sa.Row[Any], attachments: list[bytes]) -> EmailMessage:
        assert self.smtp is not None
        message = EmailMessage()
        message["From"] = self.smtp.sender
        message["To"] = row.recipient
        message["Subject"] = row.subject
        message["Message-ID"] = f"<{row.id}@basegun>"  # the same on a copy sent again after a crash
        message.set_content(row.body)
        for number, data in enumerate(attachments, start=1):
            message.add_attachment(data, maintype="image", subtype="jpeg", filename=f"photo-{number}.jpg")
        return message

    def _transmit(self, message: EmailMessage) -> None:
        assert self.smtp is not None
        with smtplib.SMTP(self.smtp.host, self.smtp.port, timeout=SMTP_TIMEOUT) as server:
            if self.smtp.starttls:
                server.starttls(context=ssl.create_default_context())
            if self.smtp.user:
                server.login(self.smtp.user, self.smtp.password or "")
            server.send_message(message)

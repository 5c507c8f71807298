"""The task code, one method per job, called alike by procrastinate's workers and by the embedded runner."""

from __future__ import annotations

import logging

from basegun.batch.store import BatchStore
from basegun.batch.work import BatchWork
from basegun.records.mail import Outbox
from basegun.service import Basegun

log = logging.getLogger(__name__)


class Tasks:
    """What a job does: run a batch, send one mail, purge what has expired."""

    def __init__(self, service: Basegun, store: BatchStore, batches: BatchWork, outbox: Outbox) -> None:
        self.service = service
        self.store = store
        self.batches = batches
        self.outbox = outbox

    def run_batch(self, ref: str) -> None:
        """The batch named by its reference (`batch_ref`: its id, a credential, stays out of the queue's logs)."""
        batch_id = self.store.id_of(ref)
        if batch_id is None:
            log.info("batch gone before its turn (expired or deleted)")
            return
        self.batches.run(batch_id)

    def send_mail(self, message_id: str) -> None:
        self.outbox.send(message_id)

    def purge(self) -> None:
        """Results, batches (rows and objects) and abandoned uploads past their time, once for the whole fleet."""
        self.service.purge()
        if purged := self.store.purge_expired():
            log.info("expired batches deleted", extra={"count": purged})

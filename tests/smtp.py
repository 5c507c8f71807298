"""A real SMTP server (aiosmtpd) on loopback that keeps what it receives, for the mail tests."""

from __future__ import annotations

import email
import email.policy
import threading
import time
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


class MailCatcher:
    """`start()` listens on `port`; `messages` are the parsed mails received, `wait_for(n)` waits for n of them."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[EmailMessage] = []
        self._received = threading.Condition()
        self.controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self._received:
            self.messages.append(message)
            self._received.notify_all()
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def wait_for(self, count: int, timeout: float = 60) -> list[EmailMessage]:
        """The first `count` messages, once they have arrived (the service sends them from a background thread)."""
        deadline = time.monotonic() + timeout
        with self._received:
            while len(self.messages) < count and time.monotonic() < deadline:
                self._received.wait(deadline - time.monotonic())
        assert len(self.messages) >= count, f"{len(self.messages)} mail(s) received, {count} expected"
        return self.messages[:count]

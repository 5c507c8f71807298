"""Errors only the web layer raises: refusals of the HTTP server itself, mapped with the others in `problems.py`."""

from __future__ import annotations

from basegun.errors import BasegunError, LimitReached


class Busy(LimitReached):
    """Every inference worker is taken and the queue in front of them is full."""

    code = "busy"


class CrossSiteRefused(BasegunError):
    """A browser sent a state-changing request on behalf of another site's page."""

    code = "cross_site_request"

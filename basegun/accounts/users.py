"""Who is asking: anonymous citizens, or users signed in through the OIDC provider, with their roles.

Citizens stay anonymous for every identification flow; only asking the experts (agents) and answering (experts)
needs an account. An administrator may do both.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from basegun.errors import AuthenticationRequired, Forbidden


class Role(StrEnum):
    AGENT = "basegun-agent"
    EXPERT = "basegun-expert"
    ADMIN = "basegun-admin"


@dataclass(frozen=True)
class User:
    """A signed-in user as the provider's token describes them; `subject` is the provider's stable id."""

    subject: str
    name: str
    email: str | None
    roles: frozenset[Role]

    def has_any(self, *roles: Role) -> bool:
        return bool(self.roles & {*roles, Role.ADMIN})

    def to_dict(self) -> dict[str, object]:
        return {"subject": self.subject, "name": self.name, "email": self.email, "roles": sorted(self.roles)}


def signed_in(user: User | None) -> User:
    """The user, when signed in (whatever their roles)."""
    if user is None:
        raise AuthenticationRequired("Sign in to use this service.")
    return user


def require(user: User | None, *roles: Role) -> User:
    """The user, when signed in with one of `roles` (or as an administrator)."""
    user = signed_in(user)
    if not user.has_any(*roles):
        raise Forbidden(f"This needs one of the roles: {', '.join(roles)}.")
    return user

"""Who is calling: the bearer token checked by `basegun.accounts.oidc`, as route dependencies.

Routes that anyone may call take `UserDep` (None for an anonymous citizen); routes for agents or experts take
`AgentDep` or `ExpertDep`, which refuse a missing token (401), a bad one (401) or a missing role (403).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from basegun.accounts.oidc import OidcVerifier
from basegun.accounts.users import Role, User, require
from basegun.errors import InvalidToken

bearer = HTTPBearer(auto_error=False, description="An access token from the OIDC provider")


def current_user(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> User | None:
    """The signed-in user, or None without a token; a token that cannot be trusted is refused, never ignored.

    A plain function: FastAPI runs it in a thread, so that fetching the provider's keys never blocks the event loop.
    """
    if credentials is None:
        return None
    verifier: OidcVerifier | None = request.app.state.verifier
    if verifier is None:
        raise InvalidToken("Sign-in is not configured on this service.")
    return verifier.verify(credentials.credentials)


UserDep = Annotated[User | None, Depends(current_user)]


def needs(*roles: Role) -> Callable[[User | None], User]:
    def signed_in_with_role(user: UserDep) -> User:
        return require(user, *roles)

    return signed_in_with_role


AgentDep = Annotated[User, Depends(needs(Role.AGENT))]
ExpertDep = Annotated[User, Depends(needs(Role.EXPERT))]
AgentOrExpertDep = Annotated[User, Depends(needs(Role.AGENT, Role.EXPERT))]

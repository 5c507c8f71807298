"""Sign-in: how the web app finds the OIDC provider, and who the signed-in user is."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request

from api.auth import UserDep
from api.problems import SIGNED_IN, errors
from basegun.accounts.users import signed_in

router = APIRouter(
    prefix="/api/v1", tags=["accounts"], responses=errors(SIGNED_IN, {403: ("forbidden",), 404: ("not_found",)})
)


@router.get("/auth/config", summary="Where the web app signs agents in (the OIDC provider and its client id)")
def auth_config(request: Request) -> dict[str, Any]:
    settings = request.app.state.settings
    if settings.oidc_issuer is None:
        raise HTTPException(404, "Sign-in is not configured on this service.")
    return {"issuer": settings.oidc_issuer.rstrip("/"), "client_id": settings.oidc_client_id}


@router.get("/me", summary="The signed-in user and their roles")
def me(user: UserDep) -> dict[str, Any]:
    return signed_in(user).to_dict()

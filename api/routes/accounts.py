"""Sign-in: how the web app finds the OIDC provider, and who the signed-in user is."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field

from api.auth import UserDep
from api.problems import SIGNED_IN, errors
from basegun.accounts.users import Role, signed_in

router = APIRouter(prefix="/api/v1", tags=["accounts"])


class AuthConfig(BaseModel):
    issuer: str = Field(description="The OIDC provider's issuer URL")
    client_id: str


class SignedIn(BaseModel):
    subject: str = Field(description="The provider's stable id of the user")
    name: str
    email: str | None
    roles: list[Role]


@router.get(
    "/auth/config",
    summary="Where the web app signs agents in (the OIDC provider and its client id)",
    responses=errors({404: ("not_found",)}),
)
def auth_config(request: Request) -> AuthConfig:
    settings = request.app.state.settings
    if settings.oidc_issuer is None:
        raise HTTPException(404, "Sign-in is not configured on this service.")
    return AuthConfig(issuer=settings.oidc_issuer.rstrip("/"), client_id=settings.oidc_client_id)


@router.get("/me", summary="The signed-in user and their roles", responses=errors(SIGNED_IN))
def me(user: UserDep) -> SignedIn:
    return SignedIn.model_validate(signed_in(user).to_dict())

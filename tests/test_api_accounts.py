"""Sign-in through the API: `/api/v1/me`, and every route that needs a role, against a real OIDC provider."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from basegun.settings import Settings
from tests.calls import assert_problem
from tests.oidc_provider import OidcProvider
from tests.postgres import PostgresServer


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def backend_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('accounts') / 'basegun.sqlite3'}"
    postgres: PostgresServer = request.getfixturevalue("postgres")
    return postgres.new_database()


@pytest.fixture(scope="module")
def client(backend_url: str, oidc: OidcProvider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("accounts-data"),
        database_url=backend_url,
        rate_limit_per_minute=0,
        oidc_issuer=oidc.issuer,
    )
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def test_me_gives_user_and_roles(client: TestClient, oidc: OidcProvider) -> None:
    body = client.get("/api/v1/me", headers=bearer(oidc.token("expert"))).json()
    assert body == {"subject": "expert-1", "name": "Alix Expert", "email": "alix.expert@ircgn.test",
                    "roles": ["basegun-expert"]}  # fmt: skip
    assert client.get("/api/v1/me", headers=bearer(oidc.token("citizen"))).json()["roles"] == []


def test_me_without_token_is_401(client: TestClient) -> None:
    response = client.get("/api/v1/me")
    assert_problem(response, 401, "authentication_required")
    assert response.headers["www-authenticate"] == "Bearer"


def test_me_with_bad_token_is_401_invalid_token(client: TestClient, oidc: OidcProvider) -> None:
    response = client.get("/api/v1/me", headers=bearer(oidc.token("agent", aud="someone-else")))
    assert_problem(response, 401, "invalid_token")
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'


def test_auth_config_names_the_provider(client: TestClient, oidc: OidcProvider) -> None:
    assert client.get("/api/v1/auth/config").json() == {"issuer": oidc.issuer, "client_id": "basegun"}


def test_anonymous_identification_flows_ignore_sign_in(client: TestClient) -> None:
    assert client.get("/api/v1/typologies").status_code == 200
    assert client.get("/api/v1/replica-check/revolver").status_code == 200


def test_token_when_sign_in_is_off_is_401(tmp_path: Path, oidc: OidcProvider) -> None:
    with TestClient(create_app(Settings(data_dir=tmp_path, rate_limit_per_minute=0))) as plain:
        assert_problem(plain.get("/api/v1/me", headers=bearer(oidc.token("agent"))), 401, "invalid_token")
        assert plain.get("/api/v1/auth/config").status_code == 404


def test_csp_lets_the_web_app_reach_the_provider(client: TestClient, oidc: OidcProvider) -> None:
    origin = oidc.issuer.split("/realms/")[0]
    assert f"connect-src 'self' {origin};" in client.get("/").headers["content-security-policy"]

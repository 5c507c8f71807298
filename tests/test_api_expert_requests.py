"""Expert requests through the HTTP API, signed in with tokens of a real OIDC provider, mail to a real SMTP server;
on SQLite and on PostgreSQL. Also the roles table: every route that needs a role × who is calling."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from api.app import create_app
from basegun.settings import Settings
from tests.answers import identification as identification_made
from tests.calls import assert_problem
from tests.images import gps_photo
from tests.oidc_provider import OidcProvider
from tests.postgres import PostgresServer
from tests.smtp import MailCatcher

FIELDS = {
    "service": "Brigade de recherches de Lyon",
    "phone": "04 78 00 00 00",
    "seizure_number": "S-2026-114",
    "procedure_number": "P-889/26",
    "markings": "BLOW F92",
    "notes": "Trouvée dans une cave.",
}


@pytest.fixture(scope="module")
def mail(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MailCatcher]:
    from tests.conftest import _free_port

    catcher = MailCatcher(_free_port())
    catcher.start()
    yield catcher
    catcher.stop()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def client(
    request: pytest.FixtureRequest, oidc: OidcProvider, mail: MailCatcher, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    data_dir = tmp_path_factory.mktemp("expert-api")
    if request.param == "sqlite":
        url = f"sqlite:///{data_dir / 'basegun.sqlite3'}"
    else:
        postgres: PostgresServer = request.getfixturevalue("postgres")
        url = postgres.new_database()
    settings = Settings(
        data_dir=data_dir,
        database_url=url,
        rate_limit_per_minute=0,
        oidc_issuer=oidc.issuer,
        smtp_host="127.0.0.1",
        smtp_port=mail.port,
        experts_email="experts@ircgn.test",
    )
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def submit(client: TestClient, token: str, photos: int = 2, **fields: str):
    files = [("photos", (f"p{i}.jpg", gps_photo(), "image/jpeg")) for i in range(photos)]
    return client.post("/api/v1/expert-requests", data={**FIELDS, **fields}, files=files, headers=bearer(token))


def test_agent_asks_expert_answers_agent_reads(client: TestClient, oidc: OidcProvider, mail: MailCatcher) -> None:
    before = len(mail.messages)
    made = identification_made("pistolet_semi_auto_moderne", 0.99, "high")
    identification = client.app.state.service.store.put("identification", made)
    created = submit(client, oidc.token("agent"), identification_id=identification)
    assert created.status_code == 201, created.text
    request = created.json()
    assert request["status"] == "submitted"
    assert request["agent"]["name"] == "Camille Agent"
    assert request["identification"]["typology"] == "pistolet_semi_auto_moderne"

    photo = client.get(request["photos"][0]["url"], headers=bearer(oidc.token("expert")))
    assert photo.headers["content-type"] == "image/jpeg"
    assert not Image.open(io.BytesIO(photo.content)).getexif()  # GPS and maker stripped

    to_experts = mail.wait_for(before + 1)[before]
    assert to_experts["To"] == "experts@ircgn.test"
    assert "Brigade de recherches de Lyon" in to_experts.get_body(("plain",)).get_content()
    assert len(list(to_experts.iter_attachments())) == 2

    queue = client.get("/api/v1/expert-requests", params={"status": "submitted"}, headers=bearer(oidc.token("expert")))
    assert request["id"] in [r["id"] for r in queue.json()["requests"]]
    answer = {"typology": "pistolet_semi_auto_moderne", "category": "C", "text": "Modèle d'alarme listé (BLOW F92)."}
    answered = client.post(
        f"/api/v1/expert-requests/{request['id']}/answer", json=answer, headers=bearer(oidc.token("expert"))
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == "answered"

    seen = client.get(f"/api/v1/expert-requests/{request['id']}", headers=bearer(oidc.token("agent"))).json()
    assert seen["answer"]["text"] == "Modèle d'alarme listé (BLOW F92)."
    assert seen["answer"]["expert"] == "Alix Expert"
    to_agent = mail.wait_for(before + 2)[before + 1]
    assert to_agent["To"] == "camille.agent@gendarmerie.test"
    assert "Modèle d'alarme listé" in to_agent.get_body(("plain",)).get_content()

    again = client.post(
        f"/api/v1/expert-requests/{request['id']}/answer", json=answer, headers=bearer(oidc.token("expert"))
    )
    assert_problem(again, 409, "already_answered")
    other = client.get(f"/api/v1/expert-requests/{request['id']}", headers=bearer(oidc.token("agent2")))
    assert_problem(other, 404, "unknown_expert_request")
    mine = client.get("/api/v1/expert-requests", headers=bearer(oidc.token("agent2"))).json()["requests"]
    assert request["id"] not in [r["id"] for r in mine]


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"phone": "call me"}, 422, "invalid_request"),
        ({"seizure_number": ""}, 422, "missing_field"),
        ({"notes": "x" * 4001}, 422, "invalid_request"),
        ({"seizure_number": "S-1\r\nBcc: everyone@example.test"}, 422, "invalid_request"),
        ({"service": "BR\x00"}, 422, "invalid_request"),
        ({"identification_id": "no-such-result"}, 404, "unknown_identification"),
    ],
)
def test_submit_refuses_bad_fields(
    client: TestClient, oidc: OidcProvider, change: dict, status: int, code: str
) -> None:
    assert_problem(submit(client, oidc.token("agent"), **change), status, code)


def test_submit_refuses_missing_field_and_photos(client: TestClient, oidc: OidcProvider) -> None:
    fields = {k: v for k, v in FIELDS.items() if k != "procedure_number"}
    files = [("photos", ("p.jpg", gps_photo(), "image/jpeg"))]
    response = client.post("/api/v1/expert-requests", data=fields, files=files, headers=bearer(oidc.token("agent")))
    assert_problem(response, 422, "missing_field")
    assert_problem(submit(client, oidc.token("agent"), photos=0), 422, "missing_field")
    assert_problem(submit(client, oidc.token("agent"), photos=9), 400, "bad_request")  # more files than it takes
    not_photo = [("photos", ("p.jpg", b"%PDF-1.4 not a photo", "image/jpeg"))]
    response = client.post("/api/v1/expert-requests", data=FIELDS, files=not_photo, headers=bearer(oidc.token("agent")))
    assert_problem(response, 415, "unsupported_format")


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        ({"typology": "bazooka", "category": "A", "text": "x"}, "unknown_typology"),
        ({"typology": "revolver", "category": "E", "text": "x"}, "unknown_category"),
    ],
)
def test_answer_refuses_unknown_typology_or_category(
    client: TestClient, oidc: OidcProvider, answer: dict, code: str
) -> None:
    request_id = submit(client, oidc.token("agent")).json()["id"]
    response = client.post(
        f"/api/v1/expert-requests/{request_id}/answer", json=answer, headers=bearer(oidc.token("expert"))
    )
    assert_problem(response, 404, code)
    assert (
        client.get(f"/api/v1/expert-requests/{request_id}", headers=bearer(oidc.token("agent"))).json()["status"]
        == "submitted"
    )


CALLERS = ("no_token", "bad_token", "citizen", "agent", "expert")
ROUTES = {  # route → the status each caller gets
    "GET /api/v1/me": (401, 401, 200, 200, 200),
    "POST /api/v1/expert-requests": (401, 401, 403, 201, 403),
    "GET /api/v1/expert-requests": (401, 401, 403, 200, 200),
    "GET /api/v1/expert-requests/{id}": (401, 401, 403, 200, 200),
    "GET /api/v1/expert-requests/{id}/photos/{photo}": (401, 401, 403, 200, 200),
    "POST /api/v1/expert-requests/{id}/answer": (401, 401, 403, 403, 200),
    "POST /api/v1/feedback": (201, 401, 201, 201, 201),  # anyone; a token given must be good
}
CODES = {401: ("authentication_required", "invalid_token"), 403: ("forbidden",)}


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("route", list(ROUTES))
def test_roles_table(client: TestClient, oidc: OidcProvider, route: str, caller: str) -> None:
    request = submit(client, oidc.token("agent")).json()
    method, path = route.split(" ")
    path = path.format(id=request["id"], photo=request["photos"][0]["id"])
    headers = {
        "no_token": {},
        "bad_token": bearer(oidc.token("expert", aud="another-app")),
        "citizen": bearer(oidc.token("citizen")),
        "agent": bearer(oidc.token("agent")),
        "expert": bearer(oidc.token("expert")),
    }[caller]
    if route == "POST /api/v1/expert-requests":
        files = [("photos", ("p.jpg", gps_photo(), "image/jpeg"))]
        response = client.post(path, data=FIELDS, files=files, headers=headers)
    elif route == "POST /api/v1/feedback":
        result_id = client.app.state.service.store.put("identification", identification_made("revolver"))
        response = client.post(path, data={"result_id": result_id, "correct": "true"}, headers=headers)
    elif method == "POST":
        response = client.post(path, json={"typology": "revolver", "category": "B", "text": "ok"}, headers=headers)
    else:
        response = client.get(path, headers=headers)
    expected = ROUTES[route][CALLERS.index(caller)]
    assert response.status_code == expected, response.text
    if expected in CODES:
        assert response.json()["code"] in CODES[expected]
        assert response.json()["code"] == ("authentication_required" if caller == "no_token" else
                                           "invalid_token" if caller == "bad_token" else "forbidden")  # fmt: skip


def test_sign_in_off_keeps_anonymous_flows_and_refuses_requests(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(data_dir=tmp_path, rate_limit_per_minute=0))) as plain:
        assert plain.get("/api/v1/typologies").status_code == 200
        assert_problem(plain.get("/api/v1/expert-requests"), 401, "authentication_required")


def test_request_survives_a_mail_server_that_is_down(oidc: OidcProvider, tmp_path: Path) -> None:
    from tests.conftest import _free_port

    port = _free_port()  # nothing listens there yet
    settings = Settings(
        data_dir=tmp_path,
        rate_limit_per_minute=0,
        oidc_issuer=oidc.issuer,
        smtp_host="127.0.0.1",
        smtp_port=port,
        experts_email="experts@ircgn.test",
        mail_retry_seconds=0.5,
    )
    with TestClient(create_app(settings)) as client:
        created = submit(client, oidc.token("agent"))
        assert created.status_code == 201, created.text
        assert created.json()["notifications"][0]["status"] == "pending"
        catcher = MailCatcher(port)  # the mail server comes back: the retry delivers
        catcher.start()
        try:
            assert catcher.wait_for(1)[0]["To"] == "experts@ircgn.test"
        finally:
            catcher.stop()
        path = f"/api/v1/expert-requests/{created.json()['id']}"

        def notification() -> str:
            return client.get(path, headers=bearer(oidc.token("agent"))).json()["notifications"][0]["status"]

        deadline = time.monotonic() + 30  # the mail thread records the delivery just after the server accepts it
        while notification() != "sent" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert notification() == "sent"

"""Expert-request and feedback photos in the object store: written with their owner, gone with it, and served by any
replica: two apps on one PostgreSQL and one S3 bucket (SeaweedFS), each with a data folder of its own."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from PIL import Image

from api.app import create_app
from basegun.accounts.users import Role, User
from basegun.catalog.loading import load_catalog
from basegun.errors import NotFound
from basegun.inference.imaging import Limits
from basegun.records.expert_requests import RequestForm
from basegun.records.feedback import Feedback
from basegun.records.photos import clean_photo, photo_key, photo_prefix
from basegun.records.records import Records
from basegun.records.tables import expert_requests, outbox, photos
from basegun.settings import Settings
from basegun.storage.objects import ObjectStore
from tests.answers import identification
from tests.conftest import _free_port
from tests.oidc_provider import OidcProvider
from tests.postgres import PostgresServer
from tests.seaweed import SeaweedServer
from tests.smtp import MailCatcher
from tests.test_api import assert_problem
from tests.test_api_expert_requests import FIELDS
from tests.test_expert_requests import gps_photo

AGENT = User("agent-1", "Camille Agent", "camille@gendarmerie.test", frozenset({Role.AGENT}))
EXPERT = User("expert-1", "Alix Expert", None, frozenset({Role.EXPERT}))
FORM = RequestForm("BR Lyon", "0478000000", "S-1", "P-1")


@pytest.fixture
def records(database_url: str, object_store: ObjectStore, tmp_path: Path) -> Iterator[Records]:
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url, experts_email="experts@ircgn.test")
    made = Records(settings, load_catalog(), object_store)
    yield made
    made.close()


def photo_rows(records: Records, owner_id: str) -> int:
    with records.database.transaction() as connection:
        return connection.execute(sa.select(sa.func.count()).where(photos.c.owner_id == owner_id)).scalar_one()


def test_deleting_a_request_or_a_feedback_deletes_its_objects(records: Records) -> None:
    cleaned = clean_photo(gps_photo(), Limits())
    request = records.expert_requests.submit(AGENT, FORM, [cleaned, cleaned])
    kept = records.expert_requests.submit(AGENT, FORM, [cleaned])
    said = records.results.put("identification", identification("revolver"))
    feedback = records.feedback.add(AGENT, Feedback(said, True, consent=True), cleaned)
    assert len(list(records.objects.keys(photo_prefix(request.id)))) == 2
    assert len(list(records.objects.keys(photo_prefix(feedback.id)))) == 1

    records.expert_requests.delete(request.id)
    records.feedback.delete(feedback.id)
    assert list(records.objects.keys(photo_prefix(request.id))) == []
    assert list(records.objects.keys(photo_prefix(feedback.id))) == []
    assert photo_rows(records, request.id) == photo_rows(records, feedback.id) == 0
    with pytest.raises(NotFound):
        records.expert_requests.get(EXPERT, request.id)
    with records.database.transaction() as connection:  # no mail goes out about what is gone
        assert connection.execute(sa.select(outbox.c.id).where(outbox.c.about == request.id)).all() == []
    photo_id = kept.photos[0].id
    assert records.expert_requests.photo(EXPERT, kept.id, photo_id) == cleaned  # the others stay
    records.expert_requests.delete(request.id)  # already gone: nothing happens


def test_a_submission_that_fails_leaves_no_object(records: Records, monkeypatch: pytest.MonkeyPatch) -> None:
    def queue_down(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the outbox cannot be written")

    monkeypatch.setattr(records.outbox, "enqueue", queue_down)  # fails inside the request's transaction
    with pytest.raises(RuntimeError, match="outbox"):
        records.expert_requests.submit(AGENT, FORM, [clean_photo(gps_photo(), Limits())])
    assert list(records.objects.keys("photos/")) == []
    with records.database.transaction() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(photos)).scalar_one() == 0


@pytest.fixture
def replicas(
    s3_url: str, postgres: PostgresServer, oidc: OidcProvider, mail_server: MailCatcher, tmp_path: Path
) -> Iterator[tuple[TestClient, TestClient]]:
    """Two replicas of the service on one PostgreSQL database and one S3 prefix, each with its own data folder."""
    database_url = postgres.new_database()
    clients = []
    for name in ("a", "b"):
        settings = Settings(
            data_dir=tmp_path / name,
            database_url=database_url,
            object_store_url=s3_url,
            rate_limit_per_minute=0,
            oidc_issuer=oidc.issuer,
            smtp_host="127.0.0.1",
            smtp_port=mail_server.port,
            experts_email="experts@ircgn.test",
        )
        clients.append(TestClient(create_app(settings)))
    with clients[0] as first, clients[1] as second:
        yield first, second


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def test_photos_sent_to_one_replica_are_read_from_the_other_through_s3(
    replicas: tuple[TestClient, TestClient],
    s3: SeaweedServer,
    s3_url: str,
    oidc: OidcProvider,
    mail_server: MailCatcher,
    tmp_path: Path,
) -> None:
    first, second = replicas
    files = [("photos", (f"p{i}.jpg", gps_photo(), "image/jpeg")) for i in range(2)]
    created = first.post("/api/v1/expert-requests", data=FIELDS, files=files, headers=bearer(oidc.token("agent")))
    assert created.status_code == 201, created.text
    request = created.json()

    bucket_prefix = s3_url.removeprefix(f"s3://{s3.bucket}/")
    bucket = s3.client()
    served = []
    for entry in request["photos"]:
        answer = second.get(entry["url"], headers=bearer(oidc.token("expert")))  # the other replica
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "image/jpeg"
        assert not Image.open(io.BytesIO(answer.content)).getexif()
        stored = bucket.get_object(Bucket=s3.bucket, Key=f"{bucket_prefix}/{photo_key(request['id'], entry['id'])}")
        assert stored["Body"].read() == answer.content  # the bytes served are the bucket's
        served.append(answer.content)

    (mail,) = mail_server.wait_for(1)  # sent by a replica's mail thread, its photos read from the bucket
    assert [part.get_content() for part in mail.iter_attachments()] == served

    said = second.app.state.service.store.put("identification", identification("revolver"))
    feedback = second.post(
        "/api/v1/feedback",
        data={"result_id": said, "correct": "true", "consent": "true"},
        files={"photo": ("p.jpg", gps_photo(), "image/jpeg")},
        headers=bearer(oidc.token("agent")),
    )
    assert feedback.status_code == 201, feedback.text
    assert len(list(first.app.state.service.objects.keys(photo_prefix(feedback.json()["id"])))) == 1

    with first.app.state.service.records.database.transaction() as connection:  # rows only, never bytes
        assert connection.execute(sa.select(sa.func.count()).where(photos.c.data.is_not(None))).scalar_one() == 0
    for name in ("a", "b"):  # and no replica keeps a photo on its own disk
        assert not [path for path in (tmp_path / name).rglob("*.jpg")]
        assert not (tmp_path / name / "objects").exists()


def test_a_store_that_is_down_makes_the_replica_refuse_work_and_keep_nothing(
    oidc: OidcProvider, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{_free_port()}")  # no S3 service listens there
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "basegun")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    settings = Settings(
        data_dir=tmp_path, object_store_url="s3://basegun", rate_limit_per_minute=0, oidc_issuer=oidc.issuer
    )
    with TestClient(create_app(settings)) as client:
        files = [("photos", ("p.jpg", gps_photo(), "image/jpeg"))]
        answer = client.post("/api/v1/expert-requests", data=FIELDS, files=files, headers=bearer(oidc.token("agent")))
        assert_problem(answer, 503, "not_ready")  # the replica takes no work while its store is down
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["object_store"] != "ok"
        with client.app.state.service.records.database.transaction() as connection:
            assert connection.execute(sa.select(sa.func.count()).select_from(expert_requests)).scalar_one() == 0

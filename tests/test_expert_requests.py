"""Expert requests and the mail outbox, on SQLite and on PostgreSQL, with a real SMTP server."""

from __future__ import annotations

import io
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image

from basegun.accounts.users import Role, User
from basegun.answering.markings import FieldParser, MarkingsResult
from basegun.catalog.loading import load_catalog
from basegun.errors import Conflict, Forbidden, NotFound
from basegun.inference.imaging import Limits
from basegun.records.expert_requests import Answer, RequestForm, Status
from basegun.records.photos import clean_photo
from basegun.records.records import Records
from basegun.settings import Settings
from tests.answers import identification as made_identification
from tests.images import gps_photo
from tests.smtp import MailCatcher

AGENT = User("agent-1", "Camille Agent", "camille@gendarmerie.test", frozenset({Role.AGENT}))
OTHER_AGENT = User("agent-2", "Dominique Autre", None, frozenset({Role.AGENT}))
EXPERT = User("expert-1", "Alix Expert", "alix@ircgn.test", frozenset({Role.EXPERT}))
FORM = RequestForm("BR Lyon", "+33 4 00 00 00 00", "S-2026-114", "P-889/26", "BLOW F92 / PAK", "trouvée en cave")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def records_at(database_url: str, tmp_path: Path) -> Iterator[Callable[[int], Records]]:
    made: list[Records] = []

    def make(smtp_port: int) -> Records:
        settings = Settings(
            data_dir=tmp_path,
            database_url=database_url,
            smtp_host="127.0.0.1",
            smtp_port=smtp_port,
            experts_email="experts@ircgn.test",
            mail_retry_seconds=3600,  # the tests deliver by hand
            public_url="https://basegun.test/",
        )
        made.append(Records(settings, load_catalog()))
        return made[-1]

    yield make
    for records in made:
        records.close()


def test_clean_photo_strips_every_metadata() -> None:
    original = gps_photo()
    assert Image.open(io.BytesIO(original)).getexif()
    cleaned = Image.open(io.BytesIO(clean_photo(original, Limits())))
    assert not cleaned.getexif()
    assert "comment" not in cleaned.info
    assert b"PhoneMaker" not in clean_photo(original, Limits())
    assert cleaned.size == Image.open(io.BytesIO(original)).size


def test_submit_then_answer_mails_experts_then_agent(records_at, mail_server: MailCatcher) -> None:
    records = records_at(mail_server.port)
    requests = records.expert_requests
    made = made_identification("revolver", 0.91)
    categories = "catégorie " + " ou ".join(made["legal"]["categories"])  # as the catalog has it for a revolver
    identification = records.results.put("identification", made)
    cleaned = [clean_photo(gps_photo(), Limits()), clean_photo(gps_photo(), Limits())]
    form = RequestForm(**{**FORM.__dict__, "identification_id": identification})
    submitted = requests.submit(AGENT, form, cleaned)
    assert submitted.status == Status.SUBMITTED
    assert submitted.identification is not None
    assert submitted.identification.typology == "revolver"
    assert len(submitted.photos) == 2
    assert [n.model_dump() for n in submitted.notifications] == [{"to": "experts", "status": "pending", "attempts": 0}]

    assert records.outbox.deliver_pending() == 1
    (to_experts,) = mail_server.wait_for(1)
    assert to_experts["To"] == "experts@ircgn.test"
    assert "S-2026-114" in to_experts["Subject"]
    body = to_experts.get_body(("plain",)).get_content()
    for text in ("Camille Agent", "BR Lyon", "+33 4 00 00 00 00", "P-889/26", "BLOW F92 / PAK", "Revolver",
                 "confiance 91%", categories, f"https://basegun.test/#/expert-requests/{submitted.id}"):  # fmt: skip
        assert text in body
    attachments = list(to_experts.iter_attachments())
    assert [a.get_content_type() for a in attachments] == ["image/jpeg", "image/jpeg"]
    assert b"PhoneMaker" not in attachments[0].get_content()

    assert [r.id for r in requests.list(EXPERT, Status.SUBMITTED)] == [submitted.id]
    answered = requests.answer(EXPERT, submitted.id, Answer("revolver", "D", "Revolver à poudre noire."))
    assert answered.status == Status.ANSWERED
    assert answered.answer.category == "D"
    assert requests.list(EXPERT, Status.SUBMITTED) == []
    assert requests.get(AGENT, submitted.id).answer.text == "Revolver à poudre noire."
    assert records.outbox.deliver_pending() == 1
    to_agent = mail_server.wait_for(2)[1]
    assert to_agent["To"] == "camille@gendarmerie.test"
    assert "Revolver à poudre noire." in to_agent.get_body(("plain",)).get_content()
    assert [n.status for n in requests.get(AGENT, submitted.id).notifications] == ["sent", "sent"]
    with pytest.raises(Conflict):
        requests.answer(EXPERT, submitted.id, Answer("revolver", "B", "Second avis."))


def test_agents_see_only_their_own_requests(records_at) -> None:
    requests = records_at(closed_port()).expert_requests
    mine = requests.submit(AGENT, FORM, [clean_photo(gps_photo(), Limits())])
    theirs = requests.submit(OTHER_AGENT, FORM, [clean_photo(gps_photo(), Limits())])
    assert [r.id for r in requests.list(AGENT)] == [mine.id]
    assert {r.id for r in requests.list(EXPERT)} == {mine.id, theirs.id}
    with pytest.raises(NotFound):
        requests.get(AGENT, theirs.id)
    with pytest.raises(NotFound):
        requests.photo(AGENT, theirs.id, theirs.photos[0].id)
    assert requests.photo(EXPERT, theirs.id, theirs.photos[0].id).startswith(b"\xff\xd8")


def test_mail_server_down_loses_nothing(records_at) -> None:
    port = closed_port()
    records = records_at(port)
    submitted = records.expert_requests.submit(AGENT, FORM, [clean_photo(gps_photo(), Limits())])
    assert records.outbox.deliver_pending() == 0
    assert records.outbox.deliver_pending() == 0
    notifications = records.expert_requests.get(AGENT, submitted.id).notifications
    assert [n.model_dump() for n in notifications] == [{"to": "experts", "status": "pending", "attempts": 2}]
    catcher = MailCatcher(port)  # the mail server comes back
    catcher.start()
    try:
        assert records.outbox.deliver_pending() == 1
        assert catcher.wait_for(1)[0]["To"] == "experts@ircgn.test"
    finally:
        catcher.stop()
    assert records.expert_requests.get(AGENT, submitted.id).notifications[0].status == "sent"
    assert records.outbox.deliver_pending() == 0


def test_two_processes_sharing_the_outbox_send_each_mail_once(records_at, mail_server: MailCatcher) -> None:
    first, second = records_at(mail_server.port), records_at(mail_server.port)
    for _ in range(3):
        first.expert_requests.submit(AGENT, FORM, [clean_photo(gps_photo(), Limits())])
    counts: list[int] = []
    threads = [threading.Thread(target=lambda r=r: counts.append(r.outbox.deliver_pending())) for r in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 3
    mail_server.wait_for(3)
    assert len(mail_server.messages) == 3
    assert first.outbox.deliver_pending() + second.outbox.deliver_pending() == 0


def test_only_agents_submit_and_only_experts_answer(records_at) -> None:
    requests = records_at(closed_port()).expert_requests
    with pytest.raises(Forbidden):
        requests.submit(EXPERT, FORM, [clean_photo(gps_photo(), Limits())])
    submitted = requests.submit(AGENT, FORM, [clean_photo(gps_photo(), Limits())])
    with pytest.raises(Forbidden):
        requests.answer(AGENT, submitted.id, Answer("revolver", "B", "Moi-même."))


def test_mail_subject_stays_one_line(records_at, mail_server: MailCatcher) -> None:
    records = records_at(mail_server.port)
    form = RequestForm(**{**FORM.__dict__, "seizure_number": "S-1\r\nBcc: everyone@example.test"})
    records.expert_requests.submit(AGENT, form, [clean_photo(gps_photo(), Limits())])
    assert records.outbox.deliver_pending() == 1
    (message,) = mail_server.wait_for(1)
    assert message["Bcc"] is None
    assert "S-1 Bcc: everyone@example.test" in message["Subject"]


def markings_reading(records: Records) -> str:
    """A stored markings reading, as POST /api/v1/markings keeps it."""
    parsed = FieldParser.load().parse(["BLOW F92", "Z21IBLMAYS02-2203704", "Cal.9mm P.AK"], [0.98, 0.92, 0.97])
    result = MarkingsResult(
        status="read", maker=parsed.maker, model=parsed.model, calibre=parsed.calibre,
        serial_number=parsed.serial_number, marks=list(parsed.marks), listed_alarm_model=True, reasons=[], lines=[],
        photos=[], notice={"fr": "n", "en": "n"}, timings_ms={},
    )  # fmt: skip
    return records.results.put("markings", result.model_dump(exclude={"id"}))


def test_submit_keeps_markings_read_apart_from_typed(records_at, mail_server: MailCatcher) -> None:
    records = records_at(mail_server.port)
    markings_id = markings_reading(records)
    typed = {"maker": "Blow", "model": "F92 Auto", "calibre": None, "serial_number": ""}
    form = RequestForm(**{**FORM.__dict__, "markings_id": markings_id, "typed": typed})
    submitted = records.expert_requests.submit(AGENT, form, [clean_photo(gps_photo(), Limits())])
    weapon = submitted.model_dump(mode="json")["weapon_fields"]
    assert weapon["markings_id"] == markings_id
    assert weapon["maker"] == {"value": "Blow", "source": "read", "read": "Blow", "confidence": 0.98}
    assert (weapon["model"]["value"], weapon["model"]["source"], weapon["model"]["read"]) == (
        "F92 Auto",
        "typed",
        "F92",
    )
    assert (weapon["calibre"]["value"], weapon["calibre"]["source"]) == ("9 mm P.A.K.", "read")
    assert weapon["serial_number"] == {
        "value": None, "source": "typed", "read": "Z21IBLMAYS02-2203704", "confidence": 0.644
    }  # fmt: skip
    assert records.outbox.deliver_pending() == 1
    body = mail_server.wait_for(1)[0].get_body(("plain",)).get_content()
    assert "Blow (lu), F92 Auto (saisi), 9 mm P.A.K. (lu)" in body


def test_submit_without_markings_has_no_weapon_fields(records_at) -> None:
    requests = records_at(closed_port()).expert_requests
    assert requests.submit(AGENT, FORM, [clean_photo(gps_photo(), Limits())]).weapon_fields is None
    typed = RequestForm(**{**FORM.__dict__, "typed": {"serial_number": "AB 1234"}})
    weapon = requests.submit(AGENT, typed, [clean_photo(gps_photo(), Limits())]).model_dump(mode="json")[
        "weapon_fields"
    ]
    assert weapon["serial_number"] == {"value": "AB 1234", "source": "typed", "read": None, "confidence": None}
    with pytest.raises(NotFound):
        requests.submit(
            AGENT, RequestForm(**{**FORM.__dict__, "markings_id": "nope"}), [clean_photo(gps_photo(), Limits())]
        )

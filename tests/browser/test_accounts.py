"""Officers and experts in the web app, in Chromium: sign-in (Authorization Code + PKCE) at a real OIDC provider on
loopback, the expert-request form, the expert's queue and answer, the agent reading it, token refresh, sign-out."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import PHONE, App
from tests.browser.steps import send_photo
from tests.conftest import LiveServer
from tests.images import encode, landscape, wall
from tests.oidc_provider import OidcProvider
from tests.smtp import MailCatcher

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def mail() -> Iterator[MailCatcher]:
    from tests.conftest import _free_port

    catcher = MailCatcher(_free_port())
    catcher.start()
    yield catcher
    catcher.stop()


@pytest.fixture(scope="module")
def server(oidc: OidcProvider, mail: MailCatcher, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    env = {
        "BASEGUN_OIDC_ISSUER": oidc.issuer,
        "BASEGUN_SMTP_HOST": "127.0.0.1",
        "BASEGUN_SMTP_PORT": str(mail.port),
        "BASEGUN_EXPERTS_EMAIL": "experts@ircgn.test",
    }
    live = LiveServer(tmp_path_factory.mktemp("accounts-live"), env)
    live.start()
    yield live
    live.stop()


@pytest.fixture
def visit(browser: Browser, server: LiveServer) -> Iterator[Any]:
    """A factory of fresh phone-sized visits (one per person), each checked for page errors at the end."""
    visits: list[App] = []

    def make() -> App:
        context = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="fr-FR")
        context.set_default_timeout(60_000)
        visits.append(App(context, context.new_page(), server.url))
        return visits[-1]

    yield make
    for app in visits:
        app.context.close()
    assert not [problem for app in visits for problem in app.problems]


def sign_in(app: App, texts: dict, person: str) -> None:
    """From the home screen of an officer's profile, through the provider's page, back to the officers' area."""
    fr = texts["fr"]
    app.start_as(fr["role"]["police"])
    app.page.get_by_role("link", name=fr["account"]["home_link"]).click()
    app.heading(fr["account"]["title"])
    app.page.get_by_role("button", name=fr["account"]["sign_in"]).click()
    app.page.get_by_role("button", name=person).click()  # the provider's login page
    app.heading(fr["account"]["title"], focused=False)
    expect(app.page.locator("main")).to_contain_text(person)


def test_agent_asks_expert_answers_agent_reads(
    visit: Any, texts: dict, oidc: OidcProvider, mail: MailCatcher, tmp_path: Path
) -> None:
    fr = texts["fr"]["expert"]
    photos = []
    for name, image in (("gauche.jpg", landscape()), ("marquages.jpg", wall())):
        (tmp_path / name).write_bytes(encode(image, "JPEG"))
        photos.append(str(tmp_path / name))
    before = len(mail.messages)

    agent = visit()
    sign_in(agent, texts, "Camille Agent")
    agent.shot("account-agent")
    agent.page.get_by_role("link", name=fr["new_title"]).click()
    agent.heading(fr["new_title"])
    agent.page.get_by_label(fr["service"]).fill("Brigade de recherches de Lyon")
    agent.page.get_by_label(fr["phone"]).fill("04 78 00 00 00")
    agent.page.get_by_label(fr["seizure_number"]).fill("S-2026-114")
    agent.page.get_by_label(fr["procedure_number"]).fill("P-889/26")
    agent.page.get_by_label(re.compile(fr["markings"])).fill("BLOW F92")
    agent.page.get_by_label(fr["photo_slots"]["left"]).set_input_files(photos[0])
    agent.page.get_by_label(re.compile(fr["photo_slots"]["markings"])).set_input_files(photos[1])
    agent.shot("expert-request-form")
    agent.page.get_by_role("button", name=fr["send"]).click()
    agent.heading(fr["request_title"])
    expect(agent.page.locator("main")).to_contain_text(fr["status"]["submitted"])
    expect(agent.page.locator("main img")).to_have_count(2)
    agent.shot("expert-request-submitted")
    assert "S-2026-114" in mail.wait_for(before + 1)[before]["Subject"]

    expert = visit()
    sign_in(expert, texts, "Alix Expert")
    expert.page.get_by_role("link", name=fr["queue_title"]).click()
    expert.heading(fr["queue_title"])
    expert.shot("expert-queue")
    expert.page.get_by_role("link", name=re.compile("S-2026-114")).first.click()
    expert.heading(fr["request_title"])
    expect(expert.page.locator("main")).to_contain_text("Brigade de recherches de Lyon")
    expert.page.get_by_label(fr["typology"]).select_option("pistolet_semi_auto_moderne")
    expert.page.get_by_label(fr["category_title"]).select_option("C")
    expert.page.get_by_label(fr["answer_text"]).fill("Pistolet d'alarme BLOW F92, modèle listé.")
    expert.shot("expert-answer-form")
    expert.page.get_by_role("button", name=fr["answer_send"]).click()
    expect(expert.page.locator("main")).to_contain_text(fr["status"]["answered"])
    assert mail.wait_for(before + 2)[before + 1]["To"] == "camille.agent@gendarmerie.test"

    agent.page.get_by_role("link", name=texts["fr"]["common"]["back"]).click()
    agent.heading(fr["mine_title"])
    agent.page.get_by_role("link", name=re.compile("S-2026-114")).first.click()
    expect(agent.page.locator("main")).to_contain_text("Pistolet d'alarme BLOW F92, modèle listé.")
    expect(agent.page.locator("main")).to_contain_text("Alix Expert")
    agent.shot("expert-request-answered")


def test_tokens_are_refreshed_and_sign_out_forgets_them(visit: Any, texts: dict) -> None:
    fr = texts["fr"]
    agent = visit()
    sign_in(agent, texts, "Camille Agent")
    stored = lambda: json.loads(agent.page.evaluate("sessionStorage.getItem('basegun.auth')") or "null")  # noqa: E731
    first = stored()
    assert first["access_token"]
    assert first["refresh_token"]
    agent.page.evaluate(  # the access token is about to expire
        "const t = JSON.parse(sessionStorage.getItem('basegun.auth')); t.expires_at = 0;"
        "sessionStorage.setItem('basegun.auth', JSON.stringify(t));"
    )
    agent.page.get_by_role("link", name=fr["expert"]["mine_title"]).click()
    agent.heading(fr["expert"]["mine_title"])
    assert stored()["access_token"] != first["access_token"]
    agent.page.get_by_role("link", name=fr["common"]["back"]).click()
    agent.page.get_by_role("button", name=fr["account"]["sign_out"]).click()
    agent.heading(texts["fr"]["home"]["title"], focused=False)
    assert stored() is None
    agent.open("account")
    expect(agent.page.get_by_role("button", name=fr["account"]["sign_in"])).to_be_visible()


def test_citizen_without_account_is_refused_the_expert_form(visit: Any, texts: dict) -> None:
    fr = texts["fr"]
    citizen = visit()
    sign_in(citizen, texts, "Sam Citoyen")
    expect(citizen.page.get_by_role("link", name=fr["expert"]["new_title"])).to_have_count(0)
    citizen.open("expert-request-new")
    citizen.heading(fr["expert"]["forbidden_title"], focused=False)
    citizen.shot("expert-forbidden")


def test_agent_sends_the_markings_read_and_corrected(visit: Any, texts: dict, photos: Path, tmp_path: Path) -> None:
    """The expert form is pre-filled with the markings confirmed in this visit; the request keeps read and typed."""
    fr = texts["fr"]
    agent = visit()
    sign_in(agent, texts, "Camille Agent")
    agent.open("markings")
    send_photo(agent, fr, "markings", photos / "alarm" / "alarm_gun_blow_f92.jpg")
    agent.heading(fr["markings"]["result_title"])
    labels = fr["markings"]["field"]
    agent.page.get_by_label(labels["model"]).fill("F92 Auto")
    agent.page.get_by_role("button", name=fr["markings"]["confirm"]).click()

    agent.open("expert-request-new")
    agent.heading(fr["expert"]["new_title"], focused=False)
    expect(agent.page.get_by_label(labels["maker"])).to_have_value("Blow")
    expect(agent.page.get_by_label(labels["model"])).to_have_value("F92 Auto")
    expect(agent.page.get_by_label(labels["calibre"])).to_have_value("9 mm P.A.K.")
    agent.page.get_by_label(labels["serial_number"]).fill("Z21-2203704")  # the agent reads it off the weapon
    agent.page.get_by_label(fr["expert"]["service"]).fill("Brigade de recherches de Lyon")
    agent.page.get_by_label(fr["expert"]["phone"]).fill("04 78 00 00 00")
    agent.page.get_by_label(fr["expert"]["seizure_number"]).fill("S-2026-200")
    agent.page.get_by_label(fr["expert"]["procedure_number"]).fill("P-900/26")
    (tmp_path / "gauche.jpg").write_bytes(encode(landscape(), "JPEG"))
    agent.page.get_by_label(fr["expert"]["photo_slots"]["left"]).set_input_files(str(tmp_path / "gauche.jpg"))
    agent.shot("expert-request-form-markings")
    agent.page.get_by_role("button", name=fr["expert"]["send"]).click()
    agent.heading(fr["expert"]["request_title"])
    main = agent.page.locator("main")
    expect(main).to_contain_text("Blow (lu)")
    expect(main).to_contain_text("F92 Auto (saisi)")
    expect(main).to_contain_text("9 mm P.A.K. (lu)")
    expect(main).to_contain_text("Z21-2203704 (saisi)")
    agent.shot("expert-request-markings")

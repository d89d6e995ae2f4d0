"""The admin in Chromium: a coordinator sets up a TOTP app (the code computed here from
the secret the page shows), logs in again with it, and the admin pages the product adds
work under the admin's Content-Security-Policy (no violation in the console)."""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from .pages import registration_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "ein-langes-passwort-2026"


def _code(secret: str, offset: int = 0) -> str:
    totp = TOTP(b32decode(secret))
    totp.time = time.time() + offset
    return f"{totp.token():06d}"


def _log_in(page, base_url):
    page.goto(base_url + "/admin/login/")
    page.locator("input[name=username]").fill("chefin")
    page.locator("input[name=password]").fill(PASSWORD)
    page.keyboard.press("Enter")


def test_enrol_totp_log_in_with_it_and_use_the_admin_under_its_csp(
    browser, site, live_server, django_user_model
):
    from events.models import EventPage

    registration_form(site)
    event = EventPage.objects.first()
    django_user_model.objects.create_superuser("chefin", "chefin@example.org", PASSWORD)

    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = []
    page.on(
        "console",
        lambda msg: (
            problems.append(msg.text)
            if "Content Security Policy" in msg.text or msg.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))

    _log_in(page, live_server.url)
    page.wait_for_url("**/admin/zwei-faktor/einrichten/**")
    secret = page.locator("#totp-secret").get_attribute("data-secret")
    page.get_by_label("Bestätigungscode aus der App").fill(_code(secret))
    page.keyboard.press("Enter")
    codes = page.locator("#recovery-codes li")
    codes.first.wait_for()
    assert codes.count() == 10
    page.get_by_role("link", name="Ich habe die Codes notiert – weiter").click()
    page.wait_for_url(live_server.url + "/admin/")

    for path in [
        "/admin/",
        "/admin/registrations/",
        "/admin/members/isef/",
        "/admin/members/unsigned/",
        f"/admin/pages/{event.pk}/edit/",
        "/admin/sicherheit/sperren/",
        "/admin/sicherheit/protokoll/",
        "/admin/zwei-faktor/",
    ]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert "connect-src 'self'" in response.headers["content-security-policy"], path
        page.wait_for_load_state("networkidle")
    assert page.locator("h1").first.is_visible()
    assert problems == [], "\n".join(problems)
    context.close()

    # A new browser session asks for the code; the next time step's code is accepted.
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    _log_in(page, live_server.url)
    page.wait_for_url("**/admin/zwei-faktor/code/**")
    page.get_by_label("Code aus der Authenticator-App").fill(_code(secret, offset=30))
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/admin/")
    assert page.get_by_role("heading", level=1).first.is_visible()
    context.close()

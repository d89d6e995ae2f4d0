"""The page editor fills the slug the German way while the title is typed (German-slug.js
on top of Wagtail's `w-slug` controller): ä→ae, ö→oe, ü→ue, ß→ss."""

import pytest
from django.test import Client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_typing_a_title_fills_a_german_slug(browser, home_page, live_server, django_user_model):
    user = django_user_model.objects.create_superuser("redaktion", "r@example.org", "pw")
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/pages/add/kinderschutz_cms/contentpage/{home_page.pk}/")

    from playwright.sync_api import expect

    page.locator("#id_title").press_sequentially("Über uns – Fußball für Ärzte")
    page.locator("#id_title").blur()

    # Wagtail applies the title to the slug on keyup/blur; wait until it has settled.
    expect(page.locator("#id_slug")).to_have_value("ueber-uns-fussball-fuer-aerzte", timeout=15000)
    context.close()

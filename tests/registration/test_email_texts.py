"""Coordinators' own e-mail texts per site and language: sent instead of the default,
checked on save (German messages), previewed with example values, sent as a test, and
out of reach of users without the permission or of another site."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse
from wagtail.models import GroupPagePermission, Page, Site

from registrations.models import EmailText
from registrations.services import booking
from tests.events.factories import make_index

from .factories import mails_to, make_registration_event, service_data

pytestmark = pytest.mark.django_db

ADD = "/admin/registrations/email-texts/add/"
LIST = "/admin/registrations/email-texts/"


def make_text(site, kind="confirmation", language="de", **fields):
    fields.setdefault("subject", "Sie sind dabei: {event}")
    fields.setdefault(
        "body", "Hallo {name},\n\nwir sehen uns am\n{dates}\nin {place}.\n\nIhr Team {site_name}"
    )
    return EmailText.objects.create(site=site, kind=kind, language=language, **fields)


def register(event, capture, language="de", email="eva@example.org"):
    with capture(execute=True):
        booking.register(
            event,
            service_data(first_name="Eva", last_name="Öztürk", email=email),
            language=language,
        )
    [message] = mails_to(email)
    return message


@pytest.fixture
def other_site(home_page):
    root = Page.get_first_root_node()
    sued = home_page.specific_class(title="Netzwerk Süd", slug="sued")
    root.add_child(instance=sued)
    site = Site.objects.create(hostname="sued.example", port=80, root_page=sued)
    return site, make_registration_event(make_index(sued), title="Fachtag Süd")


def test_override_changes_subject_and_body_of_the_confirmation(
    event, django_capture_on_commit_callbacks
):
    make_text(
        event.get_site(),
        body="Hallo {name},\n\nbis bald bei {event}.\n\n{{Klammer}} <b>fett</b>",
    )
    message = register(event, django_capture_on_commit_callbacks)
    assert message.subject == f"Sie sind dabei: {event.title}"
    assert message.body.startswith("Hallo Eva Öztürk,\n\nbis bald bei Kinderschutz in der Kita.")
    assert "{Klammer} <b>fett</b>" in message.body
    assert "Guten Tag" not in message.body
    assert "/anmeldung/" in message.body  # the personal link is appended when left out
    html, _mimetype = message.alternatives[0]
    assert "<p>Hallo Eva Öztürk,</p>" in html
    assert "&lt;b&gt;fett&lt;/b&gt;" in html and "<b>fett" not in html
    assert message.attachments[0][0].endswith(".ics")  # the calendar file stays


def test_event_text_and_online_link_follow_the_override_for_seats_only(
    index, django_capture_on_commit_callbacks
):
    online = make_registration_event(
        index,
        title="Online-Fortbildung",
        capacity=1,
        event_format="online",
        online_access_link="https://meet.example.org/geheim-123",
        confirmation_text="Bitte testen Sie vorher Ihr Mikrofon.",
    )
    make_text(online.get_site(), body="Hallo {name}, {personal_link}")
    make_text(online.get_site(), kind="waitlist", body="Warteliste, {name}.")
    seat = register(online, django_capture_on_commit_callbacks)
    assert "Mikrofon" in seat.body and "https://meet.example.org/geheim-123" in seat.body
    assert seat.body.count("/anmeldung/") == 1  # used in the text, not appended again
    waiting = register(online, django_capture_on_commit_callbacks, email="w@example.org")
    assert waiting.body.startswith("Warteliste, Eva Öztürk.")
    assert "geheim-123" not in waiting.body and "Mikrofon" not in waiting.body
    assert not waiting.attachments


def test_other_site_keeps_the_default(event, other_site, django_capture_on_commit_callbacks):
    make_text(event.get_site())
    _site, sued_event = other_site
    message = register(sued_event, django_capture_on_commit_callbacks)
    assert message.subject == "Anmeldebestätigung: Fachtag Süd"
    assert "Guten Tag Eva Öztürk," in message.body


def test_english_registrant_gets_english_override_or_english_default(
    event, django_capture_on_commit_callbacks
):
    site = event.get_site()
    make_text(site)  # German only
    message = register(event, django_capture_on_commit_callbacks, language="en")
    assert message.subject == f"Registration confirmation: {event.title}"
    assert "Sie sind dabei" not in message.subject

    make_text(site, language="en", subject="You're in: {event}", body="Hello {name}!")
    mail.outbox.clear()
    message = register(event, django_capture_on_commit_callbacks, language="en", email="b@x.org")
    assert message.subject == f"You're in: {event.title}"
    assert message.body.startswith("Hello Eva Öztürk!")


def test_unknown_placeholder_is_refused_in_german_and_nothing_saved(admin_client, event):
    response = admin_client.post(
        ADD,
        {
            "site": event.get_site().pk,
            "kind": "confirmation",
            "language": "de",
            "subject": "Bestätigung {titel}",
            "body": "Hallo {name} {",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Unbekannter Platzhalter: {titel}" in html
    assert "Erlaubt sind: {name}, {event}" in html
    assert "nicht geschlossen oder nicht geöffnet" in html
    assert not EmailText.objects.exists()


def test_create_starts_from_the_default_text(admin_client, event):
    html = admin_client.get(ADD, {"kind": "waitlist", "language": "de"}).content.decode()
    assert "Warteliste: {event}" in html
    assert "Guten Tag {name}," in html and "{personal_link}" in html


def test_preview_shows_example_values(admin_client, event):
    preview_url = reverse("email_texts:preview_on_add")
    data = {
        "site": event.get_site().pk,
        "kind": "confirmation",
        "language": "de",
        "subject": "Sie sind dabei: {event}",
        "body": "Hallo {name},\n\nam {dates}",
    }
    assert admin_client.post(preview_url, data).json()["is_valid"]
    html = admin_client.get(preview_url).content.decode()
    assert "Sie sind dabei: Fachtag Kinderschutz (Beispiel)" in html
    assert "<p>Hallo Erika Mustermann,</p>" in html
    assert "{name}" not in html


def test_send_test_arrives_through_the_outbox(
    admin_client, admin_user, event, django_capture_on_commit_callbacks
):
    text = make_text(event.get_site())
    url = reverse("email_texts:send_test", args=[text.pk])
    assert "Erika Mustermann" in admin_client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url)
    assert response.status_code == 302
    [message] = mails_to(admin_user.email)
    assert message.subject == "[Test] Sie sind dabei: Fachtag Kinderschutz (Beispiel)"
    assert message.body.startswith("Hallo Erika Mustermann,")


def test_send_test_without_address_says_so_in_german(admin_client, admin_user, event):
    admin_user.email = ""
    admin_user.save()
    text = make_text(event.get_site())
    response = admin_client.post(reverse("email_texts:send_test", args=[text.pk]), follow=True)
    assert "keine E-Mail-Adresse" in response.content.decode()
    assert not mail.outbox


@pytest.fixture
def nord_coordinator(django_user_model, home_page):
    """A coordinator of the default site only, with the e-mail text permissions."""
    group = Group.objects.create(name="Koordination Nord")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(codename__endswith="_emailtext"),
    )
    GroupPagePermission.objects.create(group=group, page=home_page, permission_type="change")
    user = django_user_model.objects.create_user("nord", "nord@example.org", "pw")
    user.groups.add(group)
    return user


def test_coordinator_sees_and_edits_only_own_sites_texts(
    client, event, other_site, nord_coordinator
):
    site, _sued_event = other_site
    own = make_text(event.get_site(), subject="Nord: {event}")
    other = make_text(site, subject="Süd: {event}")
    client.force_login(nord_coordinator)
    html = client.get(LIST).content.decode()
    assert "Nord: {event}" in html and "Süd: {event}" not in html
    assert client.get(reverse("email_texts:edit", args=[own.pk])).status_code == 200
    assert client.get(reverse("email_texts:edit", args=[other.pk])).status_code in (302, 403)
    assert client.post(reverse("email_texts:send_test", args=[other.pk])).status_code == 404
    # the form offers only the own site
    form = client.get(ADD).content.decode()
    assert f'value="{site.pk}"' not in form


def test_user_without_permission_is_kept_out(client, django_user_model, event):
    user = django_user_model.objects.create_user("redaktion", "r@example.org", "pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    text = make_text(event.get_site())
    client.force_login(user)
    assert client.get(LIST).status_code in (302, 403)
    assert client.get(reverse("email_texts:edit", args=[text.pk])).status_code in (302, 403)
    assert client.post(reverse("email_texts:send_test", args=[text.pk])).status_code in (302, 403)
    assert not mail.outbox


def test_coordination_group_has_the_permission():
    group = Group.objects.get(name="Koordination")
    assert group.permissions.filter(codename="change_emailtext").exists()


def test_the_outbox_listing_shows_the_reworded_subject_that_was_sent(
    admin_client, event, django_capture_on_commit_callbacks
):
    from registrations.models import EmailMessage

    make_text(event.get_site())
    message = register(event, django_capture_on_commit_callbacks)
    sent = f"Sie sind dabei: {event.title}"
    assert message.subject == sent
    row = EmailMessage.objects.get(recipient="eva@example.org")
    assert row.status == "sent" and row.subject == sent
    listing = admin_client.get(reverse("registration_emails:index")).content.decode()
    assert sent in listing and f"Anmeldebestätigung: {event.title}" not in listing


def test_a_coordinators_sites_are_found_through_the_path_index(event, other_site, nord_coordinator):
    """Issue #19: the texts' sites looked up each site's pages as `path LIKE
    root_page.path || '%'`, which no index serves (every page read once per site, at a
    Land's 51 sites). As a range of the indexed tree path (`sites_with`) the page table
    is read through its path index."""
    from django.db import connection

    from kinderschutz_cms.sites import editable_sites as sites_for

    assert [site.pk for site in sites_for(nord_coordinator)] == [event.get_site().pk]
    sql, params = sites_for(nord_coordinator).query.sql_with_params()
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's query plan (PostgreSQL plans a table this small as it likes)")
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = [str(row[-1]) for row in cursor.fetchall()]
    # the page table: once for the site's root page (by id), once (as U0) for the pages
    inner = [step for step in plan if " U0" in step]
    assert inner and all("(path>? AND path<?)" in step for step in inner), plan
    assert not any(step.startswith(("SCAN wagtailcore_page", "SCAN U0")) for step in plan), plan

"""Security of registrations: double opt-in needs the e-mail's secret, redirects stay on
the request's host, personal pages are private and revocable, tokens stay out of logs,
mail bombing is capped, and names do not leak to editors or stay in the audit log."""

import json
import logging
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupPagePermission, ModelLogEntry, Site

from events.models import EventDate, TrainingPage
from registrations import errors
from registrations.models import EmailMessage, Registration
from registrations.services import booking, privacy
from registrations.services.outbox import send_email_message
from registrations.tokens import CONFIRM, make_token, personal_path
from tests.events.factories import make_event

from .factories import (
    form_data,
    mails_to,
    make_registration_event,
    post_registration,
    register_url,
    service_data,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(django_user_model):
    user = django_user_model.objects.create_user("koordination", "k@example.org", "pw")
    user.groups.add(Group.objects.get(name="Koordination"))
    return user


def link_in(body, suffix=""):
    """The path of the personal link in an e-mail body (ending with `suffix`)."""
    url = re.search(rf"https?://\S+?/anmeldung/[^/\s]+/{suffix}(?=\s)", body).group(0)
    return urlsplit(url).path


# ---------------------------------------------------------------- double opt-in


def test_double_opt_in_needs_the_secret_of_the_email(
    client, index, django_capture_on_commit_callbacks
):
    event = make_registration_event(index, double_opt_in=True, capacity=5)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_registration(client, event, email="opfer@example.org")
    # The submitter is sent to "check your mail", a page without any token.
    assert response.status_code == 302
    assert response["Location"] == register_url(event) + "gesendet/"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "Bitte prüfen Sie Ihr E-Mail-Postfach" in html
    assert "/anmeldung/" not in html
    reg = Registration.objects.get()
    # Even the personal link's own token (which the outcome page used to hand out)
    # does not confirm: confirming takes a token of its own purpose.
    manage_token = make_token(reg)
    confirm_with_manage = reverse("registration_links:registration_confirm", args=[manage_token])
    assert client.get(confirm_with_manage).status_code == 404
    assert client.post(confirm_with_manage).status_code == 404
    reg.refresh_from_db()
    assert reg.status == "pending_email"
    # The e-mail carries the confirm link; it works.
    [message] = mails_to("opfer@example.org")
    confirm_path = link_in(message.body, "bestaetigen/")
    assert client.post(confirm_path).status_code == 302
    reg.refresh_from_db()
    assert reg.status == "confirmed"
    # A confirm token opens nothing else.
    confirm_token = make_token(reg, purpose=CONFIRM)
    detail = reverse("registration_links:registration_detail", args=[confirm_token])
    assert client.get(detail).status_code == 404


def test_redirect_after_registering_is_relative_to_the_request(client, event):
    """The demo's Site says localhost:80 while it is served on 127.0.0.1:8000."""
    Site.objects.update(hostname="localhost", port=80)
    response = client.post(register_url(event), form_data(event), HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 302
    location = response["Location"]
    assert re.fullmatch(r"/anmeldung/[^/]+/\?neu=1", location), location
    assert client.get(location, HTTP_HOST="127.0.0.1:8000").status_code == 200


def test_new_events_ask_for_email_confirmation_by_default(index):
    assert TrainingPage().double_opt_in is True
    event = make_event(index, "Neue Fortbildung", registration_enabled=True, capacity=5)
    assert booking.register(event, service_data()).status == "pending_email"


# ---------------------------------------------------------------- personal pages


@pytest.mark.parametrize(
    "view",
    [
        "registration_links:registration_detail",
        "registration_links:registration_cancel",
        "registration_links:registration_confirm",
        "registration_links:registration_ics",
    ],
)
def test_personal_pages_are_private_and_not_indexed(client, index, view):
    event = make_registration_event(
        index, double_opt_in=view == "registration_links:registration_confirm"
    )
    reg = booking.register(event, service_data())
    response = client.get(personal_path(reg, view))
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control
    assert "noindex" in response["X-Robots-Tag"]
    if view != "registration_links:registration_ics":
        assert '<meta name="robots" content="noindex' in response.content.decode()


def test_invalid_links_and_the_check_your_mail_page_are_private(client, index):
    event = make_registration_event(index, double_opt_in=True)
    for url, status in (("/anmeldung/unsinn/", 404), (register_url(event) + "gesendet/", 200)):
        response = client.get(url)
        assert response.status_code == status
        assert "no-store" in response["Cache-Control"]
        assert "noindex" in response["X-Robots-Tag"]
        assert '<meta name="robots" content="noindex' in response.content.decode()


def test_cancelling_revokes_the_links_sent_so_far(client, event):
    reg = booking.register(event, service_data())
    old = make_token(reg)
    response = client.post(reverse("registration_links:registration_cancel", args=[old]))
    assert response.status_code == 302
    assert (
        client.get(reverse("registration_links:registration_detail", args=[old])).status_code == 404
    )
    # the redirect carries a new link that shows the cancellation
    assert "storniert" in client.get(response["Location"]).content.decode()


def test_coordinator_cancellation_revokes_the_links(client, event):
    reg = booking.register(event, service_data())
    old = make_token(reg)
    booking.cancel(reg, by_coordinator=True)
    assert (
        client.get(reverse("registration_links:registration_detail", args=[old])).status_code == 404
    )


def test_correcting_the_email_in_the_admin_revokes_links_and_tells_the_new_address(
    client, coordinator, event, django_capture_on_commit_callbacks
):
    reg = booking.register(event, service_data(email="tippfehler@exmaple.org"))
    old = make_token(reg)
    client.force_login(coordinator)
    fields = {
        "first_name": reg.first_name,
        "last_name": reg.last_name,
        "email": "richtig@example.org",
        "organisation": reg.organisation,
        "role": reg.role,
        "phone": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registrations:edit", args=[reg.pk]), fields)
    assert response.status_code == 302
    assert (
        client.get(reverse("registration_links:registration_detail", args=[old])).status_code == 404
    )
    [message] = mails_to("richtig@example.org")
    assert client.get(link_in(message.body)).status_code == 200
    # editing something else leaves the links alone
    reg.refresh_from_db()
    current = make_token(reg)
    with django_capture_on_commit_callbacks(execute=True):
        fields["role"] = "Leitung"
        client.post(reverse("registrations:edit", args=[reg.pk]), fields)
    assert (
        client.get(reverse("registration_links:registration_detail", args=[current])).status_code
        == 200
    )
    assert len(mails_to("richtig@example.org")) == 1


def test_no_self_cancellation_after_the_event(client, event):
    reg = booking.register(event, service_data())
    token = make_token(reg)
    now = timezone.now()
    EventDate.objects.filter(page=event).update(
        start=now - timedelta(hours=5), end=now - timedelta(hours=1)
    )
    detail = client.get(reverse("registration_links:registration_detail", args=[token]))
    assert "Anmeldung stornieren" not in detail.content.decode()
    response = client.post(reverse("registration_links:registration_cancel", args=[token]))
    assert response.status_code == 409
    assert "Die Veranstaltung ist vorbei" in response.content.decode()
    reg.refresh_from_db()
    assert reg.status == "confirmed"
    with pytest.raises(errors.RegistrationError):
        booking.cancel(reg)
    assert booking.cancel(reg, by_coordinator=True).status == "cancelled"


# ---------------------------------------------------------------- logs


def test_tokens_do_not_reach_the_request_log(client, event, caplog):
    reg = booking.register(event, service_data())
    token = make_token(reg)
    with caplog.at_level(logging.INFO):
        response = client.get(reverse("registration_links:registration_detail", args=[token + "x"]))
    assert response.status_code == 404
    messages = [record.getMessage() for record in caplog.records]
    assert any("/anmeldung/[…]/" in message for message in messages), messages
    assert not any(token in message for message in messages)


def test_access_log_lines_are_redacted(event):
    token = make_token(booking.register(event, service_data()))
    gunicorn = logging.getLogger("gunicorn.access")
    atoms = {
        "h": "192.0.2.1",
        "r": f"GET /anmeldung/{token}/abmelden/ HTTP/1.1",
        "U": f"/anmeldung/{token}/abmelden/",
        "f": f"https://kinderschutz.example/anmeldung/{token}/",
    }
    record = gunicorn.makeRecord(
        "gunicorn.access", logging.INFO, __file__, 1, '%(h)s "%(r)s" %(U)s "%(f)s"', (atoms,), None
    )
    assert gunicorn.filter(record)
    line = record.getMessage()
    assert token not in line
    assert '"GET /anmeldung/[…]/abmelden/ HTTP/1.1"' in line
    server = logging.getLogger("django.server")
    record = server.makeRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        (f"GET /anmeldung/{token}/?neu=1 HTTP/1.1", "200", "512"),
        None,
    )
    assert server.filter(record)
    assert record.getMessage() == '"GET /anmeldung/[…]/?neu=1 HTTP/1.1" 200 512'


# ---------------------------------------------------------------- mail bombing


def test_register_cancel_cycles_send_at_most_the_mail_limit(
    client, index, settings, django_capture_on_commit_callbacks
):
    settings.REGISTRATION_MAIL_LIMIT = (5, 3600)
    settings.REGISTRATION_EMAIL_RATE_LIMIT = None  # the mail limit on its own
    event = make_registration_event(index, coordinator_emails="koordination@example.org")
    for _ in range(8):
        with django_capture_on_commit_callbacks(execute=True):
            response = post_registration(client, event, email="opfer@example.org")
            assert response.status_code == 302
            cancel_url = response["Location"].split("?")[0] + "abmelden/"
            assert client.post(cancel_url).status_code == 302
    assert Registration.objects.filter(status="cancelled").count() == 8
    assert len(mails_to("opfer@example.org")) == 5
    suppressed = EmailMessage.objects.filter(recipient="opfer@example.org", status="suppressed")
    assert suppressed.count() == 11
    # the coordination is told about every registration
    assert len(mails_to("koordination@example.org")) == 8
    # suppressed mails are never sent later
    call_command("retry_emails")
    assert send_email_message.call(suppressed.first().pk) is None
    assert len(mails_to("opfer@example.org")) == 5


# ---------------------------------------------------------------- editors and the audit log


def test_coordinator_emails_need_the_registration_permission(client, index, django_user_model):
    from tests.events.test_admin import date_row, page_data

    event = make_registration_event(index, coordinator_emails="koordination@example.org")
    group = Group.objects.create(name="Redaktion")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for permission in ("change", "publish"):
        GroupPagePermission.objects.create(group=group, page=index, permission_type=permission)
    editor = django_user_model.objects.create_user("redaktion", "r@example.org", "pw")
    editor.groups.add(group)
    coordinator = django_user_model.objects.create_user("koordination", "k@example.org", "pw")
    coordinator.groups.add(group, Group.objects.get(name="Koordination"))
    url = reverse("wagtailadmin_pages:edit", args=[event.pk])

    def publish(user, address):
        client.force_login(user)
        data = page_data(
            event.title,
            event.slug,
            [{"id": event.dates.get().pk, **date_row(14)}],
            registration_enabled="on",
            capacity="10",
            coordinator_emails=address,
        )
        data["dates-INITIAL_FORMS"] = "1"
        response = client.post(url, data)
        assert response.status_code == 302, response.context["form"].errors
        event.refresh_from_db()
        return event.coordinator_emails

    client.force_login(editor)
    assert 'name="coordinator_emails"' not in client.get(url).content.decode()
    assert publish(editor, "spion@example.org") == "koordination@example.org"
    client.force_login(coordinator)
    assert 'name="coordinator_emails"' in client.get(url).content.decode()
    assert publish(coordinator, "team@example.org") == "team@example.org"


def edit_in_admin(client, coordinator, reg, **changes):
    client.force_login(coordinator)
    fields = {
        "first_name": reg.first_name,
        "last_name": reg.last_name,
        "email": reg.email,
        "organisation": reg.organisation,
        "role": reg.role,
        "phone": reg.phone,
        **changes,
    }
    response = client.post(reverse("registrations:edit", args=[reg.pk]), fields)
    assert response.status_code == 302


def log_text():
    return " ".join(
        f"{entry.label} {json.dumps(entry.data, ensure_ascii=False)}"
        for entry in ModelLogEntry.objects.all()
    )


@pytest.mark.parametrize("how", ["erase_person", "purge_expired", "deleted_then_purged"])
def test_erasure_leaves_no_name_in_the_audit_log(client, coordinator, event, how):
    reg = booking.register(
        event, service_data(first_name="Zoë", last_name="Öztürk", email="zoe@example.org")
    )
    edit_in_admin(client, coordinator, reg, last_name="Öztürk-Yılmaz")
    assert "Öztürk" in log_text()
    if how == "erase_person":
        privacy.erase_person("zoe@example.org")
    else:
        if how == "deleted_then_purged":
            response = client.post(reverse("registrations:delete", args=[reg.pk]))
            assert response.status_code == 302 and not Registration.objects.filter(pk=reg.pk)
            assert "Öztürk" in log_text()
        past = timezone.now() - timedelta(days=400)
        EventDate.objects.filter(page=event).update(start=past, end=past + timedelta(hours=2))
        privacy.purge_expired()
    assert "Öztürk" not in log_text() and "Zoë" not in log_text()
    assert ModelLogEntry.objects.filter(object_id=str(reg.pk)).exists()  # the entries stay


@pytest.mark.parametrize(
    "path, secret",
    [
        ("/unterzeichnen/SIGNTOKEN123/", "SIGNTOKEN123"),
        ("/netzwerkpartner/eintrag/EDITTOKEN456/gesendet/", "EDITTOKEN456"),
        ("/netzwerkpartner/pruefen/CHECKTOKEN789/", "CHECKTOKEN789"),
        ("/bescheinigung/TB-ABCD-EFGH-JKLM/", "TB-ABCD-EFGH-JKLM"),
        ("/bescheinigung/pruefen/?nummer=TB-ABCD-EFGH-JKLM", "TB-ABCD-EFGH-JKLM"),
    ],
)
def test_maintainer_links_and_certificate_numbers_stay_out_of_access_logs(path, secret):
    gunicorn = logging.getLogger("gunicorn.access")
    atoms = {"r": f"GET {path} HTTP/1.1", "U": path, "f": f"https://kinderschutz.example{path}"}
    record = gunicorn.makeRecord(
        "gunicorn.access", logging.INFO, __file__, 1, '"%(r)s" %(U)s "%(f)s"', (atoms,), None
    )
    assert gunicorn.filter(record)
    line = record.getMessage()
    assert secret not in line
    assert "[…]" in line

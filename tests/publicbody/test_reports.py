"""Barrier reports: the form on every page, stored before mail, spam protection, the
admin listing with the deadline, the deadline reminder (time-travel) and retention."""

import datetime

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from publicbody.forms import new_stamp
from publicbody.models import BarrierReport, BarrierReportStatus
from publicbody.services.reports import purge_answered, remind_due, submit_report

pytestmark = pytest.mark.django_db


def post(client, headers=None, **data):
    form = {
        "page_url": "/veranstaltungen/fachtag/",
        "description": "Der Kalender ist mit der Tastatur nicht bedienbar.",
        "name": "",
        "email": "",
        "website_url": "",
        "form_started": new_stamp(),
    }
    form.update(data)
    return client.post("/barriere-melden/", form, **(headers or {}))


def test_every_page_links_the_form_with_its_own_address(client, home_page):
    html = client.get("/").content.decode()
    assert 'href="/barriere-melden/?seite=/"' in html
    form = client.get("/barriere-melden/?seite=/veranstaltungen/fachtag/").content.decode()
    assert 'value="/veranstaltungen/fachtag/"' in form


def test_a_report_is_stored_confirmed_and_notified(
    client, coordination, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, email="melder@example.org", name="Frau Muster")
    assert response.status_code == 302
    report = BarrierReport.objects.get()
    assert report.status == BarrierReportStatus.NEW
    assert report.site == coordination
    assert report.page_url == "/veranstaltungen/fachtag/"
    assert report.answer_due == timezone.localdate(report.received_at) + datetime.timedelta(30)
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["melder@example.org", "netzwerk@kinderschutz.example"]
    assert "Tastatur" in next(m.body for m in mail.outbox if m.to == ["melder@example.org"])


def test_a_report_without_description_is_refused_in_german(client, home_page):
    response = post(client, description="")
    assert response.status_code == 400
    assert "Bitte beschreiben Sie die Barriere." in response.content.decode()
    assert not BarrierReport.objects.exists()


def test_no_report_is_lost_when_mail_fails(
    client, coordination, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.registration.failing_backend.FailingEmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, email="melder@example.org").status_code == 302
    assert BarrierReport.objects.count() == 1
    from registrations.models import EmailMessage

    assert EmailMessage.objects.filter(status="failed").count() == 2


@pytest.mark.parametrize(
    "data",
    [{"website_url": "http://spam.example"}, {"form_started": "forged"}],
)
def test_spam_is_refused(client, home_page, data):
    assert post(client, **data).status_code == 400
    assert not BarrierReport.objects.exists()


def test_too_fast_is_refused(client, home_page, settings):
    settings.BARRIER_REPORT_MIN_FILL_SECONDS = 3
    assert post(client).status_code == 400


def test_the_rate_limit_counts_per_client_address(client, home_page, settings):
    settings.BARRIER_REPORT_RATE_LIMIT = (2, 3600)
    cache.clear()
    assert post(client).status_code == 302
    assert post(client).status_code == 302
    response = post(client)
    assert response.status_code == 429 and "Zu viele Meldungen" in response.content.decode()
    assert BarrierReport.objects.count() == 2
    assert post(client, headers={"REMOTE_ADDR": "198.51.100.7"}).status_code == 302


def at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


def test_the_deadline_reminder_fires_before_the_deadline_once(
    coordination, django_capture_on_commit_callbacks
):
    report = submit_report(
        coordination, page_url="/", description="Kontrast", now=at(datetime.date(2026, 3, 1))
    )
    assert report.answer_due == datetime.date(2026, 3, 31)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_due(now=at(datetime.date(2026, 3, 23))) == 0
        assert remind_due(now=at(datetime.date(2026, 3, 24))) == 1
        assert remind_due(now=at(datetime.date(2026, 3, 25))) == 0
    assert len(mail.outbox) == 1 and "31. März 2026" in mail.outbox[0].subject


def test_an_answered_report_gets_no_reminder(coordination):
    report = submit_report(
        coordination, page_url="/", description="x", now=at(datetime.date(2026, 3, 1))
    )
    BarrierReport.objects.filter(pk=report.pk).update(status=BarrierReportStatus.ANSWERED)
    assert remind_due(now=at(datetime.date(2026, 3, 30))) == 0


def test_answered_reports_are_anonymised_after_the_retention_period(coordination, settings):
    settings.BARRIER_REPORT_RETENTION_DAYS = 30
    report = submit_report(
        coordination, page_url="/x/", description="Text", name="Name", email="a@example.org"
    )
    open_report = submit_report(
        coordination, page_url="/y/", description="Offen", email="b@example.org"
    )
    BarrierReport.objects.filter(pk=report.pk).update(
        status=BarrierReportStatus.ANSWERED, answered_at=at(datetime.date(2026, 1, 1))
    )
    assert purge_answered(today=datetime.date(2026, 1, 30)) == 0
    assert purge_answered(today=datetime.date(2026, 2, 1)) == 1
    report.refresh_from_db()
    assert (report.name, report.email, report.description, report.page_url) == ("", "", "", "")
    assert report.anonymised_at is not None
    open_report.refresh_from_db()
    assert open_report.email == "b@example.org"


def test_the_admin_lists_reports_with_deadline_and_filters_by_status(admin_client, coordination):
    submit_report(
        coordination, page_url="/a/", description="Erste", now=at(datetime.date(2026, 3, 1))
    )
    done = submit_report(coordination, page_url="/b/", description="Zweite")
    BarrierReport.objects.filter(pk=done.pk).update(status=BarrierReportStatus.ANSWERED)
    html = admin_client.get("/admin/barrier_reports/").content.decode()
    assert "31.03.2026" in html and "/a/" in html and "/b/" in html
    html = admin_client.get("/admin/barrier_reports/?status=new").content.decode()
    assert "/a/" in html and "/b/" not in html


def test_setting_answered_in_the_admin_records_when(admin_client, coordination):
    report = submit_report(coordination, page_url="/a/", description="Erste")
    response = admin_client.post(
        f"/admin/barrier_reports/edit/{report.pk}/", {"status": "answered", "internal_note": ""}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "answered" and report.answered_at is not None


def test_reports_are_hidden_without_permission(client, coordination, django_user_model):
    from django.contrib.auth.models import Permission

    editor = django_user_model.objects.create_user("editor", "e@example.org", "x")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    submit_report(coordination, page_url="/a/", description="Geheim")
    assert client.get("/admin/barrier_reports/").status_code in (302, 403)
    assert "Geheim" not in client.get("/admin/").content.decode()

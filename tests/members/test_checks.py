"""The yearly check round (#13): started in the admin, "Keine Änderungen" in one click,
a report of who has not answered, one reminder per maintainer and round."""

import datetime
import io
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from members import links
from members.checks import send_reminders
from members.choices import CheckAnswer
from members.models import CheckCampaign, CheckRequest, ContactPerson, MemberPage
from registrations.models import EmailMessage

from .factories import make_contact, make_member, sector

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_cache(settings):
    settings.REGISTRATION_MAIL_LIMIT = None
    cache.clear()


@pytest.fixture
def members(index_page):
    school = make_member(index_page, title="Grundschule Nord", sector=sector("schule"))
    make_contact(page=school, name="Anna Schulz", email="anna@schule.example")
    make_contact(page=school, name="Bernd Kurz", email="bernd@schule.example")
    kita = make_member(index_page, title="Kita Sonnenschein", sector=sector("sonstige"))
    make_contact(page=kita, name="Cem Kaya", email="cem@kita.example")
    make_member(index_page, title="Ohne Ansprechperson", sector=sector("schule"))
    return school, kita


def _start(admin_client, **data):
    return admin_client.post(
        reverse("members_checks_start:index"), {"confirm": "on", **data}, follow=True
    )


def _check_url(recipient):
    message = EmailMessage.objects.filter(recipient=recipient).latest("pk")
    return re.search(r"https?://[^/]+(/netzwerkpartner/pruefen/[^/\s]+/)", message.body_text).group(
        1
    )


def test_a_round_for_one_sector_mails_each_maintainer(admin_client, members):
    school, kita = members
    assert admin_client.get(reverse("members_checks_start:index")).status_code == 200
    refused = admin_client.post(reverse("members_checks_start:index"), {})
    assert (
        "Bitte bestätigen Sie den Versand." in refused.text and not CheckCampaign.objects.exists()
    )
    response = _start(admin_client, sector=sector("schule").pk)
    assert "1 Netzwerkpartner angeschrieben" in response.text
    campaign = CheckCampaign.objects.get()
    assert campaign.sector == sector("schule") and campaign.started_by.is_superuser
    assert list(campaign.requests.values_list("member", flat=True)) == [school.pk]
    assert sorted(EmailMessage.objects.values_list("recipient", flat=True)) == [
        "anna@schule.example",
        "bernd@schule.example",
    ]


def test_no_changes_is_one_click_and_sets_last_checked(client, admin_client, members):
    school, kita = members
    _start(admin_client)
    url = _check_url("anna@schule.example")
    page = client.get(url)
    assert page.status_code == 200 and "Keine Änderungen" in page.text
    assert client.post(url).status_code == 200
    today = timezone.localdate()
    assert MemberPage.objects.get(pk=school.pk).last_checked == today
    assert set(
        ContactPerson.objects.filter(page=school).values_list("last_checked", flat=True)
    ) == {today}
    assert MemberPage.objects.get(pk=kita.pk).last_checked is None
    check = CheckRequest.objects.get(member=school)
    assert check.answer == CheckAnswer.UNCHANGED and check.answered_by == "Anna Schulz"


def test_the_report_shows_who_has_not_answered(client, admin_client, members):
    school, kita = members
    _start(admin_client)
    client.post(_check_url("cem@kita.example"))
    response = admin_client.get(reverse("members_checks:index") + "?answer=open")
    assert "Grundschule Nord" in response.text and "Kita Sonnenschein" not in response.text


def test_changing_through_the_round_answers_it(client, admin_client, members):
    school, _kita = members
    _start(admin_client)
    page = client.get(_check_url("anna@schule.example"))
    edit_url = re.search(r'href="(/netzwerkpartner/eintrag/[^"]+)"', page.text).group(1)
    link = links.read_token(edit_url.split("/")[3], links.EDIT)
    assert link.reference == CheckCampaign.objects.get().pk
    from members.self_service import EntryChange, submit_change

    submit_change(
        link,
        EntryChange(
            fields={"phone": "0"},
            services=[],
            contacts=[
                {"id": c.pk, "name": c.name, "email": c.email} for c in school.contact_persons.all()
            ],
        ),
    )
    assert CheckRequest.objects.get(member=school).answer == CheckAnswer.CHANGED


def test_a_check_link_of_another_round_or_purpose_is_refused(client, members):
    school, _kita = members
    contact = school.contact_persons.first()
    response = client.get(
        reverse("member_self_service:check", args=[links.make_token(contact, links.CHECK, 999)])
    )
    assert response.status_code == 404 and "ungültig oder abgelaufen" in response.text


def test_reminders_go_once_per_maintainer_and_round(admin_client, members, settings):
    settings.KINDERSCHUTZ_CHECK_REMINDER_DAYS = 14
    _start(admin_client)
    assert send_reminders() == 0  # not yet due
    CheckCampaign.objects.update(started_at=timezone.now() - datetime.timedelta(days=15))
    CheckRequest.objects.filter(member__title="Kita Sonnenschein").update(
        answer=CheckAnswer.UNCHANGED
    )
    EmailMessage.objects.all().delete()
    call_command("send_check_reminders", stdout=io.StringIO())
    assert sorted(EmailMessage.objects.values_list("recipient", flat=True)) == [
        "anna@schule.example",
        "bernd@schule.example",
    ]
    assert all("Erinnerung" in s for s in EmailMessage.objects.values_list("subject", flat=True))
    assert send_reminders() == 0
    assert EmailMessage.objects.count() == 2


def test_the_check_page_stays_within_the_query_budget(
    admin_client, members, django_assert_max_num_queries
):
    from django.test import Client

    _start(admin_client)
    url = _check_url("anna@schule.example")
    visitor = Client()
    visitor.get(url)  # fills the site's shared caches, as any earlier visitor does
    with django_assert_max_num_queries(10):
        assert visitor.get(url).status_code == 200


def test_no_changes_is_logged_and_survives_publishing_a_pending_draft(
    client, admin_client, members
):
    from wagtail.models import PageLogEntry, Revision

    school, _kita = members
    draft = MemberPage.objects.get(pk=school.pk)
    draft.phone = "05121 9999"  # an editor's draft, saved before the maintainer confirms
    draft.save_revision()
    revisions = Revision.objects.count()
    _start(admin_client)
    assert client.post(_check_url("anna@schule.example")).status_code == 200

    assert Revision.objects.count() == revisions  # the content did not change
    entry = PageLogEntry.objects.get(page=school, action="members.check_confirmed")
    assert entry.data["name"] == "Anna Schulz" and entry.revision is None
    history = admin_client.get(reverse("wagtailadmin_pages:history", args=[school.pk]))
    assert "Eintrag ohne Änderungen bestätigt von Anna Schulz" in history.text

    # publishing the older draft keeps the confirmation date of the live rows
    MemberPage.objects.get(pk=school.pk).get_latest_revision().publish()
    live = MemberPage.objects.get(pk=school.pk)
    today = timezone.localdate()
    assert live.phone == "05121 9999" and live.last_checked == today
    assert set(
        ContactPerson.objects.filter(page=school).values_list("last_checked", flat=True)
    ) == {today}

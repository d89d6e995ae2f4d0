"""Signing the agreement online (#13): rounds, the public signing page, receipts,
withdrawals, the progress view, and online signatures surviving the page editor."""

import datetime
import io
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from members import links
from members.choices import RoundScope, SigningMethod
from members.models import AgreementPage, Signatory, SigningInvitation
from members.signing import Signature, record_signature
from members.signing_rounds import (
    member_rows,
    progress,
    send_reminders,
    start_round,
    withdraw,
)

from .factories import make_agreement, make_contact, make_member, make_member_index, sector

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s]+/unterzeichnen/[^\s/]+/")


@pytest.fixture
def network(home_page):
    index = make_member_index(home_page)
    agreement = make_agreement(
        index, version="2.0", valid_from=datetime.date(2020, 1, 1), intro="Wir schützen Kinder."
    )
    agreement.save_revision().publish()
    kita = make_member(index, title="Kita Sonnenschein", sector=sector("kindertagesbetreuung"))
    school = make_member(index, title="Grundschule Am Park", sector=sector("schule"))
    quiet = make_member(index, title="Verein ohne Kontakt", sector=sector("schule"))
    anna = make_contact(page=kita, name="Anna Leitung", email="anna@kita.example")
    bernd = make_contact(page=kita, name="Bernd Vertretung", email="bernd@kita.example")
    make_contact(page=school, name="Carla Rektorin", email="carla@schule.example")
    return {
        "index": index,
        "agreement": AgreementPage.objects.get(pk=agreement.pk),
        "kita": kita,
        "school": school,
        "quiet": quiet,
        "anna": anna,
        "bernd": bernd,
    }


def _start(network, capture, **kwargs):
    with capture(execute=True):
        return start_round(network["agreement"], **kwargs)


def _link_for(address):
    message = [m for m in mail.outbox if m.to == [address]][-1]
    return LINK.search(message.body).group(0)


def _path(url):
    return "/" + url.split("/", 3)[3]


def test_a_round_emails_each_maintainer_a_signing_link(network, django_capture_on_commit_callbacks):
    signing_round = _start(network, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "anna@kita.example",
        "bernd@kita.example",
        "carla@schule.example",
    ]
    assert SigningInvitation.objects.filter(signing_round=signing_round).count() == 3
    token = _link_for("anna@kita.example").rstrip("/").rsplit("/", 1)[1]
    link = links.read_token(token, links.SIGN)
    assert (link.member.pk, link.reference) == (network["kita"].pk, signing_round.pk)
    # an edit link is not a signing link
    assert "Bitte unterzeichnen Sie" in mail.outbox[0].subject


def test_member_signs_online_with_receipt_and_shows_publicly(
    client, network, django_capture_on_commit_callbacks
):
    signing_round = _start(network, django_capture_on_commit_callbacks)
    url = _path(_link_for("anna@kita.example"))
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Wir schützen Kinder." in html and "Kita Sonnenschein" in html
    assert page["Referrer-Policy"] == "same-origin" and "no-store" in page["Cache-Control"]
    # the authorisation is required; nothing is recorded without it
    refused = client.post(url, {"name": "Anna Leitung", "function": "Leitung"})
    assert refused.status_code == 200
    assert "Bitte bestätigen Sie, dass Sie für die Organisation unterzeichnen dürfen." in (
        refused.content.decode()
    )
    assert 'role="alert"' in refused.content.decode()
    assert not Signatory.objects.exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"name": " Anna  Leitung ", "function": "Leitung", "authorised": "on"}
        )
    assert response.status_code == 302
    row = Signatory.objects.get()
    assert (row.member, row.method, row.signing_round) == (
        network["kita"],
        SigningMethod.ONLINE,
        signing_round,
    )
    assert row.invitation.contact == network["anna"]
    assert row.signed_on == timezone.localdate() and row.signed_by_name == "Anna Leitung"
    # confirmation with a PDF receipt to the signer
    (confirmation,) = mail.outbox
    assert confirmation.to == ["anna@kita.example"]
    name, content, mimetype = confirmation.attachments[0]
    assert mimetype == "application/pdf" and name.endswith(".pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "Kita Sonnenschein" in text and "Anna Leitung" in text and "2.0" in text
    # after the redirect: thanks; on the agreement and the member page
    thanks = client.get(response["Location"]).content.decode()
    assert "Vielen Dank" in thanks and "bereits am" in thanks
    public = client.get(network["agreement"].url).content.decode()
    assert "1 Organisation hat unterzeichnet" in public and "Kita Sonnenschein" in public
    assert "Fassung 2.0" in client.get(network["kita"].url).content.decode()


def test_second_submission_and_second_maintainer_see_already_signed(
    client, network, django_capture_on_commit_callbacks
):
    _start(network, django_capture_on_commit_callbacks)
    anna, bernd = _path(_link_for("anna@kita.example")), _path(_link_for("bernd@kita.example"))
    data = {"name": "Anna Leitung", "function": "Leitung", "authorised": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(anna, data)
        again = client.post(anna, data)
        other = client.post(bernd, {**data, "name": "Bernd"})
    assert again.status_code == 200 and other.status_code == 200
    assert Signatory.objects.count() == 1
    html = other.content.decode()
    assert "hat diese Fassung bereits am" in html and "Anna Leitung" in html
    assert "Verbindlich unterzeichnen" not in html


@pytest.mark.parametrize("damage", ["tampered", "edit-purpose", "contact-removed", "unpublished"])
def test_invalid_links_get_a_german_404(
    client, network, damage, django_capture_on_commit_callbacks
):
    signing_round = _start(network, django_capture_on_commit_callbacks)
    url = _path(_link_for("anna@kita.example"))
    if damage == "tampered":
        url = url[:-3] + "xx/"
    elif damage == "edit-purpose":
        token = links.make_token(network["anna"], links.EDIT, reference=signing_round.pk)
        url = reverse("members_signing_page", args=[token])
    elif damage == "contact-removed":
        network["anna"].delete()
    else:
        network["agreement"].unpublish()
    response = client.get(url)
    assert response.status_code == 404
    assert "Dieser Link ist ungültig oder abgelaufen" in response.content.decode()
    assert client.post(url, {"name": "X", "function": "Y", "authorised": "on"}).status_code == 404
    assert not Signatory.objects.exists()


def test_expired_link_is_refused(client, network, django_capture_on_commit_callbacks):
    signing_round = _start(network, django_capture_on_commit_callbacks)
    token = links.make_token(network["anna"], links.SIGN, reference=signing_round.pk, expires=1)
    assert client.get(reverse("members_signing_page", args=[token])).status_code == 404


def test_publishing_from_the_editor_keeps_online_signatures_and_withdrawals(
    client, admin_user, network, django_capture_on_commit_callbacks
):
    agreement = network["agreement"]
    old_revision = agreement.get_latest_revision()
    _start(network, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            _path(_link_for("anna@kita.example")),
            {"name": "Anna Online", "function": "Leitung", "authorised": "on"},
        )
    # a paper signature recorded afterwards, then withdrawn
    paper = record_signature(
        Signature(
            member=network["school"], agreement=agreement, signed_on=datetime.date(2026, 1, 5)
        ),
        user=admin_user,
    )
    withdraw(paper, datetime.date(2026, 2, 1))
    # the editor counts both; publishing the latest revision keeps both and the withdrawal
    client.force_login(admin_user)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[agreement.pk]))
    assert edit.status_code == 200
    assert "1 gültige Unterzeichnung, 1 Austritt" in " ".join(edit.content.decode().split())
    agreement.refresh_from_db()
    agreement.get_latest_revision().publish(user=admin_user)
    paper.refresh_from_db()
    assert paper.withdrawn_on == datetime.date(2026, 2, 1)
    # publishing an old revision (from the history) that predates the online signature
    old_revision.publish(user=admin_user)
    online = Signatory.objects.get(member=network["kita"])
    assert online.method == SigningMethod.ONLINE and online.signed_by_name == "Anna Online"
    assert online.signing_round is not None


def test_online_signature_writes_no_revision_and_no_reference_index(
    client, network, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    from wagtail.models import ReferenceIndex

    agreement = network["agreement"]
    revisions = agreement.revisions.count()
    _start(network, django_capture_on_commit_callbacks)
    url = _path(_link_for("anna@kita.example"))
    references = ReferenceIndex.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"name": "Anna", "function": "Leitung", "authorised": "on"})
    assert Signatory.objects.count() == 1
    assert agreement.revisions.count() == revisions
    assert ReferenceIndex.objects.count() == references


def test_signing_page_within_the_query_budget(
    client, network, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    _start(network, django_capture_on_commit_callbacks)
    url = _path(_link_for("anna@kita.example"))
    client.get(url)  # warm the site caches as a visitor's earlier page views did
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200


def test_scopes_sector_filter_and_progress(network, django_capture_on_commit_callbacks):
    first = _start(network, django_capture_on_commit_callbacks, sector=sector("schule"))
    assert {i.member for i in first.invitations.all()} == {network["school"]}
    # "new members" leaves out those invited already; "all" invites them again
    second = _start(network, django_capture_on_commit_callbacks)
    assert {i.member for i in second.invitations.all()} == {network["kita"]}
    third = _start(network, django_capture_on_commit_callbacks, scope=RoundScope.ALL)
    assert {i.member for i in third.invitations.all()} == {network["kita"], network["school"]}
    Signatory.objects.create(
        page=network["agreement"], member=network["school"], signed_on=datetime.date(2026, 1, 1)
    )
    rows = {m.title: m.status for m in member_rows(second)}
    assert rows == {
        "Grundschule Am Park": "signed",
        "Kita Sonnenschein": "invited",
        "Verein ohne Kontakt": "not_invited",
    }
    result = progress(member_rows(second))
    assert [(r.sector.slug, r.signed, r.invited, r.not_invited) for r in result.rows] == [
        ("kindertagesbetreuung", 0, 1, 0),
        ("schule", 1, 0, 1),
    ]
    assert (result.totals.signed, result.totals.invited, result.totals.not_invited) == (1, 1, 1)


def test_reminders_once_a_day_to_those_who_have_not_signed(
    network, django_capture_on_commit_callbacks
):
    signing_round = _start(network, django_capture_on_commit_callbacks)
    Signatory.objects.create(
        page=network["agreement"], member=network["school"], signed_on=datetime.date(2026, 1, 1)
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders(signing_round) == 2
        assert send_reminders(signing_round) == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@kita.example", "bernd@kita.example"]
    assert all("Erinnerung" in m.subject for m in mail.outbox)
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders(signing_round, now=tomorrow) == 2


def test_admin_starts_round_sees_progress_reminds_exports_and_records_withdrawal(
    admin_client, network, django_capture_on_commit_callbacks
):
    index = admin_client.get(reverse("members_signing:index"))
    assert index.status_code == 200 and "Runde starten" in index.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("members_signing:start"),
            {"agreement": network["agreement"].pk, "scope": "unsigned", "sector": ""},
        )
    assert response.status_code == 302
    signing_round = network["agreement"].signing_rounds.get()
    assert len(mail.outbox) == 3
    signed = Signatory.objects.create(
        page=network["agreement"], member=network["kita"], signed_on=datetime.date(2026, 1, 1)
    )
    html = admin_client.get(response["Location"]).content.decode()
    assert "Erinnerung senden" in html and "Kita Sonnenschein" in html
    assert re.search(r"Summe</th><td>1</td><td>1</td><td>1</td><td>3</td>", html)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("members_signing:remind", args=[signing_round.pk]))
        admin_client.post(reverse("members_signing:remind", args=[signing_round.pk]))
    assert [m.to for m in mail.outbox] == [["carla@schule.example"]]
    csv = admin_client.get(response["Location"], {"export": "csv"})
    body = b"".join(csv.streaming_content).decode("utf-8")
    assert body.startswith("\ufeffNetzwerkpartner;Bereich;Stand")
    assert "Kita Sonnenschein;Kindertagesbetreuung;unterzeichnet" in body
    xlsx = admin_client.get(response["Location"], {"export": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    # withdrawal: the row stays, it no longer counts
    withdraw = reverse("members_signing:withdraw", args=[signed.pk])
    assert admin_client.post(withdraw, {"withdrawn_on": "2026-06-30"}).status_code == 302
    signed.refresh_from_db()
    assert signed.withdrawn_on == datetime.date(2026, 6, 30)
    public = admin_client.get(network["agreement"].url).content.decode()
    assert "0 Organisationen haben unterzeichnet" in public


def test_progress_view_needs_permission(client, django_user_model, network):
    signing_round = start_round(network["agreement"])
    user = django_user_model.objects.create_user("gast", "g@example.org", "x")
    client.force_login(user)
    response = client.get(reverse("members_signing:progress", args=[signing_round.pk]))
    assert response.status_code in (302, 403)


def test_superseded_version_keeps_its_signatories(
    home_page, network, django_capture_on_commit_callbacks
):
    old = network["agreement"]
    Signatory.objects.create(
        page=old, member=network["school"], signed_on=datetime.date(2021, 1, 1)
    )
    new = make_agreement(
        network["index"], version="3.0", valid_from=datetime.date(2024, 1, 1), supersedes=old
    )
    new.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        signing_round = start_round(AgreementPage.objects.get(pk=new.pk), scope=RoundScope.ALL)
    assert {i.member for i in signing_round.invitations.all()} == {
        network["kita"],
        network["school"],
    }
    assert list(old.signatories.values_list("member__title", flat=True)) == ["Grundschule Am Park"]


def test_paper_signature_is_marked_on_paper(network, admin_user):
    row = record_signature(
        Signature(
            member=network["kita"],
            agreement=network["agreement"],
            signed_on=datetime.date(2026, 1, 1),
        ),
        user=admin_user,
    )
    assert row.method == SigningMethod.PAPER and row.signing_round is None


def test_agreement_page_paginates_signatories(client, network):
    from .factories import make_members

    members = make_members(network["index"], 55)
    Signatory.objects.bulk_create(
        Signatory(page=network["agreement"], member=m, signed_on=datetime.date(2026, 1, 1))
        for m in members
    )
    html = client.get(network["agreement"].url).content.decode()
    assert "55 Organisationen haben unterzeichnet" in html
    assert html.count("unterzeichnet am") == 50 and "Seite 1 von 2" in html
    second = client.get(network["agreement"].url, {"page": 2}).content.decode()
    assert second.count("unterzeichnet am") == 5


def test_editor_publishing_a_form_opened_before_an_online_signature_keeps_it(
    admin_client, network, django_capture_on_commit_callbacks
):
    """The editor's form has no signature rows at all (#19): publishing from it keeps a
    signature made online after it was opened."""
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

    agreement = network["agreement"]
    _start(network, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            _path(_link_for("anna@kita.example")),
            {"name": "Anna Online", "function": "Leitung", "authorised": "on"},
        )
    data = nested_form_data(
        {
            "title": agreement.title,
            "slug": agreement.slug,
            "version": "2.1",
            "valid_from": "2020-01-01",
            "body": streamfield([]),
            "comments": inline_formset([]),
            "action-publish": "action-publish",
        }
    )
    response = admin_client.post(reverse("wagtailadmin_pages:edit", args=(agreement.pk,)), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    agreement.refresh_from_db()
    assert agreement.version == "2.1"
    online = Signatory.objects.get(page=agreement)
    assert (online.member, online.method) == (network["kita"], SigningMethod.ONLINE)


def test_invitation_addresses_are_deleted_after_the_retention_period(
    network, settings, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.core.management import call_command

    signing_round = _start(network, django_capture_on_commit_callbacks)
    invitations = {
        i.email: i for i in SigningInvitation.objects.filter(signing_round=signing_round)
    }
    long_ago = timezone.now() - timedelta(days=400)
    SigningInvitation.objects.filter(pk=invitations["anna@kita.example"].pk).update(
        sent_at=long_ago
    )
    # reminded recently: the address was in use until then
    SigningInvitation.objects.filter(pk=invitations["bernd@kita.example"].pk).update(
        sent_at=long_ago, reminded_at=timezone.now() - timedelta(days=10)
    )
    signed = Signatory.objects.create(
        page=network["agreement"],
        member=network["kita"],
        signed_on=datetime.date.today(),
        signed_by_name="Anna Leitung",
        method=SigningMethod.ONLINE,
        signing_round=signing_round,
        invitation=invitations["anna@kita.example"],
    )
    settings.KINDERSCHUTZ_SIGNING_INVITATION_RETENTION_DAYS = 365
    call_command("purge_registrations", stdout=io.StringIO())
    kept = set(SigningInvitation.objects.values_list("email", flat=True))
    assert kept == {"bernd@kita.example", "carla@schule.example"}
    signed.refresh_from_db()
    assert signed.invitation is None and signed.signing_round == signing_round

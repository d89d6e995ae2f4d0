"""Member self-service (#13): edit links to addresses on record, changes into moderation,
the coordination approves or rejects in Wagtail's workflow, the maintainer hears of it."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import GroupPagePermission, Page, PageLogEntry, TaskState, WorkflowState

from members import links, self_service
from members.choices import ChangeStatus
from members.models import MemberPage, SelfServiceChange
from registrations.models import EmailMessage

from .factories import make_contact, make_member

pytestmark = pytest.mark.django_db

ANSWER = "Wenn die Adresse als Ansprechperson dieses Netzwerkpartners eingetragen ist"


@pytest.fixture(autouse=True)
def _clean_cache(settings):
    settings.REGISTRATION_MAIL_LIMIT = None
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def member(index_page):
    member = make_member(index_page, title="Kita Sonnenschein", phone="05121 1111")
    member.save_revision().publish()
    make_contact(page=member, name="Anna Schulz", email="Leitung@Kita-Sonnenschein.de")
    make_contact(page=member, name="Ohne Adresse", email="")
    return member


def _maintainer(member):
    return member.contact_persons.get(name="Anna Schulz")


def _edit_url(member):
    return reverse(
        "member_self_service:edit", args=[links.make_token(_maintainer(member), links.EDIT)]
    )


def _form_data(member, **changes):
    contacts = list(member.contact_persons.all())
    data = {
        "street": "Lindenweg 1",
        "postcode": "31134",
        "town": "Musterstadt",
        "district": "",
        "phone": member.phone,
        "email": "",
        "website": "",
        "description": "",
        "services": "Elternberatung, Jugendliche",
        "concept_status": "none",
        "concept_adopted_on": "",
        "concept_reviewed_on": "",
        "concept_link": "",
        "contacts-TOTAL_FORMS": str(len(contacts) + 1),
        "contacts-INITIAL_FORMS": str(len(contacts)),
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "20",
    }
    for i, contact in enumerate(contacts):
        data.update(
            {
                f"contacts-{i}-id": str(contact.pk),
                f"contacts-{i}-name": contact.name,
                f"contacts-{i}-function": contact.function,
                f"contacts-{i}-phone": contact.phone,
                f"contacts-{i}-email": contact.email,
                f"contacts-{i}-languages": contact.languages,
            }
        )
    data.update(changes)
    return data


# --------------------------------------------------------------------------- the link


def test_member_page_offers_to_update_the_entry(client, member):
    response = client.get(member.url)
    assert reverse("member_self_service:request_link", args=[member.pk]) in response.text


def test_a_link_goes_to_the_address_on_record_only_and_the_answer_is_the_same(client, member):
    url = reverse("member_self_service:request_link", args=[member.pk])
    assert client.get(url).status_code == 200
    unknown = client.post(url, {"email": "fremd@example.org"})
    assert unknown.status_code == 200 and ANSWER in unknown.text
    assert not EmailMessage.objects.exists()
    known = client.post(url, {"email": "  leitung@kita-sonnenschein.DE "})
    assert known.status_code == 200 and ANSWER in known.text
    (message,) = EmailMessage.objects.all()
    assert message.recipient == "Leitung@Kita-Sonnenschein.de"  # as on record
    token = re.search(r"/netzwerkpartner/eintrag/([^/\s]+)/", message.body_text).group(1)
    assert links.read_token(token, links.EDIT).contact == _maintainer(member)


def test_link_requests_are_rate_limited_per_address_and_per_client(client, member, settings):
    settings.KINDERSCHUTZ_MEMBER_LINK_EMAIL_RATE_LIMIT = (2, 3600)
    settings.KINDERSCHUTZ_MEMBER_LINK_RATE_LIMIT = (4, 3600)
    url = reverse("member_self_service:request_link", args=[member.pk])
    for _ in range(2):
        assert client.post(url, {"email": "leitung@kita-sonnenschein.de"}).status_code == 200
    refused = client.post(url, {"email": "leitung@kita-sonnenschein.de"})
    assert refused.status_code == 429 and "Zu viele Anfragen" in refused.text
    assert EmailMessage.objects.count() == 2
    assert client.post(url, {"email": "a@example.org"}).status_code == 200
    assert client.post(url, {"email": "b@example.org"}).status_code == 429  # 5th from this client
    other_client = client.post(url, {"email": "c@example.org"}, REMOTE_ADDR="192.0.2.9")
    assert other_client.status_code == 200


def test_link_request_needs_csrf_and_a_valid_address(member):
    from django.test import Client

    url = reverse("member_self_service:request_link", args=[member.pk])
    assert Client(enforce_csrf_checks=True).post(url, {"email": "x@example.org"}).status_code == 403
    response = Client().post(url, {"email": "kein-at"})
    assert response.status_code == 400
    assert "Bitte geben Sie eine gültige E-Mail-Adresse ein." in response.text


def test_invalid_or_expired_links_answer_404_in_german(client, member):
    for token in ["kaputt", links.make_token(_maintainer(member), links.CHECK)]:
        response = client.get(reverse("member_self_service:edit", args=[token]))
        assert response.status_code == 404
        assert "Dieser Link ist ungültig oder abgelaufen" in response.text


# --------------------------------------------------------------------------- editing


def test_saving_creates_a_revision_in_moderation_and_changes_nothing_live(client, member):
    url = _edit_url(member)
    page = client.get(url)
    assert page.status_code == 200 and "Kita Sonnenschein" in page.text
    response = client.post(url, _form_data(member, phone="05121 2222"))
    assert response.status_code == 302
    live = MemberPage.objects.get(pk=member.pk)
    assert live.phone == "05121 1111" and live.has_unpublished_changes
    draft = live.get_latest_revision_as_object()
    assert draft.phone == "05121 2222"
    assert sorted(t.name for t in draft.services.all()) == ["Elternberatung", "Jugendliche"]
    state = WorkflowState.objects.get(object_id=str(member.pk), status="in_progress")
    assert state.workflow.name == "Änderungen von Netzwerkpartnern"
    assert list(state.current_task_state.task.specific.groups.values_list("name", flat=True)) == [
        "Koordination"
    ]
    entry = PageLogEntry.objects.get(page=member, action="members.self_service")
    assert entry.data == {"name": "Anna Schulz", "email": "Leitung@Kita-Sonnenschein.de"}
    assert "Anna Schulz" in entry.message
    change = SelfServiceChange.objects.get()
    assert change.status == ChangeStatus.PENDING and change.revision == entry.revision


def test_bad_input_is_refused_in_german_and_changes_nothing(client, member):
    revisions = member.revisions.count()
    response = client.post(
        _edit_url(member),
        _form_data(member, postcode="12", **{"contacts-0-email": "kaputt", "website": "x y"}),
    )
    assert response.status_code == 400
    assert "Bitte geben Sie eine fünfstellige Postleitzahl ein." in response.text
    assert "Bitte geben Sie eine gültige E-Mail-Adresse ein." in response.text
    assert "error-summary" in response.text
    assert member.revisions.count() == revisions
    assert not WorkflowState.objects.exists()


def test_contacts_can_be_added_and_removed(client, member):
    other = member.contact_persons.get(name="Ohne Adresse")
    data = _form_data(
        member,
        **{
            "contacts-1-DELETE": "on",
            "contacts-2-name": "Berk Yilmaz",
            "contacts-2-email": "berk@example.org",
            "contacts-2-is_isef": "on",
            "contacts-2-languages": "Deutsch, Türkisch",
        },
    )
    assert client.post(_edit_url(member), data).status_code == 302
    draft = MemberPage.objects.get(pk=member.pk).get_latest_revision_as_object()
    names = [(c.name, c.is_isef, c.pk) for c in draft.contact_persons.all()]
    assert names[0] == ("Anna Schulz", False, _maintainer(member).pk)
    assert names[1][:2] == ("Berk Yilmaz", True)
    assert other.pk not in [pk for *_rest, pk in names]


def test_a_second_submission_replaces_the_pending_one(client, member):
    url = _edit_url(member)
    client.post(url, _form_data(member, phone="05121 2222"))
    first = WorkflowState.objects.get()
    assert "wartet noch auf die Freigabe" in client.get(url).text
    client.post(url, _form_data(member, phone="05121 3333"))
    first.refresh_from_db()
    assert first.status == "cancelled"
    assert WorkflowState.objects.filter(status="in_progress").count() == 1
    statuses = list(SelfServiceChange.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == [ChangeStatus.REPLACED, ChangeStatus.PENDING]
    assert (
        MemberPage.objects.get(pk=member.pk).get_latest_revision_as_object().phone == "05121 3333"
    )


def _coordinator(django_user_model):
    """A member of the coordination group, which approves; approving publishes, and the
    group may publish since members/0005 (asserted here, so the test fails without it)."""
    group = Group.objects.get(name="Koordination")
    assert GroupPagePermission.objects.filter(
        group=group,
        page=Page.objects.get(depth=1),
        permission=Permission.objects.get(codename="publish_page"),
    ).exists()
    user = django_user_model.objects.create_user("koordination", "k@example.org", "pw")
    user.groups.add(group)
    return user


def _act(client, member, action, comment):
    state = WorkflowState.objects.get(status="in_progress")
    task_state = state.current_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[member.pk, action, task_state.pk])
    return client.post(url, {"comment": comment})


def test_the_coordination_approves_and_the_maintainer_is_told(
    client, member, django_user_model, django_capture_on_commit_callbacks
):
    client.post(_edit_url(member), _form_data(member, phone="05121 2222"))
    client.force_login(_coordinator(django_user_model))
    EmailMessage.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=False):
        response = _act(client, member, "approve", "Danke!")
    assert response.status_code in (200, 302)
    live = MemberPage.objects.get(pk=member.pk)
    assert live.phone == "05121 2222" and not live.has_unpublished_changes
    assert SelfServiceChange.objects.get().status == ChangeStatus.APPROVED
    message = EmailMessage.objects.get(recipient="Leitung@Kita-Sonnenschein.de")
    assert "freigegeben" in message.subject and "Danke!" in message.body_text


def test_the_coordination_rejects_with_a_comment(
    client, member, django_user_model, django_capture_on_commit_callbacks
):
    client.post(_edit_url(member), _form_data(member, phone="05121 2222"))
    client.force_login(_coordinator(django_user_model))
    EmailMessage.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=False):
        _act(client, member, "reject", "Die Nummer stimmt nicht.")
    assert MemberPage.objects.get(pk=member.pk).phone == "05121 1111"
    assert SelfServiceChange.objects.get().status == ChangeStatus.REJECTED
    message = EmailMessage.objects.get(recipient="Leitung@Kita-Sonnenschein.de")
    assert "nicht übernommen" in message.subject
    assert "Die Nummer stimmt nicht." in message.body_text
    assert TaskState.objects.get().status == "rejected"


# --------------------------------------------------------------------------- concept fields


def test_the_concept_can_be_maintained_with_a_pdf(client, member, settings):
    settings.KINDERSCHUTZ_CONCEPT_MAX_UPLOAD_MB = 1
    url = _edit_url(member)
    concept = {
        "concept_status": "adopted",
        "concept_adopted_on": "2024-03-01",
        "concept_reviewed_on": "2025-03-01",
        "concept_consultant": "on",
    }
    fake = SimpleUploadedFile("konzept.pdf", b"<html>kein PDF</html>", "application/pdf")
    response = client.post(url, {**_form_data(member, **concept), "concept_document": fake})
    assert response.status_code == 400 and "Bitte laden Sie eine PDF-Datei hoch." in response.text
    big = SimpleUploadedFile("konzept.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024), "application/pdf")
    response = client.post(url, {**_form_data(member, **concept), "concept_document": big})
    assert (
        response.status_code == 400 and "Die Datei ist zu groß (höchstens 1 MB)." in response.text
    )
    no_date = client.post(url, _form_data(member, concept_status="adopted"))
    assert "Bitte geben Sie an, wann das Schutzkonzept beschlossen wurde." in no_date.text
    assert not WorkflowState.objects.exists()
    pdf = SimpleUploadedFile("konzept.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    response = client.post(url, {**_form_data(member, **concept), "concept_document": pdf})
    assert response.status_code == 302
    draft = MemberPage.objects.get(pk=member.pk).get_latest_revision_as_object()
    assert draft.concept_status == "adopted" and draft.concept_consultant
    assert str(draft.concept_reviewed_on) == "2025-03-01"
    assert draft.concept_document.file.read().startswith(b"%PDF-")


def test_the_edit_form_stays_within_the_query_budget(client, member, django_assert_max_num_queries):
    url = _edit_url(member)
    client.get(url)  # fills the site's shared caches, as any earlier visitor does
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200


def test_workflow_is_made_once(member):
    assert self_service.self_service_workflow() == self_service.self_service_workflow()


def test_maintainer_tokens_stay_out_of_logs(member):
    from registrations.log_redaction import redact

    token = links.make_token(_maintainer(member), links.EDIT)
    line = f'"GET /netzwerkpartner/eintrag/{token}/gesendet/ HTTP/1.1" 200'
    assert token not in redact(line) and "/netzwerkpartner/eintrag/[…]/gesendet/" in redact(line)
    assert token not in redact(f"/netzwerkpartner/pruefen/{token}/")


def test_an_uploaded_concept_is_public_only_after_approval(
    client, member, django_user_model, django_capture_on_commit_callbacks
):
    pdf = SimpleUploadedFile("konzept.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    concept = {"concept_status": "adopted", "concept_adopted_on": "2024-03-01"}
    response = client.post(
        _edit_url(member), {**_form_data(member, **concept), "concept_document": pdf}
    )
    assert response.status_code == 302
    document = MemberPage.objects.get(pk=member.pk).get_latest_revision_as_object()
    url = document.concept_document.url
    assert client.get(url).status_code == 404  # the public, before approval

    coordinator = _coordinator(django_user_model)
    client.force_login(coordinator)
    assert client.get(url).status_code == 200  # the coordination reviewing it
    with django_capture_on_commit_callbacks(execute=True):
        _act(client, member, "approve", "")
    client.logout()
    assert MemberPage.objects.get(pk=member.pk).concept_document_id is not None
    assert client.get(url).status_code == 200  # published with the entry


def _network_editor(django_user_model, name, root):
    """An editor of one network: admin access and page permissions below `root` only."""
    group = Group.objects.create(name=name)
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=group, page=root, permission=Permission.objects.get(codename=codename)
        )
    user = django_user_model.objects.create_user(name.lower(), f"{name}@example.org", "pw")
    user.groups.add(group)
    return user


def test_a_pending_concept_opens_only_for_editors_of_its_member(
    client, member, home_page, django_user_model
):
    """Two networks in one installation: an editor of the other network has admin access
    too, but may not open a concept pending in this one."""
    from wagtail.models import Site

    from kinderschutz_cms.models import NetworkHomePage

    other_home = NetworkHomePage(title="Netzwerk Nord", slug="nord")
    Page.get_first_root_node().add_child(instance=other_home)
    Site.objects.create(hostname="nord.test", port=80, root_page=other_home)
    ours = _network_editor(django_user_model, "Sued", home_page)
    theirs = _network_editor(django_user_model, "Nord", other_home)

    pdf = SimpleUploadedFile("konzept.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    concept = {"concept_status": "adopted", "concept_adopted_on": "2024-03-01"}
    client.post(_edit_url(member), {**_form_data(member, **concept), "concept_document": pdf})
    url = MemberPage.objects.get(pk=member.pk).get_latest_revision_as_object().concept_document.url

    client.force_login(theirs)
    assert client.get("/admin/").status_code == 200  # an admin user all the same
    assert client.get(url).status_code == 404
    client.force_login(ours)
    assert client.get(url).status_code == 200

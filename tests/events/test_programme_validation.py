"""A Fachtag time slot with workshops must be a workshop slot: otherwise its workshops
would appear in the programme but not in the registration form. The admin refuses it."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset

from events.models import FachtagPage, TimeSlot

from .test_admin import add_url, date_row, page_data

pytestmark = pytest.mark.django_db

MESSAGE = "Dieses Zeitfenster enthält Workshops"


def workshop(title, **extra):
    return {"title": title, "description": "", "speakers": "", "room": "", "capacity": "10"}


def slot(kind, workshops, **extra):
    return {
        "start": "10:00",
        "end": "12:00",
        "kind": kind,
        "title": "Workshops am Vormittag",
        "description": "",
        "workshops": inline_formset(workshops),
        **extra,
    }


def test_plenary_slot_with_workshops_is_refused(admin_client, index):
    data = page_data(
        "Fachtag",
        "fachtag",
        [date_row(30)],
        time_slots=inline_formset([slot("plenary", [workshop("Schutzkonzepte")])]),
    )

    response = admin_client.post(add_url("fachtagpage", index), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert MESSAGE in html and "Parallele Workshops" in html
    assert not FachtagPage.objects.filter(slug="fachtag").exists()


def test_workshop_slot_is_accepted_and_offered_in_the_form(admin_client, index):
    data = page_data(
        "Fachtag",
        "fachtag",
        [date_row(30)],
        registration_enabled="on",
        privacy_notice="Hinweise",
        time_slots=inline_formset([slot("workshops", [workshop("Schutzkonzepte")])]),
    )

    response = admin_client.post(add_url("fachtagpage", index), data)

    assert response.status_code == 302, response.context["form"].errors
    page = FachtagPage.objects.get(slug="fachtag")
    form = admin_client.get(page.url + "anmelden/").content.decode()
    assert "Schutzkonzepte" in form


def test_deleted_workshops_do_not_count(admin_client, index):
    data = page_data(
        "Fachtag",
        "fachtag",
        [date_row(30)],
        time_slots=inline_formset(
            [slot("plenary", [{**workshop("Entfernt"), "DELETE": "1"}])],
        ),
    )

    response = admin_client.post(add_url("fachtagpage", index), data)

    assert response.status_code == 302, response.context["form"].errors
    assert TimeSlot.objects.get().kind == "plenary"


def test_changing_a_workshop_slot_to_plenary_is_refused_on_publish(admin_client, index):
    from tests.events.factories import make_fachtag

    page = make_fachtag(index)
    slots = list(page.time_slots.order_by("sort_order"))
    rows = []
    for time_slot in slots:
        items = list(time_slot.workshops.order_by("sort_order"))
        row = slot(
            "plenary",  # the editor sets every slot to "Plenum", the workshops stay
            [{"id": w.pk, **workshop(w.title), "capacity": w.capacity or ""} for w in items],
            id=time_slot.pk,
            title=time_slot.title,
        )
        row["workshops"]["INITIAL_FORMS"] = len(items)
        rows.append(row)
    date_ = page.dates.get()
    data = page_data(
        page.title,
        page.slug,
        [{"id": date_.pk, **date_row(30)}],
        time_slots=inline_formset(rows, initial=len(rows)),
    )
    data["dates-INITIAL_FORMS"] = "1"
    data["speakers-TOTAL_FORMS"] = "0"

    response = admin_client.post(reverse("wagtailadmin_pages:edit", args=(page.pk,)), data)

    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert TimeSlot.objects.get(pk=slots[1].pk).kind == "workshops"

"""Editors create events, programmes and venues in the Wagtail admin."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from events.models import EventDate, FachtagPage, TrainingPage, Venue, Workshop

from .factories import at, make_event

pytestmark = pytest.mark.django_db


def page_data(title, slug, dates, **extra):
    data = {
        "title": title,
        "slug": slug,
        "teaser": "Kurzbeschreibung",
        "description": streamfield([]),
        "documents": streamfield([]),
        "event_format": "in_person",
        "costs": "kostenfrei",
        "status": "scheduled",
        "dates": inline_formset(dates),
        "speakers": inline_formset([{"name": "Jana Muster", "role": "Kinderschutzzentrum"}]),
        "comments": inline_formset([]),
        "registration_questions": inline_formset([]),  # RegistrationPageMixin
        "recurrence_exceptions": inline_formset([]),
        "feedback_questions": inline_formset([]),  # RegistrationPageMixin
        "participant_materials": inline_formset([]),
        "action-publish": "action-publish",
    }
    data.update(extra)
    return nested_form_data(data)


def date_row(days, start="09:00", end="16:00", **extra):
    day = at(days).strftime("%Y-%m-%d")
    return {"start": f"{day} {start}", "end": f"{day} {end}", "title": "", "note": "", **extra}


def add_url(model, parent):
    return reverse("wagtailadmin_pages:add", args=("events", model, parent.pk))


def test_create_training_with_two_dates(admin_client, index):
    response = admin_client.post(
        add_url("trainingpage", index),
        page_data(
            "Frühe Hilfen und Gesundheitswesen",
            "fruehe-hilfen",
            [date_row(10, title="Modul 1"), date_row(17, title="Modul 2")],
        ),
    )

    assert response.status_code == 302, response.context["form"].errors
    page = TrainingPage.objects.get(slug="fruehe-hilfen")
    assert page.live
    dates = list(page.dates.order_by("start"))
    assert [d.title for d in dates] == ["Modul 1", "Modul 2"]
    assert dates[0].start == at(10, 9)
    assert len({d.uid for d in dates}) == 2
    assert page.speakers.get().name == "Jana Muster"


def test_create_fachtag_with_programme_and_workshops(admin_client, index):
    slots = inline_formset(
        [
            {
                "start": "09:00",
                "end": "09:30",
                "kind": "welcome",
                "title": "Begrüßung",
                "description": "",
                "workshops": inline_formset([]),
            },
            {
                "start": "10:00",
                "end": "12:00",
                "kind": "workshops",
                "title": "Workshops am Vormittag",
                "description": "",
                "workshops": inline_formset(
                    [
                        {
                            "title": "Schutzkonzepte",
                            "description": "",
                            "speakers": "A. B.",
                            "room": "1",
                            "capacity": "20",
                        },
                        {
                            "title": "Medienkompetenz",
                            "description": "",
                            "speakers": "",
                            "room": "2",
                            # mixed with and without capacity is refused on publish
                            # (test_publishing_guard_rails)
                            "capacity": "15",
                        },
                    ]
                ),
            },
        ]
    )
    response = admin_client.post(
        add_url("fachtagpage", index),
        page_data("Fachtag Kinderschutz", "fachtag", [date_row(30)], time_slots=slots),
    )

    assert response.status_code == 302, response.context["form"].errors
    page = FachtagPage.objects.get(slug="fachtag")
    slots = list(page.time_slots.order_by("sort_order"))
    assert [s.title for s in slots] == ["Begrüßung", "Workshops am Vormittag"]
    workshops = list(Workshop.objects.filter(time_slot=slots[1]).order_by("sort_order"))
    assert [(w.title, w.capacity) for w in workshops] == [
        ("Schutzkonzepte", 20),
        ("Medienkompetenz", 15),
    ]
    assert admin_client.get(page.url).status_code == 200


def test_end_before_start_is_a_german_error(admin_client, index):
    response = admin_client.post(
        add_url("trainingpage", index),
        page_data("Falsch", "falsch", [date_row(10, start="16:00", end="09:00")]),
    )

    assert response.status_code == 200
    assert "Das Ende liegt vor dem Beginn." in response.content.decode()
    assert not TrainingPage.objects.filter(slug="falsch").exists()


def test_edit_and_publish_in_admin_bumps_sequence_keeps_uid(admin_client, index):
    page = make_event(index, dates=[(at(10, 9), at(10, 12))])
    date_ = page.dates.get()
    url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    row = {"id": date_.pk, **date_row(10, start="09:00", end="12:00")}

    def publish(row, teaser):
        data = page_data(page.title, page.slug, [row], teaser=teaser)
        data["dates-INITIAL_FORMS"] = "1"
        data["speakers-TOTAL_FORMS"] = "0"
        response = admin_client.post(url, data)
        assert response.status_code == 302, response.context["form"].errors
        return EventDate.objects.get(page=page)

    assert publish(row, "Nur Text geändert").sequence == 0
    moved = publish({**row, **date_row(11, start="10:00", end="13:00")}, "Nur Text geändert")
    assert (moved.uid, moved.sequence, moved.start) == (date_.uid, 1, at(11, 10))
    assert publish({**row, **date_row(11, start="10:00", end="13:00")}, "Nochmal").sequence == 1


def test_create_venue_in_snippet_admin(admin_client):
    response = admin_client.post(
        reverse("wagtailsnippets_events_venue:add"),
        {
            "name": "Familienzentrum Am Park",
            "street": "Parkweg 3",
            "postcode": "31135",
            "town": "Musterstadt",
            "room": "Gruppenraum",
            "accessibility": "Aufzug vorhanden",
            "directions": "",
        },
    )

    assert response.status_code == 302
    assert Venue.objects.get().accessibility == "Aufzug vorhanden"
    listing = admin_client.get(reverse("wagtailsnippets_events_venue:list"))
    assert "Familienzentrum Am Park" in listing.content.decode()


def test_preview_of_new_fachtag_and_of_edited_training(admin_client, index):
    data = page_data(
        "Vorschau-Fachtag",
        "vorschau",
        [date_row(30)],
        time_slots=inline_formset(
            [
                {
                    "start": "10:00",
                    "end": "12:00",
                    "kind": "workshops",
                    "title": "Runde 1",
                    "description": "",
                    "workshops": inline_formset(
                        [
                            {
                                "title": "Neuer Workshop",
                                "description": "",
                                "speakers": "",
                                "room": "",
                                "capacity": "5",
                            }
                        ]
                    ),
                }
            ]
        ),
    )
    url = reverse("wagtailadmin_pages:preview_on_add", args=("events", "fachtagpage", index.pk))
    assert admin_client.post(url, data).json()["is_valid"]
    html = admin_client.get(url).content.decode()
    assert "Neuer Workshop" in html and "Vorschau-Fachtag" in html

    page = make_event(index)
    row = {"id": page.dates.get().pk, **date_row(3)}
    data = page_data(page.title, page.slug, [row, date_row(9, title="Neues Modul")])
    data["dates-INITIAL_FORMS"] = "1"
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(page.pk,))
    assert admin_client.post(url, data).json()["is_valid"]
    html = admin_client.get(url).content.decode()
    assert "Neues Modul" in html and "In Kalender eintragen" in html


def test_venue_csv_export_has_a_bom_and_neutralises_formulas(admin_client):
    """The venue list's CSV goes through the admin's one export path (kinderschutz_cms.exports)."""
    Venue.objects.create(name='=HYPERLINK("http://x.example")', town="Görlitz")

    response = admin_client.get(reverse("wagtailsnippets_events_venue:list"), {"export": "csv"})

    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    assert "'=HYPERLINK" in body
    assert "Görlitz" in body

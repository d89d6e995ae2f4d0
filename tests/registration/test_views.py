"""The public form through the test client: every outcome and every refusal."""

from datetime import timedelta

import pytest
from django.utils import timezone

from registrations import spam
from registrations.models import Registration, RegistrationStatus
from tests.events.factories import at

from .factories import (
    add_question,
    form_data,
    make_fachtag_event,
    make_registration_event,
    post_registration,
    register_url,
)

pytestmark = pytest.mark.django_db


def follow_outcome(client, response):
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page.content.decode()


def test_event_page_shows_seats_left_and_deadline(client, event):
    html = client.get(event.url).content.decode()
    assert "noch 2 Plätze frei" in html
    assert "Anmeldeschluss" in html
    assert "anmelden/" in html


def test_form_renders_fields_privacy_notice_and_honeypot(client, event):
    html = client.get(register_url(event)).content.decode()
    for name in ("first_name", "last_name", "email", "organisation", "role", "phone"):
        assert f'name="{name}"' in html
    assert "Datenschutzhinweise" in html and 'name="privacy_consent"' in html
    assert 'aria-hidden="true"' in html and 'tabindex="-1"' in html and "Bitte leer lassen" in html
    assert f'name="{spam.STAMP_FIELD}"' in html


def test_confirmed_outcome_and_consent_recorded(client, event):
    html = follow_outcome(client, post_registration(client, event, email="Eva@Example.org"))
    assert "Ihre Anmeldung ist bestätigt" in html
    reg = Registration.objects.get()
    assert reg.status == RegistrationStatus.CONFIRMED
    assert reg.email_normalised == "eva@example.org"
    assert reg.privacy_consent_at is not None
    assert reg.privacy_notice_version == event.privacy_notice_version
    assert reg.health_consent_at is None


def test_full_event_puts_people_on_the_waitlist(client, event):
    for _ in range(2):
        follow_outcome(client, post_registration(client, event))
    assert "ausgebucht" in client.get(event.url).content.decode()
    html = follow_outcome(client, post_registration(client, event))
    assert "Warteliste" in html
    assert list(Registration.objects.values_list("status", flat=True)) == [
        "confirmed",
        "confirmed",
        "waitlisted",
    ]


def test_approval_required_gives_pending_approval(client, index):
    event = make_registration_event(index, approval_required=True)
    html = follow_outcome(client, post_registration(client, event))
    assert "prüft sie" in html
    assert Registration.objects.get().status == RegistrationStatus.PENDING_APPROVAL


def test_double_opt_in_holds_the_seat_until_confirmed(client, index):
    event = make_registration_event(index, double_opt_in=True, capacity=1)
    html = follow_outcome(client, post_registration(client, event))
    assert "bestätigen Sie Ihre E-Mail-Adresse" in html
    reg = Registration.objects.get()
    assert reg.status == RegistrationStatus.PENDING_EMAIL and reg.hold_expires_at
    # the held seat counts: the next person goes to the waitlist
    follow_outcome(client, post_registration(client, event))
    assert Registration.objects.filter(status="pending_email").count() == 2
    from django.urls import reverse

    from registrations.tokens import CONFIRM, make_token

    url = reverse(
        "registration_links:registration_confirm", args=[make_token(reg, purpose=CONFIRM)]
    )
    assert client.get(url).status_code == 200
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.PENDING_EMAIL  # GET never changes anything
    follow_outcome(client, client.post(url))
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.CONFIRMED


def test_second_registration_with_same_email_is_refused(client, event):
    follow_outcome(client, post_registration(client, event, email="anna@example.org"))
    response = post_registration(client, event, email="  ANNA@example.ORG ")
    assert response.status_code == 409
    assert "bereits eine Anmeldung" in response.content.decode()
    assert Registration.objects.count() == 1


@pytest.mark.parametrize(
    "settings_kw, message",
    [
        ({"registration_deadline": "past"}, "Anmeldeschluss ist vorbei"),
        ({"registration_opens_at": "future"}, "noch nicht geöffnet"),
        ({"status": "cancelled"}, "abgesagt"),
        ({"capacity": 0, "waitlist_enabled": False}, "ausgebucht"),
        ({"registration_enabled": False}, "keine Anmeldung möglich"),
    ],
)
def test_closed_registration_offers_no_form_and_refuses_posts(client, index, settings_kw, message):
    now = timezone.now()
    values = {
        k: (
            now - timedelta(hours=1)
            if v == "past"
            else now + timedelta(days=1)
            if v == "future"
            else v
        )
        for k, v in settings_kw.items()
    }
    event = make_registration_event(index, **values)
    html = client.get(register_url(event)).content.decode()
    assert message in html and 'name="first_name"' not in html
    response = post_registration(client, event)
    assert response.status_code == 409 and message in response.content.decode()
    assert Registration.objects.count() == 0


def test_past_event_refuses(client, index):
    event = make_registration_event(index, dates=[(at(-2, 9), at(-2, 12))])
    response = post_registration(client, event)
    assert response.status_code == 409
    assert "vorbei" in response.content.decode()


def test_invalid_input_gets_german_errors_and_no_registration(client, event):
    response = post_registration(client, event, email="kein-mail", privacy_consent=None)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bitte stimmen Sie den Datenschutzhinweisen zu" in html
    assert "gültige E-Mail-Adresse" in html
    assert Registration.objects.count() == 0


def test_line_breaks_in_names_are_refused(client, event):
    response = post_registration(client, event, last_name="Muster\r\nBcc: x@example.org")
    assert response.status_code == 400
    assert "Zeilenumbrüche" in response.content.decode()


def test_health_question_needs_separate_consent_only_when_answered(client, event):
    add_question(event, "Ernährung", is_health_data=True)
    add_question(event, "Wie haben Sie von uns erfahren?")
    html = client.get(register_url(event)).content.decode()
    assert 'name="health_consent"' in html and "Art. 9" in html
    # answered without consent: refused
    response = post_registration(client, event, q_ernahrung="vegan")
    assert response.status_code == 400 and "ausdrückliche Einwilligung" in response.content.decode()
    # not answered: no consent needed
    follow_outcome(client, post_registration(client, event, q_ernahrung=""))
    # answered with consent: stored with time and version
    follow_outcome(
        client,
        post_registration(client, event, q_ernahrung="vegan", health_consent="on"),
    )
    regs = list(Registration.objects.order_by("id"))
    assert regs[0].health_consent_at is None
    assert regs[1].health_consent_at is not None
    assert regs[1].health_consent_version == event.privacy_notice_version
    assert regs[1].answers["Ernährung"] == "vegan"


def test_choice_and_checkbox_questions(client, event):
    add_question(event, "Teilnahme", field_type="radio", choices="Präsenz\nOnline", required=True)
    add_question(event, "Newsletter", field_type="checkbox")
    follow_outcome(
        client, post_registration(client, event, q_teilnahme="Online", q_newsletter="on")
    )
    answers = Registration.objects.get().answers
    assert answers["Teilnahme"] == "Online" and answers["Newsletter"] is True


SEARCH = "/anmeldung/organisationen/"


def test_form_size_does_not_grow_with_the_member_directory(client, event, home_page):
    """Suggestions come from the search endpoint, not as every member's name in the page."""
    from tests.members.factories import make_member, make_member_index

    directory = make_member_index(home_page)
    make_member(directory, title="Kita Sonnenschein")
    html = client.get(register_url(event)).content.decode()
    assert 'data-suggest-url="/anmeldung/organisationen/"' in html
    small = len(html)
    for i in range(12):
        make_member(directory, title=f"Familienzentrum mit einem recht langen Namen Nummer {i}")
    large = len(client.get(register_url(event)).content.decode())
    assert abs(large - small) < 20  # the form's time stamp may differ by a digit or two


def test_organisation_search_offers_only_live_public_members_of_the_site(client, home_page):
    from tests.members.factories import make_member, make_member_index

    directory = make_member_index(home_page)
    make_member(directory, title="Kita Sonnenschein")
    make_member(directory, title="Sonnenhof Jugendhilfe")
    draft = make_member(directory, title="Sonnenblume Entwurf")
    draft.unpublish()
    for i in range(12):
        make_member(directory, title=f"Beratung Sonne {i:02d}")
    results = client.get(SEARCH, {"q": "sonne"}).json()["results"]
    assert len(results) == 10  # bounded
    assert results[0] == "Sonnenhof Jugendhilfe"  # names starting with it first
    assert "Sonnenblume Entwurf" not in results
    assert client.get(SEARCH, {"q": "Kita Sonnen"}).json()["results"] == ["Kita Sonnenschein"]


@pytest.mark.parametrize(
    "params",
    [{}, {"q": ""}, {"q": "a"}, {"q": " a "}, {"q": "%"}, {"q": "\x00"}, {"q": "\x00\x00"}],
)
def test_organisation_search_refuses_short_input_in_german(client, params):
    response = client.get(SEARCH, params)
    assert response.status_code == 400
    assert "mindestens zwei Zeichen" in response.json()["error"]


@pytest.mark.parametrize("query", ["%_%", "x" * 5000, "a\x00b", "ä' OR 1=1 --", "🙂🙂"])
def test_organisation_search_answers_any_input_without_error(client, home_page, query):
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200 and response.json()["results"] == []
    assert client.post(SEARCH, {"q": query}).status_code == 405


def test_organisation_search_is_rate_limited(client, settings):
    settings.KINDERSCHUTZ_ORGANISATION_SEARCH_RATE_LIMIT = (2, 600)
    assert client.get(SEARCH, {"q": "Kita"}).status_code == 200
    assert client.get(SEARCH, {"q": "Kita"}).status_code == 200
    response = client.get(SEARCH, {"q": "Kita"})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "Zu viele" in response.json()["error"]


def test_honeypot_refuses_quietly(client, event):
    response = post_registration(client, event, **{spam.HONEYPOT_FIELD: "http://spam"})
    assert response.status_code == 400
    assert "nicht verarbeitet" in response.content.decode()
    assert Registration.objects.count() == 0


def test_minimum_fill_time(client, event, settings):
    settings.REGISTRATION_MIN_FILL_SECONDS = 3
    response = post_registration(client, event)
    assert response.status_code == 400 and "sehr schnell" in response.content.decode()
    response = post_registration(client, event, **{spam.STAMP_FIELD: "forged"})
    assert response.status_code == 400 and "abgelaufen" in response.content.decode()
    assert Registration.objects.count() == 0


def test_rate_limit_per_address(client, index, settings):
    settings.REGISTRATION_RATE_LIMIT = (3, 600)
    event = make_registration_event(index, capacity=None)
    for _ in range(3):
        assert post_registration(client, event).status_code == 302
    response = post_registration(client, event)
    assert response.status_code == 429 and "Zu viele" in response.content.decode()
    assert Registration.objects.count() == 3


def test_rate_limit_counts_per_remote_addr(client, index, settings):
    settings.REGISTRATION_RATE_LIMIT = (1, 600)
    event = make_registration_event(index, capacity=None)
    url = register_url(event)
    assert client.post(url, form_data(event), REMOTE_ADDR="10.0.0.1").status_code == 302
    assert client.post(url, form_data(event), REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.post(url, form_data(event), REMOTE_ADDR="10.0.0.2").status_code == 302


def test_workshop_choice_per_slot(client, index):
    event = make_fachtag_event(index, ws_capacity=1)
    slots = list(event.time_slots.filter(kind="workshops").order_by("start"))
    w1, w1b = list(slots[0].workshops.order_by("sort_order", "pk"))
    w2, w2b = list(slots[1].workshops.order_by("sort_order", "pk"))
    data = {f"workshop_{slots[0].pk}": str(w1.pk), f"workshop_{slots[1].pk}": str(w2.pk)}
    follow_outcome(client, post_registration(client, event, **data))
    reg = Registration.objects.get()
    assert sorted(reg.bookings.values_list("workshop_id", "status")) == sorted(
        [(w1.pk, "confirmed"), (w2.pk, "confirmed")]
    )
    html = client.get(register_url(event)).content.decode()
    assert "ausgebucht, Warteliste" in html  # waitlist on: full workshop offered as waitlist
    data = {
        f"workshop_{slots[0].pk}": f"warteliste-{w1.pk}",
        f"workshop_{slots[1].pk}": str(w2b.pk),
    }
    follow_outcome(client, post_registration(client, event, **data))
    second = Registration.objects.latest("id")
    assert sorted(second.bookings.values_list("workshop_id", "status")) == sorted(
        [(w1.pk, "waitlisted"), (w2b.pk, "confirmed")]
    )


def test_full_workshop_without_waitlist_is_not_selectable(client, index):
    event = make_fachtag_event(index, ws_capacity=1, waitlist_enabled=False)
    slots = list(event.time_slots.filter(kind="workshops").order_by("start"))
    w1 = slots[0].workshops.order_by("sort_order", "pk").first()
    free = slots[0].workshops.order_by("sort_order", "pk").last()
    w2 = slots[1].workshops.order_by("sort_order", "pk").last()
    data = {f"workshop_{slots[0].pk}": str(w1.pk), f"workshop_{slots[1].pk}": str(w2.pk)}
    follow_outcome(client, post_registration(client, event, **data))
    html = client.get(register_url(event)).content.decode()
    assert "Schutzkonzepte – ausgebucht" in html and "disabled" in html
    response = post_registration(client, event, **data)
    assert response.status_code == 400
    assert Registration.objects.count() == 1
    data[f"workshop_{slots[0].pk}"] = str(free.pk)
    data[f"workshop_{slots[1].pk}"] = str(
        slots[1].workshops.order_by("sort_order", "pk").first().pk
    )
    follow_outcome(client, post_registration(client, event, **data))


def test_missing_workshop_choice_is_an_error(client, index):
    event = make_fachtag_event(index)
    response = post_registration(client, event)
    assert response.status_code == 400
    assert "Bitte wählen Sie einen Workshop" in response.content.decode()


def test_get_and_head_only_on_form(client, event):
    assert client.put(register_url(event)).status_code == 405


def test_member_pages_feed_the_suggestions_and_the_sector(client, event, home_page):
    from members.models import MemberIndexPage, MemberPage, Sector

    sector, _ = Sector.objects.get_or_create(slug="schule", defaults={"name": "Schule"})
    members = MemberIndexPage(title="Netzwerkpartner", slug="netzwerkpartner")
    home_page.add_child(instance=members)
    members.add_child(instance=MemberPage(title="Grundschule am Park", sector=sector))
    assert client.get(SEARCH, {"q": "grund"}).json()["results"] == ["Grundschule am Park"]
    follow_outcome(client, post_registration(client, event, organisation="grundschule am park"))
    assert Registration.objects.get().organisation_sector == str(sector)


def test_default_privacy_notice_names_the_configured_retention_period(client, index, settings):
    settings.REGISTRATION_RETENTION_DAYS = 90
    event = make_registration_event(index, title="Neue Veranstaltung")
    html = client.get(register_url(event)).content.decode()
    assert "spätestens 90 Tage nach der Veranstaltung gelöscht" in html
    assert "180 Tage" not in html
    # certificates have their own period, named as well
    assert "Teilnahmebescheinigung" in html and "3650 Tage nach der Ausstellung" in html


def test_every_refusal_code_has_an_http_status():
    """The views map `RegistrationError.code` to a status in one table; a code raised
    anywhere in the app must be in it."""
    import re
    from pathlib import Path

    import registrations
    from registrations.views import HTTP_STATUS

    root = Path(registrations.__file__).parent
    raised = set()
    for path in [root / "errors.py", *(root / "services").rglob("*.py")]:
        raised.update(re.findall(r'code="([a-z_]+)"', path.read_text(encoding="utf-8")))
    assert raised  # the scan finds the codes
    assert {"full", "closed", "duplicate", "workshop_full", "expired", "ended"} <= raised
    assert raised <= set(HTTP_STATUS)


def test_full_event_without_waitlist_is_refused_with_its_status(client, index):
    event = make_registration_event(index, capacity=1, waitlist_enabled=False)
    assert post_registration(client, event).status_code == 302
    response = post_registration(client, event, email="zweite@example.org")
    assert response.status_code == 409
    assert "ausgebucht" in response.content.decode()


def test_form_and_personal_page_show_dates_place_and_format_at_the_top(client, index):
    from events.choices import EventFormat
    from tests.events.factories import make_venue

    venue = make_venue(name="Kreishaus Musterstadt", town="Musterstadt")
    event = make_registration_event(
        index,
        venue=venue,
        event_format=EventFormat.HYBRID,
        dates=[(at(20, 9), at(20, 12)), (at(27, 9), at(27, 12))],
    )

    def facts(html):
        top = html[html.index("<h1") : html.index("</dl>", html.index('class="event-facts"'))]
        assert "Termine" in top and "Kreishaus Musterstadt" in top and "Hybrid" in top
        for day in (20, 27):
            assert f'datetime="{at(day, 9).isoformat()}"' in top
        return top

    form = client.get(register_url(event)).content.decode()
    assert facts(form).index("event-facts") < form.index('<form class="form"')
    personal = follow_outcome(client, post_registration(client, event))
    facts(personal)

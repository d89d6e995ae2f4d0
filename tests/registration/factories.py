"""Builders for registration tests: events that take registrations, form data, posts."""

from django.core import mail

from events.models import EventDate, FachtagPage, TimeSlot, Workshop
from registrations import spam
from registrations.models import RegistrationQuestion
from tests.events.factories import at, make_event

_counter = {"n": 0}


def make_registration_event(index, title="Kinderschutz in der Kita", **settings):
    defaults = {
        "registration_enabled": True,
        "capacity": 10,
        "waitlist_enabled": True,
        "online_access_link": "",
        "double_opt_in": False,  # tests of double opt-in switch it on
    }
    defaults.update(settings)
    return make_event(index, title, **defaults)


def make_fachtag_event(index, ws_capacity=1, **settings):
    defaults = {
        "registration_enabled": True,
        "capacity": 50,
        "waitlist_enabled": True,
        "double_opt_in": False,
    }
    defaults.update(settings)
    page = FachtagPage(title="Fachtag Kinderschutz", live=True, **defaults)
    page.dates = [EventDate(start=at(30, 9), end=at(30, 16))]
    plenary = TimeSlot(start="09:00", end="09:30", title="Begrüßung", kind="welcome")
    slot1 = TimeSlot(start="10:00", end="12:00", title="Workshops I", kind="workshops")
    slot1.workshops = [
        Workshop(title="Schutzkonzepte", capacity=ws_capacity),
        Workshop(title="Gesprächsführung", capacity=None),
    ]
    slot2 = TimeSlot(start="13:00", end="14:30", title="Workshops II", kind="workshops")
    slot2.workshops = [
        Workshop(title="Kinderrechte", capacity=ws_capacity),
        Workshop(title="Netzwerkarbeit", capacity=ws_capacity),
    ]
    page.time_slots = [plenary, slot1, slot2]
    index.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def add_question(event, label, field_type="singleline", required=False, is_health_data=False, **kw):
    question = RegistrationQuestion(
        page=event,
        label=label,
        field_type=field_type,
        required=required,
        is_health_data=is_health_data,
        **kw,
    )
    question.save()
    return question


def form_data(event=None, **overrides):
    """A filled-in form; its stamp is bound to `event` (a stamp of no event is refused)."""
    _counter["n"] += 1
    n = _counter["n"]
    data = {
        "first_name": "Erika",
        "last_name": f"Musterfrau{n}",
        "email": f"erika{n}@example.org",
        "organisation": "Kita Sonnenschein",
        "role": "Leitung",
        "phone": "",
        "privacy_consent": "on",
        spam.STAMP_FIELD: spam.new_stamp(event),
        spam.HONEYPOT_FIELD: "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def service_data(**overrides):
    _counter["n"] += 1
    n = _counter["n"]
    data = {
        "first_name": "Max",
        "last_name": f"Mustermann{n}",
        "email": f"max{n}@example.org",
        "organisation": "Jugendamt",
        "role": "Fachkraft",
        "phone": "",
        "answers": {},
    }
    data.update(overrides)
    return data


def register_url(event):
    return event.url + "anmelden/"


def post_registration(client, event, **overrides):
    return client.post(register_url(event), form_data(event, **overrides))


def mails_to(address):
    return [m for m in mail.outbox if address in m.to]

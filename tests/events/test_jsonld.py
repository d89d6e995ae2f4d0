"""schema.org Event JSON-LD on event pages, read from real responses and checked against the
properties Google's event rich results require and recommend (a small validator below)."""

import datetime
import json
import re

import pytest

from events.models import EventPage
from registrations.services.booking import register
from tests.events.factories import at, make_event, make_venue
from tests.registration.factories import make_registration_event, service_data

# Google Search Central, "Event (Event, EventSeries) structured data": required and
# recommended properties of an Event, and what each one must be.
REQUIRED = {"name": str, "startDate": str, "location": (dict, list)}
RECOMMENDED = {
    "description": str,
    "endDate": str,
    "eventAttendanceMode": str,
    "eventStatus": str,
    "organizer": dict,
    "url": str,
}
EVENT_STATUSES = {
    f"https://schema.org/{name}"
    for name in (
        "EventScheduled",
        "EventCancelled",
        "EventPostponed",
        "EventRescheduled",
        "EventMovedOnline",
    )
}
ATTENDANCE_MODES = {
    f"https://schema.org/{name}"
    for name in (
        "OfflineEventAttendanceMode",
        "OnlineEventAttendanceMode",
        "MixedEventAttendanceMode",
    )
}
AVAILABILITIES = {
    f"https://schema.org/{name}"
    for name in ("InStock", "LimitedAvailability", "SoldOut", "PreOrder", "OnlineOnly")
}
# ISO 8601: a date, or a date-time with a UTC offset (Google wants the offset).
MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?[+-]\d{2}:\d{2})?$")


def validate_location(location):
    problems = []
    for item in location if isinstance(location, list) else [location]:
        kind = item.get("@type")
        if kind == "Place":
            address = item.get("address")
            if not item.get("name") or not isinstance(address, dict):
                problems.append("Place needs name and address")
            elif address.get("@type") != "PostalAddress" or not (
                address.get("streetAddress") and address.get("addressLocality")
            ):
                problems.append("PostalAddress needs streetAddress and addressLocality")
        elif kind == "VirtualLocation":
            if not str(item.get("url", "")).startswith("http"):
                problems.append("VirtualLocation needs an absolute url")
        else:
            problems.append(f"unknown location type {kind!r}")
    return problems


def validate_event(data):
    """The problems Google's rich result test would report (empty: valid)."""
    problems = []
    if data.get("@context") not in ("https://schema.org", "http://schema.org"):
        problems.append("@context")
    if data.get("@type") != "Event":
        problems.append("@type")
    for properties, label in ((REQUIRED, "required"), (RECOMMENDED, "recommended")):
        for name, kind in properties.items():
            if not isinstance(data.get(name), kind) or not data.get(name):
                problems.append(f"{label} {name} missing or not {kind}")
    for name in ("startDate", "endDate"):
        if name in data and not MOMENT.match(data[name]):
            problems.append(f"{name} not ISO 8601 with offset: {data[name]}")
    if data.get("eventStatus") not in EVENT_STATUSES:
        problems.append("eventStatus")
    if data.get("eventAttendanceMode") not in ATTENDANCE_MODES:
        problems.append("eventAttendanceMode")
    if "location" in data:
        problems += validate_location(data["location"])
    if not data.get("organizer", {}).get("name"):
        problems.append("organizer.name")
    if not str(data.get("url", "")).startswith("http"):
        problems.append("url not absolute")
    if "offers" in data:
        offer = data["offers"]
        for name in ("price", "priceCurrency", "availability", "url", "validFrom"):
            if name not in offer:
                problems.append(f"offers.{name} missing")
        if offer.get("availability") not in AVAILABILITIES:
            problems.append("offers.availability")
        if not MOMENT.match(offer.get("validFrom", "")):
            problems.append("offers.validFrom")
    return problems


def json_ld(response):
    """Every JSON-LD block of a response, parsed."""
    html = response.content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def event_json(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    (data,) = json_ld(response)
    assert validate_event(data) == []
    return data


@pytest.fixture
def venue(db):
    return make_venue()


def test_in_person_event_with_registration(client, index, venue):
    event = make_registration_event(
        index, venue=venue, teaser="Was tun bei Anhaltspunkten?", capacity=10
    )
    data = event_json(client, event)
    assert data["name"] == event.title
    assert data["url"] == f"http://testserver{event.url}"
    assert data["startDate"] == at(14, 9).isoformat()
    assert data["startDate"][-6:] in ("+01:00", "+02:00")
    assert data["endDate"] == at(14, 16).isoformat()
    assert data["location"] == {
        "@type": "Place",
        "name": venue.name,
        "address": {
            "@type": "PostalAddress",
            "addressCountry": "DE",
            "streetAddress": "Am Markt 1",
            "postalCode": "31134",
            "addressLocality": "Musterstadt",
        },
    }
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["description"] == "Was tun bei Anhaltspunkten?"
    assert data["organizer"] == {
        "@type": "Organization",
        "name": "Netzwerk Kinderschutz",
        "url": "http://testserver/",
    }
    offer = data["offers"]
    assert offer["price"] == "0"
    assert offer["priceCurrency"] == "EUR"
    assert offer["availability"] == "https://schema.org/InStock"
    assert offer["url"] == f"http://testserver{event.url}anmelden/"
    assert (
        offer["validFrom"]
        == event.first_published_at.astimezone(at().tzinfo).replace(microsecond=0).isoformat()
    )


def test_online_event_has_a_virtual_location_and_no_access_link(client, index):
    event = make_event(
        index,
        "Online-Sprechstunde",
        event_format="online",
        online_access_link="https://meet.example.org/geheim",
        teaser="Offene Sprechstunde",
        organiser_name="Kinderschutzbund",
    )
    data = event_json(client, event)
    assert data["location"] == {"@type": "VirtualLocation", "url": f"http://testserver{event.url}"}
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["organizer"] == {"@type": "Organization", "name": "Kinderschutzbund"}
    assert "geheim" not in json.dumps(data)
    assert "offers" not in data


def test_hybrid_event_has_both_locations(client, index, venue):
    event = make_event(index, "Hybrid", event_format="hybrid", venue=venue, teaser="x")
    data = event_json(client, event)
    assert [item["@type"] for item in data["location"]] == ["Place", "VirtualLocation"]
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"


def test_cancelled_event(client, index, venue):
    event = make_event(index, "Abgesagt", venue=venue, status="cancelled", teaser="x")
    data = event_json(client, event)
    assert data["eventStatus"] == "https://schema.org/EventCancelled"


def test_fully_booked_and_nearly_full_events(client, index, venue):
    event = make_registration_event(
        index, venue=venue, capacity=5, teaser="x", costs="45,50 €", waitlist_enabled=False
    )
    page = EventPage.objects.get(pk=event.pk)
    for _ in range(4):
        register(page, service_data())
    offer = event_json(client, event)["offers"]
    assert offer["availability"] == "https://schema.org/LimitedAvailability"
    assert offer["price"] == "45.50"
    register(page, service_data())
    offer = event_json(client, event)["offers"]
    assert offer["availability"] == "https://schema.org/SoldOut"


def test_all_day_dates_are_plain_dates_and_modules_are_sub_events(client, index, venue):
    event = make_event(
        index,
        "Zertifikatskurs",
        venue=venue,
        teaser="x",
        dates=[(at(20, 0), at(20, 23), True), (at(27, 9), at(27, 16))],
    )
    data = event_json(client, event)
    assert data["startDate"] == (datetime.date.today() + datetime.timedelta(days=20)).isoformat()
    assert data["endDate"] == at(27, 16).isoformat()
    assert len(data["subEvent"]) == 2


def test_titles_cannot_close_the_script_element(client, index, venue):
    title = '</script><script>alert("x")</script> & <!--'
    event = make_event(index, title, venue=venue, teaser="</SCRIPT>")
    response = client.get(event.url)
    html = response.content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block and ">" not in block
    assert json.loads(block)["name"] == title
    assert "<script>alert" not in html

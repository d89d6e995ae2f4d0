"""schema.org `Event` data for search engines (JSON-LD), built from plain values.

`event_data()` is a pure builder: it takes the event page, its sorted dates, the seats
(`registrations.queries.Availability`, or None) and the absolute URLs it should name, and
returns a dict; `script_tag()` writes it as `<script type="application/ld+json">` with
`<`, `>` and `&` escaped as JSON unicode escapes (the way Django's `json_script` does),
so no title or description can close the script element.

The rules, chosen for Google's event rich results (required: name, startDate, location):

- startDate/endDate: the first start and the last end, ISO 8601 with the Europe/Berlin
  offset; all-day dates as plain dates (the last day inclusive). Several dates (modules)
  are also listed as `subEvent`s.
- location: a `Place` with its `PostalAddress` for events in person, a `VirtualLocation`
  (the event page's URL: the access link never leaves the site) online, both for hybrid.
  An in-person event whose venue is not known yet has no location.
- eventStatus: EventScheduled, EventCancelled or EventPostponed from the page's status.
  EventMovedOnline is not used: the site does not record that a format was changed.
- eventAttendanceMode: Offline, Online or Mixed from the format.
- organizer: the organising member (its page) or name, else the coordination (the
  network's settings) with the site's address.
- offers (only with registration): price from "Kosten" (0 when free or empty; a plain
  euro amount when the text is one, otherwise no price), EUR, availability InStock,
  LimitedAvailability (at most a fifth of the seats left) or SoldOut (no seat left), the
  registration form as url, validFrom when registration opens (else when the page was
  first published) and validThrough the registration deadline.
"""

import json
import re
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.safestring import mark_safe

from .choices import EventFormat, EventStatus

SCHEMA = "https://schema.org/"

STATUS = {
    EventStatus.SCHEDULED: "EventScheduled",
    EventStatus.CANCELLED: "EventCancelled",
    EventStatus.POSTPONED: "EventPostponed",
}
ATTENDANCE = {
    EventFormat.IN_PERSON: "OfflineEventAttendanceMode",
    EventFormat.ONLINE: "OnlineEventAttendanceMode",
    EventFormat.HYBRID: "MixedEventAttendanceMode",
}
FREE = {"", "kostenfrei", "kostenlos", "frei", "gratis", "0", "0 €", "free"}
AMOUNT = re.compile(r"^(\d{1,6}(?:[.,]\d{1,2})?)\s*(?:€|eur|euro)?$", re.IGNORECASE)
# LimitedAvailability when no more than this share of the seats is left.
LIMITED_SHARE = Decimal("0.2")


def _moment(value, all_day):
    local = timezone.localtime(value)
    if all_day:
        return local.date().isoformat()
    return local.replace(microsecond=0).isoformat()


def price(costs: str) -> str | None:
    """The price in euros as schema.org wants it ("0", "45.00"), or None if unknown."""
    text = (costs or "").strip().lower()
    if text in FREE:
        return "0"
    match = AMOUNT.match(text)
    if not match:
        return None
    try:
        return str(Decimal(match.group(1).replace(",", ".")).quantize(Decimal("0.01")))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None


def availability_term(availability) -> str:
    """InStock, LimitedAvailability or SoldOut from the seats left."""
    capacity, left = availability.capacity, availability.seats_left
    if capacity is None or left is None:
        return "InStock"
    if left <= 0:
        return "SoldOut"
    if Decimal(left) <= LIMITED_SHARE * capacity:
        return "LimitedAvailability"
    return "InStock"


def place(venue) -> dict:
    address = {"@type": "PostalAddress", "addressCountry": "DE"}
    for key, value in (
        ("streetAddress", venue.street),
        ("postalCode", venue.postcode),
        ("addressLocality", venue.town),
    ):
        if value:
            address[key] = value
    return {"@type": "Place", "name": venue.name, "address": address}


def event_data(
    page,
    dates,
    *,
    url: str,
    availability=None,
    registration_url: str = "",
    organizer_name: str,
    organizer_url: str = "",
    image_url: str = "",
) -> dict:
    """The schema.org Event for `page` with its sorted `dates` (see module docstring)."""
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": page.title,
        "url": url,
        "eventStatus": SCHEMA + STATUS.get(page.status, "EventScheduled"),
        "eventAttendanceMode": SCHEMA + ATTENDANCE.get(page.event_format, ATTENDANCE["in_person"]),
    }
    if dates:
        first = dates[0]
        last = max(dates, key=lambda d: d.end)
        data["startDate"] = _moment(first.start, first.all_day)
        data["endDate"] = _moment(last.end, last.all_day)
        if len(dates) > 1:
            data["subEvent"] = [
                {
                    "@type": "Event",
                    "name": f"{page.title}: {d.title}" if d.title else page.title,
                    "startDate": _moment(d.start, d.all_day),
                    "endDate": _moment(d.end, d.all_day),
                }
                for d in dates
            ]
    description = page.teaser or page.search_description
    if description:
        data["description"] = description
    if image_url:
        data["image"] = [image_url]
    locations = []
    if page.event_format != EventFormat.ONLINE and page.venue is not None:
        locations.append(place(page.venue))
    if page.event_format in (EventFormat.ONLINE, EventFormat.HYBRID):
        locations.append({"@type": "VirtualLocation", "url": url})
    if locations:
        data["location"] = locations[0] if len(locations) == 1 else locations
    organizer = {"@type": "Organization", "name": organizer_name}
    if organizer_url:
        organizer["url"] = organizer_url
    data["organizer"] = organizer
    if page.registration_enabled and availability is not None:
        offer = {
            "@type": "Offer",
            "priceCurrency": "EUR",
            "availability": SCHEMA + availability_term(availability),
            "url": registration_url or url,
        }
        amount = price(page.costs)
        if amount is not None:
            offer["price"] = amount
        valid_from = page.registration_opens_at or page.first_published_at
        if valid_from:
            offer["validFrom"] = _moment(valid_from, False)
        if availability.deadline:
            offer["validThrough"] = _moment(availability.deadline, False)
        data["offers"] = offer
    return data


_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def script_tag(data: dict) -> str:
    """`data` as a JSON-LD script element, safe whatever the strings contain."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')

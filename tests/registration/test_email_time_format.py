"""The e-mails write a date's times in one format: "9:00 a.m.–4:00 p.m." in English (not
"09:00–4:00 p.m."), "09:00–16:00 Uhr" in German."""

import pytest

from registrations.services import booking
from tests.events.factories import at

from .factories import mails_to, make_registration_event, service_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "expected", "mixed"),
    [("en", "9:00 a.m.–4:00 p.m.", "09:00–4:00 p.m."), ("de", "09:00–16:00 Uhr", "09:00 Uhr–")],
)
def test_email_times_use_one_format(
    index, django_capture_on_commit_callbacks, language, expected, mixed
):
    event = make_registration_event(index, dates=[(at(20, 9), at(20, 16))])
    with django_capture_on_commit_callbacks(execute=True):
        booking.register(event, service_data(email="eva@example.org"), language=language)
    [message] = mails_to("eva@example.org")
    assert expected in message.body
    assert mixed not in message.body
    html, _mimetype = message.alternatives[0]
    assert expected in html

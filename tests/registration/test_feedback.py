"""The feedback survey: invitations once, answers anonymous and once per personal link,
results with counts and averages."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from events.models import EventDate
from registrations.models import (
    FeedbackQuestion,
    FeedbackResponse,
    FeedbackUse,
    Registration,
)
from registrations.services import attendance, booking
from registrations.tokens import personal_path
from tests.events.factories import at

from .factories import make_registration_event, service_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(index):
    event = make_registration_event(index, "Fachtag Feedback", capacity=10)
    for i in range(3):
        booking.register(event, service_data(email=f"p{i}@example.org", last_name=f"P{i}"))
    for registration in Registration.objects.all():
        attendance.set_attendance(registration, True)
    FeedbackQuestion.objects.create(
        page=event,
        label="Wie hat es Ihnen gefallen?",
        field_type="radio",
        choices="1\n2\n3\n4\n5",
        required=True,
        sort_order=0,
    )
    FeedbackQuestion.objects.create(
        page=event,
        label="Was nehmen Sie mit?",
        field_type="multiline",
        required=False,
        sort_order=1,
    )
    EventDate.objects.filter(page=event).update(start=at(-3, 9), end=at(-3, 16))
    return event


def answer(client, registration, rating, text=""):
    questions = {q.label: q.pk for q in FeedbackQuestion.objects.all()}
    return client.post(
        personal_path(registration) + "feedback/",
        {
            f"q{questions['Wie hat es Ihnen gefallen?']}": rating,
            f"q{questions['Was nehmen Sie mit?']}": text,
        },
    )


def test_answers_are_anonymous_and_once_per_link(client, event):
    first, second, _third = Registration.objects.order_by("pk")
    assert answer(client, first, "5", "Total viel Input!").status_code == 200
    assert "Vielen Dank" in answer(client, first, "1", "nochmal").content.decode()
    assert FeedbackResponse.objects.count() == 1
    stored = FeedbackResponse.objects.get()
    assert stored.answers == {
        "Wie hat es Ihnen gefallen?": "5",
        "Was nehmen Sie mit?": "Total viel Input!",
    }
    # nothing in the answer or the "used" marker names the registration
    fields = {f.name for f in FeedbackResponse._meta.get_fields()}
    assert not fields & {"registration", "email", "name"}
    flat = str(stored.answers) + str(FeedbackUse.objects.values_list("marker", flat=True)[0])
    assert first.email not in flat and str(first.pk) != FeedbackUse.objects.get().marker
    answer(client, second, "2")
    assert FeedbackResponse.objects.count() == 2


def test_results_show_counts_and_averages(admin_client, event):
    first, second, third = Registration.objects.order_by("pk")
    answer(admin_client, first, "5", "Total viel Input!")
    answer(admin_client, second, "4")
    answer(admin_client, third, "3", "Mehr Pausen")
    html = admin_client.get(f"/admin/registrations/feedback/{event.pk}/").content.decode()
    assert "3 Rückmeldungen" in html
    assert "Durchschnitt: 4" in html  # (5 + 4 + 3) / 3
    assert "<svg" in html and "Total viel Input!" in html and "Mehr Pausen" in html


def test_the_invitation_goes_once_to_attendees_after_the_delay(
    settings, event, django_capture_on_commit_callbacks
):
    settings.KINDERSCHUTZ_FEEDBACK_DELAY_DAYS = 5
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_feedback_requests", stdout=io.StringIO())
    assert mail.outbox == []  # ended 3 days ago: not yet
    settings.KINDERSCHUTZ_FEEDBACK_DELAY_DAYS = 1
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_feedback_requests", stdout=io.StringIO())
        call_command("send_feedback_requests", stdout=io.StringIO())
    assert sorted(m.to[0] for m in mail.outbox) == [f"p{i}@example.org" for i in range(3)]
    assert "/feedback/" in mail.outbox[0].body
    assert Registration.objects.filter(feedback_invited_at__lte=timezone.now()).count() == 3
    assert timezone.now() - timedelta(minutes=1) < Registration.objects.first().feedback_invited_at

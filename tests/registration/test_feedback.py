"""The feedback survey: invitations once, answers anonymous and once per personal link,
results with counts and averages."""

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from events.models import EventDate
from registrations import feedback
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


def test_the_results_export_as_csv_and_xlsx_without_personal_data(admin_client, event):
    first, second, third = Registration.objects.order_by("pk")
    answer(admin_client, first, "5", '=HYPERLINK("x")')
    answer(admin_client, second, "4")
    answer(admin_client, third, "4", "Mehr Pausen")
    url = f"/admin/registrations/feedback/{event.pk}/"
    assert 'href="?export=xlsx"' in admin_client.get(url).content.decode()

    body = b"".join(admin_client.get(url, {"export": "csv"}).streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # the admin's one export path: BOM, ';'
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Frage", "Antwort", "Anzahl", "Durchschnitt"]
    assert ["Rückmeldungen insgesamt", "", "3", ""] in rows
    rating = [r for r in rows if r[0] == "Wie hat es Ihnen gefallen?"]
    assert [(r[1], r[2]) for r in rating] == [
        ("1", "0"),
        ("2", "0"),
        ("3", "0"),
        ("4", "2"),
        ("5", "1"),
    ]
    assert {r[3] for r in rating} == {"4,33"}  # (5 + 4 + 4) / 3, German decimal comma
    texts = {(r[1], r[2]) for r in rows if r[0] == "Was nehmen Sie mit?"}
    assert texts == {('\'=HYPERLINK("x")', "1"), ("Mehr Pausen", "1")}  # formula neutralised

    response = admin_client.get(url, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = list(sheet.iter_rows(values_only=True))
    assert cells[0] == ("Frage", "Antwort", "Anzahl", "Durchschnitt")
    assert ("Wie hat es Ihnen gefallen?", "4", 2, 4.33) in cells
    assert ("Was nehmen Sie mit?", "Mehr Pausen", 1, None) in cells

    # nothing in either file names a participant
    flat = body.decode("utf-8-sig") + str(cells)
    for registration in (first, second, third):
        assert registration.email not in flat and registration.last_name not in flat


def test_events_of_a_series_are_compared_per_question(admin_client, event, index):
    first, second, third = Registration.objects.order_by("pk")
    answer(admin_client, first, "5")
    answer(admin_client, second, "4")
    answer(admin_client, third, "3")
    # the same training again (a copy of its page: same title, same questions)
    again = make_registration_event(index, "Fachtag Feedback", capacity=10)
    for question in FeedbackQuestion.objects.filter(page=event):
        question.pk = None
        question.page = again
        question.save()
    for rating in ("2", "3"):
        FeedbackResponse.objects.create(
            event=again, answers={"Wie hat es Ihnen gefallen?": rating, "Was nehmen Sie mit?": ""}
        )
    other = make_registration_event(index, "Anderes Thema", capacity=10)
    FeedbackQuestion.objects.create(
        page=other, label="Wie hat es Ihnen gefallen?", field_type="radio", choices="1\n2\n3\n4\n5"
    )

    comparison = feedback.compare([event, again])
    rating = comparison.questions[0]
    assert rating.label == "Wie hat es Ihnen gefallen?"
    assert [(c.answered, c.average) for c in rating.cells] == [(3, 4.0), (2, 2.5)]
    assert [c.answered for c in comparison.questions[1].cells] == [0, 0]
    assert comparison.counts == [3, 2]

    results = admin_client.get(f"/admin/registrations/feedback/{event.pk}/").content.decode()
    assert f"/admin/registrations/feedback/vergleich/?serie={event.pk}" in results
    html = admin_client.get(
        "/admin/registrations/feedback/vergleich/", {"serie": event.pk}
    ).content.decode()
    # the series is preselected: both runs, not the other training
    assert html.count("checked") == 2
    assert f'value="{other.pk}"' in html  # can be chosen by hand
    assert "<svg" in html and "2,5" in html and "4,0" in html

    chosen = admin_client.get(
        "/admin/registrations/feedback/vergleich/", {"event": [event.pk, other.pk]}
    ).content.decode()
    assert "Anderes Thema" in chosen and "2,5" not in chosen


def test_the_comparison_shows_only_events_the_user_may_see(client, django_user_model, event):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("redaktion", "r@example.org", "pw")
    user.groups.add(Group.objects.get(name="Koordination"))
    client.force_login(user)
    response = client.get("/admin/registrations/feedback/vergleich/", {"event": [event.pk]})
    assert response.status_code == 200
    Group.objects.get(name="Koordination").page_permissions.all().delete()
    response = client.get("/admin/registrations/feedback/vergleich/", {"event": [event.pk]})
    assert "Fachtag Feedback" not in response.content.decode()


def test_the_personal_page_links_to_the_feedback_until_answered(client, event):
    first = Registration.objects.order_by("pk").first()
    page = client.get(personal_path(first)).content.decode()
    assert "Rückmeldung zur Veranstaltung geben" in page and "/feedback/" in page
    answer(client, first, "5")
    page = client.get(personal_path(first)).content.decode()
    assert "Rückmeldung zur Veranstaltung geben" not in page and "/feedback/" not in page


def add_surveyed_trainings(index, count):
    """`count` trainings "Fortbildung <n>" (first date n+1 days from today), each asking
    one feedback question (a second call adds the same titles again)."""
    from tests.events.factories import make_many_events

    pages = make_many_events(index, count)
    FeedbackQuestion.objects.bulk_create(
        FeedbackQuestion(
            page_id=page.pk,
            label="Wie hat es Ihnen gefallen?",
            field_type="radio",
            choices="1\n2\n3\n4\n5",
            sort_order=0,
        )
        for page in pages
    )
    return pages


def test_the_comparison_page_stays_the_same_size_however_many_events(admin_client, index):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from registrations.admin.feedback import CANDIDATES_SHOWN

    url = "/admin/registrations/feedback/vergleich/"
    admin_client.get(url)  # the session and the admin's menu, once
    figures = []
    for count in (CANDIDATES_SHOWN + 5, 2 * CANDIDATES_SHOWN):
        add_surveyed_trainings(index, count)
        with CaptureQueriesContext(connection) as captured:
            html = admin_client.get(url).content.decode()
        assert html.count('type="checkbox"') == CANDIDATES_SHOWN
        assert "bitte die Suche eingrenzen" in html
        figures.append((len(captured), len(html)))
    (queries_small, size_small), (queries_large, size_large) = figures
    assert queries_large == queries_small
    assert abs(size_large - size_small) < 200  # only the digits of the titles differ


def test_the_comparison_offers_the_events_a_search_finds(admin_client, index):
    pages = add_surveyed_trainings(index, 40)
    url = "/admin/registrations/feedback/vergleich/"
    html = admin_client.get(url, {"q": "bildung 3"}).content.decode()
    assert html.count('type="checkbox"') == 11  # 3 and 30…39
    assert "eingrenzen" not in html
    day = (timezone.localdate() + timedelta(days=5)).isoformat()
    html = admin_client.get(url, {"date_from": day, "date_to": day}).content.decode()
    assert html.count('type="checkbox"') == 1 and f'value="{pages[4].pk}"' in html

    # the chosen events stay ticked whatever the search, and are compared
    FeedbackResponse.objects.create(
        event_id=pages[4].pk, answers={"Wie hat es Ihnen gefallen?": "4"}
    )
    FeedbackResponse.objects.create(
        event_id=pages[38].pk, answers={"Wie hat es Ihnen gefallen?": "2"}
    )
    html = admin_client.get(
        url, {"q": "bildung 1", "event": [pages[4].pk, pages[38].pk]}
    ).content.decode()
    assert html.count("checked") == 2
    assert f'value="{pages[4].pk}"' in html and f'value="{pages[38].pk}"' in html
    assert "4,0" in html and "2,0" in html and "<svg" in html
    # more than allowed: an error, the choice kept to be corrected
    too_many = [page.pk for page in pages[:12]]
    html = admin_client.get(url, {"event": too_many}).content.decode()
    assert "höchstens 10" in html and html.count("checked") == 12


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"event": "²"}, "ist kein gültiger Wert"),
        ({"event": ["²", "9" * 30]}, "ist kein gültiger Wert"),
        ({"serie": "²"}, None),
        ({"serie": "9" * 30}, None),
        ({"date_to": "9999-12-31"}, "zwischen den Jahren 1900 und 2999"),
        ({"date_from": "0001-01-01"}, "zwischen den Jahren 1900 und 2999"),
    ],
)
def test_the_comparison_answers_odd_parameters_with_a_message(admin_client, event, query, message):
    """Values a hand-edited URL may carry: a superscript digit (a digit to `isdigit`,
    not a number to `int`), an id too long for the database, days at the ends of the
    calendar (their next day or their midnight in UTC do not exist)."""
    response = admin_client.get("/admin/registrations/feedback/vergleich/", query)
    assert response.status_code == 200
    html = response.content.decode()
    if message:
        assert message in html
    assert f'value="{event.pk}"' in html  # the events are offered all the same

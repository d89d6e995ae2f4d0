"""The optional feedback survey after an event: the form (the editors' `FeedbackQuestion`
rows through Wagtail's FormBuilder), anonymous answers, one per personal link, the
invitation e-mail and the aggregated results.

Anonymity: a `FeedbackResponse` holds the event, the answers and the day only (random
primary key, so not even the order of insertion links it to anything). That a link was
used is a separate `FeedbackUse` row with `marker(registration)`, a keyed hash (Django's
`salted_hmac` with the SECRET_KEY), and no reference to the answers.

Results (`results`), their export (`export_rows`: aggregates and free texts, never a
person, free texts in the random order of the answers' keys) and the comparison of
several events (`series`, `compare`).

Invitations: `invite_due` (command `send_feedback_requests`, daily) mails every attendee
of an event with questions whose last date ended `KINDERSCHUTZ_FEEDBACK_DELAY_DAYS` (1)
days ago or more (and at most 30 days ago), once per registration (`feedback_invited_at`).
"""

from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from wagtail.contrib.forms.forms import FormBuilder

from .emails import personal_url
from .models import FeedbackQuestion, FeedbackResponse, FeedbackUse, Registration
from .services import locking
from .services.outbox import queue_prepared_email

RATING_CHOICES = ["1", "2", "3", "4", "5"]


def delay_days():
    from django.conf import settings

    return int(getattr(settings, "KINDERSCHUTZ_FEEDBACK_DELAY_DAYS", 1))


def questions(event):
    return list(FeedbackQuestion.objects.filter(page_id=event.pk).order_by("sort_order", "pk"))


def marker(registration):
    return salted_hmac("registrations.feedback", str(registration.pk)).hexdigest()


def may_answer(registration):
    """Attendees of an event with questions, once."""
    return (
        registration is not None
        and registration.attended
        and FeedbackQuestion.objects.filter(page_id=registration.event_id).exists()
        and not FeedbackUse.objects.filter(marker=marker(registration)).exists()
    )


def build_form(event, data=None):
    items = questions(event)
    form = forms.Form(data)
    for question, (_name, field) in zip(items, FormBuilder(items).formfields.items(), strict=True):
        form.fields[f"q{question.pk}"] = field
    return form, items


class AlreadyAnswered(Exception):
    pass


def submit(registration, form, items):
    """Store the answers anonymously; raises `AlreadyAnswered` for a second answer."""
    answers = {}
    for question in items:
        value = form.cleaned_data.get(f"q{question.pk}")
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        answers[question.label] = "" if value is None else str(value)
    try:
        with transaction.atomic():
            FeedbackUse.objects.create(marker=marker(registration))
            FeedbackResponse.objects.create(event_id=registration.event_id, answers=answers)
    except IntegrityError as exc:
        raise AlreadyAnswered from exc


def invite_due(now=None):
    """Queue the feedback invitation for every attendee due (see the module); returns
    the number of mails. Idempotent."""
    now = now or timezone.now()
    ended = locking.event_model().registration_ended_before(now - timedelta(days=delay_days()))
    ended = ended.filter(last_end__gte=now - timedelta(days=30), feedback_questions__isnull=False)
    registrations = Registration.objects.filter(
        event__in=ended.values("pk"),
        attended=True,
        anonymised_at__isnull=True,
        feedback_invited_at__isnull=True,
    ).select_related("event")
    count = 0
    for registration in registrations:
        with transaction.atomic():
            claimed = Registration.objects.filter(
                pk=registration.pk, feedback_invited_at__isnull=True
            ).update(feedback_invited_at=now)
            if not claimed:
                continue
            with translation.override(registration.language or "de"):
                context = {
                    "registration": registration,
                    "event": registration.event,
                    "feedback_url": personal_url(registration) + "feedback/",
                }
                subject = _("Ihre Rückmeldung: %(title)s") % {"title": registration.event.title}
                text = render_to_string("registrations/emails/feedback.txt", context)
            queue_prepared_email(registration.email, subject, text)
        count += 1
    return count


def results(event):
    """Per question: counts per answer, the average of ratings (answers 1–5 only), the
    free-text answers; and the number of responses."""
    # Ordered by the random key: free texts never come in the order they were given.
    responses = list(
        FeedbackResponse.objects.filter(event=event)
        .order_by("pk")
        .values_list("answers", flat=True)
    )
    rows = []
    for question in questions(event):
        values = [r.get(question.label, "") for r in responses]
        values = [v for v in values if v not in ("", None)]
        choices = [c.strip() for c in (question.choices or "").splitlines() if c.strip()]
        if not choices and question.choices:
            choices = [c.strip() for c in question.choices.split(",") if c.strip()]
        row = {"question": question, "answered": len(values)}
        if choices:
            counts = dict.fromkeys(choices, 0)
            for value in values:
                for part in value.split(", ") if question.field_type == "checkboxes" else [value]:
                    counts[part] = counts.get(part, 0) + 1
            row["counts"] = list(counts.items())
            row["max"] = max(counts.values(), default=0) or 1
            if set(choices) <= set(RATING_CHOICES):
                numbers = [int(v) for v in values if v in RATING_CHOICES]
                row["average"] = round(sum(numbers) / len(numbers), 2) if numbers else None
        else:
            row["texts"] = values
        rows.append(row)
    return {"count": len(responses), "rows": rows}


@dataclass(frozen=True)
class ExportRow:
    """One line of the results export: a question, an answer (a choice or a free text),
    how often it was given, and the question's average (ratings only)."""

    question: str
    answer: str
    count: int
    average: float | None


def export_rows(event) -> list[ExportRow]:
    """The results of `event` as lines: first the number of responses, then per question
    one line per choice (with its count and the question's average) or per free-text
    answer. Nothing in it names a person (the answers do not know who gave them)."""
    data = results(event)
    rows = [ExportRow(_("Rückmeldungen insgesamt"), "", data["count"], None)]
    for row in data["rows"]:
        label = row["question"].label
        if "counts" in row:
            average = row.get("average")
            rows += [ExportRow(label, choice, count, average) for choice, count in row["counts"]]
        else:
            rows += [ExportRow(label, text, 1, None) for text in row["texts"]]
    return rows


def series(event):
    """The runs of the same event, `event` included: its siblings in the calendar with the
    same title and feedback questions.

    Why this grouping: the product has no series model. A recurring event (`recurrence`)
    is one page with one survey, so its answers are already together. A training held
    again is a new page, made by copying the last one (Wagtail's "Kopieren"): the title
    stays, and so do the questions (they are the page's inline children) and their labels,
    by which answers are stored and compared. Other events can be chosen by hand."""
    return (
        locking.event_model()
        .objects.sibling_of(event, inclusive=True)
        .filter(title=event.title, feedback_questions__isnull=False)
        .distinct()
    )


@dataclass(frozen=True)
class ComparedCell:
    answered: int
    average: float | None


@dataclass(frozen=True)
class ComparedQuestion:
    """A question (by its label) and, per compared event, its answers and average."""

    label: str
    cells: list[ComparedCell]

    @property
    def has_average(self):
        return any(cell.average is not None for cell in self.cells)


@dataclass(frozen=True)
class Comparison:
    events: list
    counts: list[int]
    questions: list[ComparedQuestion]


def compare(events) -> Comparison:
    """The results of `events` side by side: every question label that any of them asks,
    in the order of first appearance, with the answers and average per event (an event
    that does not ask it: 0 answers, no average). Two queries per event."""
    per_event = [results(event) for event in events]
    labels = []
    for data in per_event:
        for row in data["rows"]:
            if row["question"].label not in labels:
                labels.append(row["question"].label)
    questions = []
    for label in labels:
        cells = []
        for data in per_event:
            row = next((r for r in data["rows"] if r["question"].label == label), None)
            cells.append(
                ComparedCell(row["answered"], row.get("average")) if row else ComparedCell(0, None)
            )
        questions.append(ComparedQuestion(label, cells))
    return Comparison(list(events), [data["count"] for data in per_event], questions)

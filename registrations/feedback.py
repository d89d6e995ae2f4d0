"""The optional feedback survey after an event: the form (the editors' `FeedbackQuestion`
rows through Wagtail's FormBuilder), anonymous answers, one per personal link, the
invitation e-mail and the aggregated results.

Anonymity: a `FeedbackResponse` holds the event, the answers and the day only (random
primary key, so not even the order of insertion links it to anything). That a link was
used is a separate `FeedbackUse` row with `marker(registration)`, a keyed hash (Django's
`salted_hmac` with the SECRET_KEY), and no reference to the answers.

Invitations: `invite_due` (command `send_feedback_requests`, daily) mails every attendee
of an event with questions whose last date ended `KINDERSCHUTZ_FEEDBACK_DELAY_DAYS` (1)
days ago or more (and at most 30 days ago), once per registration (`feedback_invited_at`).
"""

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
    responses = list(FeedbackResponse.objects.filter(event=event).values_list("answers", flat=True))
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

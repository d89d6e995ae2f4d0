"""Registration endpoints: the form on the event (a route of the page) and the personal
links (`events/urls.py`). Views only turn service results and errors into responses."""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import registration as service
from . import spam
from .emails import calendar_file, personal_url
from .models import RegistrationStatus
from .registration_forms import RegistrationForm
from .tokens import InvalidToken, read_token

FORM_TEMPLATE = "events/registration_form.html"


def organisation_suggestions():
    """Titles of the live member organisations, for the form's suggestions (one query)."""
    from members.models import MemberPage

    return list(MemberPage.objects.live().order_by("title").values_list("title", flat=True))


def _form_context(request, event, form, info, error=None):
    return {
        "page": event,
        "self": event,
        "form": form,
        "availability": info,
        "error": error,
        "organisations": organisation_suggestions(),
        "honeypot": form[spam.HONEYPOT_FIELD] if form else None,
    }


def build_form(event, data=None):
    questions = list(event.registration_questions.all())
    return RegistrationForm(
        data, event=event, slots=service.workshop_slots(event), questions=questions
    )


@require_http_methods(["GET", "POST"])
def registration_form_view(request, event):
    """GET: the form (or why there is none). POST: register, then redirect (PRG) to the
    personal link's page, which shows the outcome."""
    info = service.availability(event)
    if request.method == "GET":
        form = build_form(event) if info.is_open else None
        return render(request, FORM_TEMPLATE, _form_context(request, event, form, info))

    if not info.is_open:
        return render(
            request,
            FORM_TEMPLATE,
            _form_context(request, event, None, info, info.message),
            status=409,
        )
    form = build_form(event, request.POST)
    try:
        spam.check_rate_limit(request)
        spam.check_form(request.POST)
    except spam.SpamRefused as refused:
        form = build_form(event)
        return render(
            request,
            FORM_TEMPLATE,
            _form_context(request, event, form, info, refused.message),
            status=refused.status,
        )
    if not form.is_valid():
        return render(request, FORM_TEMPLATE, _form_context(request, event, form, info), status=400)
    try:
        registration = service.register(
            event,
            form.registration_data(),
            workshops=form.workshop_choices(),
            language=getattr(request, "LANGUAGE_CODE", "de"),
        )
    except service.RegistrationError as error:
        info = service.availability(event)
        form = build_form(event, request.POST) if info.is_open else None
        if form is not None:
            form.is_valid()
        return render(
            request,
            FORM_TEMPLATE,
            _form_context(request, event, form, info, error.message),
            status=error.status,
        )
    return HttpResponseRedirect(personal_url(registration) + "?neu=1")


def _invalid_link(request):
    return render(request, "events/registration_invalid.html", status=404)


def _registration_or_404(request, token):
    try:
        return read_token(token)
    except InvalidToken:
        return None


@require_http_methods(["GET"])
def registration_detail(request, token):
    registration = _registration_or_404(request, token)
    if registration is None:
        return _invalid_link(request)
    event = registration.event
    return render(
        request,
        "events/registration_detail.html",
        {
            "registration": registration,
            "event": event,
            "page": event,
            "is_new": request.GET.get("neu") == "1",
            "token": token,
            "bookings": registration.bookings.exclude(status="cancelled")
            .select_related("workshop", "time_slot")
            .order_by("time_slot__start"),
            "can_cancel": registration.is_active,
            "can_download": registration.status == RegistrationStatus.CONFIRMED,
        },
    )


@require_http_methods(["GET", "POST"])
def registration_cancel(request, token):
    """GET asks, POST cancels: a link preview or mail scanner never cancels anything."""
    registration = _registration_or_404(request, token)
    if registration is None:
        return _invalid_link(request)
    if request.method == "POST" and registration.is_active:
        service.cancel(registration)
        messages.success(request, _("Ihre Anmeldung ist storniert."))
        return HttpResponseRedirect(personal_url(registration))
    return render(
        request,
        "events/registration_cancel.html",
        {"registration": registration, "event": registration.event, "page": registration.event},
    )


@require_http_methods(["GET", "POST"])
def registration_confirm(request, token):
    """Double opt-in: GET shows a button, POST confirms the e-mail address."""
    registration = _registration_or_404(request, token)
    if registration is None:
        return _invalid_link(request)
    error = None
    if request.method == "POST":
        try:
            registration = service.confirm_email(registration)
        except service.RegistrationError as exc:
            error = exc.message
        else:
            return HttpResponseRedirect(personal_url(registration) + "?neu=1")
    return render(
        request,
        "events/registration_confirm.html",
        {
            "registration": registration,
            "event": registration.event,
            "page": registration.event,
            "error": error,
            "pending": registration.status == RegistrationStatus.PENDING_EMAIL,
        },
        status=409 if error else 200,
    )


@require_http_methods(["GET"])
def registration_ics(request, token):
    """The event as a calendar file, for people with a confirmed seat."""
    registration = _registration_or_404(request, token)
    if registration is None or registration.status != RegistrationStatus.CONFIRMED:
        return _invalid_link(request)
    response = HttpResponse(
        calendar_file(registration.event), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{registration.event.slug}.ics"'
    return response

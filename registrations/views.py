"""Registration endpoints: the form on the event (a route of the page) and the personal
links (`registrations/urls.py`). Views only turn service results and errors into responses.

Redirects are root-relative (built from the request or `reverse`), never from the Site
record, so they stay on the host and port the person uses. Personal pages (everything
behind a token, and the page after submitting) are never cached or indexed
(`personal_page`); their tokens are kept out of access logs by `registrations.log_redaction`.
"""

from functools import wraps

from django.apps import apps
from django.contrib import messages
from django.db.models import Case, When
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from wagtail.models import Site

from kinderschutz_cms import page_cache
from kinderschutz_cms.client_ip import client_address, rate_limit_bucket
from kinderschutz_cms.sites import in_site

from . import conf, feedback, materials, queries, spam
from .emails import calendar_file
from .errors import RegistrationError
from .forms import OCCURRENCE_FIELD, RegistrationForm, WorkshopChangeForm, find_occurrence
from .models import Certificate, RegistrationStatus
from .services import booking, workshops
from .tokens import CONFIRM, InvalidToken, expiry_for, personal_path, read_token

FORM_TEMPLATE = "registrations/registration_form.html"

# The HTTP status of each refusal code (`RegistrationError.code`); 409 for any other.
HTTP_STATUS = {
    "closed": 409,
    "full": 409,
    "workshop_full": 409,
    "duplicate": 409,
    "expired": 409,
    "ended": 409,
    "inactive": 409,
    "invalid": 409,
}


def http_status(error):
    return HTTP_STATUS.get(error.code, 409)


ORGANISATION_MIN_CHARS = 2
ORGANISATION_MAX_RESULTS = 10


def organisation_matches(root_path: str, query: str) -> list[str]:
    """At most `ORGANISATION_MAX_RESULTS` titles of live, public member organisations of
    the site whose root has the tree path `root_path` that contain `query` (those that
    start with it first), for the form's suggestions: another network's members, drafts
    and restricted pages are never offered. Two queries (the view restrictions, the
    titles), however many members there are."""
    if not apps.is_installed("members"):
        return []
    member_page = apps.get_model("members", "MemberPage")
    members = member_page.objects.live().public().filter(in_site(root_path))
    matches = members.filter(title__icontains=query).annotate(
        starts=Case(When(title__istartswith=query, then=0), default=1)
    )
    return list(
        matches.order_by("starts", "title").values_list("title", flat=True)[
            :ORGANISATION_MAX_RESULTS
        ]
    )


@require_http_methods(["GET"])
def organisation_search(request):
    """GET ?q=…: JSON `{"results": [titles]}` of the member organisations of the request's
    site (`organisation_matches`). Public, so: at least `ORGANISATION_MIN_CHARS`
    characters (else 400), at most 100 read, rate-limited per client address
    (`KINDERSCHUTZ_ORGANISATION_SEARCH_RATE_LIMIT`, 429 with Retry-After), German
    messages, never a 500 on any input."""
    typed = "".join(ch for ch in str(request.GET.get("q", ""))[:100] if ch.isprintable())
    query = " ".join(typed.split())
    if len(query) < ORGANISATION_MIN_CHARS:
        return JsonResponse(
            {"results": [], "error": _("Bitte geben Sie mindestens zwei Zeichen ein.")},
            status=400,
        )
    wait = spam.count_attempt(
        "organisation-search",
        rate_limit_bucket(client_address(request)),
        conf.limit("KINDERSCHUTZ_ORGANISATION_SEARCH_RATE_LIMIT"),
    )
    if wait:
        response = JsonResponse(
            {"results": [], "error": _("Zu viele Anfragen. Bitte warten Sie einen Moment.")},
            status=429,
        )
        response["Retry-After"] = str(int(wait))
        return response
    site = Site.find_for_request(request)
    results = organisation_matches(site.root_page.path, query) if site is not None else []
    response = JsonResponse({"results": results})
    response["X-Robots-Tag"] = "noindex"
    return response


def _form_context(request, event, form, info, error=None):
    return {
        "page": event,
        "self": event,
        "form": form,
        "availability": info,
        "error": error,
        "honeypot": form[spam.HONEYPOT_FIELD] if form else None,
    }


def build_form(event, data=None, info=None, initial=None):
    """The registration form; of a recurring event (`info.per_occurrence`) with the
    choice of its bookable occurrences and their seats."""
    questions = queries.registration_questions(event)
    occurrences = taken = None
    if info is not None and info.per_occurrence:
        occurrences = info.occurrences
        taken = queries.occurrence_seats_taken(event) if event.capacity is not None else {}
    return RegistrationForm(
        data,
        event=event,
        slots=queries.workshop_slots(event),
        questions=questions,
        occurrences=occurrences,
        taken=taken,
        initial=initial,
    )


def _chosen_occurrence(request, event, info):
    """GET `?termin=YYYY-MM-DD` (a link from the calendar or the event page): the
    availability of that occurrence and the form's initial choice, or a German reason
    why it cannot be chosen (then the form offers all bookable occurrences)."""
    value = request.GET.get(OCCURRENCE_FIELD)
    if not info.per_occurrence or value is None or not info.is_open:
        return info, None, None
    occurrence, reason = find_occurrence(event, value, info.occurrences)
    if occurrence is None:
        return info, None, reason
    page_cache.offered(request, OCCURRENCE_FIELD)  # one of its occurrences: may be kept
    chosen = queries.availability(event, occurrence=occurrence)
    if not chosen.is_open:
        return info, None, chosen.message
    return chosen, {OCCURRENCE_FIELD: value}, None


def personal_page(view):
    """Responses of personal pages: `Cache-Control: private, no-store` (no shared or
    browser cache keeps them) and `X-Robots-Tag: noindex` (their templates also carry
    `<meta name="robots" content="noindex">`)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)  # max-age=0, no-cache, no-store, private …
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapper


def _refusal(request, event, info, refused):
    """The form again after a refusal before registering (spam trap, expired or too fast,
    rate limit): with what the person typed, a fresh stamp and the reason."""
    data = request.POST.copy()
    data[spam.STAMP_FIELD] = spam.new_stamp(event)
    data[spam.HONEYPOT_FIELD] = ""
    form = build_form(event, data, info)
    response = render(
        request,
        FORM_TEMPLATE,
        _form_context(request, event, form, info, refused.message),
        status=refused.status,
    )
    if refused.retry_after:
        response["Retry-After"] = str(int(refused.retry_after))
    return response


def _count_refused(request):
    """Count a refused submission; returns the 429 refusal once over the limit."""
    try:
        spam.count_refused(request)
    except spam.SpamRefused as limited:
        return limited
    return None


def _route_url(request, event, name):
    """Root-relative URL of another route of `event`, from the form's own request path."""
    own = event.reverse_subpage("register")
    if request.path.endswith(own):
        return request.path[: -len(own)] + event.reverse_subpage(name)
    return event.get_url(request) + event.reverse_subpage(name)


def _outcome_url(request, event, registration, end):
    """Where the person goes after submitting: with double opt-in a "check your mail"
    page without any token (the confirmation secret is only in the e-mail), else the
    personal link's page with the outcome (`end`: the event's last end, read with its
    first start)."""
    if registration.status == RegistrationStatus.PENDING_EMAIL:
        return _route_url(request, event, "registration_sent")
    return personal_path(registration, expires=expiry_for(registration, end)) + "?neu=1"


def _empty_form(request, event, info, initial, reason):
    """The form page before anything is typed, and whether it shows seat counts beyond
    `info` (workshops, dates of a series) for `page_cache.form_page`."""
    form = build_form(event, info=info, initial=initial) if info.is_open else None
    response = render(request, FORM_TEMPLATE, _form_context(request, event, form, info, reason))
    return response, bool(form and (form.workshop_fields or OCCURRENCE_FIELD in form.fields))


@require_http_methods(["GET", "POST"])
def registration_form_view(request, event):
    """GET: the form (or why there is none). POST: register, then redirect (PRG) to the
    outcome. Refusals before registering keep what was typed (`_refusal`); invalid input
    counts only against the per-address limit for refused submissions."""
    if request.method == "GET":
        info = queries.availability(event)
        info, initial, reason = _chosen_occurrence(request, event, info)
        # Kept for anonymous visitors per availability shown, with fresh token and stamp.
        return page_cache.form_page(
            request,
            shows=(info, reason),
            fresh={spam.STAMP_FIELD: lambda: spam.new_stamp(event)},
            render=lambda: _empty_form(request, event, info, initial, reason),
        )

    # The seats are counted under the lock (`booking.register`); a full event without
    # waitlist is refused there ("full") and answered below like a closed one.
    start, end = event.registration_span()
    info = queries.availability(event, start=start, taken=None)

    if not info.is_open:
        return render(
            request,
            FORM_TEMPLATE,
            _form_context(request, event, None, info, info.message),
            status=HTTP_STATUS["closed"],
        )
    form = build_form(event, request.POST, info)
    try:
        spam.check_form(request.POST, event)
    except spam.SpamRefused as refused:
        return _refusal(request, event, info, _count_refused(request) or refused)
    if not form.is_valid():
        limited = _count_refused(request)
        if limited:
            return _refusal(request, event, info, limited)
        return render(request, FORM_TEMPLATE, _form_context(request, event, form, info), status=400)
    try:
        spam.count_submission(request, event, form.cleaned_data["email"])
    except spam.SpamRefused as refused:
        return _refusal(request, event, info, refused)
    occurrence = form.occurrence()
    try:
        registration = booking.register(
            event,
            form.registration_data(),
            workshops=form.workshop_choices(),
            language=getattr(request, "LANGUAGE_CODE", "de"),
            start=start,
            occurrence=occurrence,
        )
    except RegistrationError as error:
        info = queries.availability(event)
        form = build_form(event, request.POST, info) if info.is_open else None
        if form is not None:
            form.is_valid()
        return render(
            request,
            FORM_TEMPLATE,
            _form_context(request, event, form, info, error.message),
            status=http_status(error),
        )
    if occurrence is not None:
        end = occurrence.end
    return HttpResponseRedirect(_outcome_url(request, event, registration, end))


@personal_page
@require_http_methods(["GET"])
def registration_sent_view(request, event):
    """After submitting with double opt-in: "check your mail" (no token, no personal data)."""
    return render(request, "registrations/registration_sent.html", {"page": event, "event": event})


def _invalid_link(request):
    return render(request, "registrations/registration_invalid.html", status=404)


def _registration_or_404(request, token, purpose=None):
    try:
        if purpose:
            return read_token(token, purpose=purpose)
        return read_token(token)
    except InvalidToken:
        return None


@personal_page
@require_http_methods(["GET"])
def registration_detail(request, token):
    registration = _registration_or_404(request, token)
    if registration is None:
        return _invalid_link(request)
    event = registration.event
    return render(
        request,
        "registrations/registration_detail.html",
        {
            "registration": registration,
            "event": event,
            "page": event,
            "is_new": request.GET.get("neu") == "1",
            "token": token,
            "bookings": registration.bookings.exclude(status="cancelled")
            .select_related("workshop", "time_slot")
            .order_by("time_slot__start"),
            "can_cancel": booking.self_cancel_refusal(registration) is None,
            "can_download": registration.status == RegistrationStatus.CONFIRMED,
            "workshop_forms": workshop_change_forms(registration),
            "has_certificate": Certificate.objects.filter(registration=registration).exists(),
            "feedback_open": feedback.may_answer(registration),
            "materials": materials.for_event(event) if materials.may_see(registration) else [],
        },
    )


@personal_page
@require_http_methods(["GET", "POST"])
def registration_cancel(request, token):
    """GET asks, POST cancels: a link preview or mail scanner never cancels anything.
    Cancelling revokes the links sent so far; the redirect carries a new one."""
    registration = _registration_or_404(request, token)
    if registration is None:
        return _invalid_link(request)
    refusal = booking.self_cancel_refusal(registration) if registration.is_active else None
    if request.method == "POST" and registration.is_active and not refusal:
        try:
            registration = booking.cancel(registration)
        except RegistrationError as error:
            refusal = error.message
        else:
            messages.success(request, _("Ihre Anmeldung ist storniert."))
            return HttpResponseRedirect(personal_path(registration))
    return render(
        request,
        "registrations/registration_cancel.html",
        {
            "registration": registration,
            "event": registration.event,
            "page": registration.event,
            "refusal": refusal,
        },
        status=HTTP_STATUS["ended"] if refusal and request.method == "POST" else 200,
    )


@personal_page
@require_http_methods(["GET", "POST"])
def registration_confirm(request, token):
    """Double opt-in: GET shows a button, POST confirms the e-mail address. Takes only
    the confirm token, which only the e-mail to that address carries."""
    registration = _registration_or_404(request, token, purpose=CONFIRM)
    if registration is None:
        return _invalid_link(request)
    error, status = None, 200
    if request.method == "POST":
        try:
            registration = booking.confirm_email(registration)
        except RegistrationError as exc:
            error, status = exc.message, http_status(exc)
        else:
            return HttpResponseRedirect(personal_path(registration) + "?neu=1")
    return render(
        request,
        "registrations/registration_confirm.html",
        {
            "registration": registration,
            "event": registration.event,
            "page": registration.event,
            "error": error,
            "pending": registration.status == RegistrationStatus.PENDING_EMAIL,
        },
        status=status,
    )


@personal_page
@require_http_methods(["GET"])
def registration_ics(request, token):
    """The event as a calendar file, for people with a confirmed seat."""
    registration = _registration_or_404(request, token)
    if registration is None or registration.status != RegistrationStatus.CONFIRMED:
        return _invalid_link(request)
    ics = calendar_file(registration.event, registration)
    if ics is None:
        return _invalid_link(request)
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{registration.event.slug}.ics"'
    return response


# --------------------------------------------------------------------------- workshops


def workshop_change_forms(registration, data=None):
    """One `WorkshopChangeForm` per workshop slot of the event, or [] when the person may
    not change now (`workshops.change_refusal`)."""
    if workshops.change_refusal(registration) is not None:
        return []
    event = registration.event
    slots = queries.workshop_slots(event)
    if not slots:
        return []
    current = dict(
        registration.bookings.exclude(status="cancelled").values_list("time_slot_id", "workshop_id")
    )
    return [
        WorkshopChangeForm(
            data, event=event, slot=slot, workshops=items, current=current.get(slot.pk)
        )
        for slot, items in slots
    ]


@personal_page
@require_http_methods(["POST"])
def registration_change_workshop(request, token):
    """Choose another workshop in one slot (the form names the slot), then back to the
    personal page (PRG) with what happened as a message."""
    registration = _registration_or_404(request, token)
    if registration is None:
        return _invalid_link(request)
    change_forms = workshop_change_forms(registration, request.POST)
    slot_id = request.POST.get("slot")
    form = next((f for f in change_forms if slot_id == str(f.slot.pk)), None)
    if form is None:
        refusal = workshops.change_refusal(registration)
        messages.error(request, refusal or _("Bitte wählen Sie einen Workshop aus der Liste."))
    elif not form.is_valid():
        messages.error(request, form.errors["workshop"][0])
    elif form.cleaned_data["workshop"] == form.initial["workshop"]:
        messages.info(request, _("Diesen Workshop haben Sie bereits gewählt."))
    else:
        try:
            registration = workshops.change_workshop(
                registration, form.slot.pk, form.cleaned_data["workshop"]
            )
        except RegistrationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _change_message(registration, form.slot.pk))
    return HttpResponseRedirect(personal_path(registration) + "#workshops")


def _change_message(registration, slot_id):
    chosen = (
        registration.bookings.exclude(status="cancelled")
        .select_related("workshop")
        .get(time_slot_id=slot_id)
    )
    title = {"title": chosen.workshop.title}
    if chosen.status == "confirmed":
        text = _("Sie haben jetzt einen Platz im Workshop „%(title)s“.") % title
    elif chosen.status == "waitlisted":
        text = (
            _("Der Workshop „%(title)s“ ist ausgebucht: Sie stehen auf seiner Warteliste.") % title
        )
    else:
        text = _("Ihre Wahl ist gespeichert: „%(title)s“.") % title
    return text + " " + _("Wir haben Ihnen eine E-Mail geschickt.")

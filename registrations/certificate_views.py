"""After the event, on the public site: the certificate's download from the personal link,
the public verification page, and materials for participants (`materials`). The rules
are `services.certificates` and `materials`.

The verification page is public and answers only "genuine: <name>, <event>, <dates>" or
"not found"; it is rate-limited per client address
(`KINDERSCHUTZ_CERTIFICATE_VERIFY_RATE_LIMIT`, through `spam.count_attempt`), never
indexed, and answers any input without an error (a malformed number is "not found").
"""

from contextlib import suppress

from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kinderschutz_cms.client_ip import client_address, rate_limit_bucket

from . import conf, feedback, materials, spam
from .models import Certificate, ParticipantMaterial
from .services import certificates
from .views import _invalid_link, _registration_or_404, personal_page

VERIFY_TEMPLATE = "registrations/certificate_verify.html"
FEEDBACK_TEMPLATE = "registrations/feedback_form.html"


@personal_page
@require_http_methods(["GET"])
def certificate_download(request, token):
    """The person's certificate as PDF, if one was issued for this registration."""
    registration = _registration_or_404(request, token)
    certificate = (
        Certificate.objects.filter(registration=registration).select_related("event").first()
        if registration is not None
        else None
    )
    if certificate is None:
        return _invalid_link(request)
    response = HttpResponse(
        certificates.render_certificate(certificate), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{certificates.filename(certificate)}"'
    return response


@personal_page
@require_http_methods(["GET"])
def certificate_verify(request, number=None):
    """GET /bescheinigung/pruefen/?nummer=… or /bescheinigung/<number>/: is it genuine?"""
    typed = number if number is not None else request.GET.get("nummer", "")
    typed = str(typed)[:100]
    context = {"typed": typed, "certificate": None, "error": None, "searched": bool(typed)}
    status = 200
    if typed:
        bucket = rate_limit_bucket(client_address(request))
        limit = conf.limit("KINDERSCHUTZ_CERTIFICATE_VERIFY_RATE_LIMIT")
        wait = spam.count_attempt("certificate-verify", bucket, limit)
        if wait:
            context["error"] = _(
                "Zu viele Anfragen von Ihrem Anschluss. Bitte versuchen Sie es in einigen "
                "Minuten erneut."
            )
            response = render(request, VERIFY_TEMPLATE, context, status=429)
            response["Retry-After"] = str(int(wait))
            return response
        context["certificate"] = certificates.find(typed)
        if context["certificate"] is None:
            context["error"] = _(
                "Zu dieser Nummer gibt es keine Teilnahmebescheinigung. Bitte prüfen Sie die "
                "Schreibweise; eine gefälschte oder abgelaufene Bescheinigung wird hier nicht "
                "bestätigt."
            )
            status = 404
    return render(request, VERIFY_TEMPLATE, context, status=status)


@personal_page
@require_http_methods(["GET"])
def material_download(request, token, pk):
    """A document for participants only, for a confirmed registration of its event."""
    registration = _registration_or_404(request, token)
    material = (
        ParticipantMaterial.objects.filter(
            pk=pk, page_id=registration.event_id, document__isnull=False
        )
        .select_related("document")
        .first()
        if materials.may_see(registration)
        else None
    )
    if material is None:
        return _invalid_link(request)
    document = material.document
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.filename)


@personal_page
@require_http_methods(["GET", "POST"])
def feedback_view(request, token):
    """The anonymous feedback form of an attendee's event (once per personal link)."""
    registration = _registration_or_404(request, token)
    if registration is None or not registration.attended:
        return _invalid_link(request)
    event = registration.event
    context = {"event": event, "page": event, "token": token, "form": None, "done": False}
    if not feedback.may_answer(registration):
        context["done"] = True
        return render(request, FEEDBACK_TEMPLATE, context)
    form, items = feedback.build_form(event, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with suppress(feedback.AlreadyAnswered):  # a second tab: the first answer counts
            feedback.submit(registration, form, items)
        context["done"] = True
        context["thanks"] = True
        return render(request, FEEDBACK_TEMPLATE, context)
    context["form"] = form
    return render(request, FEEDBACK_TEMPLATE, context, status=400 if form.is_bound else 200)

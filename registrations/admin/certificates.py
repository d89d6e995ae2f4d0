"""Certificates of attendance in the admin: issue them for an event in bulk (a
`CertificateBatch` of tasks, `services.certificates.start_batch`) and follow the batch's
progress. Reached from the registrations list filtered by an event (header button
"Teilnahmebescheinigungen"). Issuing twice never duplicates a certificate. Also the
coordination's "Unterlagen an Teilnehmende senden" (`materials`)."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import materials
from ..models import Certificate, CertificateBatch, Registration, RegistrationStatus
from ..services import certificates
from .scope import events_for, require


def certificates_view(request, event_id):
    """GET: how many will get a certificate, the batches so far; POST: start a batch."""
    require(request, "change")
    event = get_object_or_404(events_for(request.user), pk=event_id)
    if request.method == "POST":
        batch = certificates.start_batch(event, send=request.POST.get("send_email") != "0")
        messages.success(
            request,
            _("%(count)s Teilnahmebescheinigungen werden ausgestellt.") % {"count": batch.total},
        )
        return HttpResponseRedirect(reverse("registrations:certificate_batch", args=[batch.pk]))
    eligible = certificates.eligible(event)
    return TemplateResponse(
        request,
        "registrations/admin/certificates.html",
        {
            "event": event,
            "eligible_count": eligible.count(),
            "pending_count": eligible.filter(certificate__isnull=True).count(),
            "issued": Certificate.objects.filter(event=event).order_by("name", "pk"),
            "batches": CertificateBatch.objects.filter(event=event)[:10],
            "multi_date": event.dates.count() > 1,
        },
    )


def certificate_batch_view(request, pk):
    """The progress of one batch (reloads itself every few seconds until it is done)."""
    require(request, "view")
    batch = get_object_or_404(
        CertificateBatch.objects.filter(event__in=events_for(request.user).values("pk")), pk=pk
    )
    return TemplateResponse(
        request,
        "registrations/admin/certificate_batch.html",
        {"batch": batch, "event": batch.event},
    )


def send_materials_view(request, event_id):
    """ "Unterlagen an Teilnehmende senden": GET confirms, POST mails every confirmed
    participant the link to the materials (`materials.send_materials`)."""
    require(request, "change")
    event = get_object_or_404(events_for(request.user), pk=event_id)
    if request.method == "POST":
        count = materials.send_materials(event)
        messages.success(
            request, _("Unterlagen an %(count)s Teilnehmende gesendet.") % {"count": count}
        )
        return HttpResponseRedirect(reverse("registrations:index") + f"?event={event.pk}")
    return TemplateResponse(
        request,
        "registrations/admin/send_materials.html",
        {
            "event": event,
            "materials": materials.for_event(event),
            "recipients": Registration.objects.filter(
                event=event, status=RegistrationStatus.CONFIRMED, anonymised_at__isnull=True
            ).count(),
        },
    )

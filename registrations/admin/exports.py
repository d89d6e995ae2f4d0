"""What leaves the admin as a document: a person's data (Art. 15/17 DSGVO: export as
JSON, or erase), and the list's export run in the background (`ExportJob`, rules in
`registrations.exports`): start it, follow its progress, download the file (only the
user who asked). The direct CSV/XLSX export of the list is the viewset's
(`viewsets.RegistrationIndexView`), the printable attendance list is in `attendance`."""

import json

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import exports
from ..models import ExportJob
from ..services import privacy
from .scope import events_for, require


class PersonForm(forms.Form):
    email = forms.EmailField(label=_("E-Mail-Adresse der Person"))
    action = forms.ChoiceField(
        label=_("Aktion"),
        choices=[
            ("export", _("Daten exportieren (JSON)")),
            ("erase", _("Daten löschen (anonymisieren)")),
        ],
        widget=forms.RadioSelect,
    )


def person_view(request):
    """Art. 15/17 DSGVO: export or erase every registration of one e-mail address."""
    require(request, "delete")
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if form.cleaned_data["action"] == "export":
            data = json.dumps(
                privacy.export_person(email, events=scope_of(request.user)),
                ensure_ascii=False,
                indent=2,
            )
            response = HttpResponse(data, content_type="application/json; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="anmeldungen-auskunft.json"'
            return response
        count = privacy.erase_person(email, events=scope_of(request.user))
        messages.success(
            request,
            ngettext(
                "%(count)s Anmeldung anonymisiert.", "%(count)s Anmeldungen anonymisiert.", count
            )
            % {"count": count},
        )
        return HttpResponseRedirect(reverse("registrations:person"))
    return TemplateResponse(request, "registrations/admin/person.html", {"form": form})


def scope_of(user):
    """None (all events) for superusers, else the events the user may see."""
    return None if user.is_superuser else events_for(user)


# --------------------------------------------------------------------------- background


# the list's query parameters a background export takes over (filters and search)
EXPORT_PARAMS = ("event", "status", "workshop", "attended", "q")


def export_start_view(request):
    """GET: how many registrations the list's filters (in the query string) select, and
    the user's recent exports; POST: start the export as a task, then its progress."""
    from .viewsets import filtered_registrations

    require(request, "view")
    params = {key: request.GET[key] for key in EXPORT_PARAMS if request.GET.get(key)}
    registrations = filtered_registrations(request.user, params, request)
    if request.method == "POST":
        job = exports.start_job(
            request.user, params, request.POST.get("format", exports.XLSX), registrations
        )
        return HttpResponseRedirect(reverse("registrations:export_job", args=[job.pk]))
    return TemplateResponse(
        request,
        "registrations/admin/export_start.html",
        {
            "count": registrations.count(),
            "params": params,
            "jobs": ExportJob.objects.filter(user=request.user)[:10],
            "keep_hours": exports.keep_hours(),
        },
    )


def _own_job(request, pk):
    require(request, "view")
    return get_object_or_404(ExportJob.objects.filter(user=request.user), pk=pk)


def export_job_view(request, pk):
    """The progress of one of the user's exports (reloads itself until it is finished)."""
    return TemplateResponse(
        request,
        "registrations/admin/export_job.html",
        {"job": _own_job(request, pk), "keep_hours": exports.keep_hours()},
    )


def export_download_view(request, pk):
    """The file of one of the user's finished exports, while it is kept."""
    job = _own_job(request, pk)
    if not exports.may_download(job, request.user):
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(handle, as_attachment=True, filename=job.filename())

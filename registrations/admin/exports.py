"""What leaves the admin as a document: a person's data (Art. 15/17 DSGVO: export as
JSON, or erase). The CSV/XLSX export of the list is the viewset's
(`viewsets.RegistrationIndexView`), the printable attendance list is in `attendance`."""

import json

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

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

"""The admin's "Unterzeichnungsrunden": start a round, follow its progress, remind, export,
record a withdrawal. The rules live in `members.signing_rounds`.

Who may use it: whoever may see the coordinators' reports (`members.reports`), for the
agreements they may publish (starting a round, reminding) or edit (viewing the progress).
"""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets import AdminDateInput

from kinderschutz_cms.exports import SafeSpreadsheetExportMixin

from .choices import RoundScope
from .models import AgreementPage, Sector, Signatory, SigningRound
from .reports import may_see_reports, permitted_pages
from .signing_rounds import (
    RoundNotOpen,
    member_rows,
    progress,
    send_reminders,
    start_round,
    withdraw,
)


def _permitted_agreements(user):
    return AgreementPage.objects.filter(pk__in=permitted_pages(user).values("pk"))


def _round_or_403(request, round_id, publish=False):
    if not may_see_reports(request.user):
        raise PermissionDenied
    signing_round = get_object_or_404(
        SigningRound.objects.select_related("agreement", "sector", "started_by"), pk=round_id
    )
    agreement = signing_round.agreement
    if not _permitted_agreements(request.user).filter(pk=agreement.pk).exists():
        raise PermissionDenied
    if publish and not agreement.permissions_for_user(request.user).can_publish():
        raise PermissionDenied
    return signing_round


class StartRoundForm(forms.Form):
    agreement = forms.ModelChoiceField(
        label=_("Fassung der Vereinbarung"), queryset=AgreementPage.objects.none()
    )
    scope = forms.ChoiceField(
        label=_("Eingeladen werden"),
        choices=RoundScope.choices,
        initial=RoundScope.UNSIGNED,
        widget=forms.RadioSelect,
    )
    sector = forms.ModelChoiceField(
        label=_("Nur Bereich"),
        queryset=Sector.objects.all(),
        required=False,
        empty_label=_("alle Bereiche"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = (
            _permitted_agreements(user).live().order_by("-valid_from", "-pk")
        )
        self.fields["agreement"].label_from_instance = lambda a: (
            _("%(title)s, Fassung %(version)s") % {"title": a.title, "version": a.version}
        )


def index_view(request):
    if not may_see_reports(request.user):
        raise PermissionDenied
    rounds = SigningRound.objects.filter(
        agreement__in=_permitted_agreements(request.user)
    ).select_related("agreement", "sector", "started_by")
    return TemplateResponse(
        request,
        "members/admin/signing_rounds.html",
        {"rounds": rounds[:100], "page_title": _("Unterzeichnungsrunden")},
    )


def start_view(request):
    if not may_see_reports(request.user):
        raise PermissionDenied
    form = StartRoundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        agreement = form.cleaned_data["agreement"]
        if not agreement.permissions_for_user(request.user).can_publish():
            raise PermissionDenied
        try:
            signing_round = start_round(
                agreement,
                scope=form.cleaned_data["scope"],
                sector=form.cleaned_data["sector"],
                user=request.user,
            )
        except RoundNotOpen:
            form.add_error("agreement", _("Diese Fassung ist nicht veröffentlicht."))
        else:
            count = signing_round.invitations.values("member").distinct().count()
            messages.success(
                request,
                ngettext(
                    "Runde gestartet: %(count)s Netzwerkpartner eingeladen.",
                    "Runde gestartet: %(count)s Netzwerkpartner eingeladen.",
                    count,
                )
                % {"count": count},
            )
            return HttpResponseRedirect(
                reverse("members_signing:progress", args=[signing_round.pk])
            )
    return TemplateResponse(
        request,
        "members/admin/signing_round_start.html",
        {"form": form, "page_title": _("Unterzeichnungsrunde starten")},
    )


class ProgressExport(SafeSpreadsheetExportMixin, SpreadsheetExportMixin):
    """The members of a round with their status, as CSV or XLSX (kinderschutz_cms.exports)."""

    list_export = [
        "title",
        "sector",
        "status_label",
        "invited_at",
        "reminded_at",
        "signed_on",
        "method",
        "signed_by",
    ]
    export_headings = {
        "title": _("Netzwerkpartner"),
        "sector": _("Bereich"),
        "status_label": _("Stand"),
        "invited_at": _("Eingeladen am"),
        "reminded_at": _("Erinnert am"),
        "signed_on": _("Unterzeichnet am"),
        "method": _("Art der Unterzeichnung"),
        "signed_by": _("Unterzeichnet von"),
    }

    def __init__(self, signing_round):
        self.export_filename = f"unterzeichnungsrunde-{signing_round.pk}"

    def to_row_dict(self, member):
        signatory, invitation = member.signatory, member.invitation
        return {
            "title": member.title,
            "sector": str(member.sector or ""),
            "status_label": str(member.status_label),
            "invited_at": invitation.sent_at if invitation else "",
            "reminded_at": invitation.reminded_at if invitation and invitation.reminded_at else "",
            "signed_on": signatory.signed_on if signatory else "",
            "method": str(signatory.get_method_display()) if signatory else "",
            "signed_by": " – ".join(
                part for part in (signatory.signed_by_name, signatory.signed_by_function) if part
            )
            if signatory
            else "",
        }


def progress_view(request, round_id):
    signing_round = _round_or_403(request, round_id)
    members = member_rows(signing_round)
    export = request.GET.get("export")
    if export in SpreadsheetExportMixin.FORMATS:
        return ProgressExport(signing_round).as_spreadsheet(members, export)
    return TemplateResponse(
        request,
        "members/admin/signing_round_progress.html",
        {
            "round": signing_round,
            "agreement": signing_round.agreement,
            "members": members,
            "progress": progress(members),
            "page_title": _("Fortschritt der Unterzeichnungsrunde"),
        },
    )


@require_POST
def remind_view(request, round_id):
    signing_round = _round_or_403(request, round_id, publish=True)
    sent = send_reminders(signing_round)
    if sent:
        messages.success(
            request,
            ngettext("%(count)s Erinnerung verschickt.", "%(count)s Erinnerungen verschickt.", sent)
            % {"count": sent},
        )
    else:
        messages.info(
            request,
            _(
                "Keine Erinnerung verschickt: Heute wurde bereits erinnert, "
                "oder alle haben unterzeichnet."
            ),
        )
    return HttpResponseRedirect(reverse("members_signing:progress", args=[signing_round.pk]))


class WithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("Ausgetreten am"), widget=AdminDateInput)

    def clean_withdrawn_on(self):
        value = self.cleaned_data["withdrawn_on"]
        if value > timezone.localdate() + datetime.timedelta(days=366):
            raise forms.ValidationError(
                _("Bitte geben Sie ein Datum im nächsten Jahr oder früher an.")
            )
        return value


def withdraw_view(request, signatory_id):
    if not may_see_reports(request.user):
        raise PermissionDenied
    signatory = get_object_or_404(
        Signatory.objects.select_related("page", "member"), pk=signatory_id
    )
    agreement = signatory.page
    if not agreement.permissions_for_user(request.user).can_publish():
        raise PermissionDenied
    next_url = reverse("members_signing:index")
    if signatory.signing_round_id:
        next_url = reverse("members_signing:progress", args=[signatory.signing_round_id])
    form = WithdrawForm(request.POST or None, initial={"withdrawn_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        withdraw(signatory, form.cleaned_data["withdrawn_on"])
        messages.success(
            request,
            _("Austritt von %(member)s erfasst.") % {"member": signatory.member.title},
        )
        return HttpResponseRedirect(next_url)
    return TemplateResponse(
        request,
        "members/admin/signing_withdraw.html",
        {
            "form": form,
            "signatory": signatory,
            "next": next_url,
            "page_title": _("Austritt erfassen"),
        },
    )


class SigningRoundMenuItem(MenuItem):
    def is_shown(self, request):
        return may_see_reports(request.user)


class SigningRoundViewSet(ViewSet):
    name = "members_signing"
    url_prefix = "members/signing-rounds"
    icon = "doc-full"
    menu_label = _("Unterzeichnungsrunden")
    menu_item_class = SigningRoundMenuItem

    @property
    def menu_url(self):
        return reverse("members_signing:index")

    def get_menu_item(self, order=None):
        return SigningRoundMenuItem(
            self.menu_label, self.menu_url, name=self.name, icon_name=self.icon, order=order or 0
        )

    def get_urlpatterns(self):
        return [
            path("", index_view, name="index"),
            path("start/", start_view, name="start"),
            path("<int:round_id>/", progress_view, name="progress"),
            path("<int:round_id>/remind/", remind_view, name="remind"),
            path("withdraw/<int:signatory_id>/", withdraw_view, name="withdraw"),
        ]

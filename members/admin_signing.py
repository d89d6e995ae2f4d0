"""The admin's "Unterzeichnung erfassen": a short form for one member (version, date, who
signed), reached from the member's page (header and listing buttons) and from the
"Ohne Unterschrift" report, instead of the agreement page's inline rows. The rule is
`members.signing.record_signature`."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets import AdminDateInput, Button

from kinderschutz_cms.sites import site_pages_q

from .agreements import current_agreement
from .models import AgreementPage, MemberPage
from .reports import permitted_pages
from .signing import Signature, SigningError, record_signature


class SignatureForm(forms.Form):
    agreement = forms.ModelChoiceField(
        label=_("Fassung der Vereinbarung"), queryset=AgreementPage.objects.none()
    )
    signed_on = forms.DateField(label=_("Unterzeichnet am"), widget=AdminDateInput)
    signed_by_name = forms.CharField(label=_("Unterzeichnet von"), max_length=200, required=False)
    signed_by_function = forms.CharField(label=_("Funktion"), max_length=200, required=False)

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        current = current_agreement(member)
        self.fields["agreement"].queryset = AgreementPage.objects.filter(
            site_pages_q(member)
        ).order_by("-valid_from", "-pk")
        self.fields["agreement"].label_from_instance = lambda a: agreement_label(a, current)
        self.fields["agreement"].initial = current
        self.fields["signed_on"].initial = timezone.localdate()


def agreement_label(agreement, current):
    label = _("%(title)s, Fassung %(version)s") % {
        "title": agreement.title,
        "version": agreement.version,
    }
    if current is not None and agreement.pk == current.pk:
        label += " " + str(_("(aktuell)"))
    return label


def sign_url(member, next_url=None):
    url = reverse("members_sign:sign", args=[member.pk])
    return f"{url}?next={next_url}" if next_url else url


def sign_view(request, member_id):
    """Record one member's signature; back to `next` (the report or the page editor)."""
    member = get_object_or_404(MemberPage, pk=member_id)
    if not permitted_pages(request.user).filter(pk__in=[member.pk]).exists():
        raise PermissionDenied
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = reverse("wagtailadmin_pages:edit", args=[member.pk])
    form = SignatureForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        agreement = form.cleaned_data["agreement"]
        if not agreement.permissions_for_user(request.user).can_publish():
            raise PermissionDenied
        try:
            record_signature(Signature(member=member, **form.cleaned_data), user=request.user)
        except SigningError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Unterzeichnung von %(member)s erfasst (%(agreement)s).")
                % {"member": member.title, "agreement": agreement_label(agreement, None)},
            )
            return HttpResponseRedirect(next_url)
    return TemplateResponse(
        request,
        "members/admin/sign.html",
        {
            "member": member,
            "form": form,
            "next": next_url,
            "page_title": _("Unterzeichnung erfassen"),
        },
    )


class SigningViewSet(ViewSet):
    name = "members_sign"
    url_prefix = "members/sign"
    icon = "edit"
    add_to_admin_menu = False

    def get_urlpatterns(self):
        return [path("<int:member_id>/", sign_view, name="sign")]


@hooks.register("register_admin_viewset")
def register_signing_viewset():
    return SigningViewSet()


def _sign_button(page, priority):
    return Button(
        _("Unterzeichnung erfassen"),
        url=sign_url(page),
        icon_name="edit",
        priority=priority,
    )


@hooks.register("register_page_header_buttons")
def member_header_sign_button(page, user, view_name=None, next_url=None):
    if issubclass(page.specific_class or type(page), MemberPage) and page.live:
        yield _sign_button(page, 12)


@hooks.register("register_page_listing_more_buttons")
def member_listing_sign_button(page, user, next_url=None):
    if issubclass(page.specific_class or type(page), MemberPage) and page.live:
        yield _sign_button(page, 3)

"""Admin views of the second factor: verify, set up, manage, and the administrators'
lists (lock-outs with "Sperre aufheben", the audit list). Thin: the rules are in
two_factor.py and throttling.py."""

from axes.models import AccessAttempt
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from . import throttling, two_factor
from .forms import CodeForm


def _next_url(request) -> str:
    url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("wagtailadmin_home")


@never_cache
@sensitive_post_parameters("code")
def verify(request):
    """Second step of the login: a code from the app or a recovery code."""
    user = request.user
    if not user.is_authenticated:
        return redirect("wagtailadmin_login")
    if user.is_verified() or not two_factor.has_second_factor(user):
        return redirect(_next_url(request))
    form = CodeForm(
        request.POST or None,
        label=_("Code aus der Authenticator-App"),
        help_text=_(
            "Sechs Ziffern aus der App. Ohne Telefon: einen Ihrer Wiederherstellungscodes."
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.verify(request, form.cleaned_data["code"])
        except two_factor.TwoFactorError as error:
            form.add_error("code", str(error))
        else:
            return redirect(_next_url(request))
    return TemplateResponse(
        request,
        "kinderschutz_accounts/verify.html",
        {"form": form, "next": _next_url(request)},
    )


@never_cache
@sensitive_post_parameters("code")
def setup(request):
    """Set up a TOTP app: scan or type the secret, confirm with a code, note the
    recovery codes (shown once, in the answer to the confirming POST)."""
    user = request.user
    if not user.is_authenticated:
        return redirect("wagtailadmin_login")
    if two_factor.has_second_factor(user) and not user.is_verified():
        # A second device only with the first one: a stolen password is not enough.
        return redirect(f"{reverse('kinderschutz_accounts_verify')}?next={request.path}")
    enrolment = two_factor.start_enrolment(user)
    form = CodeForm(
        request.POST or None,
        label=_("Bestätigungscode aus der App"),
        help_text=_("Die sechs Ziffern, die die App jetzt für dieses Konto anzeigt."),
        numeric=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.confirm_enrolment(
                request, enrolment.device, form.cleaned_data["code"]
            )
        except two_factor.TwoFactorError as error:
            form.add_error("code", str(error))
        else:
            return TemplateResponse(
                request,
                "kinderschutz_accounts/recovery_codes.html",
                {"codes": codes, "next": _next_url(request), "first_time": True},
            )
    return TemplateResponse(
        request,
        "kinderschutz_accounts/setup.html",
        {
            "form": form,
            "enrolment": enrolment,
            "next": _next_url(request),
            "required": two_factor.requires_two_factor(user),
        },
    )


@never_cache
def manage(request):
    """The user's own overview: state, recovery codes left, renew, remove."""
    user = request.user
    return TemplateResponse(
        request,
        "kinderschutz_accounts/manage.html",
        {
            "page_title": _("Zwei-Faktor-Anmeldung"),
            "header_icon": "key",
            "enabled": two_factor.has_second_factor(user),
            "required": two_factor.requires_two_factor(user),
            "codes_left": two_factor.recovery_codes_left(user),
        },
    )


@require_POST
@never_cache
def renew_codes(request):
    if not two_factor.has_second_factor(request.user):
        raise PermissionDenied
    codes = two_factor.renew_recovery_codes(request, request.user)
    return TemplateResponse(
        request,
        "kinderschutz_accounts/recovery_codes.html",
        {"codes": codes, "next": reverse("kinderschutz_accounts_manage"), "first_time": False},
    )


@require_POST
def remove(request):
    """Remove one's own second factor; refused where it is required."""
    if two_factor.requires_two_factor(request.user):
        raise PermissionDenied
    two_factor.remove_two_factor(request, request.user)
    messages.success(request, _("Die Zwei-Faktor-Anmeldung ist entfernt."))
    return redirect("kinderschutz_accounts_manage")


def reset_user(request, user_id):
    """An administrator removes another user's devices (lost telephone); that user sets
    up a new app at the next login. GET asks for confirmation."""
    if not request.user.has_perm(f"{get_user_model()._meta.app_label}.change_user"):
        raise PermissionDenied
    account = get_object_or_404(get_user_model(), pk=user_id)
    if request.method != "POST":
        return TemplateResponse(
            request,
            "kinderschutz_accounts/reset_confirm.html",
            {
                "page_title": _("Zwei-Faktor-Anmeldung zurücksetzen"),
                "header_icon": "key",
                "account": account,
                "enabled": two_factor.has_second_factor(account),
            },
        )
    two_factor.remove_two_factor(request, account, actor=request.user)
    messages.success(
        request,
        _("Die Zwei-Faktor-Anmeldung von „%(user)s“ ist zurückgesetzt.")
        % {"user": account.get_username()},
    )
    return redirect("wagtailusers_users:index")


@require_POST
def unlock(request, pk):
    if not request.user.has_perm("axes.delete_accessattempt"):
        raise PermissionDenied
    attempt = get_object_or_404(AccessAttempt, pk=pk)
    throttling.unlock(attempt, actor=request.user)
    messages.success(
        request,
        _("Die Sperre für „%(who)s“ ist aufgehoben.")
        % {"who": attempt.username or attempt.ip_address},
    )
    return redirect("kinderschutz_accounts_lockouts:index")

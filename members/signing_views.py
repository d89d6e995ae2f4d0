"""The public signing page a maintainer reaches through a SIGN link (`/unterzeichnen/<token>/`).

GET shows the agreement (text and PDF) and the form; POST signs on behalf of the member
(`members.signing_rounds.sign_online`) and redirects back to the same address, which then
says "unterzeichnet am …" (so does every later visit, also a second maintainer's). An
invalid, expired or revoked link answers with a German 404 page. Responses are personal:
not cached, not indexed, and sent with `Referrer-Policy: same-origin` so the token does not
leave the site through a link on the page (`no-referrer` would make browsers send
`Origin: null` with the form, which Django's CSRF check rightly refuses).
"""

from contextlib import suppress

from django import forms
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from registrations.views import personal_page

from . import links
from .signing_rounds import AlreadySigned, existing_signature, open_link, sign_online


class OnlineSignatureForm(forms.Form):
    name = forms.CharField(label=_("Ihr Name"), max_length=200)
    function = forms.CharField(
        label=_("Ihre Funktion in der Organisation"),
        max_length=200,
        help_text=_("z. B. „Geschäftsführung“, „Einrichtungsleitung“"),
    )
    authorised = forms.BooleanField(
        label=_("Ich bin berechtigt, für diese Organisation zu unterzeichnen."),
        error_messages={
            "required": _(
                "Bitte bestätigen Sie, dass Sie für die Organisation unterzeichnen dürfen."
            )
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = _("Bitte geben Sie Ihren Namen an.")
        self.fields["function"].error_messages["required"] = _("Bitte geben Sie Ihre Funktion an.")
        for name in ("name", "function"):
            self.fields[name].widget.attrs["autocomplete"] = (
                "name" if name == "name" else "organization-title"
            )

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_function(self):
        return " ".join(self.cleaned_data["function"].split())


def _no_referrer(response):
    response["Referrer-Policy"] = "same-origin"
    return response


@personal_page
@require_http_methods(["GET", "POST"])
def signing_page(request, token):
    try:
        link = open_link(token)
    except links.InvalidLink:
        return _no_referrer(
            render(request, "members/signing/invalid.html", {"page": None}, status=404)
        )
    agreement, member = link.agreement, link.member
    context = {"page": agreement, "agreement": agreement, "member": member, "link": link}
    signatory = existing_signature(agreement, member)
    form = None
    if signatory is None:
        form = OnlineSignatureForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            # a double submission or a second maintainer: the redirect says "bereits …"
            with suppress(AlreadySigned):
                sign_online(link, form.cleaned_data["name"], form.cleaned_data["function"])
            return _no_referrer(HttpResponseRedirect(request.path + "?unterzeichnet=1"))
    context.update(
        form=form,
        signatory=signatory,
        just_signed=signatory is not None and request.GET.get("unterzeichnet") == "1",
    )
    return _no_referrer(render(request, "members/signing/sign.html", context))

"""Admin of the coordinators' e-mail texts ("E-Mail-Texte", a snippet viewset under the
"Anmeldungen" menu): a listing per kind and language, a form with the kind's placeholders
beside the fields, Wagtail's preview with example values, and "Test an mich senden".

Only users with the model permissions (`registrations.*_emailtext`, given to the
"Koordination" group) see it, and only texts of the sites they work on (`editable_sites`: a
site with a page they may edit); the form offers only those sites.
"""

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList, Panel
from wagtail.admin.widgets.button import Button, MenuItem
from wagtail.snippets.views.snippets import (
    CreateView,
    DeleteView,
    EditView,
    IndexView,
    SnippetViewSet,
)

from kinderschutz_cms.sites import editable_sites

from .. import email_texts
from ..models import EmailText
from ..services.outbox import queue_prepared_email


def texts_for(user, queryset=None):
    queryset = EmailText.objects.all() if queryset is None else queryset
    if user.is_superuser:
        return queryset
    return queryset.filter(site__in=editable_sites(user).values("pk"))


class EmailTextForm(WagtailAdminModelForm):
    """Offers only the user's sites; the help of subject and text names the kind's
    placeholders."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "site" in self.fields and self.for_user is not None:
            sites = editable_sites(self.for_user)
            self.fields["site"].queryset = sites
            if not self.instance.pk and sites.count() == 1:
                self.fields["site"].initial = sites.first().pk
        kind = self.instance.kind
        if kind:
            names = ", ".join(f"{{{name}}}" for name in email_texts.placeholders_for(kind))
            for name in ("subject", "body"):
                self.fields[name].help_text = f"{self.fields[name].help_text} " + _(
                    "Erlaubt: %(names)s."
                ) % {"names": names}


class PlaceholderPanel(Panel):
    """The table of placeholders per kind beside the fields, the current kind first, with
    links that start a new text from the default wording."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "registrations/admin/email_text_placeholders.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            current = self.instance.kind if self.instance else ""
            add_url = reverse("email_texts:add")
            kinds = []
            for kind in email_texts.KINDS:
                if current and kind != current:
                    continue
                kinds.append(
                    {
                        "label": kind.label,
                        "placeholders": [
                            (f"{{{name}}}", email_texts.DESCRIPTIONS[name])
                            for name in email_texts.placeholders_for(kind)
                        ],
                        "starts": []
                        if self.instance and self.instance.pk
                        else [
                            (label, f"{add_url}?kind={kind.value}&language={code}")
                            for code, label in email_texts.LANGUAGES
                        ],
                    }
                )
            context["kinds"] = kinds
            return context


class EmailTextCreateView(CreateView):
    """`?kind=…&language=…` starts the form with that kind's default wording."""

    def get_initial_form_instance(self):
        instance = super().get_initial_form_instance() or EmailText()
        kind = self.request.GET.get("kind")
        language = self.request.GET.get("language")
        if kind in email_texts.KINDS and language in ("de", "en"):
            instance.kind = kind
            instance.language = language
            instance.subject = email_texts.default_subject(kind, language)
            instance.body = email_texts.default_body(kind, language)
        return instance


class ScopedTextMixin:
    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not texts_for(self.request.user).filter(pk=obj.pk).exists():
            raise PermissionDenied
        return obj


class EmailTextEditView(ScopedTextMixin, EditView):
    def get_header_more_buttons(self):
        buttons = super().get_header_more_buttons()
        buttons.append(
            Button(
                gettext_lazy("Test an mich senden"),
                url=reverse("email_texts:send_test", args=[self.object.pk]),
                icon_name="mail",
                priority=50,
            )
        )
        return buttons


class EmailTextDeleteView(ScopedTextMixin, DeleteView):
    """Deleting a text brings back the default wording."""


class EmailTextIndexView(IndexView):
    def get_base_queryset(self):
        return texts_for(self.request.user, super().get_base_queryset()).select_related("site")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.permission_policy.user_has_permission(self.request.user, "change"):
            buttons.append(test_button(instance))
        return buttons


def test_button(instance):
    return MenuItem(
        gettext_lazy("Test an mich senden"),
        url=reverse("email_texts:send_test", args=[instance.pk]),
        icon_name="mail",
        priority=50,
    )


def send_test_view(request, pk):
    """Shows what will be sent (GET) and sends the text with example values to the
    user's own address through the outbox (POST)."""
    if not request.user.has_perm("registrations.change_emailtext"):
        raise PermissionDenied
    email_text = get_object_or_404(texts_for(request.user), pk=pk)
    edit_url = reverse("email_texts:edit", args=[email_text.pk])
    if request.method == "POST":
        if not request.user.email:
            messages.error(
                request,
                _(
                    "Ihr Benutzerkonto hat keine E-Mail-Adresse. Tragen Sie sie unter "
                    "„Konto“ ein, dann können Sie sich einen Test senden."
                ),
            )
            return HttpResponseRedirect(edit_url)
        sample = email_text.rendered_sample()
        with translation.override(email_text.language):
            html = TemplateResponse(
                request,
                "registrations/emails/custom.html",
                {"body": sample.html, "event": {"title": sample.subject}},
            ).rendered_content
        queue_prepared_email(
            request.user.email,
            _("[Test] %(subject)s") % {"subject": sample.subject},
            sample.text,
            html,
        )
        messages.success(
            request,
            _("Ein Test wurde an %(address)s gesendet.") % {"address": request.user.email},
        )
        return HttpResponseRedirect(edit_url)
    return TemplateResponse(
        request,
        "registrations/admin/email_text_send_test.html",
        {"email_text": email_text, "sample": email_text.rendered_sample(), "edit_url": edit_url},
    )


class EmailTextFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("Art der E-Mail"),
        choices=[(kind.value, kind.label) for kind in email_texts.KINDS],
    )
    language = django_filters.ChoiceFilter(
        label=gettext_lazy("Sprache"), choices=email_texts.LANGUAGES
    )

    class Meta:
        model = EmailText
        fields = ["kind", "language"]


class EmailTextViewSet(SnippetViewSet):
    model = EmailText
    name = "email_texts"
    url_namespace = "email_texts"
    url_prefix = "registrations/email-texts"
    menu_item_is_registered = True
    icon = "doc-full"
    menu_label = gettext_lazy("E-Mail-Texte")
    menu_order = 120
    index_view_class = EmailTextIndexView
    add_view_class = EmailTextCreateView
    edit_view_class = EmailTextEditView
    delete_view_class = EmailTextDeleteView
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = ["kind", "language", "site", "subject", "updated_at"]
    filterset_class = EmailTextFilterSet
    search_fields = ["subject", "body"]
    search_backend_name = None
    edit_handler = ObjectList(
        [
            FieldPanel("site"),
            FieldPanel("kind"),
            FieldPanel("language"),
            FieldPanel("subject"),
            FieldPanel("body"),
            PlaceholderPanel(heading=gettext_lazy("Platzhalter")),
        ],
        base_form_class=EmailTextForm,
    )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("test/<int:pk>/", send_test_view, name="send_test"),
        ]

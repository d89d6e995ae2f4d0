"""Cancelling an event: publishing an event as "abgesagt" in the page editor stops after
the draft is saved and asks first (`event_cancellation_view`: how many people are told, the
message to them); confirming publishes that revision."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks

from ..services import booking
from ..services.locking import event_model

# --------------------------------------------------------------------------- cancelling


@hooks.register("before_publish_page")
def confirm_event_cancellation(request, page):
    """Publishing an event as "abgesagt" e-mails every registrant and cancels their
    registrations, so the page editor does not publish it straight away: the draft is
    saved (Wagtail has just done so) and the editor is sent to a confirmation that says
    how many people will be told. Events without active registrations publish as usual.
    """
    if not isinstance(page, event_model()) or not page.is_cancelled:
        return None
    if not booking.people_to_notify_of_cancellation(page):
        return None
    return HttpResponseRedirect(
        reverse("event_cancellation", args=[page.pk, page.latest_revision_id])
    )


class EventCancellationForm(forms.Form):
    message = forms.CharField(
        label=_("Absagegrund / Nachricht an Teilnehmende"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Steht in der Absage-E-Mail (optional)."),
    )


def event_cancellation_view(request, page_id, revision_id):
    """GET: "N Personen werden benachrichtigt" and the message; POST: publish the draft
    revision that cancels the event (with the message as changed here). The
    `page_published` receiver then cancels the registrations and queues the e-mails."""
    from wagtail.actions.publish_page_revision import PublishPageRevisionAction
    from wagtail.models import Page

    page = get_object_or_404(Page, pk=page_id).specific
    if not isinstance(page, event_model()):
        raise PermissionDenied
    if not page.permissions_for_user(request.user).can_publish():
        raise PermissionDenied
    lock = page.get_lock()
    if lock is not None and lock.for_user(request.user):
        raise PermissionDenied
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    revision = get_object_or_404(page.revisions, pk=revision_id)
    draft = revision.as_object()
    if revision.pk != page.latest_revision_id or not draft.is_cancelled:
        messages.warning(request, _("Die Seite wurde inzwischen geändert. Bitte prüfen Sie sie."))
        return HttpResponseRedirect(edit_url)
    count = booking.people_to_notify_of_cancellation(page)
    form = EventCancellationForm(
        request.POST or None, initial={"message": draft.cancellation_message}
    )
    if request.method == "POST" and form.is_valid():
        message = form.cleaned_data["message"]
        if message != draft.cancellation_message:
            draft.cancellation_message = message
            revision = draft.save_revision(user=request.user, log_action=True)
        PublishPageRevisionAction(revision, user=request.user).execute()
        messages.success(
            request,
            ngettext(
                "„%(title)s“ ist abgesagt; %(count)s Person wird benachrichtigt.",
                "„%(title)s“ ist abgesagt; %(count)s Personen werden benachrichtigt.",
                count,
            )
            % {"title": draft.title, "count": count},
        )
        return HttpResponseRedirect(reverse("wagtailadmin_explore", args=[page.get_parent().pk]))
    return TemplateResponse(
        request,
        "registrations/admin/event_cancellation.html",
        {"page": draft, "count": count, "form": form, "edit_url": edit_url},
    )


@hooks.register("register_admin_urls")
def register_event_cancellation_url():
    return [
        path(
            "events/<int:page_id>/absagen/<int:revision_id>/",
            event_cancellation_view,
            name="event_cancellation",
        )
    ]

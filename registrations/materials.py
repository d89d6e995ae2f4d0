"""Materials for participants ("nur für Teilnehmende", `models.ParticipantMaterial`):
who may see them, the follow-up e-mail of the coordination, and the guard on Wagtail's
own document URL.

- Only a **confirmed** registration (attended or not) sees them, through its personal
  link; the document is streamed by `certificate_views.material_download` after the
  token is checked.
- Wagtail serves every document at `/documents/<id>/<name>` (WAGTAILDOCS_SERVE_METHOD
  "serve_view", the default for local files): `refuse_public_download` answers 403 there
  for a participants' document unless the user may use the admin. The files themselves
  lie below MEDIA_ROOT/documents/: the web server must not serve that folder directly
  (see docs/registrations.md).
"""

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from .emails import personal_url
from .models import ParticipantMaterial, Registration, RegistrationStatus
from .services.outbox import queue_prepared_email


def may_see(registration):
    return registration is not None and registration.status == RegistrationStatus.CONFIRMED


def for_event(event):
    return list(
        ParticipantMaterial.objects.filter(page_id=event.pk)
        .select_related("document")
        .order_by("sort_order", "pk")
    )


def is_participant_document(document):
    return ParticipantMaterial.objects.filter(document=document).exists()


def refuse_public_download(document, request):
    """True if Wagtail's document view must refuse `document` to this request."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.has_perm("wagtailadmin.access_admin"):
        return False
    return is_participant_document(document)


def send_materials(event):
    """E-mail every confirmed participant of `event` the link to its materials (through
    the outbox, in each person's language). Returns the number of mails."""
    registrations = Registration.objects.filter(
        Q(status=RegistrationStatus.CONFIRMED), event=event, anonymised_at__isnull=True
    ).select_related("event")
    materials = for_event(event)
    count = 0
    for registration in registrations:
        with translation.override(registration.language or "de"):
            context = {
                "registration": registration,
                "event": event,
                "materials": materials,
                "personal_url": personal_url(registration) + "#unterlagen",
            }
            subject = _("Unterlagen: %(title)s") % {"title": event.title}
            text = render_to_string("registrations/emails/materials.txt", context)
            html = render_to_string("registrations/emails/materials.html", context)
        queue_prepared_email(registration.email, subject, text, html)
        count += 1
    return count

"""Admin of the registrations app: lists, actions, exports, panels (see `.admin`), and the
guard on Wagtail's document URL for materials for participants (`materials`)."""

from django.template.response import TemplateResponse
from wagtail import hooks

from . import materials
from .admin import actions, cancellation, exports, panels, viewsets  # noqa: F401


@hooks.register("before_serve_document")
def protect_participant_documents(document, request):
    """A document for participants only is not served at its public URL."""
    if materials.refuse_public_download(document, request):
        return TemplateResponse(
            request, "registrations/material_refused.html", {"document": document}, status=403
        )
    return None

"""Admin parts: the barrier report listing, the dashboard panel of the accessibility
statement (last review, review due, open reports, candidate parts not accessible), the
Impressum's warnings about missing details, the sign language videos and the Leichte
Sprache hints."""

from django.contrib import messages
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import easy_language, findings
from .admin import BarrierReportViewSet
from .impressum import missing_fields
from .models import (
    BarrierReport,
    BarrierReportStatus,
    ImpressumPage,
    SignLanguageVideo,
)
from .services.reviews import is_due, live_statements
from .statement import review_due_on

MAX_HINTS = 10


@hooks.register("register_admin_viewset")
def register_barrier_reports():
    return BarrierReportViewSet()


class SignLanguageVideoViewSet(SnippetViewSet):
    """The DGS videos; the upload is checked by `SignLanguageVideoForm` (ffprobe)."""

    model = SignLanguageVideo
    icon = "media"
    menu_label = _("Gebärdensprache-Videos")
    list_display = ["title", "resolution", "frame_rate", "running_time_display"]
    search_fields = ["title", "transcript"]


register_snippet(SignLanguageVideoViewSet)


class AccessibilityPanel(Component):
    """Dashboard: each statement with its last review and when the next is due (a warning
    once it is), the open barrier reports, and the page types the project's own a11y
    tests found problems on (`findings.py`)."""

    name = "accessibility_statement"
    order = 140
    template_name = "publicbody/admin/accessibility_panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        today = timezone.localdate()
        statements = [
            {"page": page, "due_on": review_due_on(page), "is_due": is_due(page, today)}
            for page in live_statements()  # one query, not a second one for the due ones
        ]
        can_view_reports = self.user.has_perm("publicbody.view_barrierreport")
        open_reports = (
            BarrierReport.objects.exclude(status=BarrierReportStatus.ANSWERED).order_by(
                "answer_due"
            )[:10]
            if can_view_reports
            else []
        )
        return {
            "statements": statements,
            "open_reports": open_reports,
            "can_view_reports": can_view_reports,
            "findings": findings.load(),
        }


@hooks.register("construct_homepage_panels")
def add_accessibility_panel(request, panels):
    if request.user.has_perm("wagtailadmin.access_admin"):
        panels.append(AccessibilityPanel(request.user))


def _warn_missing(request, page):
    page = page.specific
    if isinstance(page, ImpressumPage) and (missing := missing_fields(page)):
        messages.warning(
            request,
            _("Im Impressum fehlen Pflichtangaben (§ 5 DDG, § 18 MStV): %(fields)s")
            % {"fields": ", ".join(missing)},
        )
    _easy_language_hints(request, page)


def _easy_language_texts(page):
    """The texts to check: a Leichte Sprache page's own (`easy_language_texts`), else
    intro and body of the page the site's settings link as "Leichte Sprache" in the
    footer; None for any other page."""
    from kinderschutz_cms.models import NetworkSettings

    if hasattr(page, "easy_language_texts"):
        return page.easy_language_texts()
    site = page.get_site()
    if site is None or NetworkSettings.for_site(site).easy_language_page_id != page.pk:
        return None
    parts = [getattr(page, "intro", "") or ""]
    body = getattr(page, "body", None)
    if body is not None:
        parts.append(str(body.render_as_block()))
    return parts


def _easy_language_hints(request, page):
    """Leichte Sprache hints (never a block) after saving a Leichte Sprache page; at most
    `MAX_HINTS` messages."""
    texts = _easy_language_texts(page)
    if not texts:
        return
    # Each text on its own, so that a sentence never runs from one field into the next.
    found = [hint for text in texts if text for hint in easy_language.hints(text)]
    for hint in found[:MAX_HINTS]:
        messages.info(
            request,
            _("Leichte Sprache: %(message)s – „%(sentence)s“")
            % {"message": hint.message, "sentence": Truncator(hint.sentence).chars(80)},
        )


@hooks.register("after_create_page")
def warn_impressum_created(request, page):
    _warn_missing(request, page)


@hooks.register("after_edit_page")
def warn_impressum_edited(request, page):
    _warn_missing(request, page)

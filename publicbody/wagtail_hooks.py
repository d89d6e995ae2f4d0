"""Admin parts: the barrier report listing, the dashboard panel of the accessibility
statement (last review, review due, open reports, candidate parts not accessible) and the
Impressum's warnings about missing details."""

from django.contrib import messages
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.ui.components import Component

from . import findings
from .admin import BarrierReportViewSet
from .impressum import missing_fields
from .models import AccessibilityStatementPage, BarrierReport, BarrierReportStatus, ImpressumPage
from .services.reviews import statements_due
from .statement import review_due_on


@hooks.register("register_admin_viewset")
def register_barrier_reports():
    return BarrierReportViewSet()


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
        due = {page.pk for page in statements_due()}
        statements = [
            {"page": page, "due_on": review_due_on(page), "is_due": page.pk in due}
            for page in AccessibilityStatementPage.objects.live().order_by("path")
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


@hooks.register("after_create_page")
def warn_impressum_created(request, page):
    _warn_missing(request, page)


@hooks.register("after_edit_page")
def warn_impressum_edited(request, page):
    _warn_missing(request, page)

"""The admin's list of member organisations ("Netzwerk" → "Netzwerkpartner").

A flat listing of every member page the user may work on (Wagtail's `PageListingViewSet`),
in German alphabetical order (DIN 5007: the stored `MemberPage.sort_title`, whose index
gives a page of 20 rows without sorting a Land's 5,000 members first), with sector, town,
whether the member signed the current agreement of its site, and the date its contact
details were last checked. Filters: sector, signed, site; search by name. Each title links
to the page editor.

Queries are fixed: the sites and their current agreements (two), then one for the page of
members with their annotations (signed, last checked), plus Wagtail's own listing queries.
"""

import django_filters
from django.db.models import Exists, F, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.ui.tables.pages import BulkActionsColumn, PageStatusColumn
from wagtail.admin.views.pages.listing import IndexView, PageFilterSet
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.models import Site

from kinderschutz_cms.admin_tables import (
    PlainPageTitleColumn,
    ScopedPageFilters,
    SiteChoiceFilter,
    TextDateTimeColumn,
    explorable_leaf_pages,
)

from . import agreements
from .models import ContactPerson, MemberPage, Sector, Signatory


def current_agreement_ids() -> list[int]:
    """The ids of the current agreement of every site (two queries, whatever the number
    of sites: the sites, then `agreements.current_agreement_ids`)."""
    roots = Site.objects.values_list("root_page__path", flat=True)
    return [pk for pk in agreements.current_agreement_ids(roots).values() if pk is not None]


# What makes a page explorable in Wagtail's admin (PagePermissionPolicy.explorable_instances).
def annotate_members(members, agreement_ids):
    """`members` with `sector_name`, `signed` (signed one of
    `agreement_ids`, i.e. its site's current agreement) and `checked_on` (the latest of the
    member's own "Eintrag geprüft am" and its contact persons' "Angaben geprüft am")."""
    last_checked = (
        ContactPerson.objects.filter(page=OuterRef("pk"))
        .order_by()
        .values("page")
        .annotate(latest=Max("last_checked"))
        .values("latest")
    )
    return members.annotate(
        signed=Exists(
            Signatory.objects.filter(
                member=OuterRef("pk"), page_id__in=agreement_ids, withdrawn_on__isnull=True
            )
        ),
        contacts_checked=Subquery(last_checked),
        sector_name=F("sector__name"),
    ).annotate(
        # GREATEST ignores NULL on PostgreSQL but not on SQLite: coalesce both sides.
        checked_on=Greatest(
            Coalesce(F("last_checked"), F("contacts_checked")),
            Coalesce(F("contacts_checked"), F("last_checked")),
        ),
    )


class MemberFilterSet(ScopedPageFilters, PageFilterSet):
    site = SiteChoiceFilter()
    has_child_pages = None  # members have no child pages
    owner = None  # see ScopedPageFilters
    edited_by = None
    sector = django_filters.ModelChoiceFilter(
        label=_("Bereich"), queryset=Sector.objects.all(), empty_label=_("alle")
    )
    signed = django_filters.BooleanFilter(
        label=_("Aktuelle Vereinbarung unterzeichnet"), method="filter_signed"
    )

    class Meta:
        model = MemberPage
        fields = []

    def filter_signed(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(signed=value)


class MemberIndexView(IndexView):
    """Members in German alphabetical order, with the columns coordinators asked for."""

    # 20 rows (Wagtail's page listings show 50): with Wagtail's frame of about 65 KB, the
    # page stays under 100 KB (issue #19); the pagination pages on.
    paginate_by = 20
    default_ordering = "sort_title"
    base_filterset_class = MemberFilterSet
    base_columns = [
        BulkActionsColumn("bulk_actions"),
        PlainPageTitleColumn("title", label=_("Netzwerkpartner"), sort_key="sort_title"),
        # The sector's name as an annotation: the listing re-reads its rows (specific
        # pages), so a select_related does not reach them, one query per row would.
        Column("sector_name", label=_("Bereich"), sort_key="sector__sort_order"),
        Column("town", label=_("Ort"), sort_key="town"),
        BooleanColumn("signed", label=_("Aktuelle Vereinbarung unterzeichnet"), sort_key="signed"),
        TextDateTimeColumn("checked_on", label=_("Angaben geprüft am"), sort_key="checked_on"),
        PageStatusColumn("status", label=_("Status"), sort_key="live"),
    ]

    def order_queryset(self, queryset):
        """Equal titles in page id order, so that no member is on two pages or on none;
        the order, either way, is the index `members_member_sort_title_idx`."""
        queryset = super().order_queryset(queryset)
        if self.ordering in ("sort_title", "-sort_title"):
            queryset = queryset.order_by(self.ordering, self.ordering.replace("sort_title", "pk"))
        return queryset

    def get_base_queryset(self):
        condition = explorable_leaf_pages(self.request.user, self.permission_policy)
        members = self.annotate_queryset(MemberPage.objects.filter(condition))
        members = members.select_related("sector")
        return annotate_members(members, current_agreement_ids())


class MemberListingViewSet(PageListingViewSet):
    model = MemberPage
    name = "member_pages"
    url_prefix = "members/list"
    icon = "group"
    menu_label = _("Netzwerkpartner")
    index_view_class = MemberIndexView
    filterset_class = MemberFilterSet

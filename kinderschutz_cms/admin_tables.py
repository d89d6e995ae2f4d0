"""Columns and a filter for the admin's flat page listings (events, members) at a Land's
size.

Wagtail's page title column renders, per row, the explorer's "More" dropdown (edit, view
live, move, copy, delete, unpublish, history, sort: about 2.5 KB of markup a row, half of
a row's bytes). In a flat listing of one page type the title already links to the editor,
the status column to the live page, and Wagtail's bulk actions move, delete, publish and
unpublish the selected rows; so these listings show the title without the dropdown, and
dates as text. Their "Website" filter is one `<select>`, not Wagtail's checkbox per site
(50 at a Land). The page explorer keeps Wagtail's own columns and filters.
"""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.ui.tables.pages import PageTitleColumn
from wagtail.permission_policies.pages import PagePermissionPolicy

from .sites import in_site, sites_with


def explorable_sites(user):
    """The sites with at least one page `user` may explore in the admin (one query), by
    name: a coordinator of one network is never offered, nor shown the names of, the other
    networks of an installation."""
    return sites_with(PagePermissionPolicy().explorable_instances(user))


def explorable_leaf_pages(user, permission_policy) -> Q:
    """The pages without children (events, members) that `user` may explore, as Wagtail's
    page listings show them, written as ranges of the indexed tree path: the pages at or
    below one on which a group of the user holds a permission that lets them explore
    (`instances_with_direct_explore_permission`); nothing for an inactive user, no
    condition for a superuser or a permission at the tree's root.

    Wagtail's listings filter by `id IN (<explorable pages>)`, found with `path LIKE`,
    which SQLite serves from no index (every page of a Land's 51 sites read per request
    for one coordinator), and for a superuser `id IN (every page id)`, which made SQLite
    sort every row instead of reading a page of them from the sort column's index.
    Wagtail's other explorable pages, the ancestors of permitted pages, have children and
    so are never such pages."""
    if not user.is_active:
        return Q(pk__in=[])
    roots = permission_policy.instances_with_direct_explore_permission(user)
    if user.is_superuser or any(root.depth == 1 for root in roots):
        return Q()
    condition = Q(pk__in=[])
    for path in sorted({root.path for root in roots}):
        condition |= in_site(path)  # the subtree at or below `path`
    return condition


class PlainPageTitleColumn(PageTitleColumn):
    """The page's title, linked to its editor (for users who may edit it), with Wagtail's
    privacy and lock indicators, without the per-row action dropdown."""

    cell_template_name = "kinderschutz_cms/admin/page_title_cell.html"


class TextDateTimeColumn(Column):
    """A date or date-time as short text in the language's format ("25.11.2028 09:00"),
    where Wagtail's DateColumn shows a relative time ("vor 3 Monaten"; a future one as
    "Jetzt gerade") in a tooltip button of four times the bytes."""

    def get_value(self, instance):
        value = super().get_value(instance)
        if not value:
            return ""
        if hasattr(value, "tzinfo"):
            return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
        return date_format(value, "SHORT_DATE_FORMAT")


class SiteChoiceFilter(django_filters.ModelChoiceFilter):
    """The rows of one site, chosen from a `<select>` (as `?site=<id>`, the parameter of
    Wagtail's own site filter, which it replaces) of the sites `sites(user)` gives: by
    default those the user may explore (the flat page listings); the reports pass the
    sites with pages the user may work on (`members.reports.visible_sites`).

    `field` is how a row reaches its page ("" for pages, "page" for a contact person):
    the site's pages are a range of the indexed tree path (`kinderschutz_cms.sites.in_site`).
    """

    def __init__(self, sites=explorable_sites, field="", **kwargs):
        self.sites = sites
        self.page_field = field
        kwargs.setdefault("label", _("Website"))
        kwargs.setdefault("empty_label", _("alle"))
        super().__init__(queryset=lambda request: sites(request.user), **kwargs)

    def filter(self, queryset, site):
        if not site:
            return queryset
        return queryset.filter(in_site(site.root_page.path, self.page_field))


class ScopedPageFilters:
    """For a filter set with a `SiteChoiceFilter` "site": "Website" only for users who
    work on several of its sites. A `PageFilterSet` of a flat listing also sets `owner =
    None` and `edited_by = None` (django-filter drops a filter only when the class itself
    declares it None): their options are users of every page of the installation, other
    networks' editors included."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = getattr(self, "request", None)
        site = self.filters.get("site")
        if site is not None and (request is None or site.sites(request.user).count() < 2):
            del self.filters["site"]


class LinkColumn(Column):
    """A value linked to `get_link_url(instance, parent_context)` (None: not linked), in a
    plain cell: Wagtail's TitleColumn adds a title wrapper and a buttons block per row."""

    cell_template_name = "kinderschutz_cms/admin/link_cell.html"

    def get_link_url(self, instance, parent_context):
        return None

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["link_url"] = self.get_link_url(instance, parent_context)
        return context

"""The page explorer of pages with many children (a network's calendar, its member
directory), kept under 100 KB at a Land's size (issue #19).

Wagtail's explorer (`/admin/pages/<id>/`) of a calendar with 200 events was 291 KB: 50
rows of about 4.3 KB, 2.6 KB of which are the per-row "More" dropdown (edit, view live,
move, copy, delete, unpublish, history, sort: eight links with an icon each), plus a frame
whose filters list every site (a checkbox each, 51 at a Land), every page type and every
user who owns or edited a page anywhere in the installation.

Wagtail's own lever for this is a `PageViewSet` whose index view serves the explorer of
its `parent_models` (Wagtail 7.4 LTS and 8: `page_viewset_registry`, routed by the parent
page's type). `CompactExplorerViewSet(parent_model)` registers one for a parent page type
(`COMPACT_EXPLORER_PAGE_TYPES`, from kinderschutz_cms.wagtail_hooks); its listing,
`CompactExplorerIndexView`, is Wagtail's (same URL, columns, bulk actions, status side
panel, header buttons, search, ordering and permission filtering) but for:

- **No "More" dropdown per row.** Every one of its actions stays one click away: the
  title links to the editor, the status to the live page, and the editor's header menu
  has move, copy, delete, unpublish and history (and the buttons other apps register for
  the header, e.g. "Unterzeichnung erfassen"); the bulk actions move, delete, publish and
  unpublish the ticked rows. The row's other listing buttons (an event's seats,
  `registrations.admin.panels`) stay, and `construct_page_listing_buttons` still applies.
- **20 rows a page** instead of 50, as in the flat listings (`events.admin_listing`);
  sorting by menu order still shows every child, as Wagtail's does.
- **Filters scoped to the page explored:** the page types allowed below it, the owners
  and editors of pages below it (Wagtail lists every owner and editor of the
  installation, other networks' people included); no site filter (the pages below one
  page lie in one site; Wagtail's lists every site, 51 checkboxes at a Land) and no "has
  child pages" where no page below can have children.
- **No blank lines between the table's tags** (a third of a row's bytes; text unchanged).

At a Land (bench data, 200 events): 298 KB → 91 KB, 18 KB → 12 KB gzipped; one query
fewer than Wagtail's explorer (whose dropdown also checks eight permissions per row).
Another app's `PageViewSet` for a child type of these pages (Wagtail's default
`parent_models`) would take the explorer over from this one: the registry keeps the last.
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils.functional import cached_property
from django.utils.html import strip_spaces_between_tags
from django.utils.safestring import mark_safe
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables.pages import PageTable, PageTitleColumn
from wagtail.admin.views.pages.listing import ExplorableIndexView, GenericPageFilterSet
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.admin.widgets.button import BaseDropdownMenuButton, ListingButton
from wagtail.models import Page, PageLogEntry

from .sites import in_site

# The page types whose explorer is `CompactExplorerIndexView` (those of apps not installed
# are left out): pages whose children grow with a network's work, by the hundred at a Land.
COMPACT_EXPLORER_PAGE_TYPES = [
    "events.EventIndexPage",
    "members.MemberIndexPage",
    "news.NewsIndexPage",
]

# Wagtail paginates its page listings by 50; 20 rows keep the explorer of a calendar under
# 100 KB with Wagtail's frame (about 65 KB), as in the flat listings.
ROWS_PER_PAGE = 20


def row_buttons(page, user, next_url, context) -> list:
    """The listing buttons of `page`'s row as Wagtail's `{% page_listing_buttons %}` makes
    them (hooks `register_page_listing_buttons`, then `construct_page_listing_buttons` with
    the cell's `context`), without dropdown menus (Wagtail's "More"): a dropdown is left out
    before its `show` is asked, so the buttons of `register_page_listing_more_buttons` are
    not even built."""
    buttons = []
    for hook in hooks.get_hooks("register_page_listing_buttons"):
        for button in hook(page=page, next_url=next_url, user=user):
            if isinstance(button, BaseDropdownMenuButton):
                continue
            if isinstance(button, MenuItem):
                if button.is_shown(user):
                    buttons.append(ListingButton.from_menu_item(button))
            elif button.show:
                buttons.append(button)
    buttons.sort()
    for hook in hooks.get_hooks("construct_page_listing_buttons"):
        hook(buttons, page=page, user=user, context=context)
    return buttons


class CompactPageTitleColumn(PageTitleColumn):
    """Wagtail's explorer title cell (folder and site-root icons, privacy and lock
    indicators, the parent when searching, the row's listing buttons) without the "More"
    dropdown and without blank lines."""

    cell_template_name = "kinderschutz_cms/admin/explorer_title_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["buttons"] = row_buttons(
            instance,
            parent_context["request"].user,
            context["actions_next_url"] or parent_context["request"].path,
            context,
        )
        return context


class CompactExplorerFilterSet(GenericPageFilterSet):
    """Wagtail's explorer filters with their choices scoped to `parent_page` (see the
    module docstring)."""

    # All pages below one page lie in one site; Wagtail's filter lists every site of the
    # installation (51 checkboxes at a Land, other networks' names included). Searching
    # across sites is the page search's job (/admin/pages/search/).
    site = None

    def __init__(self, *args, parent_page=None, **kwargs):
        super().__init__(*args, **kwargs)
        if parent_page is None:
            return
        # A range of the indexed tree path: descendant_of's LIKE reads every page.
        below = Page.objects.filter(in_site(parent_page.path), depth__gt=parent_page.depth)
        users = get_user_model().objects.order_by()
        self.filters["owner"].queryset = users.filter(pk__in=below.order_by().values("owner_id"))
        edits = PageLogEntry.objects.filter(
            action="wagtail.edit", page_id__in=below.order_by().values("pk")
        )
        self.filters["edited_by"].queryset = users.filter(pk__in=edits.order_by().values("user_id"))
        models = parent_page.specific_class.allowed_subpage_models()
        types = ContentType.objects.get_for_models(*models, for_concrete_models=False)
        self.filters["content_type"].queryset = ContentType.objects.filter(
            pk__in=[t.pk for t in types.values()]
        ).order_by("model")
        if not any(model.allowed_subpage_models() for model in models):
            del self.filters["has_child_pages"]  # no page below this one has children


class CompactPageTable(PageTable):
    """Wagtail's page table without the blank lines and indentation its cell templates
    leave between tags (a third of a row's bytes); text and attributes unchanged."""

    def render_html(self, parent_context=None):
        return mark_safe(strip_spaces_between_tags(super().render_html(parent_context)))


class CompactExplorerIndexView(ExplorableIndexView):
    """Wagtail's explorer of a page's children, lighter per row (module docstring)."""

    paginate_by = ROWS_PER_PAGE
    table_class = CompactPageTable
    base_filterset_class = CompactExplorerFilterSet
    base_columns = [
        CompactPageTitleColumn(
            column.name,
            label=column.label,
            sort_key=column.sort_key,
            classname=column.classname,
        )
        if isinstance(column, PageTitleColumn)
        else column
        for column in ExplorableIndexView.base_columns
    ]

    def get_filterset_kwargs(self):
        return {**super().get_filterset_kwargs(), "parent_page": self.parent_page}


class CompactExplorerViewSet(PageViewSet):
    """The views of pages of type `model` (Wagtail's own, unchanged), and the explorer of
    their children: `CompactExplorerIndexView`, listing children of every type (as
    Wagtail's explorer does; `parent_models` is the page type itself, where Wagtail's
    default expects a child type that is the only one allowed below its parents)."""

    index_view_class = CompactExplorerIndexView
    filterset_class = CompactExplorerFilterSet  # the view's, not the viewset's default

    def __init__(self, model, **kwargs):
        name = f"compact_explorer_{model._meta.app_label}_{model._meta.model_name}"
        super().__init__(name=name, model=model, **kwargs)

    @cached_property
    def parent_models(self):
        return [self.model]

    @cached_property
    def index_view(self):
        return self.construct_view(self.index_view_class, **self._explorer_kwargs())

    @cached_property
    def index_results_view(self):
        return self.construct_view(
            self.index_view_class, **self._explorer_kwargs(), results_only=True
        )

    def _explorer_kwargs(self):
        # The explorer lists the children of every page type: its model is Page.
        return {**self.get_index_view_kwargs(), "model": Page}


def compact_explorer_viewsets() -> list[CompactExplorerViewSet]:
    """A `CompactExplorerViewSet` for each of `COMPACT_EXPLORER_PAGE_TYPES` whose app is
    installed (for the hook `register_admin_viewset`)."""
    viewsets = []
    for label in COMPACT_EXPLORER_PAGE_TYPES:
        app_label, model_name = label.split(".")
        if apps.is_installed(app_label):
            viewsets.append(CompactExplorerViewSet(apps.get_model(app_label, model_name)))
    return viewsets

"""Which network a page belongs to: one Wagtail Site is one network.

One installation can host several networks (a Landkreis with several Jugendamt districts, a
Land-level host), each a Wagtail Site with its own home, members, agreement, calendar and
news. Every list that is not the children of one index page (the home page's teasers and
numbers, the current agreement and who has not signed it, the site search, the reports)
is therefore limited to the pages of one site, never the whole page tree.

A page belongs to the site whose root page is its nearest ancestor (or itself), the rule
Wagtail follows to build a page's URL. The site's pages are then a prefix filter on the
tree path (a range of paths, `in_site`), which composes with any queryset, related lookups
included, and costs no query of its own: the site root paths come from Wagtail's cached
`Site.get_site_root_paths()`, which every rendered page link reads anyway. A page below no
site (a tree branch that no Site record points to yet) forms a network of its own: its
top-level branch.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Concat
from wagtail.models import Page, Site
from wagtail.permission_policies.pages import PagePermissionPolicy


def site_root_path(page: Page) -> str:
    """The tree path of the root page of the site `page` belongs to (see module docstring).

    No query when Wagtail's site root paths are cached; one otherwise.
    """
    for root in Site.get_site_root_paths():
        if page.url_path.startswith(root.root_path):
            # A url_path has one "/"-terminated segment per level below the tree root, so
            # the site root's depth is its number of slashes; its tree path is the page's
            # path cut at that depth.
            depth = root.root_path.count("/")
            return page.path[: Page.steplen * depth]
    return page.path[: Page.steplen * 2]


def path_after_subtree(path: str) -> str | None:
    """The least string after every tree path that starts with `path` (None if there is
    none): `path` with its last character that is not the alphabet's last one raised by
    one, cut after it ("00010003" gives "00010004", "0001000Z" gives "0001001")."""
    alphabet = Page.alphabet
    for index in range(len(path) - 1, -1, -1):
        position = alphabet.index(path[index])
        if position + 1 < len(alphabet):
            return path[:index] + alphabet[position + 1]
    return None


def in_site(root_path: str, field: str = "") -> Q:
    """A condition for the pages of the site whose root has the tree path `root_path`.

    `field` names the page relation to follow, e.g. "page" for a contact person's page
    (``in_site(root, "page")`` means the page's path starts with `root_path`). Written
    as a range of paths, not `path__startswith`: SQLite cannot use the index of the
    path column for Django's LIKE … ESCAPE, and would read every page of every site
    (issue #19, a Land's 51 sites); a range it reads from the index. Tree paths use
    only digits and capital letters, which every collation orders alike.
    """
    prefix = f"{field}__" if field else ""
    if not root_path:
        return Q()
    condition = Q(**{f"{prefix}path__gte": root_path})
    if (after := path_after_subtree(root_path)) is not None:
        condition &= Q(**{f"{prefix}path__lt": after})
    return condition


def site_pages_q(page: Page, field: str = "") -> Q:
    """`in_site` for the site `page` belongs to."""
    return in_site(site_root_path(page), field)


# Every tree path below a root sorts between the root's path and that path followed by the
# alphabet's last character (0-9A-Z, alike under every collation) to the column's length.
PATH_RANGE_END = Page.alphabet[-1] * Page._meta.get_field("path").max_length


def sites_with(pages: QuerySet) -> QuerySet:
    """The sites with at least one of `pages` below (or at) their root, by name, in one
    query. A site's pages are a range of the indexed tree path, not `path LIKE
    root_path || '%'`: a LIKE whose pattern comes from another column uses no index, one
    scan of every page per site (issue #19: 0.5 s at a Land's 51 sites)."""
    root_path = OuterRef("root_page__path")
    below = pages.filter(path__gte=root_path, path__lte=Concat(root_path, Value(PATH_RANGE_END)))
    return (
        Site.objects.filter(Exists(below))
        .select_related("root_page")
        .order_by("site_name", "hostname", "port")
    )


def editable_sites(user) -> QuerySet:
    """The sites with at least one page `user` may edit (all sites for a superuser): the
    sites whose site-wide parts (e-mail texts, external calendars) they manage. A
    coordinator whose page permissions start below the home page (the calendar, say)
    manages their site as well. One query (`sites_with`)."""
    if user.is_superuser:
        return Site.objects.all()
    return sites_with(
        PagePermissionPolicy().instances_user_has_any_permission_for(user, {"change"})
    )

"""Add many live pages in a few queries, for tests that need a network of 1,000 members or
events (query counts at two sizes) and cannot wait for 1,000 `add_child` calls.

`bulk_add_children` writes the rows `add_child` would write (tree path, depth, url_path,
locale, content type, one row per table of a multi-table page model), without revisions,
search index entries or reference index rows; the pages' child rows (contact persons,
dates, tags) are written by the caller with `bulk_create`.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone
from wagtail.models import Page

BATCH = 100


def _tables(model):
    """The concrete models of `model` below Page, from the nearest to Page down to itself."""
    parents = set(model._meta.get_parent_list())
    chain = [m for m in reversed(model.__mro__) if m in parents and m is not Page]
    return [*chain, model]


def bulk_add_children(parent: Page, pages: list[Page]) -> list[Page]:
    """Save unsaved `pages` (all of one model) as live children of `parent`, in order."""
    parent = Page.objects.get(pk=parent.pk)
    model = type(pages[0])
    content_type = ContentType.objects.get_for_model(model)
    now = timezone.now()
    base_rows = []
    for number, page in enumerate(pages, start=parent.numchild + 1):
        page.depth = parent.depth + 1
        page.path = Page._get_path(parent.path, page.depth, number)
        page.url_path = f"{parent.url_path}{page.slug}/"
        page.locale_id = parent.locale_id
        page.content_type = content_type
        page.draft_title = page.title
        page.live = True
        page.first_published_at = page.last_published_at = now
        base_rows.append(
            Page(**{f.attname: getattr(page, f.attname) for f in Page._meta.concrete_fields})
        )
    Page.objects.bulk_create(base_rows, batch_size=BATCH)
    for page, row in zip(pages, base_rows, strict=True):
        page.pk = page.id = row.pk
        for table in _tables(model):
            setattr(page, table._meta.pk.attname, row.pk)
    for table in _tables(model):
        fields = table._meta.local_concrete_fields
        for start in range(0, len(pages), BATCH):
            table._base_manager.using(connection.alias)._insert(
                pages[start : start + BATCH], fields=fields, raw=True
            )
    Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + len(pages))
    for page in pages:
        page._state.adding = False
    return pages

"""RSS 2.0 and Atom feeds of a news index: the latest articles with their teasers.

Served as routes of `NewsIndexPage` (`<index>/rss/`, `<index>/atom/`) and announced in the
page head with `<link rel="alternate">`. Links are absolute, built from the request.
"""

import datetime

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from . import conf


class NewsRssFeed(Feed):
    """The latest `KINDERSCHUTZ_NEWS_FEED_LENGTH` articles of one index (RSS 2.0)."""

    def __init__(self, index_page):
        self.index_page = index_page

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return self.index_page.title

    def link(self):
        return self.index_page.get_url(self.request)

    def description(self):
        return self.index_page.intro or self.index_page.title

    def items(self):
        return list(self.index_page.articles()[: conf.get("KINDERSCHUTZ_NEWS_FEED_LENGTH")])

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.teaser

    def item_link(self, item):
        return item.get_url(self.request)

    def item_guid(self, item):
        # Stable across URL changes (slug or parent moves): the page's id, not its URL.
        return f"urn:kinderschutz-cms:news:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        published = item.first_published_at
        if published and timezone.localdate(published) == item.date:
            return published
        # The article's date is what editors set; noon avoids a shift of day in any zone.
        return timezone.make_aware(datetime.datetime.combine(item.date, datetime.time(12)))

    def item_updateddate(self, item):
        return item.last_published_at or self.item_pubdate(item)

    def item_author_name(self, item):
        return item.author or None

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class NewsAtomFeed(NewsRssFeed):
    """The same articles as an Atom 1.0 feed."""

    feed_type = Atom1Feed

    def subtitle(self):
        return self.description()

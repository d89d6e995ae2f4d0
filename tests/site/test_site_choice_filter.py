"""The one "Website" filter of the admin (`kinderschutz_cms.admin_tables.SiteChoiceFilter`):
the flat page listings offer the sites the user may explore, the reports those with pages
the user works on; both are the same filter given another site query."""

import pytest
from django.test import RequestFactory
from wagtail.admin.filters import WagtailFilterSet
from wagtail.models import Page, Site

from kinderschutz_cms.admin_tables import ScopedPageFilters, SiteChoiceFilter, explorable_sites
from members.admin_checks import CheckStatusFilterSet
from members.admin_signatures import SignatureFilterSet
from members.reports import (
    IsefFilterSet,
    MemberSiteSectorFilterSet,
    ReviewWindowFilterSet,
    visible_sites,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_b(home_page):
    home_b = Page.get_first_root_node().add_child(
        instance=type(home_page)(title="Netzwerk B", slug="netzwerk-b")
    )
    return Site.objects.create(hostname="b.test", root_page=home_b, site_name="Netzwerk B")


def _filters(sites, user, query=None):
    class Filters(ScopedPageFilters, WagtailFilterSet):
        site = SiteChoiceFilter(sites=sites)

        class Meta:
            model = Page
            fields = []

    request = RequestFactory().get("/", query or {})
    request.user = user
    return Filters(query or {}, queryset=Page.objects.all(), request=request)


def test_the_filter_offers_the_sites_of_the_query_it_is_given(home_page, site_b, django_user_model):
    user = django_user_model.objects.create_user("koord", password="x")
    both = _filters(lambda user: Site.objects.order_by("hostname"), user)
    assert [s.hostname for s in both.filters["site"].queryset(both.request)] == [
        "b.test",
        "testserver",
    ]
    chosen = _filters(
        lambda user: Site.objects.order_by("hostname"), user, {"site": str(site_b.pk)}
    )
    assert {page.pk for page in chosen.qs} == {site_b.root_page_id}

    # a query of one site: nothing to choose, so no filter
    one = _filters(lambda user: Site.objects.filter(pk=site_b.pk), user)
    assert "site" not in one.filters
    # the query is asked for the requesting user
    nobody = _filters(explorable_sites, user)
    assert "site" not in nobody.filters


def test_listings_and_reports_use_the_same_filter_with_their_site_query():
    assert SiteChoiceFilter().sites is explorable_sites
    for filter_set, field in [
        (MemberSiteSectorFilterSet, ""),
        (ReviewWindowFilterSet, ""),
        (IsefFilterSet, "page"),
        (SignatureFilterSet, "page"),
        (CheckStatusFilterSet, "member"),
    ]:
        site = filter_set.base_filters["site"]
        assert type(site) is SiteChoiceFilter
        assert site.sites is visible_sites and site.page_field == field

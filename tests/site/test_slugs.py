"""Slugs without umlauts (ä→ae, ö→oe, ü→ue, ß→ss), so that links in e-mails read well."""

import pytest
from django.urls import reverse
from django.utils.text import slugify
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, streamfield

from kinderschutz_cms.models import ContentPage
from kinderschutz_cms.slugs import german_slugify

TITLE = "Fortbildung Übergänge gestalten"


def test_german_slugify_transliterates_umlauts_and_sharp_s():
    assert german_slugify("Äußere Öffnung: Grüße") == "aeussere-oeffnung-gruesse"
    assert german_slugify("ÜBER STRAẞE") == "ueber-strasse"


def _create(admin_client, home_page, slug):
    data = nested_form_data({"title": TITLE, "slug": slug, "intro": "", "body": streamfield([])})
    url = reverse("wagtailadmin_pages:add", args=("kinderschutz_cms", "contentpage", home_page.pk))
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    return ContentPage.objects.get(title=TITLE)


@pytest.mark.parametrize(
    "posted_slug",
    [slugify(TITLE, allow_unicode=True), slugify(TITLE)],
    ids=["wagtail unicode slug", "wagtail ascii slug"],
)
def test_page_created_in_the_admin_gets_a_slug_without_umlauts(
    admin_client, home_page, posted_slug
):
    page = _create(admin_client, home_page, posted_slug)
    assert page.slug == "fortbildung-uebergaenge-gestalten"


def test_a_chosen_slug_and_a_published_pages_slug_are_kept(admin_client, home_page):
    page = home_page.add_child(instance=ContentPage(title="Grüße", slug="grüße-extra"))
    assert page.slug == "grüße-extra"
    published = home_page.add_child(instance=ContentPage(title="Straße"))
    assert published.slug == "strasse"
    Page.objects.filter(pk=published.pk).update(slug="straße")
    published.refresh_from_db()
    published.save_revision().publish()
    published.refresh_from_db()
    assert published.slug == "straße"  # an existing page's address does not change


def test_page_created_without_slug_gets_one_without_umlauts(home_page):
    page = home_page.add_child(instance=ContentPage(title=TITLE))
    assert page.slug == "fortbildung-uebergaenge-gestalten"


def test_second_page_with_the_same_title_gets_a_numbered_slug(home_page):
    first = home_page.add_child(instance=ContentPage(title="Übergänge"))
    second = home_page.add_child(instance=ContentPage(title="Übergänge"))
    assert (first.slug, second.slug) == ("uebergaenge", "uebergaenge-2")

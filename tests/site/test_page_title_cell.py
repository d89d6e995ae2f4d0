"""The flat admin listings' title cell (`kinderschutz_cms.admin_tables.PlainPageTitleColumn`)
shows each page's locale, as Wagtail's own title cell does, when the content is in several
languages (WAGTAIL_I18N_ENABLED)."""

import re

import pytest
from wagtail.models import Locale

from tests.events.factories import make_index
from tests.members.factories import make_member, make_member_index
from tests.registration.factories import make_registration_event

pytestmark = pytest.mark.django_db

LABEL = re.compile(r'<span class="w-status w-status--label">\s*([^<]+?)\s*</span>')


def _rows(html):
    """The title cells of a listing: (title, locale labels) per row."""
    cells = re.findall(r'<td class="title" data-listing-page-title>(.*?)</td>', html, re.S)
    return [
        (re.search(r'_title">([^<]+)</span>', cell).group(1), LABEL.findall(cell)) for cell in cells
    ]


@pytest.fixture
def in_two_locales(home_page):
    """A member and an event in German, and their English translations."""
    english = Locale.objects.create(language_code="en")
    member = make_member(make_member_index(home_page), title="Kita Sonnenschein")
    event = make_registration_event(make_index(home_page), title="Fachtag Kinderschutz")
    for page in (member, event):
        translation = page.copy_for_translation(english, copy_parents=True)
        translation.title = f"{page.title} (en)"
        translation.save_revision().publish()
    return member, event


@pytest.mark.parametrize(
    "url, title",
    [
        ("/admin/members/list/", "Kita Sonnenschein"),
        ("/admin/events/list/", "Fachtag Kinderschutz"),
    ],
)
def test_each_row_shows_its_locale_when_pages_are_in_several_languages(
    admin_client, settings, in_two_locales, url, title
):
    settings.WAGTAIL_I18N_ENABLED = True
    response = admin_client.get(url)
    assert response.status_code == 200
    rows = dict(_rows(response.content.decode()))
    assert rows[title] == ["Deutsch"]
    assert rows[f"{title} (en)"] == ["Englisch"]


def test_no_locale_label_without_translations(admin_client, settings, in_two_locales):
    settings.WAGTAIL_I18N_ENABLED = False
    rows = _rows(admin_client.get("/admin/members/list/").content.decode())
    assert rows and all(labels == [] for _title, labels in rows)

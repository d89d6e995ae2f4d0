"""Each app reads its settings from its own conf.py, with defaults: a host site sets none.

The plugin pages extend the base template named by KINDERSCHUTZ_BASE_TEMPLATE (through the
context processor kinderschutz_cms.context_processors.plugin), "base.html" by default.
"""

import datetime

import pytest
from django.conf import settings
from django.test import override_settings

from kinderschutz_cms import links
from members import conf as members_conf
from news import conf as news_conf
from tests.members.factories import make_member_index, make_members
from tests.news.factories import make_article, make_index

pytestmark = pytest.mark.django_db

PLUGIN_CONTEXT_PROCESSOR = "kinderschutz_cms.context_processors.plugin"


def templates_with(*extra_processors, dirs=None):
    """The TEMPLATES setting of the test settings with further context processors."""
    engine = dict(settings.TEMPLATES[0])
    options = dict(engine["OPTIONS"])
    options["context_processors"] = [*options["context_processors"], *extra_processors]
    engine["OPTIONS"] = options
    if dirs is not None:
        engine["DIRS"] = [*dirs, *engine["DIRS"]]
    return [engine]


@pytest.fixture
def own_base_template(tmp_path):
    """A host site's base template with the block names the plugin templates fill."""
    (tmp_path / "host_base.html").write_text(
        "<!DOCTYPE html><html><head><title>{% block title %}{% endblock %} – Host</title>"
        "{% block extra_head %}{% endblock %}</head>"
        '<body class="{% block body_class %}{% endblock %}"><div id="host-frame">'
        "{% block content %}{% endblock %}</div></body></html>"
    )
    return tmp_path


def test_plugin_pages_extend_the_configured_base_template(client, home_page, own_base_template):
    make_index(home_page)
    with override_settings(
        TEMPLATES=templates_with(PLUGIN_CONTEXT_PROCESSOR, dirs=[own_base_template]),
        KINDERSCHUTZ_BASE_TEMPLATE="host_base.html",
    ):
        for url in ("/", "/aktuelles/"):
            html = client.get(url).content.decode()
            assert '<div id="host-frame">' in html, url
            assert 'class="skip-link"' not in html, url  # not our frame
        head = html.split("</head>")[0]
        assert 'type="application/rss+xml"' in head  # extra_head is filled


def test_plugin_pages_default_to_base_html(client, home_page):
    make_index(home_page)
    with override_settings(TEMPLATES=templates_with(PLUGIN_CONTEXT_PROCESSOR)):
        response = client.get("/aktuelles/")
    assert response.context["kinderschutz_base_template"] == "base.html"
    assert 'class="skip-link"' in response.content.decode()


def test_directory_page_size_is_a_setting(client, home_page):
    assert members_conf.DEFAULTS["KINDERSCHUTZ_MEMBERS_PER_PAGE"] == 20
    make_members(make_member_index(parent=home_page), 7)
    with override_settings(KINDERSCHUTZ_MEMBERS_PER_PAGE=5):
        response = client.get("/netzwerkpartner/")
    assert len(response.context["members"]) == 5
    assert response.context["paginator"].num_pages == 2


def test_news_page_size_and_feed_length_are_settings(client, home_page):
    index = make_index(home_page)
    for number in range(4):
        make_article(
            index,
            title=f"Nachricht {number}",
            slug=f"nachricht-{number}",
            date=datetime.date(2026, 1, 1) + datetime.timedelta(days=number),
        )
    assert news_conf.DEFAULTS == {
        "KINDERSCHUTZ_NEWS_PER_PAGE": 10,
        "KINDERSCHUTZ_NEWS_FEED_LENGTH": 20,
    }
    with override_settings(KINDERSCHUTZ_NEWS_PER_PAGE=3, KINDERSCHUTZ_NEWS_FEED_LENGTH=2):
        page = client.get("/aktuelles/")
        rss = client.get("/aktuelles/rss/").content.decode()
    assert len(page.context["articles"]) == 3
    assert rss.count("<item>") == 2


def test_links_without_the_wagtail_base_url_setting(home_page):
    with override_settings():
        del settings.WAGTAILADMIN_BASE_URL
        assert links.absolute_url("/anmeldung/x/") == "/anmeldung/x/"

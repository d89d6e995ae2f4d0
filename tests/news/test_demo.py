import pytest
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from demo import news as demo
from demo import site as site_demo
from kinderschutz_cms.models import ContentPage
from news.models import NewsPage

pytestmark = pytest.mark.django_db


def test_demo_builds_articles_once_and_links_home(client):
    home = site_demo.build_site()
    home.add_child(instance=ContentPage(title="Netzwerkpartner", slug="netzwerkpartner"))

    demo.build(home)
    demo.build(home)

    articles = NewsPage.objects.live()
    assert articles.count() == len(demo.ARTICLES)
    assert all(article.image_id and article.image_alt for article in articles)
    assert get_image_model().objects.count() == len(demo.ARTICLES)
    assert get_document_model().objects.count() == 1
    home.refresh_from_db()
    assert home.news_page.slug == "aktuelles"
    assert home.directory_page.slug == "netzwerkpartner"
    assert home.agreement_page is None

    fachtag = articles.get(slug="rueckblick-fachtag-schutzkonzepte")
    assert [block.block_type for block in fachtag.body][-1] == "document"
    response = client.get(fachtag.url, HTTP_HOST="localhost")
    assert response.status_code == 200
    assert "Folien Impulsvortrag Schutzkonzepte" in response.content.decode()
    assert "(PDF, " in response.content.decode()  # with its size

import pytest

from .audit import html_errors
from .pages import PAGES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_tmp(site, client):
    docs = {}
    for name in ("easy_language_page", "sign_language_page", "home"):
        docs[name] = client.get(PAGES[name](site).url).content.decode()
    errors = html_errors(docs)
    assert not errors, errors

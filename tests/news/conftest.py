import pytest

from .factories import make_index


@pytest.fixture
def news_index(home_page):
    return make_index(home_page)

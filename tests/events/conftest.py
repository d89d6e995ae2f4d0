import pytest
from django.core.cache import cache

from .factories import make_index


@pytest.fixture(autouse=True)
def _empty_cache():
    """Built calendars are cached by ETag; every test starts without them."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def index(home_page):
    return make_index(home_page)

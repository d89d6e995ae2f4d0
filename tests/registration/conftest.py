import pytest
from django.core.cache import cache

from .factories import make_registration_event


@pytest.fixture(autouse=True)
def _registration_settings(settings):
    """No spam delays, no rate limit, a clean cache (tests that test them switch them on)."""
    settings.REGISTRATION_MIN_FILL_SECONDS = 0
    settings.REGISTRATION_RATE_LIMIT = None
    settings.REGISTRATION_INVALID_RATE_LIMIT = None
    settings.REGISTRATION_EMAIL_RATE_LIMIT = None
    settings.REGISTRATION_MAIL_LIMIT = None
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def index(home_page):
    from tests.events.factories import make_index

    return make_index(home_page)


@pytest.fixture
def event(index):
    return make_registration_event(index, capacity=2)

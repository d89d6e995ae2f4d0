import pytest
from django.core.cache import cache

from kinderschutz_cms.models import NetworkSettings


@pytest.fixture(autouse=True)
def _publicbody_settings(settings):
    """No fill delay, no rate limit, a clean cache (tests of them switch them on)."""
    settings.BARRIER_REPORT_MIN_FILL_SECONDS = 0
    settings.BARRIER_REPORT_RATE_LIMIT = None
    settings.REGISTRATION_MAIL_LIMIT = None
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def coordination(home_page):
    """The default site's settings with the coordination's address (who gets notices)."""
    site = home_page.get_site()
    network = NetworkSettings.for_site(site)
    network.coordination_email = "netzwerk@kinderschutz.example"
    network.save()
    return site

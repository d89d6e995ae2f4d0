"""The demo configures the Wagtail Site for the address it is served on."""

import pytest
from wagtail.models import Site

from demo import site as demo

pytestmark = pytest.mark.django_db


def test_demo_site_gets_the_host_and_port_it_is_served_on(wagtail_tree, settings):
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
    home = demo.build_site()
    assert (Site.objects.get().hostname, Site.objects.get().port) == ("127.0.0.1", 8000)
    assert home.full_url == "http://127.0.0.1:8000/"

    demo.build_site(base_url="http://127.0.0.1:8001")  # serve-prod, run again
    site = Site.objects.get()
    assert (site.hostname, site.port, site.is_default_site) == ("127.0.0.1", 8001, True)
    assert demo.site_address("https://kinderschutz.landkreis.example") == (
        "kinderschutz.landkreis.example",
        443,
    )

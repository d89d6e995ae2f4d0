"""The admin makes no requests to third parties."""

import pytest

pytestmark = pytest.mark.django_db


def test_admin_pages_load_no_gravatar(admin_client, home_page):
    for url in ("/admin/", "/admin/account/", f"/admin/pages/{home_page.pk}/"):
        html = admin_client.get(url).content.decode()
        assert "gravatar" not in html.lower(), url

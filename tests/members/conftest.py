"""Fixtures of the members tests: a published directory below the test site's home page."""

import pytest

from .factories import MemberIndexPageFactory


@pytest.fixture
def index_page(home_page):
    return MemberIndexPageFactory(parent=home_page)

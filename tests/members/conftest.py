"""Fixtures of the members tests: a published directory below the test site's home page."""

import pytest

from .factories import make_member_index


@pytest.fixture
def index_page(home_page):
    return make_member_index(parent=home_page)

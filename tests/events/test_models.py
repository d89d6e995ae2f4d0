"""Page rules and the bookkeeping that does not need HTTP."""

import pytest

from events.models import (
    EventIndexPage,
    EventPage,
    FachtagPage,
    NetworkMeetingPage,
    TrainingPage,
)
from kinderschutz_cms.models import NetworkHomePage

from .factories import make_event

pytestmark = pytest.mark.django_db


def test_page_tree_rules(home_page, index):
    assert EventIndexPage.allowed_parent_page_models() == [NetworkHomePage]
    assert EventIndexPage.can_create_at(home_page)
    assert not EventIndexPage.can_create_at(index)
    for model in (TrainingPage, FachtagPage, NetworkMeetingPage):
        assert model.can_create_at(index)
        assert not model.can_create_at(home_page)
        assert model.allowed_subpage_models() == []
    assert not EventPage.is_creatable


def test_copied_event_gets_new_uids(index):
    page = make_event(index)
    copy = page.copy(update_attrs={"slug": "kopie", "title": "Kopie"})

    original_uid = page.dates.get().uid
    copied_uid = EventPage.objects.get(pk=copy.pk).dates.get().uid
    assert copied_uid != original_uid
    assert copied_uid.endswith("@kinderschutz-cms")

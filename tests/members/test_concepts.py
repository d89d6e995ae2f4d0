"""Protection concepts on record (#13): shown, filtered in the directory, reviews due."""

import datetime

import pytest
from django.urls import reverse

from members.concepts import concepts_due_for_review

from .factories import make_member

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture
def concepts(index_page):
    return {
        "overdue": make_member(
            index_page,
            title="Jugendhaus Ost",
            concept_status="adopted",
            concept_adopted_on=datetime.date(2020, 1, 1),
            concept_reviewed_on=datetime.date(2024, 5, 1),
        ),
        "fresh": make_member(
            index_page,
            title="Kita Sonnenschein",
            concept_status="adopted",
            concept_adopted_on=datetime.date(2025, 9, 1),
        ),
        "never_reviewed": make_member(
            index_page,
            title="Familienzentrum Mitte",
            concept_status="adopted",
            concept_adopted_on=datetime.date(2023, 2, 1),
        ),
        "in_progress": make_member(index_page, title="Sportverein", concept_status="in_progress"),
    }


def test_reviews_are_due_after_the_configured_years(concepts, settings):
    due = [m.title for m in concepts_due_for_review(TODAY)]
    assert due == ["Familienzentrum Mitte", "Jugendhaus Ost"]
    settings.KINDERSCHUTZ_CONCEPT_REVIEW_YEARS = 4
    assert [m.title for m in concepts_due_for_review(TODAY)] == []


def test_the_coordinator_report_lists_due_concepts(admin_client, concepts):
    response = admin_client.get(reverse("members_concepts_due:index"))
    assert response.status_code == 200
    assert "Jugendhaus Ost" in response.text and "Sportverein" not in response.text
    assert "Kita Sonnenschein" not in response.text


def test_the_directory_filters_by_concept(client, index_page, concepts):
    response = client.get(index_page.url + "?concept=in_progress")
    titles = [m.title for m in response.context["members"]]
    assert titles == ["Sportverein"]
    invalid = client.get(index_page.url + "?concept=gibtsnicht")
    assert invalid.status_code == 200 and len(invalid.context["members"]) == 4


def test_the_member_page_shows_the_concept(client, concepts):
    response = client.get(concepts["overdue"].url)
    assert "Schutzkonzept" in response.text and "beschlossen" in response.text


def test_the_concept_is_edited_in_the_admin_panel(admin_client, concepts):
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[concepts["fresh"].pk]))
    assert 'name="concept_status"' in response.text and 'name="concept_consultant"' in response.text
